"""Painting a stroke plan: the one renderer behind every plan picture.

A stroke is a round brush dragged along its path: it covers every pixel whose centre
lies closer than half the brush width to the path (a union of capsules, the shape
:func:`engine.strokes.render.render_stroke` gives a ``"round"`` stroke without edge
wobble). Paint is opaque and each stroke has one palette colour, so a canvas is a
label image (palette index per pixel, -1 where the canvas is bare) and rendering is
exact integer work: the same plan always gives the same pictures, bit for bit.
"""

from __future__ import annotations

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
    the stroke misses the canvas. Each segment is tested only inside its own
    bounding box, so the cost follows the painted area, not the stroke's extent.
    """
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    radius = float(width) / 2.0
    height, width_px = shape
    top = max(0, int(np.floor(points[:, 1].min() - radius)))
    bottom = min(height - 1, int(np.ceil(points[:, 1].max() + radius)))
    left = max(0, int(np.floor(points[:, 0].min() - radius)))
    right = min(width_px - 1, int(np.ceil(points[:, 0].max() + radius)))
    if top > bottom or left > right:
        return None
    mask = np.zeros((bottom - top + 1, right - left + 1), dtype=bool)
    r2 = radius * radius
    # A dab (one point) is a segment of length zero: a disc.
    segments = zip(points[:-1], points[1:]) if len(points) > 1 else [(points[0], points[0])]
    for (ax, ay), (bx, by) in segments:
        y0 = max(top, int(np.floor(min(ay, by) - radius)))
        y1 = min(bottom, int(np.ceil(max(ay, by) + radius)))
        x0 = max(left, int(np.floor(min(ax, bx) - radius)))
        x1 = min(right, int(np.ceil(max(ax, bx) + radius)))
        if y0 > y1 or x0 > x1:
            continue
        gy = np.arange(y0, y1 + 1, dtype=np.float64)[:, None] - ay
        gx = np.arange(x0, x1 + 1, dtype=np.float64)[None, :] - ax
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        if length2 > 0:
            t = np.clip((gx * dx + gy * dy) / length2, 0.0, 1.0)
            gx, gy = gx - t * dx, gy - t * dy
        mask[y0 - top : y1 - top + 1, x0 - left : x1 - left + 1] |= gx * gx + gy * gy < r2
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
