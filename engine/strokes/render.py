"""Procedural brush strokes: flat, round, tapered and dry-brush shapes.

A stroke is described in its own frame: ``s`` runs along the stroke from -1 (where
the brush lands) to +1 (where it lifts off) and ``t`` across it from -1 to +1. Each
kind is an inequality on ``(s, t)`` whose edges are perturbed by smooth 1-D noise,
so no two strokes are alike and no image file is needed. :func:`render_stroke`
maps the shape onto the canvas with a rotation, a length, a width and a bend, and
returns only its bounding box, so painting a stroke costs in proportion to its
size, not the canvas's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.errors import InputError

STROKE_KINDS = ("flat", "round", "tapered", "dry")


@dataclass(frozen=True)
class StrokeFootprint:
    """Where a stroke lands: its bounding box on the canvas and what it covers there.

    ``alpha`` is ``h×w`` float32 coverage in [0, 1] (0 outside the stroke) for the box
    whose top-left canvas pixel is (``top``, ``left``); ``shade`` (same shape, around
    1.0) is the bristle-streak brightness, present only when texture was asked for.
    """

    top: int
    left: int
    alpha: np.ndarray
    shade: np.ndarray | None = None

    @property
    def mask(self) -> np.ndarray:
        """Pixels the stroke covers (coverage above one half).

        Returns
        -------
        ndarray, shape (h, w), bool
            Over the bounding box :attr:`window`.
        """
        return self.alpha > 0.5

    @property
    def window(self) -> tuple[slice, slice]:
        """Where the bounding box lies on the canvas.

        Returns
        -------
        tuple of slice
            ``(rows, columns)``: ``canvas[window]`` has the shape of :attr:`alpha`.
        """
        height, width = self.alpha.shape
        return slice(self.top, self.top + height), slice(self.left, self.left + width)


def smooth_noise(rng: np.random.Generator, n_knots: int, n_samples: int) -> np.ndarray:
    """A random wobbly curve: linear interpolation between uniform random knots.

    A cheap band-limited wobble used for ragged edges and bristle streaks.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of the knots.
    n_knots : int
        Knots (at least 2 are used); more knots give finer detail.
    n_samples : int
        Samples returned, evenly spaced from the first knot to the last.

    Returns
    -------
    ndarray, shape (n_samples,), float64
        Values in [-1, 1].
    """
    knots = rng.uniform(-1.0, 1.0, size=max(2, n_knots))
    return np.interp(np.linspace(0.0, 1.0, n_samples), np.linspace(0.0, 1.0, knots.size), knots)


def render_stroke(
    kind: str,
    center: tuple[float, float],
    length: float,
    width: float,
    angle: float,
    canvas_shape: tuple[int, int],
    *,
    rng: np.random.Generator,
    bend: float = 0.0,
    roughness: float = 0.08,
    texture: bool = False,
) -> StrokeFootprint | None:
    """Rasterise one brush stroke onto a canvas.

    Parameters
    ----------
    kind : str
        One of :data:`STROKE_KINDS`: ``"flat"``, ``"round"``, ``"tapered"``, ``"dry"``.
    center : tuple of float
        ``(y, x)`` of the stroke's middle, in pixels.
    length, width : float
        Size in pixels; ``length`` along the brush's travel.
    angle : float
        Direction of travel in degrees, counter-clockwise, any value (0 = to the right).
    canvas_shape : tuple of int
        ``(height, width)`` of the canvas in pixels.
    rng : numpy.random.Generator
        Source of the edge wobble and streaks.
    bend : float, optional
        Sideways sag of the middle as a fraction of the width (0 straight, ±0.5 clearly
        curved).
    roughness : float, optional
        Edge wobble as a fraction of the width, 0–0.3.
    texture : bool, optional
        Also compute the bristle-streak ``shade``.

    Returns
    -------
    StrokeFootprint or None
        Coverage (float32 in [0, 1]) over the stroke's bounding box clipped to the
        canvas; ``None`` when the stroke misses the canvas.

    Raises
    ------
    ValueError
        For an unknown ``kind``.
    """
    if kind not in STROKE_KINDS:
        raise InputError(f"unknown stroke kind {kind!r}; choose one of {', '.join(STROKE_KINDS)}.")
    if not (length > 0 and width > 0):
        raise InputError(f"stroke length and width must be positive, got {length} and {width}.")
    length, width = max(length, width), width
    half_l, half_w = length / 2.0, width / 2.0
    theta = np.deg2rad(angle)
    cos_a, sin_a = np.cos(theta), -np.sin(theta)  # image y points down: flip for CCW
    # Box of the rotated stroke, with room for the bend and the ragged edges.
    reach_w = half_w * (1.0 + abs(bend) + 2 * roughness) + 1.0
    reach_y = abs(half_l * sin_a) + abs(reach_w * cos_a) + 1.0
    reach_x = abs(half_l * cos_a) + abs(reach_w * sin_a) + 1.0
    cy, cx = center
    top, bottom = max(0, int(np.floor(cy - reach_y))), min(canvas_shape[0], int(np.ceil(cy + reach_y)) + 1)
    left, right = max(0, int(np.floor(cx - reach_x))), min(canvas_shape[1], int(np.ceil(cx + reach_x)) + 1)
    if top >= bottom or left >= right:
        return None
    dy = np.arange(top, bottom, dtype=np.float32)[:, None] - np.float32(cy)
    dx = np.arange(left, right, dtype=np.float32)[None, :] - np.float32(cx)
    s = (dx * np.float32(cos_a) + dy * np.float32(sin_a)) / np.float32(half_l)
    t = (dy * np.float32(cos_a) - dx * np.float32(sin_a)) / np.float32(half_w)
    t = t - np.float32(bend) * (1.0 - s * s)  # the middle sags sideways: a curved stroke
    alpha = _SHAPES[kind](s, t, rng, float(roughness), width, length)
    # Soft edge one pixel wide, so coverage > 0.5 is the stroke and styles are antialiased.
    alpha = np.clip(alpha * np.float32(min(half_w, half_l)) + 0.5, 0.0, 1.0)
    shade = _bristle_shade(s, t, rng, width, kind) if texture else None
    return StrokeFootprint(top, left, alpha.astype(np.float32), shade)


# Each shape returns a signed "inside" score in stroke units: > 0 inside, < 0 outside,
# scaled so the zero crossing is where the edge lies (multiplied by half-width later).


def _ragged(rng, values, roughness, knots, span=(-1.0, 1.0)):
    """Edge wobble as a function of ``values`` (s or t), amplitude ``roughness``."""
    curve = smooth_noise(rng, knots, 64) * roughness
    index = np.clip((values - span[0]) / (span[1] - span[0]) * 63.0, 0, 63).astype(np.int32)
    return curve[index]


def _flat(s, t, rng, roughness, width, length):
    # Rounded rectangle (superellipse, p = 8): square-ish ends, parallel sides.
    aspect = width / length
    side = 1.0 + _ragged(rng, s, roughness, 9)
    end = 1.0 + _ragged(rng, t, 2.0 * roughness * aspect, 5)
    return 1.0 - ((np.abs(s) / end) ** 8 + (np.abs(t) / side) ** 8) ** 0.125


def _round(s, t, rng, roughness, width, length):
    # Capsule: parallel sides closed by half-discs of the brush's width.
    aspect = width / length
    core = max(0.0, 1.0 - aspect)
    along = np.maximum(np.abs(s) - core, 0.0) / max(aspect, 1e-6)
    radius = 1.0 + _ragged(rng, s, roughness, 7)
    return radius - np.sqrt(along * along + t * t)


def _tapered(s, t, rng, roughness, width, length):
    # Full width where the brush lands, thinning to a point where it lifts off.
    u = (s + 1.0) * 0.5
    profile = np.clip(1.0 - u, 0.0, 1.0) ** 0.6 * np.sqrt(np.clip(u / 0.12, 0.0, 1.0))
    profile = profile * (1.0 + _ragged(rng, s, roughness, 7))
    return profile - np.abs(t) - 0.05


def _dry(s, t, rng, roughness, width, length):
    # A flat stroke whose bristles run out of paint one after another near the end:
    # each bristle (a thin band of t) stops at its own point along s.
    base = _flat(s, t, rng, roughness, width, length)
    n_bristles = max(8, int(width / 1.5))
    # Most bristles carry paint to the end; a few give out early and leave streaks.
    early = rng.random(n_bristles) < 0.4
    runs_out = np.where(early, rng.uniform(-0.2, 0.8, n_bristles), rng.uniform(0.8, 1.3, n_bristles))
    bristle = np.clip(((t + 1.0) * 0.5 * n_bristles).astype(np.int32), 0, n_bristles - 1)
    return np.minimum(base, (runs_out[bristle] - s) * 0.5)


_SHAPES = {"flat": _flat, "round": _round, "tapered": _tapered, "dry": _dry}


def _bristle_shade(s, t, rng, width, kind):
    """Brightness streaks along the stroke: bristles leave ridges and furrows of paint."""
    n_fine = max(8, int(width / 2.5))
    streaks = 0.6 * smooth_noise(rng, n_fine, 256) + 0.4 * smooth_noise(rng, max(3, n_fine // 6), 256)
    index = np.clip((t + 1.2) / 2.4 * 255.0, 0, 255).astype(np.int32)
    strength = 0.22 if kind == "dry" else 0.14
    # Paint thins out towards the lift-off end, so streaks grow stronger there.
    fade = 0.6 + 0.4 * np.clip((s + 1.0) * 0.5, 0.0, 1.0)
    # A lighter ridge along the edge where paint piles up under the brush.
    ridge = 0.06 * np.clip(1.0 - np.abs(np.abs(t) - 0.85) / 0.15, 0.0, 1.0)
    return (1.0 + strength * fade * streaks[index] + ridge).astype(np.float32)
