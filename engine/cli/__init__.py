"""``python -m engine``: every engine capability from the command line.

Each sub-command lives in its own module of this package and exposes
``register(subparsers)``, which adds its parser and sets ``func`` to the function
that runs it (returning the process exit status). Heavy libraries (TensorFlow,
scikit-image) are imported inside those functions so ``--help`` stays instant.

A mistake in what the user gave (:class:`engine.errors.InputError`) ends with its message
and status 2; anything else is a bug and ends with its traceback (status 1).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from engine.errors import InputError

COMMANDS = ("stylize", "palette", "steps", "lesson", "mix", "synth", "layers", "plan", "check", "bench")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m engine",
        description="Painting Assistant engine: style transfer, palettes, painting steps, "
        "lesson plans, synthetic paintings, stroke layers and benchmarks.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"engine.cli.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except InputError as error:  # the user's mistake: a message, not a traceback
        print(f"error: {error}", file=sys.stderr)
        return 2
