"""Mixing recipes: for each target colour, the best mix of up to three paints in whole parts.

Every mix of one, two or three paints of a set in small whole parts (at most
``max_total`` parts in all, or a pale tint of up to :data:`MAX_TINT_PARTS` parts of one
paint with one part of each other; proportions in lowest terms) is computed once per paint set
with :mod:`engine.mixing.model` and kept in a :class:`MixTable`. A search then compares
all targets with all mixes in one matrix product in a space where Euclidean distance
tracks CIEDE2000 (:func:`engine.color.spaces.lab_to_delta_e_space`), re-scores the
closest few with CIEDE2000 itself, and keeps the simplest mix (fewest paints, fewest
parts) among those within :data:`SIMPLER_WITHIN` of the best. Ties are broken by the
table order, so the search is deterministic.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from dataclasses import dataclass

import numpy as np

from engine.color.spaces import delta_e_ciede2000, lab_to_delta_e_space, rgb_to_lab, to_uint8
from engine.errors import InputError
from engine.mixing import model
from engine.mixing.paints import DEFAULT_PAINTS, Paint, parse_hex

REACHABLE_DELTA_E = 5.0  # beyond this the set cannot make the colour: say so
SIMPLER_WITHIN = 0.3  # ΔE a simpler recipe may lose to the best (well under a visible step)
MAX_TOTAL_PARTS = 16
MAX_TINT_PARTS = 32
MAX_TABLE_ROWS = 600_000  # large sets get a coarser grid of parts so a table builds in seconds
_CANDIDATES = 48  # mixes re-scored with CIEDE2000 per target


@dataclass(frozen=True)
class Recipe:
    """A target colour, the mix chosen for it and how close that mix comes."""

    target_rgb: tuple[int, int, int]
    parts: tuple[tuple[str, int], ...]  # (paint name, whole parts), most parts first
    predicted_rgb: tuple[int, int, int]
    delta_e: float

    @property
    def reachable(self) -> bool:
        return self.delta_e <= REACHABLE_DELTA_E

    @property
    def hex(self) -> str:
        return "#{:02x}{:02x}{:02x}".format(*self.target_rgb)

    @property
    def predicted_hex(self) -> str:
        return "#{:02x}{:02x}{:02x}".format(*self.predicted_rgb)

    @property
    def words(self) -> str:
        """The recipe as a painter reads it, e.g. "3 parts titanium white + 1 part burnt umber"."""
        return describe(self.parts)

    def to_json(self) -> dict:
        return {
            "hex": self.hex,
            "recipe": [{"paint": name, "parts": parts} for name, parts in self.parts],
            "predicted_hex": self.predicted_hex,
            "delta_e": round(float(self.delta_e), 2),
            "reachable": self.reachable,
        }


def describe(parts) -> str:
    """``[("titanium white", 3), ("burnt umber", 1)]`` → "3 parts titanium white + 1 part burnt umber"."""
    if len(parts) == 1:
        return f"{parts[0][0]} alone"
    return " + ".join(f"{n} part{'s' if n != 1 else ''} {name}" for name, n in parts)


@functools.lru_cache(maxsize=64)
def _part_tuples(count: int, max_total: int) -> np.ndarray:
    """Whole parts for mixes of ``count`` paints, in lowest terms.

    Every tuple summing to at most ``max_total``, plus pale tints: one paint (usually
    white) up to :data:`MAX_TINT_PARTS` parts in all with one part of each other paint,
    since light colours need far more white than any other paint.
    """
    rows = [
        combo
        for combo in itertools.product(range(1, max_total + 1), repeat=count)
        if sum(combo) <= max_total and math.gcd(*combo) == 1
    ]
    if count > 1:
        for total in range(max_total + 1, MAX_TINT_PARTS + 1):
            for position in range(count):
                rows.append(tuple(total - count + 1 if k == position else 1 for k in range(count)))
    return np.array(rows, dtype=np.int16).reshape(-1, count)


def _grid_total(paint_count: int) -> int:
    """The largest total of parts ≤ MAX_TOTAL_PARTS whose table stays under MAX_TABLE_ROWS.

    The default set (15 paints) gets 16; a set of 30 paints gets a coarser grid.
    """
    for total in range(MAX_TOTAL_PARTS, 2, -1):
        rows = sum(math.comb(paint_count, k) * len(_part_tuples(k, total)) for k in (1, 2, 3))
        if rows <= MAX_TABLE_ROWS:
            return total
    return 3


class MixTable:
    """Every mix of up to three paints of a set in whole parts, with its colour.

    Attributes
    ----------
    paints : tuple of Paint
    paint_index : ndarray, shape (M, 3), int16
        Paints of each mix (−1 where a mix has fewer than three).
    parts : ndarray, shape (M, 3), int16
        Parts of each of those paints (0 where unused).
    rgb : ndarray, shape (M, 3), uint8
        Predicted colour of each mix.
    lab : ndarray, shape (M, 3), float64
        Its CIELAB (D65).
    """

    def __init__(self, paints, max_total: int | None = None):
        self.paints = tuple(paints)
        if not self.paints:
            raise InputError("a paint set needs at least one paint.")
        self.max_total = max_total or _grid_total(len(self.paints))
        rgb = [paint.rgb for paint in self.paints]
        ks = model.reflectance_to_ks(model.rgb_to_reflectance(rgb)).astype(np.float32)
        scatter = model.scattering(rgb).astype(np.float32)
        indices, parts, rgbs = [], [], []
        for count in (1, 2, 3):
            combos = np.array(list(itertools.combinations(range(len(self.paints)), count)), dtype=np.int16)
            if len(combos) == 0:
                continue
            grid = _part_tuples(count, self.max_total).astype(np.float32)
            # Chunks of ~100 000 mixes keep the (mixes × wavelengths) block near 30 MB.
            step = max(1, 100_000 // len(grid))
            for start in range(0, len(combos), step):
                block = combos[start : start + step]
                # parts × scattering, normalised per mix (see model.mix_ks), for every combination
                weights = grid[None, :, :] * scatter[block][:, None, :]
                weights /= weights.sum(axis=2, keepdims=True)
                mix = np.matmul(weights, ks[block]).reshape(-1, ks.shape[1])
                rgbs.append(to_uint8(model.reflectance_to_rgb(model.ks_to_reflectance(mix))))
                indices.append(np.repeat(block, len(grid), axis=0))
                parts.append(np.tile(grid.astype(np.int16), (len(block), 1)))
        pad = lambda arrays, fill: np.concatenate(  # noqa: E731 — pad 1- and 2-paint rows to 3 columns
            [np.pad(a, ((0, 0), (0, 3 - a.shape[1])), constant_values=fill) for a in arrays]
        )
        self.paint_index = pad(indices, -1)
        self.parts = pad(parts, 0)
        self.rgb = np.concatenate(rgbs)
        self.lab = rgb_to_lab(self.rgb)
        self._coords = lab_to_delta_e_space(self.lab)
        self._coords_sq = (self._coords**2).sum(axis=1)
        # Simplicity: fewer paints first, then fewer parts in all (used to break near-ties).
        self._complexity = (self.paint_index >= 0).sum(axis=1) * 1000 + self.parts.sum(axis=1)

    def __len__(self) -> int:
        return len(self.rgb)

    def recipe_parts(self, row: int) -> tuple[tuple[str, int], ...]:
        used = [(self.paints[i].name, int(n)) for i, n in zip(self.paint_index[row], self.parts[row]) if i >= 0]
        return tuple(sorted(used, key=lambda item: (-item[1], item[0])))

    def search(self, targets_rgb) -> list[Recipe]:
        """Best recipe for each target colour.

        Parameters
        ----------
        targets_rgb : array_like, shape (N, 3)
            Target sRGB colours, uint8.

        Returns
        -------
        list of Recipe
            One per target, in order.
        """
        targets = np.asarray(targets_rgb, dtype=np.uint8).reshape(-1, 3)
        target_lab = rgb_to_lab(targets)
        coords = lab_to_delta_e_space(target_lab)
        # ‖t − c‖² = ‖t‖² − 2 t·c + ‖c‖², for all targets and mixes in one product.
        distance = self._coords_sq[None, :] - 2.0 * coords @ self._coords.T
        keep = min(_CANDIDATES, len(self))
        nearest = np.argpartition(distance, keep - 1, axis=1)[:, :keep]
        nearest.sort(axis=1)  # table order, so equal scores resolve the same way every run
        delta_e = delta_e_ciede2000(target_lab[:, None, :], self.lab[nearest])
        recipes = []
        for target, rows, scores in zip(targets, nearest, delta_e):
            near_best = scores <= scores.min() + SIMPLER_WITHIN
            choice = min(np.flatnonzero(near_best), key=lambda k: (self._complexity[rows[k]], scores[k], rows[k]))
            row = rows[choice]
            recipes.append(
                Recipe(
                    target_rgb=tuple(int(v) for v in target),
                    parts=self.recipe_parts(row),
                    predicted_rgb=tuple(int(v) for v in self.rgb[row]),
                    delta_e=float(scores[choice]),
                )
            )
        return recipes


@functools.lru_cache(maxsize=8)
def mix_table(paints: tuple[Paint, ...] = DEFAULT_PAINTS) -> MixTable:
    """The :class:`MixTable` of a paint set, built once per process and set."""
    return MixTable(paints)


def recipes_for(targets_rgb, paints=DEFAULT_PAINTS) -> list[Recipe]:
    """Recipes for target colours from a paint set (the default set when not given).

    Parameters
    ----------
    targets_rgb : array_like, shape (N, 3)
        Target sRGB colours, uint8.
    paints : sequence of Paint
        The painter's paints (1–30).

    Returns
    -------
    list of Recipe
        One per target: up to three paints in whole parts, the predicted colour, its
        CIEDE2000 from the target and whether it is within :data:`REACHABLE_DELTA_E`.
    """
    return mix_table(tuple(paints)).search(targets_rgb)


def palette_recipes(palette_json: dict, paints=DEFAULT_PAINTS) -> list[Recipe]:
    """Recipes for a palette as ``python -m engine palette --json`` writes it."""
    colors = palette_json.get("colors") if isinstance(palette_json, dict) else None
    if not isinstance(colors, list) or not colors:
        raise InputError('the palette needs a "colors" list, as `python -m engine palette --json` writes it.')
    targets = []
    for number, color in enumerate(colors, start=1):
        try:
            targets.append(parse_hex(color["hex"]) if "hex" in color else tuple(int(v) for v in color["rgb"]))
        except (KeyError, TypeError, ValueError):
            raise InputError(f"palette colour {number} has no valid hex or rgb.") from None
    return recipes_for(np.array(targets, dtype=np.uint8), paints)


_TERM = re.compile(r"^\s*(?:(\d+(?:\.\d+)?)\s*(?:parts?\s+(?:of\s+)?)?)?(.*?)\s*$", re.IGNORECASE)


def parse_recipe(text: str, paints=DEFAULT_PAINTS) -> list[tuple[Paint, float]]:
    """``"2 titanium white + 1 part burnt umber"`` → ``[(Paint, 2.0), (Paint, 1.0)]``.

    A term without a number counts as one part. Paint names must be in ``paints``
    (any case); a ValueError names the unknown paint and the ones available.
    """
    by_name = {paint.name.lower(): paint for paint in paints}
    terms = []
    for term in str(text).split("+"):
        amount, name = _TERM.match(term).groups()
        name = " ".join(name.lower().split())
        if not name:
            raise InputError(f"cannot read {text!r}: write terms like '2 titanium white + 1 burnt umber'.")
        if name not in by_name:
            raise InputError(f"no paint called {name!r} in the set; it has: {', '.join(p.name for p in paints)}.")
        parts = float(amount) if amount is not None else 1.0
        if parts <= 0:
            raise InputError(f"{name!r} needs a positive number of parts.")
        terms.append((by_name[name], parts))
    if len({paint.name for paint, _ in terms}) != len(terms):
        raise InputError("name each paint once in a recipe.")
    return terms


def mix_recipe(text: str, paints=DEFAULT_PAINTS) -> np.ndarray:
    """The predicted colour of a written recipe, as a ``(3,)`` uint8 sRGB array."""
    terms = parse_recipe(text, paints)
    return model.mix_rgb([paint.rgb for paint, _ in terms], [parts for _, parts in terms])
