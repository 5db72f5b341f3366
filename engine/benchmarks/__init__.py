"""Benchmarks run by ``python -m engine bench``: ours against the original recipes, in one process."""
