"""The ``correspondent`` command line (Typer)."""
