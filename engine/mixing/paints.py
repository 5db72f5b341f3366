"""Paint sets: the built-in default set of artist tube paints, and user sets from JSON.

A paint is a name and a representative *masstone* colour (the paint straight from the
tube, spread thick). The default colours are the mean sRGB of Williamsburg Handmade
Oil Colors' published masstone swatches, as sampled in the public table
"Finding the Hex and RGB values for Williamsburg Oil Paints"
(github.com/danielmberry/oil-paints-to-hex, README "Color List"); the swatch each value
comes from is written beside it. Paint names are matched without regard to case.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import numpy as np

from engine.errors import InputError

MIN_PAINTS = 1  # the engine mixes with any non-empty set; the studio asks for 3 or more
MAX_PAINTS = 30
MAX_NAME_LENGTH = 60
_HEX = re.compile(r"^#?([0-9a-fA-F]{6})$")


@dataclass(frozen=True)
class Paint:
    """One tube paint: a display name and its masstone colour."""

    name: str
    rgb: tuple[int, int, int]

    @property
    def hex(self) -> str:
        return "#{:02x}{:02x}{:02x}".format(*self.rgb)

    def to_json(self) -> dict:
        return {"name": self.name, "hex": self.hex}


def parse_hex(text) -> tuple[int, int, int]:
    """``"#rrggbb"`` (or ``"rrggbb"``) → ``(r, g, b)`` ints 0–255; ValueError otherwise."""
    match = _HEX.match(str(text).strip()) if text is not None else None
    if match is None:
        raise InputError(f"{text!r} is not a colour: write it as #rrggbb, e.g. #1a2b3c.")
    value = int(match.group(1), 16)
    return (value >> 16) & 255, (value >> 8) & 255, value & 255


def _paint(name: str, hex_color: str) -> Paint:
    return Paint(name, parse_hex(hex_color))


# name, masstone sRGB, and the Williamsburg swatch the value was sampled from.
DEFAULT_PAINTS: tuple[Paint, ...] = (
    _paint("titanium white", "#f5f2e1"),  # Williamsburg "Titanium White"
    _paint("ivory black", "#191e20"),  # Williamsburg "Ivory Black"
    _paint("cadmium yellow light", "#f0de28"),  # Williamsburg "Cadmium Yellow Light"
    _paint("cadmium yellow medium", "#f1d220"),  # Williamsburg "Cadmium Yellow Medium"
    _paint("yellow ochre", "#ae802b"),  # Williamsburg "Yellow Ochre (Domestic)"
    _paint("cadmium orange", "#ee7e19"),  # Williamsburg "Cadmium Orange"
    _paint("cadmium red light", "#e05319"),  # Williamsburg "Cadmium Red Light"
    _paint("cadmium red", "#af3923"),  # Williamsburg "Cadmium Red Medium"
    _paint("alizarin crimson", "#542223"),  # Williamsburg "Alizarin Crimson"
    _paint("ultramarine blue", "#162040"),  # Williamsburg "Ultramarine Blue"
    _paint("cobalt blue", "#16297e"),  # Williamsburg "Cobalt Blue"
    _paint("phthalo blue", "#162857"),  # Williamsburg "Phthalo Blue"
    _paint("sap green", "#273b29"),  # Williamsburg "Sap Green"
    _paint("burnt sienna", "#583122"),  # Williamsburg "Burnt Sienna"
    _paint("burnt umber", "#27261f"),  # Williamsburg "Burnt Umber"
)


def default_paint(name: str) -> Paint | None:
    """The default paint called ``name`` (any case), or None."""
    wanted = name.strip().lower()
    return next((paint for paint in DEFAULT_PAINTS if paint.name == wanted), None)


def validate_paints(entries, *, min_paints: int = MIN_PAINTS, max_paints: int = MAX_PAINTS) -> list[Paint]:
    """Check a paint set and return it as :class:`Paint` objects.

    Parameters
    ----------
    entries : list of dict
        Each ``{"name": str, "hex": "#rrggbb"}``; ``hex`` may be left out for a paint of
        the default set (its masstone colour is used).
    min_paints, max_paints : int
        Allowed number of paints.

    Returns
    -------
    list of Paint
        In the given order.

    Raises
    ------
    ValueError
        With a message naming the first problem: not a list, too few or too many paints,
        a missing or repeated name, a colour that is not ``#rrggbb``.
    """
    if not isinstance(entries, (list, tuple)):
        raise InputError('a paint set is a list of paints like {"name": "titanium white", "hex": "#f5f2e1"}.')
    if not min_paints <= len(entries) <= max_paints:
        raise InputError(f"a paint set needs {min_paints} to {max_paints} paints; this one has {len(entries)}.")
    paints, seen = [], set()
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise InputError(f"paint {number} must be an object with a name and a hex colour.")
        name = str(entry.get("name") or "").strip()
        if not name:
            raise InputError(f"paint {number} has no name.")
        if len(name) > MAX_NAME_LENGTH:
            raise InputError(f"paint {number}'s name is longer than {MAX_NAME_LENGTH} characters.")
        if name.lower() in seen:
            raise InputError(f"the paint {name!r} is in the set twice.")
        seen.add(name.lower())
        if entry.get("hex") in (None, ""):
            known = default_paint(name)
            if known is None:
                raise InputError(f"paint {name!r} needs a colour (#rrggbb): it is not one of the default paints.")
            paints.append(Paint(name, known.rgb))
            continue
        try:
            paints.append(Paint(name, parse_hex(entry["hex"])))
        except ValueError as error:
            raise InputError(f"paint {name!r}: {error}") from None
    return paints


def load_paints(path) -> list[Paint]:
    """Read a paint set from a JSON file: a list of paints or ``{"paints": [...]}``."""
    try:
        with open(path, encoding="utf-8") as handle:
            payload = json.load(handle)
    except FileNotFoundError:
        raise InputError(f"no such file: {path}") from None
    except json.JSONDecodeError as error:
        raise InputError(f"{path} is not valid JSON ({error}).") from None
    if isinstance(payload, dict):
        payload = payload.get("paints")
    return validate_paints(payload)


def paints_rgb(paints) -> np.ndarray:
    """The paints' masstone colours as a ``(P, 3)`` uint8 array."""
    return np.array([paint.rgb for paint in paints], dtype=np.uint8).reshape(-1, 3)
