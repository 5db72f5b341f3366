"""From a picture and its palette, an ordered plan of brush strokes, largest brush first.

Curved strokes of several sizes (after Hertzmann, SIGGRAPH 1998), placed where they
pay rather than on a grid, so that flat areas take a few big strokes and only the
picture's details take small ones:

1. Brushes are real widths in mm on the canvas (:func:`choose_brushes`: from about
   1/12 of the canvas's short side down to the finest that is 2 px wide on the
   picture, each about half the one before), one layer per brush, largest first.
2. Every paint's CIEDE2000 to every pixel is computed once; the canvas keeps its own
   error (bare canvas counts :data:`BARE_ERROR`). For each brush, gain maps say how
   much each paint, laid one brush wide at a place, lowers that error
   (:class:`~engine.plan.trace.GainGrid`).
3. Strokes start at the peaks of the best gain, in the paint best there, and go both
   ways in steps of half a brush, each step turning gently towards where the paint
   still pays, until it no longer does (``keep_gain``), the path would cross itself,
   or ``max_points``.
4. Acceptance, most promising first: each stroke takes the palette colour that best
   matches the picture under its whole footprint and is kept only if it lowers the
   canvas's total error by ``min_gain`` (ΔE × cm²: a stroke is a stroke for a painter,
   so a big stroke that improves a wide area a little is worth as much as a small
   one that fixes a detail). Seeding, tracing and acceptance repeat a few rounds per
   brush; the first layer then covers any bare canvas left.
5. Finally strokes that later ones hide entirely are dropped and every stroke takes
   the paint that best matches the picture where it stays visible.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import ndimage

from engine.imageio import as_rgb_uint8
from engine.plan.model import Plan, PlanLayer, make_stroke
from engine.plan.render import stroke_footprint
from engine.plan.trace import GainGrid, mm2_to_px, paint_errors, stroke_pixels, trace_strokes

#: Widths (mm) of common artists' brushes; plans use a chain of these.
BRUSH_WIDTHS_MM = (50.0, 38.0, 25.0, 19.0, 12.0, 9.0, 6.0, 4.0, 3.0, 2.0)
#: Difference counted for a bare canvas pixel (far above any colour difference).
BARE_ERROR = 60.0
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
    min_gain: float = 0.4,
    keep_gain: float = 0.0,
    max_points: int = 24,
    max_rounds: int = 5,
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
    min_gain : float
        Least improvement a stroke must bring, in CIEDE2000 × cm² of canvas (the sum
        over its pixels of how much nearer the picture they get).
    keep_gain : float
        A stroke goes on while its paint lowers the error by at least this much
        (≈ CIEDE2000 per pixel, averaged over one brush width).
    max_points : int
        Most points per stroke (steps of one brush radius).
    max_rounds : int
        Rounds of seeding, tracing and acceptance per brush.
    seed : int
        Seeds a sub-pixel jitter of the stroke starts; the same inputs give the same plan.
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
    if max_points < 1:
        raise ValueError(f"max_points must be at least 1; got {max_points}.")
    shape = image.shape[:2]
    mm_per_px = canvas_mm_per_px(canvas, shape)
    brushes = list(brushes_mm) if brushes_mm is not None else choose_brushes(canvas, shape)
    if not brushes or any(not b > 0 for b in brushes):
        raise ValueError(f"brush widths must be positive mm; got {brushes}.")

    errors = paint_errors(image, palette_rgb)
    state = _Canvas(errors, min_gain_px=mm2_to_px(100.0 * min_gain, mm_per_px))
    rng = np.random.default_rng(seed)
    layers, painted = [], []
    for index, brush_mm in enumerate(brushes):
        width = float(brush_mm) / mm_per_px
        layer = PlanLayer(index=index, brush_mm=float(brush_mm), width_px=round(width, 2))
        grid = GainGrid(errors, width)
        start = len(state.painted)
        for _ in range(max_rounds):
            grid.update(state.error)
            y, x, color = grid.seeds(keep_gain, limit=_MAX_SEEDS)
            if not len(y):
                break
            jitter = rng.uniform(-0.25, 0.25, size=(2, len(y))) * grid.stride
            y = np.clip(y + jitter[0], 0, shape[0] - 1)
            x = np.clip(x + jitter[1], 0, shape[1] - 1)
            paths, estimate = trace_strokes(grid, y, x, color, width, max_points=max_points, keep_gain=keep_gain)
            hopeful = np.flatnonzero(estimate >= _HOPE * state.min_gain_px)
            hopeful = hopeful[np.argsort(-estimate[hopeful], kind="stable")]  # the most promising first
            before = len(state.painted)
            for k in hopeful:  # the block-in first lays strokes mostly on bare canvas, then fills the gaps
                state.try_stroke(paths[k], width, bare_share=_BLOCK_IN_BARE_SHARE if index == 0 else 0.0)
            if len(state.painted) - before < _FEW:
                break
        if index == 0:
            state.cover_bare(grid, width, max_points, keep_gain)
        layers.append(layer)
        painted.append(state.painted[start:])
        if progress is not None:
            progress(index + 1, len(brushes))
    layers = finish(layers, painted, errors)
    return Plan(shape=shape, canvas=canvas, palette_rgb=palette_rgb, layers=layers)


#: Most seeds traced in one round; rounds stop when fewer than ``_FEW`` strokes were kept.
_MAX_SEEDS = 1500
_FEW = 3
#: Strokes whose traced gain promises less than this share of ``min_gain`` are not tried.
_HOPE = 0.6
#: Share of bare canvas a block-in stroke must cover before the gaps are filled.
_BLOCK_IN_BARE_SHARE = 0.5


class _Canvas:
    """The canvas being planned: palette index per pixel (-1 bare) and its error."""

    def __init__(self, errors: np.ndarray, *, min_gain_px: float):
        self.errors = errors.reshape(len(errors), -1)
        self.shape = errors.shape[1:]
        self.labels = np.full(self.shape, -1, dtype=np.int32)
        self.error = np.full(self.shape, BARE_ERROR, dtype=np.float32)
        self.min_gain_px = min_gain_px
        self.painted = []  # (stroke, flat pixel indices it covers), in paint order

    def try_stroke(self, path, width, *, force: bool = False, bare_share: float = 0.0) -> bool:
        """Paint the stroke along ``path`` with its best paint if it pays (or, with
        ``force``, if it covers bare canvas); returns whether it was painted. A stroke
        with less than ``bare_share`` of bare canvas under it must pay on painted canvas."""
        stroke = make_stroke(path, width, 1)
        covered = stroke_pixels(stroke_footprint(stroke.points, stroke.width, self.shape), self.shape)
        if covered is None:
            return False
        error = self.error.reshape(-1)
        cost = self.errors[:, covered].sum(axis=1)
        color = int(np.argmin(cost))
        bare = self.labels.reshape(-1)[covered] < 0
        if bare_share and bare.mean() < bare_share:
            gain = float((error[covered][~bare] - self.errors[color, covered][~bare]).sum())
        else:
            gain = float(error[covered].sum() - cost[color])
        if not (gain >= self.min_gain_px or (force and bare.any())):
            return False
        self.labels.reshape(-1)[covered] = color
        error[covered] = self.errors[color, covered]
        self.painted.append((make_stroke(stroke.points, stroke.width, color + 1), covered))
        return True

    def cover_bare(self, grid, width, max_points, keep_gain):
        """Strokes that leave no bare canvas: one from the inmost pixel of every bare patch."""
        for _ in range(64):
            bare = self.labels < 0
            if not bare.any():
                break
            patches, n = ndimage.label(bare)
            depth = ndimage.distance_transform_edt(bare)
            at = np.array(ndimage.maximum_position(depth, patches, range(1, n + 1)), dtype=np.float64).reshape(-1, 2)
            grid.update(self.error)
            paths, _ = trace_strokes(grid, at[:, 0], at[:, 1], grid.best_at(at[:, 0], at[:, 1]), width,
                                     max_points=max_points, keep_gain=keep_gain)
            for path in paths:
                self.try_stroke(path, width, force=True)


def finish(layers: list[PlanLayer], painted: list[list], errors: np.ndarray) -> list[PlanLayer]:
    """The layers' strokes, less those later strokes cover entirely (the finished canvas
    is unchanged; a painter would not paint them; the block-in is kept whole, so it
    still covers the canvas), each in the paint that best matches
    the picture where it stays visible. ``painted`` holds each layer's (stroke, pixels)."""
    flat = [item for items in painted for item in items]
    owner = np.full(errors.shape[1] * errors.shape[2], -1, dtype=np.int64)
    for i, (_, covered) in enumerate(flat):
        owner[covered] = i
    seen = owner >= 0
    visible = np.bincount(owner[seen], minlength=len(flat))
    seen_errors = errors.reshape(len(errors), -1)[:, seen]
    cost = np.stack([np.bincount(owner[seen], weights=e, minlength=len(flat)) for e in seen_errors])
    best = cost.argmin(axis=0)
    kept, i = [], 0
    for layer, items in zip(layers, painted):
        layer.strokes = [make_stroke(s.points, s.width, int(best[i + j]) + 1 if visible[i + j] else s.color)
                         for j, (s, _) in enumerate(items) if visible[i + j] or not kept]  # the block-in stays whole
        i += len(items)
        if layer.strokes:
            layer.index = len(kept)
            kept.append(layer)
    return kept


def _as_canvas(canvas) -> tuple[float, float, str]:
    try:
        width, height, unit = canvas
        canvas = (float(width), float(height), str(unit))
    except (TypeError, ValueError):
        raise ValueError(f"canvas must be (width, height, unit), e.g. (40, 30, 'cm'); got {canvas!r}.") from None
    canvas_mm_per_px(canvas, (1, 1))  # checks the unit and the sides
    return canvas
