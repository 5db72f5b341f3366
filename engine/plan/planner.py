"""From a picture and its palette, an ordered plan of brush strokes, largest brush first.

Painterly rendering with curved brush strokes of several sizes (Hertzmann, SIGGRAPH
1998), made to fit a painter's palette and canvas:

1. Brushes are real widths in mm on the canvas (:func:`choose_brushes`: from about
   1/12 of the canvas's short side down to the finest that is 2 px wide on the
   picture, each about half the one before), one layer per brush, largest first.
2. For each brush the picture is blurred (Gaussian, σ = half the brush radius), in
   a space where straight-line distance follows CIEDE2000 (:mod:`engine.color.spaces`).
3. Strokes start on a grid of one brush width, in every cell where the canvas still
   differs from the blurred picture by more than ``threshold`` on average (the first
   layer covers the whole bare canvas, starting at cell centres).
4. Every stroke follows the direction perpendicular to the picture's lightness
   gradient (lines of constant lightness, as a brush follows a form) in steps of the
   brush radius, smoothed by ``curvature``, and ends where the colour changes: where
   another palette colour is clearly nearer the picture than its paint (or the
   canvas already is), or after ``max_points`` points.
5. Refinement where it pays: each traced stroke takes the palette colour that best
   matches the blurred picture under its whole footprint, and is kept only if it
   lowers the difference on painted canvas by at least ``min_gain`` per pixel or
   covers bare canvas (the block-in first keeps strokes that are mostly on bare
   canvas, then fills what is left). Strokes are all traced at once as arrays; only
   this acceptance runs stroke by stroke, in a seeded shuffled order. Stroke-based
   neural painters optimise every stroke's shape by gradient descent instead; on
   two CPU cores within seconds that does not fit, the colour choice does.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import ndimage

from engine.color.spaces import rgb_to_delta_e_space
from engine.imageio import as_rgb_uint8
from engine.plan.model import Plan, PlanLayer, make_stroke
from engine.plan.render import stroke_footprint

#: Widths (mm) of common artists' brushes; plans use a chain of these.
BRUSH_WIDTHS_MM = (50.0, 38.0, 25.0, 19.0, 12.0, 9.0, 6.0, 4.0, 3.0, 2.0)
#: Difference counted for a bare canvas pixel (far above any colour difference).
BARE_ERROR = 1000.0
MM_PER_UNIT = {"cm": 10.0, "in": 25.4}


def canvas_mm_per_px(canvas: tuple[float, float, str], shape: tuple[int, int]) -> float:
    """Millimetres of canvas per picture pixel when the picture covers the canvas.

    ``canvas`` = (width, height, unit); ``shape`` = (height, width) px. The canvas is
    turned to the picture's orientation first; when the aspect ratios differ the picture
    is taken to cover the canvas (cropped, as the lesson does).
    """
    width, height, unit = canvas
    if unit not in MM_PER_UNIT:
        raise ValueError(f"canvas unit must be 'cm' or 'in'; got {unit!r}.")
    if not (width > 0 and height > 0):
        raise ValueError(f"canvas sides must be positive; got {width}x{height}{unit}.")
    long_mm, short_mm = sorted((width * MM_PER_UNIT[unit], height * MM_PER_UNIT[unit]), reverse=True)
    long_px, short_px = sorted(shape, reverse=True)
    return max(long_mm / long_px, short_mm / short_px)


def choose_brushes(canvas: tuple[float, float, str], shape: tuple[int, int], *,
                   largest_fraction: float = 1 / 12, min_px: float = 2.0) -> list[float]:
    """Brush widths (mm, largest first) for a picture of ``shape`` on ``canvas``.

    From the largest brush of :data:`BRUSH_WIDTHS_MM` not wider than
    ``largest_fraction`` of the canvas's short side, each next brush at most about half
    the previous, down to the smallest that is still ``min_px`` pixels wide on the
    picture (finer detail could not be seen in it anyway).
    """
    mm_per_px = canvas_mm_per_px(canvas, shape)
    width, height, unit = canvas
    largest = min(width, height) * MM_PER_UNIT[unit] * largest_fraction
    smallest = min_px * mm_per_px
    usable = [w for w in BRUSH_WIDTHS_MM if smallest <= w <= largest]
    if not usable:  # a tiny canvas or a tiny picture: one brush that fits both
        return [round(max(smallest, min(largest, BRUSH_WIDTHS_MM[0])), 2)]
    chain = [usable[0]]
    for w in usable[1:]:
        if w <= chain[-1] / 1.9:
            chain.append(w)
    if usable[-1] < chain[-1] and usable[-1] > chain[-1] / 1.9 and usable[-1] * 1.4 < chain[-1]:
        chain.append(usable[-1])  # the finest brush the picture can show, even if not half
    return chain


def plan_strokes(
    image,
    palette_rgb,
    *,
    canvas=(40.0, 30.0, "cm"),
    brushes_mm=None,
    threshold: float = 6.0,
    curvature: float = 0.7,
    max_points: int = 16,
    min_gain: float = 2.0,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> Plan:
    """Plan the strokes that paint ``image`` with ``palette_rgb`` (see module docs).

    Parameters
    ----------
    image : array, H×W×3 (any dtype :func:`~engine.imageio.as_rgb_uint8` takes)
        The picture to paint, already fitted to the canvas's shape.
    palette_rgb : K×3 uint8
        Paints; colour number n is row n - 1 (``Palette.rgb`` of the lesson).
    canvas : (width, height, unit)
        Canvas size, unit ``"cm"`` or ``"in"``; sets the brush widths in pixels.
    brushes_mm : sequence of float, optional
        Brush widths in mm, largest first (default :func:`choose_brushes`).
    threshold : float
        Mean difference (≈ CIEDE2000) of a grid cell above which a stroke starts there.
    curvature : float, 0–1
        Weight of the new direction at each step (1 = follow the picture exactly).
    max_points : int
        Most points per stroke (steps of one brush radius).
    min_gain : float
        Least mean improvement (≈ CIEDE2000 per covered pixel) a stroke must bring.
    seed : int
        Seeds the order of strokes within a layer; the same inputs give the same plan.
    progress : callable(done_layers, total_layers), optional

    Returns
    -------
    Plan
        Layers back to front, one per brush; ``plan.shape`` is the picture's (H, W).
    """
    image = as_rgb_uint8(image, min_side=1, name="picture")
    canvas = _as_canvas(canvas)
    palette_rgb = np.asarray(palette_rgb, dtype=np.uint8).reshape(-1, 3)
    if len(palette_rgb) == 0:
        raise ValueError("the palette is empty; a plan needs at least one colour.")
    if not 0.0 < curvature <= 1.0:
        raise ValueError(f"curvature must be in (0, 1]; got {curvature}.")
    if max_points < 1:
        raise ValueError(f"max_points must be at least 1; got {max_points}.")
    shape = image.shape[:2]
    mm_per_px = canvas_mm_per_px(canvas, shape)
    brushes = list(brushes_mm) if brushes_mm is not None else choose_brushes(canvas, shape)
    if not brushes or any(not b > 0 for b in brushes):
        raise ValueError(f"brush widths must be positive mm; got {brushes}.")

    target = rgb_to_delta_e_space(image).astype(np.float32)
    paints = rgb_to_delta_e_space(palette_rgb).astype(np.float32)
    labels = np.full(shape, -1, dtype=np.int32)
    error = np.full(shape, BARE_ERROR, dtype=np.float32)
    rng = np.random.default_rng(seed)
    layers = []
    for index, brush_mm in enumerate(brushes):
        width = float(brush_mm) / mm_per_px
        layer = PlanLayer(index=index, brush_mm=float(brush_mm), width_px=round(width, 2))
        blurred, distance = _paint_distances(target, paints, sigma=width / 4.0)
        error = np.where(labels < 0, BARE_ERROR, np.take_along_axis(distance, np.maximum(labels, 0)[None], 0)[0])
        starts = _grid_starts(error, width, threshold, cover=index == 0)
        if len(starts):
            paths, _ = _trace(starts, blurred, distance, error, width, curvature, max_points)
            order = rng.permutation(len(paths))
            # The block-in first keeps strokes that mostly cover bare canvas, then fills the
            # gaps left with the others: full cover without hundreds of redundant strokes.
            for bare_share in (_BLOCK_IN_BARE_SHARE, 0.0) if index == 0 else (0.0,):
                rejected = []
                for k in order:
                    stroke = _try_stroke(paths[k], width, distance, error, labels, min_gain, bare_share=bare_share)
                    if stroke is not None:
                        layer.strokes.append(stroke)
                    else:
                        rejected.append(k)
                order = rejected
        if layer.strokes:
            layer.index = len(layers)
            layers.append(layer)
        if progress is not None:
            progress(index + 1, len(brushes))
    return Plan(shape=shape, canvas=canvas, palette_rgb=palette_rgb, layers=layers)


def _as_canvas(canvas) -> tuple[float, float, str]:
    try:
        width, height, unit = canvas
        canvas = (float(width), float(height), str(unit))
    except (TypeError, ValueError):
        raise ValueError(f"canvas must be (width, height, unit), e.g. (40, 30, 'cm'); got {canvas!r}.") from None
    canvas_mm_per_px(canvas, (1, 1))  # checks the unit and the sides
    return canvas


def _paint_distances(target, paints, *, sigma):
    """``(blurred H×W×3, distances K×H×W)`` float32: the picture blurred by ``sigma`` px
    and the distance of every paint to it."""
    blurred = ndimage.gaussian_filter(target, sigma=(sigma, sigma, 0), mode="nearest") if sigma >= 0.3 else target
    out = np.empty((len(paints),) + target.shape[:2], dtype=np.float32)
    for k, paint in enumerate(paints):
        diff = blurred - paint
        out[k] = np.sqrt(np.einsum("hwc,hwc->hw", diff, diff))
    return blurred, out


def _grid_starts(error, width, threshold, *, cover):
    """``(y, x)`` float starts: one per grid cell whose mean error exceeds ``threshold``
    (at the cell's worst pixel), or with ``cover`` every cell's centre, spaced so
    that brush discs there leave no gap."""
    height, width_px = error.shape
    if cover:
        step = max(1.0, 0.7 * width)
        ys = np.clip(np.arange(step / 2.0, height + step / 2.0, step) - 0.5, 0, height - 1)
        xs = np.clip(np.arange(step / 2.0, width_px + step / 2.0, step) - 0.5, 0, width_px - 1)
        return np.stack(np.meshgrid(ys, xs, indexing="ij"), -1).reshape(-1, 2)
    step = max(1, int(round(width)))
    ny, nx = -(-height // step), -(-width_px // step)
    padded = np.full((ny * step, nx * step), -1.0, dtype=np.float32)
    padded[:height, :width_px] = error
    cells = padded.reshape(ny, step, nx, step).transpose(0, 2, 1, 3).reshape(ny, nx, step * step)
    inside = np.maximum((cells >= 0).sum(axis=2), 1)
    busy = np.where(cells >= 0, cells, 0.0).sum(axis=2) / inside > threshold
    cy, cx = np.nonzero(busy)
    worst = cells[cy, cx].argmax(axis=1)
    return np.stack([cy * step + worst // step, cx * step + worst % step], axis=1).astype(np.float64)


def _trace(starts, blurred, distance, error, width, curvature, max_points):
    """Trace every stroke at once (vectorised over strokes, one loop over points).

    Returns ``(paths, colors)``: a list of N×2 ``(x, y)`` paths and the palette index
    each was traced with (the nearest paint to the blurred picture at its start).
    """
    height, width_px = error.shape
    gy = ndimage.sobel(blurred[..., 0], axis=0)
    gx = ndimage.sobel(blurred[..., 0], axis=1)
    best = distance.argmin(axis=0)
    n = len(starts)
    y, x = starts[:, 0].copy(), starts[:, 1].copy()
    iy, ix = np.round(y).astype(np.intp), np.round(x).astype(np.intp)
    color = best[iy, ix]
    step = max(width / 2.0, 1.0)
    direction = np.zeros((n, 2))  # (dy, dx) of the previous step; 0 before the first
    alive = np.ones(n, dtype=bool)
    path_y, path_x = [y.copy()], [x.copy()]
    count = np.ones(n, dtype=np.int64)
    for _ in range(max_points - 1):
        # Along the edge: perpendicular to the gradient (gy, gx) is (gx, -gy) in (dy, dx).
        ny, nx = gx[iy, ix], -gy[iy, ix]
        norm = np.hypot(ny, nx)
        flat = norm < 1e-3
        ny, nx = np.where(flat, 0.0, ny / np.where(flat, 1.0, norm)), np.where(flat, 0.0, nx / np.where(flat, 1.0, norm))
        started = np.abs(direction).sum(axis=1) > 0
        # Flat paint: keep going straight (or start horizontally).
        ny = np.where(flat, np.where(started, direction[:, 0], 0.0), ny)
        nx = np.where(flat, np.where(started, direction[:, 1], 1.0), nx)
        flip = (ny * direction[:, 0] + nx * direction[:, 1]) < 0
        ny, nx = np.where(flip, -ny, ny), np.where(flip, -nx, nx)
        ny = np.where(started, curvature * ny + (1 - curvature) * direction[:, 0], ny)
        nx = np.where(started, curvature * nx + (1 - curvature) * direction[:, 1], nx)
        norm = np.maximum(np.hypot(ny, nx), 1e-9)
        ny, nx = ny / norm, nx / norm
        new_y, new_x = y + step * ny, x + step * nx
        inside = (new_y >= 0) & (new_y <= height - 1) & (new_x >= 0) & (new_x <= width_px - 1)
        jy = np.clip(np.round(new_y).astype(np.intp), 0, height - 1)
        jx = np.clip(np.round(new_x).astype(np.intp), 0, width_px - 1)
        own = distance[color, jy, jx]
        # The colour changes: another paint is clearly nearer, or the canvas is already better.
        keep = alive & inside & (own <= distance[best[jy, jx], jy, jx] + _COLOR_TOLERANCE) & (own < error[jy, jx])
        y, x = np.where(keep, new_y, y), np.where(keep, new_x, x)
        iy, ix = np.where(keep, jy, iy), np.where(keep, jx, ix)
        direction = np.where(keep[:, None], np.stack([ny, nx], axis=1), direction)
        count += keep
        alive = keep
        path_y.append(y.copy())
        path_x.append(x.copy())
        if not alive.any():
            break
    path_y, path_x = np.stack(path_y, axis=1), np.stack(path_x, axis=1)
    paths = [np.stack([path_x[i, : count[i]], path_y[i, : count[i]]], axis=1) for i in range(n)]
    return paths, color


#: How much further (≈ CIEDE2000) a stroke's paint may be from the picture than the
#: nearest paint before the stroke ends: shading within one colour does not stop it.
_COLOR_TOLERANCE = 3.0


#: Share of bare canvas a block-in stroke must cover in the first pass.
_BLOCK_IN_BARE_SHARE = 0.3


def _try_stroke(path, width, distance, error, labels, min_gain, *, bare_share):
    """Refine and paint one traced stroke if it pays; returns the stroke or ``None``.

    The stroke takes the paint that best matches the blurred picture under its whole
    footprint; it is painted (``labels`` and ``error`` updated in place) when it covers
    bare canvas (more than ``bare_share`` of its pixels), or when it lowers the
    difference on painted canvas by ``min_gain`` per covered pixel.
    """
    stroke = make_stroke(path, width, 1)
    footprint = stroke_footprint(stroke.points, stroke.width, labels.shape)
    if footprint is None:
        return None
    top, left, mask = footprint
    rows, cols = np.nonzero(mask)
    covered = (rows + top) * labels.shape[1] + (cols + left)  # flat pixel indices: one gather each
    flat_labels, flat_error = labels.reshape(-1), error.reshape(-1)
    candidates = distance.reshape(len(distance), -1)[:, covered]
    cost = candidates.sum(axis=1)
    color = int(np.argmin(cost))
    bare = flat_labels[covered] < 0
    n_bare = int(np.count_nonzero(bare))
    gain = float((flat_error[covered][~bare] - candidates[color][~bare]).sum())
    if not ((n_bare and n_bare >= bare_share * len(covered)) or gain > min_gain * len(covered)):
        return None
    flat_labels[covered] = color
    flat_error[covered] = candidates[color]
    return make_stroke(stroke.points, stroke.width, color + 1)
