"""Synthetic paintings whose every stroke records its depth layer.

A painting is a canvas on which strokes (:mod:`engine.strokes.render`) are laid one after
another: their centres sit on a jittered grid of ``grid_scale`` pixels visited in
shuffled order, each with a random kind, angle in [0, 360), size change and a colour
from a palette of well-separated pastels. The ground truth follows the original
project's rule: a stroke's layer is 1 + the highest layer of the earlier strokes it
overlaps, 0 when it overlaps none; strokes entirely hidden by later ones are removed
and the layers recomputed (see :func:`stroke_layers`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.color.spaces import hsv_to_rgb, rgb_to_lab
from engine.errors import InputError
from engine.strokes.render import STROKE_KINDS, render_stroke

#: Value of ``layer_image`` where no stroke covers the canvas.
UNPAINTED = np.iinfo(np.uint16).max
#: Colour of the bare canvas (slightly warm white).
CANVAS_COLOR = (250, 248, 242)


@dataclass
class SyntheticPainting:
    """A painting and its ground truth.

    ``image`` H×W×3 uint8; ``masks`` K×H×W bool, the full footprint of each stroke in
    paint order (hidden strokes removed); ``colors`` K×3 uint8; ``layers`` K int;
    ``layer_image`` H×W uint16, the layer of the visible stroke at each pixel
    (:data:`UNPAINTED` on bare canvas); ``params`` JSON-able generation parameters.
    """

    image: np.ndarray
    masks: np.ndarray
    colors: np.ndarray
    layers: np.ndarray
    layer_image: np.ndarray
    params: dict = field(default_factory=dict)

    @property
    def stroke_image(self) -> np.ndarray:
        """Which stroke shows at each pixel.

        Returns
        -------
        ndarray, shape (H, W), int32
            Index into :attr:`masks` of the visible stroke, -1 on bare canvas.
        """
        return top_stroke_index(self.masks)


def pastel_palette(
    n_colors: int,
    *,
    rng: np.random.Generator,
    n_candidates: int = 200,
    avoid: tuple[tuple[int, int, int], ...] = (CANVAS_COLOR,),
) -> np.ndarray:
    """Well-separated pastel colours.

    Each new colour is the farthest (CIELAB distance) of ``n_candidates`` random pastels
    (hue anywhere, saturation 0.2–0.55, value 0.78–1.0) from the colours chosen so far
    and from ``avoid`` (by default the canvas, so strokes stand out).

    Parameters
    ----------
    n_colors : int ≥ 1
        Colours wanted.
    rng : numpy.random.Generator
        Source of the candidates.
    n_candidates : int, optional
        Random pastels tried per colour.
    avoid : tuple of (int, int, int), optional
        RGB colours (0–255) to keep away from.

    Returns
    -------
    ndarray, shape (n_colors, 3), uint8
        sRGB colours.

    Raises
    ------
    ValueError
        If ``n_colors`` is below 1.
    """
    if n_colors < 1:
        raise InputError(f"n_colors must be at least 1, got {n_colors}.")
    hsv = np.column_stack(
        [
            rng.uniform(0.0, 1.0, n_colors * n_candidates),
            rng.uniform(0.2, 0.55, n_colors * n_candidates),
            rng.uniform(0.78, 1.0, n_colors * n_candidates),
        ]
    ).reshape(n_colors, n_candidates, 3)
    candidates = np.round(hsv_to_rgb(hsv) * 255.0).astype(np.uint8)
    chosen_lab = [rgb_to_lab(np.asarray(c, np.uint8)[None]) for c in avoid]
    palette = np.empty((n_colors, 3), np.uint8)
    for i in range(n_colors):
        lab = rgb_to_lab(candidates[i])
        if chosen_lab:
            taken = np.concatenate(chosen_lab)
            distance = np.linalg.norm(lab[:, None, :] - taken[None, :, :], axis=2).min(axis=1)
            best = int(np.argmax(distance))
        else:
            best = 0
        palette[i] = candidates[i, best]
        chosen_lab.append(lab[best : best + 1])
    return palette


def paint(
    size: tuple[int, int] = (256, 256),
    *,
    seed: int | None = None,
    rng: np.random.Generator | None = None,
    grid_scale: float = 32.0,
    palette: np.ndarray | None = None,
    n_colors: int = 12,
    kinds: tuple[str, ...] = STROKE_KINDS,
    size_change: tuple[float, float] = (0.6, 1.5),
    jitter: float = 0.5,
) -> SyntheticPainting:
    """Paint a random picture with its ground truth.

    Strokes are centred on a grid of ``grid_scale`` px (each centre moved by up to
    ``jitter`` × ``grid_scale``), visited in shuffled order. A stroke is about
    2 × ``grid_scale`` long and 0.5–1 × ``grid_scale`` wide, times a size change drawn
    from ``size_change``; its angle is uniform in [0, 360), its kind one of ``kinds`` and
    its colour one of ``palette``.

    Parameters
    ----------
    size : tuple of int, optional
        ``(height, width)`` in pixels, each at least 8.
    seed : int, optional
        Seed of a new generator (ignored when ``rng`` is given).
    rng : numpy.random.Generator, optional
        Source of randomness; give it or ``seed`` for a reproducible painting.
    grid_scale : float, optional
        Stroke spacing in pixels, ≥ 2.
    palette : array_like, shape (K, 3), uint8, optional
        Stroke colours (default: ``n_colors`` pastels).
    n_colors : int, optional
        Size of the default palette.
    kinds : tuple of str, optional
        Stroke kinds to draw from (:data:`~engine.strokes.render.STROKE_KINDS`).
    size_change : tuple of float, optional
        Range of the random size factor.
    jitter : float, optional
        Largest centre shift as a fraction of ``grid_scale``.

    Returns
    -------
    SyntheticPainting
        The picture (H×W×3 uint8), every visible stroke's mask, colour and layer, the
        layer image and the parameters (JSON-able).

    Raises
    ------
    ValueError
        For a size under 8 px, ``grid_scale`` under 2 or unknown stroke kinds.
    """
    height, width = (int(size[0]), int(size[1]))
    if height < 8 or width < 8:
        raise InputError(f"painting size must be at least 8×8 px, got {width}×{height}.")
    if not grid_scale >= 2:
        raise InputError(f"grid_scale must be at least 2 px, got {grid_scale}.")
    unknown = sorted(set(kinds) - set(STROKE_KINDS))
    if unknown or not kinds:
        raise InputError(f"stroke kinds must be among {', '.join(STROKE_KINDS)}; got {kinds}.")
    if rng is None:
        rng = np.random.default_rng(seed)
    if palette is None:
        palette = pastel_palette(n_colors, rng=rng)
    palette = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)

    rows = np.arange(grid_scale / 2, height, grid_scale)
    cols = np.arange(grid_scale / 2, width, grid_scale)
    centres = np.stack(np.meshgrid(rows, cols, indexing="ij"), axis=-1).reshape(-1, 2)
    centres = centres + rng.uniform(-jitter, jitter, centres.shape) * grid_scale
    centres = centres[rng.permutation(len(centres))]
    n = len(centres)
    kind_index = rng.integers(0, len(kinds), n)
    angles = rng.uniform(0.0, 360.0, n)
    scales = rng.uniform(size_change[0], size_change[1], n)
    lengths = grid_scale * rng.uniform(1.5, 2.5, n) * scales
    widths = grid_scale * rng.uniform(0.5, 1.0, n) * scales
    bends = rng.uniform(-0.35, 0.35, n)
    color_index = rng.integers(0, len(palette), n)

    footprints, strokes = [], []
    for i in range(n):
        footprint = render_stroke(
            kinds[kind_index[i]], tuple(centres[i]), lengths[i], widths[i], angles[i],
            (height, width), rng=rng, bend=bends[i],
        )
        if footprint is None or not footprint.mask.any():
            continue
        footprints.append(footprint)
        strokes.append(
            {
                "kind": kinds[kind_index[i]],
                "center": [round(float(centres[i, 0]), 2), round(float(centres[i, 1]), 2)],
                "length": round(float(lengths[i]), 2),
                "width": round(float(widths[i]), 2),
                "angle": round(float(angles[i]), 2),
                "bend": round(float(bends[i]), 3),
                "color_index": int(color_index[i]),
            }
        )

    boxes = [(f.top, f.left, f.mask) for f in footprints]
    top = _replay_top(boxes, (height, width))
    visible = np.bincount(top[top >= 0], minlength=len(boxes)) > 0
    keep = np.flatnonzero(visible)
    boxes = [boxes[k] for k in keep]
    layers = _replay_layers(boxes, (height, width))

    masks = np.zeros((len(keep), height, width), dtype=bool)
    for k, (y, x, mask) in enumerate(boxes):
        masks[k, y : y + mask.shape[0], x : x + mask.shape[1]] = mask
    stroke_colors = np.array([strokes[k]["color_index"] for k in keep], dtype=np.intp)
    colors = palette[stroke_colors].reshape(-1, 3)
    # Renumber the visible-stroke image after removing the hidden ones.
    renumber = np.full(len(visible) + 1, -1, dtype=np.int32)
    renumber[keep] = np.arange(len(keep), dtype=np.int32)
    top = renumber[top]  # -1 stays -1 through the last slot

    image = np.empty((height, width, 3), dtype=np.uint8)
    image[...] = CANVAS_COLOR
    painted = top >= 0
    image[painted] = colors[top[painted]]
    layer_image = np.full((height, width), UNPAINTED, dtype=np.uint16)
    layer_image[painted] = layers[top[painted]]
    params = {
        "size": [height, width],
        "seed": None if seed is None else int(seed),
        "grid_scale": float(grid_scale),
        "jitter": float(jitter),
        "size_change": [float(size_change[0]), float(size_change[1])],
        "palette": palette.tolist(),
        "canvas_color": list(CANVAS_COLOR),
        "strokes_painted": len(strokes),
        "strokes_hidden": int(len(strokes) - len(keep)),
        "strokes": [strokes[k] for k in keep],
    }
    return SyntheticPainting(image, masks, colors, layers, layer_image, params)


def stroke_layers(masks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ground-truth layers of strokes in paint order.

    Parameters
    ----------
    masks : ndarray, shape (K, H, W), bool
        Every stroke's footprint, in paint order.

    Returns
    -------
    keep : ndarray, shape (K',), intp
        Indices of the strokes that stay visible.
    layers : ndarray, shape (K',), int
        Layer of each kept stroke, computed as if the hidden ones had never been painted:
        1 + the highest layer of the earlier kept strokes it overlaps, 0 if none.

    Raises
    ------
    ValueError
        If ``masks`` is not a K×H×W stack.
    """
    masks = np.asarray(masks, dtype=bool)
    if masks.ndim != 3:
        raise ValueError(f"masks must be a K×H×W stack, got shape {masks.shape}.")
    shape = masks.shape[1:]
    boxes = [_crop(mask) for mask in masks]
    present = [k for k, box in enumerate(boxes) if box is not None]
    top = _replay_top([boxes[k] for k in present], shape)
    visible = np.bincount(top[top >= 0], minlength=len(present)) > 0
    keep = np.asarray(present, dtype=np.intp)[visible]
    return keep, _replay_layers([boxes[k] for k in keep], shape)


def top_stroke_index(masks: np.ndarray) -> np.ndarray:
    """Which mask is on top at each pixel.

    Parameters
    ----------
    masks : ndarray, shape (K, H, W), bool
        Footprints in paint order.

    Returns
    -------
    ndarray, shape (H, W), int32
        Index of the last mask covering each pixel, -1 where none does.
    """
    masks = np.asarray(masks, dtype=bool)
    covered = masks.any(axis=0)
    last = masks.shape[0] - 1 - np.argmax(masks[::-1], axis=0)
    return np.where(covered, last, -1).astype(np.int32)


def _crop(mask):
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return None
    return rows[0], cols[0], mask[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def _replay_top(boxes, shape):
    """Index of the last box painted at each pixel (-1: none)."""
    top = np.full(shape, -1, dtype=np.int32)
    for k, (y, x, mask) in enumerate(boxes):
        top[y : y + mask.shape[0], x : x + mask.shape[1]][mask] = k
    return top


def _replay_layers(boxes, shape):
    # At every pixel the stroke on top has the highest layer of all strokes under it
    # (it was given 1 + their maximum), so the maximum over the strokes a new stroke
    # overlaps equals the maximum of the current top layers under its mask: one
    # pass over each stroke's box, no K×K overlap matrix.
    current = np.full(shape, -1, dtype=np.int32)
    layers = np.empty(len(boxes), dtype=np.int64)
    for k, (y, x, mask) in enumerate(boxes):
        window = current[y : y + mask.shape[0], x : x + mask.shape[1]]
        layers[k] = window[mask].max(initial=-1) + 1
        window[mask] = layers[k]
    return layers
