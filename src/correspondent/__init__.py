"""Correspondent: tracks email into a CRM as email activities."""

__version__ = "0.1.0"
