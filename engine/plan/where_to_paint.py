"""Where to paint: one picture per sub-step, readable on a screen, a tablet or paper.

Each picture is the canvas as it stands before the sub-step, faded, with only the
sub-step's strokes in their full colour, outlined in dark grey so even a pale mix stands
off the faded canvas, and an arrow inside every stroke long enough to carry one
(the brush's direction of travel). Nothing else: one mix, one brush, where it goes.
The pictures are drawn at print resolution (default 1200 px on the long side: 120 mm
wide on paper is 250 dpi) with a few flat colours, so they store as small indexed PNGs.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage

from engine.color.ink import dark_ink
from engine.plan.model import Plan, path_length
from engine.plan.render import BARE, BLANK_RGB, paint_stroke, stroke_footprint
from engine.plan.substeps import SubStep, plan_substeps

#: Share of white mixed into the canvas under a sub-step's strokes (0 = full colour).
FADE = 0.62
OUTLINE_RGB = (34, 34, 34)
#: Outline width in px of the picture, drawn just outside the strokes.
OUTLINE_PX = 2
#: Strokes narrower than this (px of the picture) get no arrow: it could not be read.
MIN_ARROW_WIDTH_PX = 10.0


def picture_shape(plan: Plan, long_side: int) -> tuple[int, int]:
    """(height, width) px of the pictures of ``plan`` with ``long_side`` px on the longer side."""
    scale = long_side / max(plan.shape)
    return max(1, round(plan.shape[0] * scale)), max(1, round(plan.shape[1] * scale))


def where_to_paint(plan: Plan, *, long_side: int = 1200) -> Iterator[tuple[SubStep, np.ndarray]]:
    """``(sub-step, picture)`` for every sub-step of ``plan``, in painting order.

    Parameters
    ----------
    plan : Plan
    long_side : int
        Longer side of the pictures in px (≥ 16).

    Yields
    ------
    SubStep, ndarray (H, W, 3) uint8
        The picture: the canvas before the sub-step (faded), its strokes in full colour
        with a dark outline and direction arrows. Pixels farther than the outline from
        the sub-step's strokes are exactly the faded canvas.
    """
    if long_side < 16:
        raise ValueError(f"long_side must be at least 16 px; got {long_side}.")
    shape = picture_shape(plan, long_side)
    scaled = plan.scaled(shape)
    k = len(plan.palette_rgb)
    # Colour table: faded paints, full paints, bare canvas (faded = itself), outline, black, white.
    paints = np.asarray(plan.palette_rgb, dtype=np.float64)
    faded = np.round(paints * (1 - FADE) + 255.0 * FADE).astype(np.uint8)
    table = np.vstack([faded, plan.palette_rgb, [BLANK_RGB, OUTLINE_RGB, (0, 0, 0), (255, 255, 255)]]).astype(np.uint8)
    bare, outline, black, white = 2 * k, 2 * k + 1, 2 * k + 2, 2 * k + 3
    ink = np.where(dark_ink(plan.palette_rgb), black, white)
    labels = np.full(shape, BARE, dtype=np.int32)
    ring = ndimage.generate_binary_structure(2, 1)
    for step in plan_substeps(scaled):
        index = np.where(labels < 0, bare, labels)
        strokes = step.strokes(scaled)
        mask = np.zeros(shape, dtype=bool)
        for stroke in strokes:
            footprint = stroke_footprint(stroke.points, stroke.width, shape)
            if footprint is not None:
                top, left, covered = footprint
                mask[top : top + covered.shape[0], left : left + covered.shape[1]] |= covered
        index[ndimage.binary_dilation(mask, ring, iterations=OUTLINE_PX) & ~mask] = outline
        index[mask] = k + step.color - 1
        arrows = Image.new("1", (shape[1], shape[0]), 0)
        _draw_arrows(ImageDraw.Draw(arrows), strokes)
        index[np.asarray(arrows) & mask] = ink[step.color - 1]  # arrows stay inside their strokes
        yield step, table[index]
        for stroke in strokes:
            paint_stroke(labels, stroke)


def _draw_arrows(draw: ImageDraw.ImageDraw, strokes) -> None:
    """An arrow along each stroke wide and long enough, inside the stroke (its ends
    held back half a brush, the head 0.6 brush wide), on a 1-bit picture."""
    for stroke in strokes:
        width = stroke.width
        if width < MIN_ARROW_WIDTH_PX or len(stroke.points) < 2:
            continue
        path = _trim(stroke.points, width / 2.0)  # the end held back half a brush…
        path = None if path is None else _trim(path[::-1], width / 2.0)  # …and the start
        if path is None or path_length(path) < width:
            continue
        path = path[::-1]
        head = 0.6 * width
        shaft = _trim(path, head * 0.8)  # ends inside the head
        if shaft is not None and len(shaft) >= 2:
            draw.line([tuple(p) for p in shaft], fill=1, width=max(2, round(width / 8)), joint="curve")
        tip = path[-1]
        direction = path[-1] - path[-2]
        direction = direction / max(np.hypot(*direction), 1e-9)
        normal = np.array([-direction[1], direction[0]])
        base = tip - direction * head
        draw.polygon([tuple(tip), tuple(base + normal * head / 2), tuple(base - normal * head / 2)], fill=1)


def _trim(points: np.ndarray, amount: float) -> np.ndarray | None:
    """The path without its last ``amount`` px (None when nothing is left)."""
    points = np.asarray(points, dtype=np.float64)
    segments = np.hypot(*np.diff(points, axis=0).T)
    remaining = segments.sum() - amount
    if remaining <= 0:
        return None
    run = np.concatenate([[0.0], np.cumsum(segments)])
    last = int(np.searchsorted(run, remaining, side="right"))  # points[:last] lie within the kept length
    keep = points[:last]
    if last < len(points):
        a, b = points[last - 1], points[last]
        t = (remaining - run[last - 1]) / max(segments[last - 1], 1e-9)
        keep = np.vstack([keep, a + (b - a) * t])
    return keep
