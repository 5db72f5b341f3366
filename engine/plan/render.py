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
    (x_min, y_min), (x_max, y_max) = points.min(axis=0).tolist(), points.max(axis=0).tolist()
    top_u, left_u = math.floor(y_min - radius), math.floor(x_min - radius)  # the stroke's box, canvas or not
    bottom_u, right_u = math.ceil(y_max + radius), math.ceil(x_max + radius)
    top, bottom = max(0, top_u), min(height - 1, bottom_u)
    left, right = max(0, left_u), min(width_px - 1, right_u)
    if top > bottom or left > right:
        return None
    # Segments (a dab is a segment of length zero, whose projection is its point). Each
    # is tested only over its own box — all boxes one size, so every segment goes at once:
    # the planner calls this for every stroke it tries, and on strokes of a few segments
    # the NumPy calls, not the arithmetic, take the time; testing every segment over the
    # whole stroke's box did up to a hundred times the arithmetic on a long diagonal stroke.
    start, step = (points[:-1], points[1:] - points[:-1]) if len(points) > 1 else (points, np.zeros((1, 2)))
    low = np.floor(np.minimum(start, start + step) - radius)  # (x, y) of each segment's box
    rows, cols = (np.ceil(np.maximum(start, start + step) + radius) - low).max(axis=0).astype(int)[::-1] + 1
    ax, ay = start[:, 0, None, None], start[:, 1, None, None]
    dx, dy = step[:, 0, None, None], step[:, 1, None, None]
    length2 = dx * dx + dy * dy
    length2[length2 == 0] = 1.0
    box_y = low[:, 1, None, None] + np.arange(rows, dtype=np.float64)[:, None]  # pixel rows, whole numbers
    box_x = low[:, 0, None, None] + np.arange(cols, dtype=np.float64)
    gy, gx = box_y - ay, box_x - ax
    t = (gx * dx + gy * dy) / length2
    np.minimum(np.maximum(t, 0.0, out=t), 1.0, out=t)  # np.clip, without its Python overhead
    hit = ((gx - t * dx) ** 2 + (gy - t * dy) ** 2) < radius * radius
    # Hits lie inside the stroke's box, so their flat indices in it are exact.
    box_w = right_u - left_u + 1
    flat = ((box_y - top_u) * box_w + (box_x - left_u)).astype(np.intp)
    mask = np.zeros((bottom_u - top_u + 1, box_w), dtype=bool)
    mask.reshape(-1)[flat[hit]] = True
    mask = mask[top - top_u : bottom - top_u + 1, left - left_u : right - left_u + 1]
    if not mask.any():
        return None
    return top, left, mask


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
