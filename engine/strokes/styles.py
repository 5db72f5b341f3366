"""The studio's built-in style images: brush-stroke paintings made by our renderer.

Each style is a seeded painting of a few hundred textured strokes
(:mod:`engine.strokes.render`) in a named palette, laid coarse to fine over a toned canvas
so the whole surface is covered by visible, overlapping strokes. Bristle streaks,
dry-brush edges, canvas weave catching thin paint and a relief light (paint ridges
lit from the top left) give the stroke texture that VGG19 Gram matrices pick up.
Rendering is deterministic: the same slug and size give the same pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.errors import InputError
from engine.strokes.render import render_stroke


@dataclass(frozen=True)
class StyleSpec:
    """A built-in style: ``slug`` (URL-safe id), display ``name``, ``description``,
    ``palette`` (RGB triples), the ``canvas`` tone, ``seed``, dominant stroke
    direction ``direction`` in degrees (0 = horizontal) and its spread in degrees."""

    slug: str
    name: str
    description: str
    palette: tuple[tuple[int, int, int], ...]
    canvas: tuple[int, int, int] = (236, 230, 216)
    seed: int = 0
    direction: float = 90.0
    spread: float = 35.0


DEFAULT_STYLES: list[StyleSpec] = [
    StyleSpec(
        "brush-strokes",
        "Brush strokes",
        "Broad, mostly upright strokes of deep teal, plum and charcoal against peach, "
        "cream and ochre, with dry-brush scrapes: the classic default.",
        ((22, 72, 84), (55, 36, 60), (44, 46, 50), (236, 196, 164), (238, 236, 228),
         (204, 160, 60), (120, 150, 170), (180, 150, 190), (60, 110, 70)),
        canvas=(226, 212, 190), seed=11, direction=90.0, spread=40.0,
    ),
    StyleSpec(
        "brush-strokes-warm",
        "Brush strokes — warm",
        "Sunny ochres, oranges, vermilion and rose over a cream ground.",
        ((232, 160, 48), (214, 92, 40), (180, 48, 44), (240, 200, 120), (246, 232, 200),
         (226, 130, 120), (120, 60, 40), (250, 214, 80)),
        canvas=(240, 222, 190), seed=23, direction=30.0, spread=60.0,
    ),
    StyleSpec(
        "brush-strokes-ocean",
        "Brush strokes — cool / ocean",
        "Turquoise, ultramarine and deep navy with foam-white highlights.",
        ((20, 60, 110), (30, 110, 160), (60, 170, 190), (140, 210, 220), (235, 244, 246),
         (16, 36, 60), (70, 140, 120), (170, 190, 230)),
        canvas=(200, 220, 226), seed=37, direction=160.0, spread=30.0,
    ),
    StyleSpec(
        "brush-strokes-earth",
        "Brush strokes — earth",
        "Raw sienna, umber, olive and moss with sand and bone, like a landscape palette.",
        ((150, 84, 40), (96, 60, 36), (120, 120, 56), (80, 96, 52), (214, 190, 140),
         (232, 224, 200), (60, 50, 44), (180, 120, 70)),
        canvas=(214, 200, 170), seed=41, direction=0.0, spread=30.0,
    ),
    StyleSpec(
        "brush-strokes-pastel",
        "Brush strokes — pastel",
        "Soft lilac, peach, mint, sky and rose on a pale ground, light and airy.",
        ((200, 180, 226), (248, 200, 170), (180, 226, 200), (176, 206, 240), (246, 190, 206),
         (250, 240, 200), (240, 240, 236), (150, 170, 200)),
        canvas=(246, 240, 232), seed=53, direction=60.0, spread=70.0,
    ),
]

_BY_SLUG = {spec.slug: spec for spec in DEFAULT_STYLES}

# Passes from coarse to fine: (strokes per 768² canvas, length and width as fractions
# of the canvas side, fraction of dry-brush strokes). Coarse passes cover the canvas;
# finer ones add the overlapping detail that gives the texture its scale range.
_PASSES = (
    (70, (0.30, 0.55), (0.14, 0.28), 0.3),
    (110, (0.14, 0.30), (0.07, 0.15), 0.4),
    (70, (0.06, 0.13), (0.03, 0.06), 0.5),
)


def get_style(slug: str) -> StyleSpec:
    """The built-in style of a slug.

    Parameters
    ----------
    slug : str
        One of the slugs of :data:`DEFAULT_STYLES` (``"brush-strokes"``, …).

    Returns
    -------
    StyleSpec

    Raises
    ------
    ValueError
        For an unknown slug; the message lists the known ones.
    """
    try:
        return _BY_SLUG[slug]
    except KeyError:
        raise InputError(
            f"unknown style {slug!r}; choose one of {', '.join(_BY_SLUG)}."
        ) from None


def render_style(slug: str, size: int = 768) -> np.ndarray:
    """Paint a built-in style's reference picture (the style image for transfer).

    Deterministic for a slug and size; about a second at the default 768 px.

    Parameters
    ----------
    slug : str
        A built-in style (:func:`get_style`).
    size : int, optional
        Side of the square picture in pixels, 64–2048.

    Returns
    -------
    ndarray, shape (size, size, 3), uint8
        The painting: strokes in the style's palette on a woven canvas, lit from the top
        left.

    Raises
    ------
    ValueError
        For an unknown slug or a size outside 64–2048.
    """
    spec = get_style(slug)
    if not 64 <= int(size) <= 2048:
        raise InputError(f"style size must be between 64 and 2048 px, got {size}.")
    size = int(size)
    rng = np.random.default_rng(spec.seed)
    palette = np.asarray(spec.palette, dtype=np.float32) / 255.0
    canvas = np.empty((size, size, 3), dtype=np.float32)
    canvas[...] = np.asarray(spec.canvas, dtype=np.float32) / 255.0
    weave = _canvas_weave(size, rng)
    canvas *= (0.94 + 0.06 * weave)[:, :, None]
    height = np.zeros((size, size), dtype=np.float32)  # paint relief, for the lighting

    # Stroke counts are per canvas and sizes are fractions of it: the same picture at any size.
    for count, length_range, width_range, dry_share in _PASSES:
        for _ in range(count):
            _paint_one(canvas, height, weave, spec, palette, rng, size,
                       length_range, width_range, dry_share)

    # Light from the top left on the paint relief: ridges of the bristle streaks and
    # stroke edges show as highlights and shadows, as on a photographed painting.
    gy, gx = np.gradient(height)
    relief = np.clip(1.0 + 2.2 * (-gx - gy), 0.75, 1.25)
    image = np.clip(canvas * relief[:, :, None], 0.0, 1.0)
    return np.round(image * 255.0).astype(np.uint8)


def _paint_one(canvas, height, weave, spec, palette, rng, size, length_range, width_range, dry_share):
    kind = "dry" if rng.random() < dry_share else str(rng.choice(["flat", "flat", "flat", "round", "tapered"]))
    length = size * rng.uniform(*length_range)
    width = size * rng.uniform(*width_range)
    angle = spec.direction + rng.normal(0.0, spec.spread * 0.6)
    if rng.random() < 0.5:
        angle += 180.0  # strokes go both ways along the main direction
    centre = (rng.uniform(-0.05, 1.05) * size, rng.uniform(-0.05, 1.05) * size)
    footprint = render_stroke(kind, centre, length, width, angle, (size, size), rng=rng,
                              bend=rng.uniform(-0.3, 0.3), roughness=0.1, texture=True)
    if footprint is None:
        return
    rows, cols = footprint.window
    alpha, shade = footprint.alpha, footprint.shade
    # Thin paint catches only the raised threads of the canvas: streaky coverage.
    thinness = rng.uniform(0.0, 0.6) if kind == "dry" else rng.uniform(0.0, 0.25)
    catch = np.clip((shade - 1.0) * 6.0 + weave[rows, cols] * 0.8 + 1.0 - 1.6 * thinness, 0.0, 1.0)
    alpha = alpha * (1.0 - thinness + thinness * catch)
    # Mix two neighbouring paints a little and vary the value: no two strokes alike.
    first, second = rng.choice(len(palette), 2)
    colour = palette[first] + (palette[second] - palette[first]) * rng.uniform(0.0, 0.25)
    colour = np.clip(colour * rng.uniform(0.9, 1.1), 0.0, 1.0)
    paint = colour[None, None, :] * shade[:, :, None]
    a = alpha[:, :, None]
    canvas[rows, cols] = canvas[rows, cols] * (1.0 - a) + paint * a
    height[rows, cols] = height[rows, cols] * (1.0 - alpha) + alpha * (shade - 1.0 + 0.03)


def _canvas_weave(size: int, rng: np.random.Generator) -> np.ndarray:
    """Canvas threads in [0, 1]: a fine over-under weave with some irregularity."""
    period = max(3.0, size / 192.0)
    y = np.arange(size, dtype=np.float32)[:, None]
    x = np.arange(size, dtype=np.float32)[None, :]
    warp = 0.5 + 0.5 * np.sin(2 * np.pi * x / period) * np.sign(np.sin(np.pi * y / period))
    weft = 0.5 + 0.5 * np.sin(2 * np.pi * y / period) * np.sign(np.sin(np.pi * x / period))
    noise = rng.random((size, size), dtype=np.float32)
    return (0.45 * warp + 0.45 * weft + 0.1 * noise).astype(np.float32)
