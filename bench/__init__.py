"""Load and scale benchmarks against PostgreSQL (`make bench`, `python -m bench --help`).

Not part of the test suite: it starts gunicorn on the real app in production settings, loads the
bench database, drives HTTP load from separate processes and prints one table.
"""
