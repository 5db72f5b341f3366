"""Where strokes pay and where they go: paint errors, gain maps, seeds and tracing.

All maps are float32. *Error* is CIEDE2000 between the picture and a paint (or the
canvas as it is); *gain* of paint k at a place is how much a brush of paint k there
lowers the canvas's error, per pixel, averaged over a box one brush wide. Gain maps
are computed on a grid of about a quarter brush width, so a big brush costs little.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import ndimage

from engine.color.spaces import palette_delta_e_blocks, unique_colors


def paint_errors(image: np.ndarray, palette_rgb: np.ndarray) -> np.ndarray:
    """K×H×W float32: CIEDE2000 of every paint to every pixel of ``image`` (H×W×3 uint8),
    computed once per distinct colour of the picture."""
    colors, _, inverse = unique_colors(image)
    table = np.empty((len(colors), len(palette_rgb)), dtype=np.float32)
    for start, block in palette_delta_e_blocks(colors, palette_rgb):
        table[start : start + len(block)] = block
    return table.T[:, inverse.ravel()].reshape((len(palette_rgb),) + image.shape[:2])


class GainGrid:
    """Gain maps of every paint for one brush of ``width`` px, on a grid of ``stride`` px.

    A box mean is linear, so the gain of paint k (mean error removed per pixel by a
    brush-wide box of paint k) is ``box(canvas error) - box(error of k)``: the paints'
    part is computed once per brush, :meth:`update` only filters the canvas's error.
    """

    def __init__(self, errors: np.ndarray, width: float):
        self.shape = errors.shape[1:]
        self.stride = max(1, int(width // 4))
        self.size = max(1, int(round(width / self.stride)))
        self._set_paints(self._box(self._coarse(errors)))
        self.canvas_box = None

    def _set_paints(self, paint_box: np.ndarray) -> None:
        self.paint_box = paint_box
        self.best_paint = self.paint_box.argmin(axis=0)
        self.best_box = np.take_along_axis(self.paint_box, self.best_paint[None], 0)[0]

    def subset(self, paints) -> GainGrid:
        """The same grid for only ``paints`` (indices; the new grid's paint i is ``paints[i]``)."""
        grid = object.__new__(GainGrid)
        grid.shape, grid.stride, grid.size, grid.canvas_box = self.shape, self.stride, self.size, self.canvas_box
        grid._set_paints(self.paint_box[np.asarray(paints, dtype=np.intp)])
        return grid

    def gains(self) -> np.ndarray:
        """K × nodes: how much each paint would lower the error at each grid node (≥ 0)."""
        return np.maximum(self.canvas_box - self.paint_box, 0.0).reshape(len(self.paint_box), -1)

    def _coarse(self, maps: np.ndarray) -> np.ndarray:
        """Block means of ``maps`` (…×H×W) over ``stride``² blocks (edge blocks padded)."""
        s = self.stride
        if s == 1:
            return maps.astype(np.float32, copy=False)
        h, w = self.shape
        ny, nx = -(-h // s), -(-w // s)
        pad = [(0, 0)] * (maps.ndim - 2) + [(0, ny * s - h), (0, nx * s - w)]
        padded = np.pad(maps, pad, mode="edge")
        return padded.reshape(maps.shape[:-2] + (ny, s, nx, s)).mean(axis=(-3, -1), dtype=np.float32)

    def _box(self, maps: np.ndarray) -> np.ndarray:
        size = (1,) * (maps.ndim - 2) + (self.size, self.size)
        return ndimage.uniform_filter(maps, size=size, mode="nearest")

    def update(self, canvas_error: np.ndarray) -> None:
        """Take the canvas's error (H×W) as it is now."""
        self.canvas_box = self._box(self._coarse(canvas_error))

    def _nodes(self, y, x):
        gy = np.clip(np.round(y / self.stride).astype(np.intp), 0, self.best_box.shape[0] - 1)
        gx = np.clip(np.round(x / self.stride).astype(np.intp), 0, self.best_box.shape[1] - 1)
        return gy, gx

    def at(self, color: np.ndarray, y: np.ndarray, x: np.ndarray) -> np.ndarray:
        """Gain of paint ``color`` at (``y``, ``x``) px (nearest grid node); -inf off the canvas."""
        h, w = self.shape
        inside = (y >= 0) & (y <= h - 1) & (x >= 0) & (x <= w - 1)
        gy, gx = self._nodes(y, x)
        return np.where(inside, self.canvas_box[gy, gx] - self.paint_box[color, gy, gx], -np.inf)

    def best_at(self, y: np.ndarray, x: np.ndarray) -> np.ndarray:
        """Paint index with the least error in a brush-wide box around (``y``, ``x``) px."""
        return self.best_paint[self._nodes(y, x)]

    def seeds(self, min_gain: float, limit: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(y, x, color)`` of the best paint at each local maximum of the best gain
        above ``min_gain`` (per pixel), best first, at most ``limit``."""
        best = self.canvas_box - self.best_box
        peak = (best >= ndimage.maximum_filter(best, size=max(3, self.size | 1), mode="nearest")) & (best > min_gain)
        gy, gx = np.nonzero(peak)
        order = np.argsort(-best[gy, gx], kind="stable")[:limit]
        gy, gx = gy[order], gx[order]
        h, w = self.shape
        y = np.minimum(gy * self.stride + (self.stride - 1) / 2.0, h - 1)
        x = np.minimum(gx * self.stride + (self.stride - 1) / 2.0, w - 1)
        return y.astype(np.float64), x.astype(np.float64), self.best_paint[gy, gx]


#: Turns tried at each step (degrees from the previous direction); the first step tries all round.
_TURNS = np.radians([-36.0, -18.0, 0.0, 18.0, 36.0])
_FIRST = np.radians(np.arange(0.0, 360.0, 22.5))
#: Share of its gain a turn of the sharpest angle gives up (bare canvas otherwise makes loops).
_STRAIGHT = 0.15


def trace_strokes(grid: GainGrid, y, x, color, width: float, *, max_points: int, keep_gain: float):
    """Trace a stroke of paint ``color[i]`` from every seed (``y[i]``, ``x[i]``) px, both ways.

    Each step (half a brush width) goes where the paint still pays most among a few
    gentle turns; a stroke ends where the best turn's gain drops below ``keep_gain``
    (per pixel), where it would run back over itself or off the canvas, or at
    ``max_points`` points. Returns ``(paths, estimate)``: a list of N×2 ``(x, y)``
    paths and, per path, the error it should remove (gain × area, pixels × ΔE).
    """
    step = max(width / 2.0, 1.0)
    forward, first_dir, f_gain = _walk(grid, y, x, color, None, step, max_points - 1, keep_gain)
    backward, _, b_gain = _walk(grid, y, x, color, first_dir + np.pi, step, max_points - 1, keep_gain)
    paths = []
    estimate = np.maximum(grid.at(color, y, x), 0.0) * (np.pi * width * width / 4.0)
    for i in range(len(y)):
        f, b = forward[i], backward[i]
        room = max_points - len(f)
        back = b[1 : 1 + room][::-1] if room > 0 else b[:0]
        paths.append(np.concatenate([back, f])[:, ::-1])  # (x, y)
        estimate[i] += (f_gain[i, : len(f) - 1].sum() + b_gain[i, : len(back)].sum()) * step * width
    return paths, estimate


def _walk(grid, y, x, color, start_angle, step, steps, keep_gain):
    """One direction of :func:`trace_strokes`: ``(paths as N lists of (y, x), first angle)``."""
    n = len(y)
    py, px = [y.copy()], [x.copy()]
    angle = np.zeros(n) if start_angle is None else np.asarray(start_angle, dtype=np.float64).copy()
    first_angle = angle.copy()
    alive = np.ones(n, dtype=bool)
    count = np.ones(n, dtype=np.int64)
    gains = np.zeros((n, steps))
    cy, cx = y.copy(), x.copy()
    for i in range(steps):
        turns = _FIRST if (i == 0 and start_angle is None) else _TURNS
        cand = angle[:, None] + turns[None, :]
        ny, nx = cy[:, None] + step * np.sin(cand), cx[:, None] + step * np.cos(cand)
        gain = grid.at(np.broadcast_to(color[:, None], ny.shape), ny, nx)
        # Never back over the path already walked (a stroke does not loop onto itself).
        for back_y, back_x in zip(py[:-1], px[:-1]):
            near = (ny - back_y[:, None]) ** 2 + (nx - back_x[:, None]) ** 2 < (0.9 * step) ** 2
            gain = np.where(near, -np.inf, gain)
        # A painter's stroke runs straight unless the picture asks it to turn.
        bend = 0.0 if turns is _FIRST else np.abs(turns)[None, :] / _TURNS.max() * _STRAIGHT
        pick = np.where(gain > 0, gain * (1.0 - bend), gain).argmax(axis=1)
        rows = np.arange(n)
        keep = alive & (gain[rows, pick] >= keep_gain)
        if i == 0 and start_angle is None:
            first_angle = cand[rows, pick]
        gains[:, i] = np.where(keep, gain[rows, pick], 0.0)
        angle = np.where(keep, cand[rows, pick], angle)
        cy, cx = np.where(keep, ny[rows, pick], cy), np.where(keep, nx[rows, pick], cx)
        count += keep
        alive = keep
        py.append(cy.copy())
        px.append(cx.copy())
        if not alive.any():
            break
    walked = np.stack([np.stack(py, axis=1), np.stack(px, axis=1)], axis=2)  # (n, steps, 2): y, x
    paths = [walked[i, : count[i]].copy() for i in range(n)]
    return paths, first_angle, gains


def stroke_pixels(footprint, shape) -> np.ndarray | None:
    """Flat pixel indices of a :func:`~engine.plan.render.stroke_footprint` result."""
    if footprint is None:
        return None
    top, left, mask = footprint
    rows, cols = np.nonzero(mask)
    return (rows + top) * shape[1] + (cols + left)


def mm2_to_px(area_mm2: float, mm_per_px: float) -> float:
    """An area of canvas in mm² as picture pixels."""
    return area_mm2 / (mm_per_px * mm_per_px) if mm_per_px > 0 else math.inf
