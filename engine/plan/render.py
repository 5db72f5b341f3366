"""Painting a stroke plan: the one renderer behind every plan picture.

A stroke is a round brush dragged along its path: it covers every pixel whose centre
lies closer than half the brush width to the path (a union of capsules, the shape
:func:`engine.strokes.render.render_stroke` gives a ``"round"`` stroke without edge
wobble). Paint is opaque and each stroke has one palette colour, so a canvas is a
label image (palette index per pixel, -1 where the canvas is bare) and rendering is
exact integer work: the same plan always gives the same pictures, bit for bit.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.plan.model import Plan, Stroke

BARE = -1
BLANK_RGB = (255, 255, 255)


def stroke_footprint(points: np.ndarray, width: float, shape: tuple[int, int]):
    """Pixels a round brush of ``width`` px covers along ``points`` (N×2 ``(x, y)`` px).

    Returns ``(top, left, mask)`` — ``mask`` a bool array whose top-left pixel is
    (``top``, ``left``) on a canvas of ``shape`` = (height, width) — or ``None`` when
    the stroke misses the canvas. A pixel is covered when its centre lies closer than
    ``width / 2`` to one of the path's segments (a dab, one point, is a disc).
    """
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    radius = float(width) / 2.0
    height, width_px = shape
    xs, ys = points[:, 0], points[:, 1]
    # Few NumPy calls per stroke: the planner calls this for every stroke it tries, and
    # on strokes of a few segments the calls, not the arithmetic, take the time.
    (x_min, y_min), (x_max, y_max) = points.min(axis=0).tolist(), points.max(axis=0).tolist()
    top = max(0, math.floor(y_min - radius))
    bottom = min(height - 1, math.ceil(y_max + radius))
    left = max(0, math.floor(x_min - radius))
    right = min(width_px - 1, math.ceil(x_max + radius))
    if top > bottom or left > right:
        return None
    # Segments as arrays (a dab is a segment of length zero, whose projection is its point).
    ax, ay = (xs[:-1], ys[:-1]) if len(points) > 1 else (xs, ys)
    step = points[1:] - points[:-1] if len(points) > 1 else np.zeros((1, 2))
    dx, dy = step[:, 0], step[:, 1]
    length2 = dx * dx + dy * dy
    length2 = np.where(length2 > 0, length2, 1.0)
    r2 = radius * radius
    box = (bottom - top + 1) * (right - left + 1)
    if box * len(ax) <= _VECTOR_LIMIT:
        # Small strokes (most of a plan): every segment at once over the stroke's box.
        gy = np.arange(top, bottom + 1, dtype=np.float64)[None, :, None] - ay[:, None, None]
        gx = np.arange(left, right + 1, dtype=np.float64)[None, None, :] - ax[:, None, None]
        ddx, ddy = dx[:, None, None], dy[:, None, None]
        t = (gx * ddx + gy * ddy) / length2[:, None, None]
        np.minimum(np.maximum(t, 0.0, out=t), 1.0, out=t)  # np.clip, without its Python overhead
        mask = (((gx - t * ddx) ** 2 + (gy - t * ddy) ** 2) < r2).any(axis=0)
    else:
        # Large strokes: each segment inside its own box, so the cost follows the painted area.
        mask = np.zeros((bottom - top + 1, right - left + 1), dtype=bool)
        for sx, sy, sdx, sdy, sl2 in zip(ax.tolist(), ay.tolist(), dx.tolist(), dy.tolist(), length2.tolist()):
            y0 = max(top, math.floor(min(sy, sy + sdy) - radius))
            y1 = min(bottom, math.ceil(max(sy, sy + sdy) + radius))
            x0 = max(left, math.floor(min(sx, sx + sdx) - radius))
            x1 = min(right, math.ceil(max(sx, sx + sdx) + radius))
            if y0 > y1 or x0 > x1:
                continue
            gy = np.arange(y0, y1 + 1, dtype=np.float64)[:, None] - sy
            gx = np.arange(x0, x1 + 1, dtype=np.float64)[None, :] - sx
            t = np.clip((gx * sdx + gy * sdy) / sl2, 0.0, 1.0)
            mask[y0 - top : y1 - top + 1, x0 - left : x1 - left + 1] |= (gx - t * sdx) ** 2 + (gy - t * sdy) ** 2 < r2
    if not mask.any():
        return None
    return top, left, mask


#: Most segment × pixel tests done as one array operation (about 2 MB of float64).
_VECTOR_LIMIT = 250_000


def paint_stroke(labels: np.ndarray, stroke: Stroke) -> tuple[int, int, np.ndarray] | None:
    """Paint ``stroke`` (its palette index, ``color - 1``) into ``labels`` in place; returns its footprint."""
    footprint = stroke_footprint(stroke.points, stroke.width, labels.shape)
    if footprint is not None:
        top, left, mask = footprint
        labels[top : top + mask.shape[0], left : left + mask.shape[1]][mask] = stroke.color - 1
    return footprint


@dataclass
class PlanRender:
    """What painting a plan gives: ``layers`` (one H×W int32 label image per plan layer,
    the canvas after that layer, -1 bare) and ``owner`` (H×W int32, the plan layer
    that painted each pixel last, -1 bare)."""

    layers: list[np.ndarray]
    owner: np.ndarray

    @property
    def final(self) -> np.ndarray:
        return self.layers[-1] if self.layers else self.owner.copy()


def render_plan(plan: Plan, *, on_stroke: Callable[[int, int, np.ndarray], None] | None = None) -> PlanRender:
    """Paint ``plan`` stroke by stroke on a bare canvas.

    ``on_stroke(layer_index, stroke_index, labels)`` is called after every stroke (the
    time-lapse samples frames this way); ``labels`` is the live canvas, do not keep it.
    """
    labels = np.full(plan.shape, BARE, dtype=np.int32)
    owner = np.full(plan.shape, BARE, dtype=np.int32)
    layers = []
    for layer in plan.layers:
        for j, stroke in enumerate(layer.strokes):
            footprint = paint_stroke(labels, stroke)
            if footprint is not None:
                top, left, mask = footprint
                owner[top : top + mask.shape[0], left : left + mask.shape[1]][mask] = layer.index
            if on_stroke is not None:
                on_stroke(layer.index, j, labels)
        layers.append(labels.copy())
    return PlanRender(layers, owner)


def labels_to_rgb(labels: np.ndarray, palette_rgb: np.ndarray, blank=BLANK_RGB) -> np.ndarray:
    """H×W×3 uint8 picture of a label image (bare canvas ``blank``)."""
    colors = np.vstack([np.asarray(palette_rgb, dtype=np.uint8).reshape(-1, 3), np.asarray(blank, np.uint8)])
    return colors[np.where(labels < 0, len(colors) - 1, labels)]
