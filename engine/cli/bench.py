"""``python -m engine bench NAME``: benchmarks that print figures and ratios.

Each benchmark is a module of :mod:`engine.benchmarks` exposing ``register(subparsers)``;
it runs the original recipe and ours side by side in one process, since machines
here are too noisy to compare figures taken in separate runs.
"""

from __future__ import annotations

import importlib

BENCHMARKS = ("transfer", "reproduce", "gallery", "lesson", "synth", "mix", "plan", "check", "color")


def register(subparsers) -> None:
    parser = subparsers.add_parser("bench", help="benchmarks against the original recipes")
    benches = parser.add_subparsers(dest="benchmark", metavar="BENCHMARK", required=True)
    for name in BENCHMARKS:
        importlib.import_module(f"engine.benchmarks.{name}").register(benches)
