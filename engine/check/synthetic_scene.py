"""The table under a photographed canvas: wood, a cutting mat or cloth, and the things on it.

Drawn on a raster of the table's plane (``pixels_per_cm``), in linear light, for
:mod:`engine.check.synthetic_photo` to put in perspective. The things are the clutter of
a painter's table — books, a phone, brushes, jars, paint tubes, a palette with paint —
placed around the canvas; now and then a brush lies across the canvas's edge.
"""

from __future__ import annotations

import cv2
import numpy as np

from engine.check.synthetic_painting import smooth_noise
from engine.color.spaces import srgb_to_linear


def table_texture(size: tuple[int, int], pixels_per_cm: float, rng: np.random.Generator) -> np.ndarray:
    """A table top of ``size`` = (width, height) raster px, H×W×3 float32 linear RGB."""
    width, height = size
    kind = rng.integers(3)
    if kind == 0:  # wood: grain along one direction, warped, in a brown
        base = np.array([rng.uniform(0.45, 0.75), rng.uniform(0.3, 0.5), rng.uniform(0.15, 0.3)])
        angle = rng.uniform(0, np.pi)
        yy, xx = np.mgrid[0:height, 0:width].astype(np.float32) / pixels_per_cm
        across = -np.sin(angle) * xx + np.cos(angle) * yy
        warp = 3.0 * smooth_noise((height, width), 15 * pixels_per_cm, rng)
        grain = np.sin(2 * np.pi * (across + warp) / rng.uniform(0.4, 1.2))
        shade = 1 + 0.15 * grain + 0.08 * smooth_noise((height, width), 2 * pixels_per_cm, rng)
        picture = base[None, None, :] * shade[..., None]
    elif kind == 1:  # cutting mat: a flat colour with a grid of thin lines every cm
        base = np.array([rng.uniform(0.05, 0.2), rng.uniform(0.2, 0.45), rng.uniform(0.15, 0.35)])
        if rng.random() < 0.4:
            base = np.full(3, rng.uniform(0.1, 0.3))
        picture = np.broadcast_to(base, (height, width, 3)).astype(np.float32).copy()
        line = np.full(3, rng.uniform(0.55, 0.85))
        step = pixels_per_cm * (5 if rng.random() < 0.5 else 1)
        offset = rng.uniform(0, step, 2)
        for x in np.arange(offset[0], width, step):
            cv2.line(picture, (int(x), 0), (int(x), height - 1), line.tolist(), max(1, int(pixels_per_cm * 0.05)))
        for y in np.arange(offset[1], height, step):
            cv2.line(picture, (0, int(y)), (width - 1, int(y)), line.tolist(), max(1, int(pixels_per_cm * 0.05)))
        picture *= (1 + 0.05 * smooth_noise((height, width), pixels_per_cm, rng))[..., None]
    else:  # cloth: a colour with woven and blotchy texture
        base = srgb_to_linear(rng.uniform(0.2, 0.9, 3))
        texture = (0.1 * smooth_noise((height, width), 0.15 * pixels_per_cm, rng)
                   + 0.1 * smooth_noise((height, width), 5 * pixels_per_cm, rng))
        picture = base[None, None, :] * (1 + texture)[..., None]
    return np.clip(picture, 0, 1).astype(np.float32)


def draw_objects(ground: np.ndarray, canvas: np.ndarray, pixels_per_cm: float, rng: np.random.Generator,
                 count: int | None = None):
    """Draw things on the table (in place), none over the canvas's ``canvas`` footprint
    (4×2 raster px); returns ``(colours, alpha)`` of a brush lying across the canvas's
    edge (about one photo in four), else None."""
    height, width = ground.shape[:2]
    count = int(rng.integers(2, 8)) if count is None else count
    keep_out = np.zeros((height, width), np.uint8)
    cv2.fillPoly(keep_out, [np.round(canvas).astype(np.int32)], 1)
    keep_out = cv2.dilate(keep_out, np.ones((3, 3), np.uint8), iterations=max(1, int(pixels_per_cm)))
    colours = np.zeros_like(ground)
    mask = np.zeros((height, width), np.uint8)
    for _ in range(count):
        for _attempt in range(30):
            mask[...] = 0
            draw = _random_object((height, width), pixels_per_cm, rng)
            draw(None, mask)
            x, y, w, h = cv2.boundingRect(mask)
            if w and h and not (keep_out[y : y + h, x : x + w] & mask[y : y + h, x : x + w]).any():
                draw(colours, None)
                alpha = (mask[y : y + h, x : x + w].astype(np.float32) / 255.0)[..., None]
                box = ground[y : y + h, x : x + w]
                box[...] = box * (1 - alpha) + colours[y : y + h, x : x + w] * alpha
                break
    if rng.random() < 0.25:
        mask[...] = 0
        colours[...] = 0
        draw = _brush((height, width), pixels_per_cm, rng, across=canvas)
        draw(colours, mask)
        return colours, mask.astype(np.float32) / 255.0
    return None


def _random_object(shape, pixels_per_cm, rng):
    """A function ``draw(colours, mask)`` drawing one random thing into either or both."""
    kind = rng.choice(["book", "phone", "brush", "jar", "tube", "palette"])
    if kind == "brush":
        return _brush(shape, pixels_per_cm, rng)
    height, width = shape
    centre = (rng.uniform(0, width), rng.uniform(0, height))
    angle = rng.uniform(0, 180)
    colour = srgb_to_linear(rng.uniform(0.05, 0.95, 3)).tolist()
    shapes = []  # (kind, geometry, colour); the first is the outline of the whole thing
    if kind in ("book", "phone", "tube"):
        sides = {"book": (rng.uniform(14, 24), rng.uniform(18, 30)), "phone": (7.5, 15.5),
                 "tube": (rng.uniform(2.5, 3.5), rng.uniform(10, 16))}[kind]
        box = cv2.boxPoints((centre, (sides[0] * pixels_per_cm, sides[1] * pixels_per_cm), angle))
        shapes.append(("poly", box, [0.01, 0.01, 0.012] if kind == "phone" else colour))
        if kind == "book":  # a title block on the cover
            inner = cv2.boxPoints((centre, (sides[0] * 0.6 * pixels_per_cm, sides[1] * 0.2 * pixels_per_cm), angle))
            shapes.append(("poly", inner, srgb_to_linear(rng.uniform(0, 1, 3)).tolist()))
    elif kind == "jar":
        radius = rng.uniform(3.5, 6) * pixels_per_cm
        shapes.append(("circle", (centre, radius), colour))
        shapes.append(("circle", (centre, radius * 0.8), [c * 0.6 for c in colour]))
    else:  # palette with dabs of paint
        axes = (rng.uniform(12, 18) * pixels_per_cm, rng.uniform(9, 13) * pixels_per_cm)
        wood = srgb_to_linear(np.array([0.75, 0.6, 0.4]) * rng.uniform(0.8, 1.2)).tolist()
        shapes.append(("ellipse", (centre, axes, angle), wood))
        for _ in range(rng.integers(4, 10)):
            dab = (centre[0] + rng.uniform(-0.7, 0.7) * axes[0], centre[1] + rng.uniform(-0.7, 0.7) * axes[1])
            shapes.append(("circle", (dab, rng.uniform(1, 2.5) * pixels_per_cm), srgb_to_linear(rng.uniform(0, 1, 3)).tolist()))

    def draw(colours, mask):
        for i, (what, geometry, fill) in enumerate(shapes):
            targets = ([(colours, fill)] if colours is not None else []) + ([(mask, 255)] if mask is not None and i == 0 else [])
            for image, value in targets:
                if what == "poly":
                    cv2.fillPoly(image, [np.round(geometry).astype(np.int32)], value, cv2.LINE_AA)
                elif what == "circle":
                    cv2.circle(image, tuple(int(v) for v in geometry[0]), int(geometry[1]), value, -1, cv2.LINE_AA)
                else:
                    (cx, cy), (ax, ay), turn = geometry
                    cv2.ellipse(image, (int(cx), int(cy)), (int(ax), int(ay)), turn, 0, 360, value, -1, cv2.LINE_AA)

    return draw


def _brush(shape, pixels_per_cm, rng, across=None):
    """A brush's ``draw(colours, mask)``: a handle, a metal ferrule and a tip; ``across``
    (a 4×2 footprint) puts its tip 0.5–2 cm over one of that footprint's sides."""
    height, width = shape
    length = rng.uniform(18, 28) * pixels_per_cm
    if across is None:
        start = np.array([rng.uniform(0, width), rng.uniform(0, height)])
        angle = rng.uniform(0, 2 * np.pi)
        direction = np.array([np.cos(angle), np.sin(angle)])
    else:
        side = int(rng.integers(4))
        a, b = across[side], across[(side + 1) % 4]
        point = a + rng.uniform(0.2, 0.8) * (b - a)
        inward = np.array([-(b - a)[1], (b - a)[0]]) / np.linalg.norm(b - a)
        if np.dot(inward, across.mean(axis=0) - point) < 0:
            inward = -inward
        turn = rng.uniform(-0.6, 0.6)
        inward = np.array([np.cos(turn) * inward[0] - np.sin(turn) * inward[1],
                           np.sin(turn) * inward[0] + np.cos(turn) * inward[1]])
        tip = point + inward * rng.uniform(0.5, 2.0) * pixels_per_cm
        start = tip - inward * length  # the handle's end, outside the canvas
        direction = inward
    handle_colour = srgb_to_linear(rng.uniform(0.05, 0.9, 3)).tolist()
    thickness = max(2, int(rng.uniform(0.6, 1.1) * pixels_per_cm))
    parts = (((0.0, 0.75), handle_colour, 1.0), ((0.75, 0.9), [0.6, 0.6, 0.62], 0.8), ((0.9, 1.0), [0.05, 0.04, 0.03], 0.6))

    def draw(colours, mask):
        for (t0, t1), colour, scale in parts:
            p, q = start + direction * length * t0, start + direction * length * t1
            ends = (tuple(int(v) for v in p), tuple(int(v) for v in q))
            width_px = max(1, int(thickness * scale))
            if colours is not None:
                cv2.line(colours, *ends, colour, width_px, cv2.LINE_AA)
            if mask is not None:
                cv2.line(mask, *ends, 255, width_px, cv2.LINE_AA)

    return draw
