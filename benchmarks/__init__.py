"""Benchmarks of pytest-cloudcontrol: run them with ``python benchmarks/run.py`` (see its docstring)."""
