"""A target painted the way a person paints it: close but never exact, with planted mistakes.

What a careful painter's canvas differs from its target by, everywhere: edges a little
off (a smooth displacement of about half a brush), each paint mixed slightly off (a
constant ΔE per palette colour), brush-scale wobble of lightness and colour, and fine
brush marks. What a painter would fix: 0–3 *mistakes*, irregular blobs of 2–6 % of the
canvas painted too dark, too light or off in colour. The ground truth (each mistake's
kind and mask) comes back with the picture, for the benchmark and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from engine.color.spaces import delta_e_ciede2000, lab_to_rgb, rgb_to_lab, to_uint8, unique_colors

MISTAKE_KINDS = ("too_dark", "too_light", "off_colour")


@dataclass
class PlantedMistake:
    """One mistake: ``kind`` (one of :data:`MISTAKE_KINDS`), ``mask`` H×W bool in target px,
    ``delta_e`` its mean CIEDE2000 from the target, ``delta_l`` its mean L* change."""

    kind: str
    mask: np.ndarray = field(repr=False)
    delta_e: float
    delta_l: float


@dataclass
class PaintedCanvas:
    """The canvas as painted (H×W×3 uint8, the target's size) and its planted mistakes."""

    image: np.ndarray
    mistakes: list[PlantedMistake]


def smooth_noise(shape: tuple[int, int], scale_px: float, rng: np.random.Generator) -> np.ndarray:
    """A random field with features about ``scale_px`` wide, mean 0 and standard deviation 1.

    Parameters
    ----------
    shape : tuple of int
        ``(height, width)`` in px.
    scale_px : float > 0
        Correlation length in px (the Gaussian's σ on the full grid).
    rng : numpy.random.Generator
        Source of the noise.

    Returns
    -------
    ndarray, shape ``shape``, float32
    """
    height, width = shape
    # Noise on a grid a few cells per feature, blurred and scaled up: the same field as
    # blurring full-size noise, at a fraction of the cost for wide features.
    step = max(1.0, scale_px / 3.0)
    small = (max(2, int(np.ceil(height / step)) + 2), max(2, int(np.ceil(width / step)) + 2))
    noise = rng.standard_normal(small).astype(np.float32)
    sigma = scale_px / step
    noise = cv2.GaussianBlur(noise, (0, 0), sigma, borderType=cv2.BORDER_REFLECT)
    field_ = cv2.resize(noise, (width, height), interpolation=cv2.INTER_CUBIC)
    field_ -= field_.mean()
    return field_ / max(float(field_.std()), 1e-6)


def paint_imperfectly(
    target,
    *,
    rng: np.random.Generator,
    brush_px: float,
    n_mistakes: int = 0,
    mistake_share: tuple[float, float] = (0.02, 0.06),
    mixing_error: float = 1.5,
    wobble: tuple[float, float] = (2.0, 1.5),
    edge_shift: float = 0.5,
) -> PaintedCanvas:
    """The target as a person paints it, with ``n_mistakes`` planted mistakes.

    Parameters
    ----------
    target : ndarray, shape (H, W, 3), uint8
        What the canvas should look like.
    rng : numpy.random.Generator
        Source of every random choice.
    brush_px : float > 0
        Brush width in target px: the scale of edge shifts and wobble.
    n_mistakes : int, 0–3 typical
        Mistakes to plant (fewer when the canvas has no room left for one).
    mistake_share : tuple of float
        Each mistake's area as a share of the canvas, drawn uniformly from this range.
    mixing_error : float
        Standard deviation (CIELAB units, per axis) of each paint's constant mixing error.
    wobble : tuple of float
        Standard deviations of the brush-scale wobble of L* and of a*, b*.
    edge_shift : float
        Typical shift of edges, in brush widths.

    Returns
    -------
    PaintedCanvas
    """
    height, width = target.shape[:2]
    # Edges a little off: move the target by a smooth displacement field (nearest
    # neighbour keeps the colours the palette's).
    grid_x, grid_y = np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32))
    shift = edge_shift * brush_px
    map_x = grid_x + shift * smooth_noise((height, width), 2 * brush_px, rng)
    map_y = grid_y + shift * smooth_noise((height, width), 2 * brush_px, rng)
    moved = cv2.remap(np.ascontiguousarray(target), map_x, map_y, cv2.INTER_NEAREST, borderMode=cv2.BORDER_REFLECT)
    colors, _, inverse = unique_colors(moved)
    lab = rgb_to_lab(colors)[inverse]
    # Each paint mixed slightly off, the same everywhere it is used.
    lab += rng.normal(0.0, mixing_error, (len(colors), 3))[inverse]
    # Brush-scale wobble of lightness and colour, and fine brush marks along one direction.
    for channel, amount in ((0, wobble[0]), (1, wobble[1]), (2, wobble[1])):
        lab[..., channel] += amount * smooth_noise((height, width), brush_px, rng)
    marks = rng.standard_normal((height, width)).astype(np.float32)
    angle = rng.uniform(0, np.pi)
    length = max(3, int(brush_px))
    kernel = np.zeros((length, length), np.float32)
    centre = (length - 1) / 2
    cv2.line(kernel, (int(centre - centre * np.cos(angle)), int(centre - centre * np.sin(angle))),
             (int(centre + centre * np.cos(angle)), int(centre + centre * np.sin(angle))), 1.0)
    marks = cv2.filter2D(marks, -1, kernel / kernel.sum())
    lab[..., 0] += 1.5 * marks / max(float(marks.std()), 1e-6)
    clean_lab = lab.copy()
    mistakes = _plant_mistakes(lab, n_mistakes, mistake_share, rng)
    for mistake in mistakes:
        mistake.delta_e = round(float(delta_e_ciede2000(lab[mistake.mask], clean_lab[mistake.mask]).mean()), 2)
        mistake.delta_l = round(float((lab[mistake.mask, 0] - clean_lab[mistake.mask, 0]).mean()), 2)
    return PaintedCanvas(to_uint8(lab_to_rgb(lab)), mistakes)


def blob_mask(shape: tuple[int, int], share: float, centre: tuple[float, float], rng: np.random.Generator) -> np.ndarray:
    """An irregular blob of ``share`` of the picture's area around ``centre`` = (x, y) px."""
    height, width = shape
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    radius = np.sqrt(share * height * width / np.pi)
    bump = np.zeros(shape, np.float32)
    for _ in range(rng.integers(2, 6)):  # a few overlapping ellipses: paint goes on in dabs
        cx = centre[0] + rng.normal(0, 0.4 * radius)
        cy = centre[1] + rng.normal(0, 0.4 * radius)
        rx, ry = radius * rng.uniform(0.5, 1.2, 2)
        theta = rng.uniform(0, np.pi)
        u = ((xx - cx) * np.cos(theta) + (yy - cy) * np.sin(theta)) / rx
        v = (-(xx - cx) * np.sin(theta) + (yy - cy) * np.cos(theta)) / ry
        bump = np.maximum(bump, np.exp(-(u * u + v * v)))
    bump += 0.15 * smooth_noise(shape, radius / 3, rng)
    # The threshold that gives the wanted area: a quantile of the bump.
    level = np.quantile(bump, 1.0 - share)
    return bump > level


def _plant_mistakes(lab: np.ndarray, count: int, share_range, rng) -> list[PlantedMistake]:
    height, width = lab.shape[:2]
    taken = np.zeros((height, width), bool)
    mistakes = []
    for _ in range(count):
        for _attempt in range(20):
            share = rng.uniform(*share_range)
            centre = (rng.uniform(0.15, 0.85) * width, rng.uniform(0.15, 0.85) * height)
            mask = blob_mask((height, width), share, centre, rng)
            grown = cv2.dilate(mask.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
            if not (grown & taken).any():
                break
        else:
            break
        taken |= mask
        kind = _feasible_kind(lab[mask, 0].mean(), rng)
        apply_mistake(lab, mask, kind, rng)
        mistakes.append(PlantedMistake(kind, mask, 0.0, 0.0))
    return mistakes


def _feasible_kind(mean_l: float, rng) -> str:
    kinds = list(MISTAKE_KINDS)
    if mean_l > 78:  # no room to be much too light
        kinds.remove("too_light")
    if mean_l < 28:  # nor much too dark
        kinds.remove("too_dark")
    return str(rng.choice(kinds))


def apply_mistake(lab: np.ndarray, mask: np.ndarray, kind: str, rng: np.random.Generator) -> None:
    """Paint the area ``mask`` of a CIELAB picture (in place) with one kind of mistake.

    ``too_dark``/``too_light``: L* 12–25 lower/higher; ``off_colour``: hue turned 35–70°,
    chroma scaled 0.8–1.3 and a push of 12–22 towards a random hue, L* within ±4. The edge
    is soft over about a pixel.
    """
    # Soft edge of about a pixel: the wrong paint is brushed, not cut out.
    alpha = cv2.GaussianBlur(mask.astype(np.float32), (0, 0), 1.0)[..., None]
    changed = lab.copy()
    if kind == "too_dark":
        changed[..., 0] -= rng.uniform(12, 25)
    elif kind == "too_light":
        changed[..., 0] += rng.uniform(12, 25)
    else:
        a, b = changed[..., 1], changed[..., 2]
        turn = np.deg2rad(rng.uniform(35, 70) * rng.choice((-1, 1)))
        a2 = a * np.cos(turn) - b * np.sin(turn)
        b2 = a * np.sin(turn) + b * np.cos(turn)
        chroma_push = rng.uniform(12, 22)
        hue = rng.uniform(0, 2 * np.pi)  # greys and dull colours get a colour they should not have
        changed[..., 1] = a2 * rng.uniform(0.8, 1.3) + chroma_push * np.cos(hue)
        changed[..., 2] = b2 * rng.uniform(0.8, 1.3) + chroma_push * np.sin(hue)
        changed[..., 0] += rng.uniform(-4, 4)
    changed[..., 0] = np.clip(changed[..., 0], 0, 100)
    lab[...] = lab * (1 - alpha) + changed * alpha
