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

import heapq
from collections.abc import Callable

import numpy as np
from scipy import ndimage

from engine.color.spaces import rgb_to_lab
from engine.errors import InputError
from engine.imageio import as_rgb_uint8
from engine.plan.levels import MAX_STROKE_MM
from engine.plan.masses import choose_mixes, masses
from engine.plan.model import Plan, PlanLayer, make_stroke
from engine.plan.render import stroke_footprint
from engine.plan.substeps import group_by_mix
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
        raise InputError(f"canvas unit must be 'cm' or 'in'; got {unit!r}.")
    if not (width > 0 and height > 0):
        raise InputError(f"canvas sides must be positive; got {width}x{height}{unit}.")
    long_mm, short_mm = sorted((width * MM_PER_UNIT[unit], height * MM_PER_UNIT[unit]), reverse=True)
    long_px, short_px = sorted(shape, reverse=True)
    return max(long_mm / long_px, short_mm / short_px)


def choose_brushes(canvas: tuple[float, float, str], shape: tuple[int, int], *,
                   largest_fraction: float = 1 / 12, min_px: float = 2.0, finest_mm: float = 0.0,
                   step_ratio: float = 1.9) -> list[float]:
    """Brush widths (mm, largest first) for a picture of ``shape`` on ``canvas``.

    From the largest brush of :data:`BRUSH_WIDTHS_MM` not wider than
    ``largest_fraction`` of the canvas's short side, each next brush at most
    1 / ``step_ratio`` of the previous (1.9: about half), down to the smallest that is
    still ``min_px`` pixels wide on the picture (finer detail could not be seen in it
    anyway) and at least ``finest_mm``.
    """
    mm_per_px = canvas_mm_per_px(canvas, shape)
    width, height, unit = canvas
    largest = min(width, height) * MM_PER_UNIT[unit] * largest_fraction
    smallest = max(min_px * mm_per_px, finest_mm)
    usable = [w for w in BRUSH_WIDTHS_MM if smallest <= w <= largest]
    if not usable:  # a tiny canvas or a tiny picture: one brush that fits both (dabs on a tiny picture)
        return [round(min(max(smallest, min(largest, BRUSH_WIDTHS_MM[0])), BRUSH_WIDTHS_MM[0]), 2)]
    chain = [usable[0]]
    for w in usable[1:]:
        if w <= chain[-1] / step_ratio:
            chain.append(w)
    if usable[-1] < chain[-1] and usable[-1] > chain[-1] / step_ratio and usable[-1] * 1.4 < chain[-1]:
        chain.append(usable[-1])  # the finest brush the picture can show, even if not half
    return chain


def plan_strokes(
    image,
    palette_rgb,
    *,
    canvas=(40.0, 30.0, "cm"),
    brushes_mm=None,
    brush_options: dict | None = None,
    layer_mixes=None,
    strokes_per_100_cm2: float | None = None,
    max_stroke_mm: float = MAX_STROKE_MM,
    min_gain: float = 0.4,
    keep_gain: float = 0.0,
    max_points: int = 24,
    max_rounds: int = 5,
    seed: int = 0,
    level: str | None = None,
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
    brush_options : dict, optional
        Keyword arguments of :func:`choose_brushes` for the default brushes.
    layer_mixes : sequence of int or None, optional
        Most mixes of each layer, the block-in first, the last entry for every layer
        after it (None: the whole palette): the ones that pay most at the layer's brush scale
        (:func:`engine.plan.masses.choose_mixes`), so the block-in paints a few value masses.
    strokes_per_100_cm2 : float, optional
        Stroke budget per 10 × 10 cm of canvas. Each layer may spend an equal share of
        what is left (what a layer leaves goes to the next), on its most promising
        strokes first. ``ValueError`` if the block-in alone needs more to cover the canvas.
    max_stroke_mm : float
        Longest stroke on the canvas, brush width included (mm).
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
    level : str, optional
        Recorded in the plan (see :mod:`engine.plan.levels`).
    progress : callable(done_layers, total_layers), optional

    Returns
    -------
    Plan
        Layers back to front, one per brush, each one mix at a time
        (:func:`engine.plan.substeps.group_by_mix`); ``plan.shape`` is the picture's (H, W).
    """
    image = as_rgb_uint8(image, min_side=1, name="picture")
    canvas = _as_canvas(canvas)
    palette_rgb = np.asarray(palette_rgb, dtype=np.uint8).reshape(-1, 3)
    if len(palette_rgb) == 0:
        raise InputError("the palette is empty; a plan needs at least one colour.")
    if max_points < 1:
        raise InputError(f"max_points must be at least 1; got {max_points}.")
    max_strokes = None
    if strokes_per_100_cm2 is not None:
        width_cm, height_cm = (v * MM_PER_UNIT[canvas[2]] / 10.0 for v in canvas[:2])
        max_strokes = int(strokes_per_100_cm2 * width_cm * height_cm / 100.0)
        if max_strokes < 1:
            raise InputError(f"a budget of {strokes_per_100_cm2:g} strokes per 10×10 cm allows no stroke at all "
                             f"on a {canvas[0]:g}×{canvas[1]:g} {canvas[2]} canvas.")
    shape = image.shape[:2]
    mm_per_px = canvas_mm_per_px(canvas, shape)
    brushes = (list(brushes_mm) if brushes_mm is not None
               else choose_brushes(canvas, shape, **(brush_options or {})))
    if not brushes or any(not b > 0 for b in brushes):
        raise InputError(f"brush widths must be positive mm; got {brushes}.")
    if not max_stroke_mm >= brushes[0]:
        raise InputError(f"strokes of at most {max_stroke_mm:g} mm cannot be made with a {brushes[0]:g} mm brush.")

    errors = paint_errors(image, palette_rgb)
    limits = [layer_mixes[min(i, len(layer_mixes) - 1)] if layer_mixes else None for i in range(len(brushes))]
    allowed_per_layer = []
    # A layer's share of the strokes left grows as its brush narrows (a brush half as
    # wide needs twice the strokes to paint as long an edge): measured against equal
    # shares on the sample photos, the plans came nearer their pictures at every level.
    weights = 1.0 / np.asarray(brushes, dtype=np.float64)
    share = weights / np.cumsum(weights[::-1])[::-1]  # of what is left after the layers before
    lightness = rgb_to_lab(palette_rgb)[:, 0]
    mix_rank = np.argsort(np.argsort(lightness, kind="stable"), kind="stable")  # darkest mix first
    state = _Canvas(errors, mix_rank, min_gain_px=mm2_to_px(100.0 * min_gain, mm_per_px))
    rng = np.random.default_rng(seed)
    layers, painted = [], []
    for index, brush_mm in enumerate(brushes):
        width = float(brush_mm) / mm_per_px
        layer = PlanLayer(index=index, brush_mm=float(brush_mm), width_px=round(width, 2))
        grid = GainGrid(errors, width)
        grid.update(state.error)
        allowed = np.arange(len(palette_rgb)) if limits[index] is None else choose_mixes(grid.gains(), limits[index])
        allowed_per_layer.append(allowed)
        grid = grid.subset(allowed) if len(allowed) < len(palette_rgb) else grid
        # A stroke of n points runs (n - 1) half-brush steps; with the brush's width it
        # must stay within a painter's reach.
        step_mm = max(width / 2.0, 1.0) * mm_per_px
        points = max(1, min(max_points, 1 + int(0.999 * (max_stroke_mm - brush_mm) / step_mm)))
        # The block-in covers the canvas whatever it costs; the later layers share the rest.
        cap = None if max_strokes is None or index == 0 else int((max_strokes - len(state.painted)) * share[index])
        start = len(state.painted)
        state.new_layer()
        failed = {}  # seed (y, x) px → (pixels of its stroke, strokes painted when it did not pay)
        for _ in range(max_rounds):
            if cap is not None and len(state.painted) - start >= cap:
                break
            grid.update(state.error)
            y, x, local = grid.seeds(keep_gain, limit=_MAX_SEEDS + len(failed))
            # Without a budget, a seed whose stroke did not pay is tried again only once paint
            # has changed the canvas under it: most seeds of a round come back the next, and
            # retrying them unchanged took half a detailed plan's time for a few strokes. (With
            # a budget it cost fidelity: intermediate 1.696 -> 1.706 on the sample photos.)
            retry = [(k not in failed or state.changed(*failed[k])) for k in zip(y.tolist(), x.tolist())]
            y, x, local = (v[np.flatnonzero(retry)[:_MAX_SEEDS]] for v in (y, x, local))
            if not len(y):
                break
            keys = list(zip(y.tolist(), x.tolist()))
            jitter = rng.uniform(-0.25, 0.25, size=(2, len(y))) * grid.stride
            y = np.clip(y + jitter[0], 0, shape[0] - 1)
            x = np.clip(x + jitter[1], 0, shape[1] - 1)
            paths, estimate = trace_strokes(grid, y, x, local, width, max_points=points, keep_gain=keep_gain)
            hopeful = np.flatnonzero(estimate >= _HOPE * state.min_gain_px)
            hopeful = hopeful[np.argsort(-estimate[hopeful], kind="stable")]  # the most promising first
            kept = len(state.painted)
            # The block-in first lays strokes mostly on bare canvas, then fills the gaps.
            misses = state.best_first([paths[k] for k in hopeful], width, allowed,
                                      cap=None if cap is None else cap - (len(state.painted) - start),
                                      bare_share=_BLOCK_IN_BARE_SHARE if index == 0 else 0.0)
            if max_strokes is None:
                failed.update((keys[hopeful[k]], (covered, count)) for k, covered, count in misses)
            if len(state.painted) - kept < _FEW:
                break
        if index == 0:
            state.cover_bare(grid, width, points, allowed)
            if max_strokes is not None and len(state.painted) > max_strokes:
                raise InputError(
                    f"a budget of {strokes_per_100_cm2:g} strokes per 10×10 cm ({max_strokes} in all) cannot cover "
                    f"this canvas: the block-in with the {brush_mm:g} mm brush alone needs {len(state.painted)}. "
                    "Choose a higher level or a larger budget.")
        layers.append(layer)
        painted.append(group_by_mix(state.painted[start:], lightness, color=lambda item: item[0].color))
        if progress is not None:
            progress(index + 1, len(brushes))
    layers = finish(layers, painted, errors, allowed_per_layer, lightness)
    block_in = masses(rgb_to_lab(palette_rgb), list(allowed_per_layer[0]))
    return Plan(shape=shape, canvas=canvas, palette_rgb=palette_rgb, layers=layers, level=level,
                block_in=[(mix + 1, [m + 1 for m in members]) for mix, members in block_in])


#: Most seeds traced in one round; rounds stop when fewer than ``_FEW`` strokes were kept.
_MAX_SEEDS = 1500
_FEW = 3
#: Strokes whose traced gain promises less than this share of ``min_gain`` are not tried.
_HOPE = 0.6
#: Share of bare canvas a block-in stroke must cover before the gaps are filled.
_BLOCK_IN_BARE_SHARE = 0.5


class _Canvas:
    """The canvas being planned: palette index per pixel (-1 bare) and its error.

    Within a layer the mixes are painted one after the other, darkest first
    (:mod:`engine.plan.substeps`), so a stroke accepted now goes *under* the strokes of
    this layer's later mixes: ``rank`` (per pixel, the mix rank of the layer's stroke on
    top, -1 none yet) keeps what stays visible, and the canvas is always the one the
    painter will have.
    """

    def __init__(self, errors: np.ndarray, mix_rank: np.ndarray, *, min_gain_px: float):
        self.errors = errors.reshape(len(errors), -1)
        self.shape = errors.shape[1:]
        self.labels = np.full(self.shape, -1, dtype=np.int32)
        self.error = np.full(self.shape, BARE_ERROR, dtype=np.float32)
        self.mix_rank = np.asarray(mix_rank, dtype=np.int16)
        self.rank = np.full(self.shape, -1, dtype=np.int16)
        self.stamp = np.full(self.shape, -1, dtype=np.int32)  # the last stroke shown per pixel (its index)
        self.min_gain_px = min_gain_px
        self.painted = []  # (stroke, flat pixel indices it covers), in the order accepted

    def new_layer(self) -> None:
        self.rank.fill(-1)

    def try_stroke(self, path, width, allowed, *, force: bool = False, bare_share: float = 0.0) -> bool:
        """Paint the stroke along ``path`` with its best paint among ``allowed`` (palette
        indices) if it pays (or, with ``force``, if it covers bare canvas); returns whether
        it was painted. A stroke with less than ``bare_share`` of bare canvas under it must
        pay on painted canvas."""
        candidate = self.candidate(path, width)
        if candidate is None:
            return False
        gain, best, shows = self.gain(candidate, allowed, bare_share=bare_share, force=force)
        if not (gain >= self.min_gain_px or (force and shows is not None)):
            return False
        self.paint(candidate, allowed, best, shows)
        return True

    def candidate(self, path, width):
        """``(stroke, flat pixels it covers)`` for a path, or None when it misses the canvas."""
        stroke = make_stroke(path, width, 1)
        covered = stroke_pixels(stroke_footprint(stroke.points, stroke.width, self.shape), self.shape)
        return None if covered is None else (stroke, covered)

    def gain(self, candidate, allowed, *, bare_share: float = 0.0, force: bool = False):
        """``(gain px·ΔE, index into allowed, where it shows)`` of the candidate's best paint.

        With ``force`` the third item is None unless the paint would cover bare canvas."""
        _, covered = candidate
        paint = self.errors[np.ix_(allowed, covered)] if len(allowed) < len(self.errors) else self.errors[:, covered]
        gains = self.error.reshape(-1)[covered] - paint
        # Each paint shows only where no later mix of this layer lies on top.
        rank = self.rank.reshape(-1)[covered]
        shows = rank[None, :] <= self.mix_rank[allowed][:, None] if rank.max() >= 0 else None
        if shows is not None:
            gains *= shows
        if bare_share or force:
            bare = self.labels.reshape(-1)[covered] < 0
            if bare_share and bare.mean() < bare_share:
                gains *= ~bare
        total = gains.sum(axis=1)
        best = int(np.argmax(total))
        where = np.ones(len(covered), dtype=bool) if shows is None else shows[best]
        if force and not (bare & where).any():
            return float(total[best]), best, None
        return float(total[best]), best, where

    def paint(self, candidate, allowed, best: int, shows: np.ndarray) -> None:
        stroke, covered = candidate
        color = int(allowed[best])
        visible = covered[shows]
        self.labels.reshape(-1)[visible] = color
        self.error.reshape(-1)[visible] = self.errors[color, visible]
        self.rank.reshape(-1)[visible] = self.mix_rank[color]
        self.stamp.reshape(-1)[visible] = len(self.painted)
        self.painted.append((make_stroke(stroke.points, stroke.width, color + 1), covered))

    def best_first(self, paths, width, allowed, *, cap: int | None, bare_share: float = 0.0) -> list:
        """Paint the paths that pay, the best first, at most ``cap`` of them (lazy greedy:
        a stroke's gain only falls as the canvas fills, so a stale gain bounds it).

        Returns ``(k, pixels, strokes painted by then)`` of the paths that did not pay.
        (Ordering the heap by the traced estimates and making a stroke only when it comes
        up was measured too: it lowered the plans' fidelity on the sample photos.)"""
        heap, misses = [], []
        for k, path in enumerate(paths):
            candidate = self.candidate(path, width)
            if candidate is not None:
                gain = self.gain(candidate, allowed, bare_share=bare_share)[0]
                if gain >= self.min_gain_px:
                    heap.append((-gain, k, candidate))
                else:
                    misses.append((k, candidate[1], len(self.painted)))
        heapq.heapify(heap)
        painted, cap = 0, len(heap) if cap is None else cap
        while heap and painted < cap:
            _, k, candidate = heapq.heappop(heap)
            gain, best, shows = self.gain(candidate, allowed, bare_share=bare_share)
            if gain < self.min_gain_px:
                misses.append((k, candidate[1], len(self.painted)))
                continue
            if heap and gain < -heap[0][0]:
                heapq.heappush(heap, (-gain, k, candidate))
                continue
            self.paint(candidate, allowed, best, shows)
            painted += 1
        return misses

    def changed(self, covered: np.ndarray, count: int) -> bool:
        """Whether a stroke painted after the first ``count`` shows on any of ``covered`` (flat pixels)."""
        return bool(self.stamp.reshape(-1)[covered].max() >= count)

    def cover_bare(self, grid, width, max_points, allowed):
        """Strokes that leave no bare canvas: one from the inmost pixel of every bare patch."""
        for _ in range(64):
            bare = self.labels < 0
            if not bare.any():
                break
            patches, n = ndimage.label(bare)
            depth = ndimage.distance_transform_edt(bare)
            at = np.array(ndimage.maximum_position(depth, patches, range(1, n + 1)), dtype=np.float64).reshape(-1, 2)
            at = at[np.argsort(-depth[tuple(at.astype(np.intp).T)], kind="stable")]  # the widest gaps first
            grid.update(self.error)
            paths, _ = trace_strokes(grid, at[:, 0], at[:, 1], grid.best_at(at[:, 0], at[:, 1]), width,
                                     max_points=max_points, keep_gain=0.0)
            for (y, x), path in zip(at.astype(np.intp), paths):
                if self.labels[y, x] < 0:  # not covered meanwhile by the stroke of a wider gap
                    self.try_stroke(path, width, allowed, force=True)


def finish(layers: list[PlanLayer], painted: list[list], errors: np.ndarray, allowed: list[np.ndarray],
           lightness: np.ndarray) -> list[PlanLayer]:
    """The layers' strokes, each in the paint (among its layer's ``allowed``) that best
    matches the picture where it stays visible, one mix at a time, less those later
    strokes cover entirely (a painter would not paint them; the block-in is kept whole,
    so it still covers the canvas). ``painted`` holds each layer's (stroke, pixels)."""
    flat = [item for items in painted for item in items]
    visible, cost = _visible_cost(flat, errors)
    recoloured, i = [], 0
    for items, paints in zip(painted, allowed):
        best = paints[cost[paints, i : i + len(items)].argmin(axis=0)]
        recoloured.append(group_by_mix(
            [(make_stroke(s.points, s.width, int(best[j]) + 1) if visible[i + j] else s, covered)
             for j, (s, covered) in enumerate(items)], lightness, color=lambda item: item[0].color))
        i += len(items)
    visible, _ = _visible_cost([item for items in recoloured for item in items], errors)
    kept, i = [], 0
    for layer, items in zip(layers, recoloured):
        layer.strokes = [s for j, (s, _) in enumerate(items) if visible[i + j] or not kept]  # the block-in stays whole
        i += len(items)
        if layer.strokes:
            layer.index = len(kept)
            kept.append(layer)
    return kept


def _visible_cost(flat: list, errors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per stroke of ``flat`` (in paint order): its visible pixel count and, per paint,
    the summed error of those pixels (K × strokes)."""
    owner = np.full(errors.shape[1] * errors.shape[2], -1, dtype=np.int64)
    for i, (_, covered) in enumerate(flat):
        owner[covered] = i
    seen = owner >= 0
    visible = np.bincount(owner[seen], minlength=len(flat))
    seen_errors = errors.reshape(len(errors), -1)[:, seen]
    cost = np.stack([np.bincount(owner[seen], weights=e, minlength=len(flat)) for e in seen_errors])
    return visible, cost


def _as_canvas(canvas) -> tuple[float, float, str]:
    try:
        width, height, unit = canvas
        canvas = (float(width), float(height), str(unit))
    except (TypeError, ValueError):
        raise InputError(f"canvas must be (width, height, unit), e.g. (40, 30, 'cm'); got {canvas!r}.") from None
    canvas_mm_per_px(canvas, (1, 1))  # checks the unit and the sides
    return canvas
