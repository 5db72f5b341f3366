"""Small helpers shared by the command-line modules."""

from __future__ import annotations

import json
import sys

from engine.errors import InputError


def print_json(payload) -> None:
    """Print one JSON object on stdout (machine-readable output of ``--json``)."""
    json.dump(payload, sys.stdout, indent=2, default=_jsonable)
    sys.stdout.write("\n")


def _jsonable(value):
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def canvas_option(text: str):
    """``--canvas`` as ``(width, height, unit)``; a size the engine cannot read is the user's mistake."""
    from engine.lesson.grid import parse_canvas

    try:
        return parse_canvas(text)
    except ValueError as error:
        raise InputError(f"--canvas: {error}") from None


def colors_option(colors: int) -> int:
    """``--colors`` checked against the palette's limits before any work starts."""
    from engine.lesson.palette import MAX_COLORS_LIMIT

    if not 1 <= colors <= MAX_COLORS_LIMIT:
        raise InputError(f"--colors must be from 1 to {MAX_COLORS_LIMIT}; got {colors}.")
    return colors
