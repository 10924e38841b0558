"""The pure domain: records, activities, parties, regarding, correlation and policies.

Nothing here performs I/O or imports a framework; everything is plain Python.
"""
