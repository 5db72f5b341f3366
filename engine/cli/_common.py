"""Small helpers shared by the command-line modules."""

from __future__ import annotations

import json
import sys


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
