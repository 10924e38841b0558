"""On-demand benchmarks (never run as tests); each prints its figures."""
