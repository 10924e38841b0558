"""Use cases: one function or class each, working through a unit of work."""
