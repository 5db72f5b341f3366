"""The painting being painted, stroke by stroke: an animated WebP (or GIF) time-lapse.

Frames are sampled while the plan is rendered (:func:`engine.plan.render.render_plan`),
so they show exactly the plan's strokes. Every layer gets frames in proportion to the
square root of its strokes (the few broad strokes of the block-in change the picture
as much as the many small ones of the details), the last frame of each layer is the
canvas after it, and the finished painting is held at the end.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from engine.plan.model import Plan
from engine.plan.render import labels_to_rgb, render_plan

MAX_SECONDS = 15.0
MAX_BYTES = 5 * 1024 * 1024


def timelapse_frames(plan: Plan, *, max_frames: int = 80, long_side: int = 360) -> list[np.ndarray]:
    """Frames (H×W×3 uint8, at most ``long_side`` px) of ``plan`` being painted.

    The first frame is the bare canvas; at most ``max_frames`` + 1 frames in all.
    """
    if max_frames < 1:
        raise ValueError(f"max_frames must be at least 1; got {max_frames}.")
    counts = np.array([len(layer.strokes) for layer in plan.layers], dtype=np.float64)
    share = np.sqrt(counts) / max(np.sqrt(counts).sum(), 1e-9)
    per_layer = np.maximum(1, np.floor(share * max_frames)).astype(int)
    # Within a layer, frames after these stroke numbers (the layer's last stroke always).
    marks = {}
    for layer, n_frames in zip(plan.layers, per_layer):
        n = len(layer.strokes)
        marks[layer.index] = set(np.unique(np.ceil(np.linspace(0, n, n_frames + 1)[1:]).astype(int) - 1).tolist())
    # Nearest-pixel sampling: frames keep the palette's exact colours.
    scale = min(1.0, long_side / max(plan.shape))
    rows = (np.arange(max(1, round(plan.shape[0] * scale))) / scale).astype(np.intp)
    cols = (np.arange(max(1, round(plan.shape[1] * scale))) / scale).astype(np.intp)
    sample = np.ix_(np.minimum(rows, plan.shape[0] - 1), np.minimum(cols, plan.shape[1] - 1))
    frames = [labels_to_rgb(np.full(plan.shape, -1)[sample], plan.palette_rgb)]

    def capture(layer_index: int, stroke_index: int, labels: np.ndarray) -> None:
        if stroke_index in marks[layer_index]:
            frames.append(labels_to_rgb(labels[sample], plan.palette_rgb))

    render_plan(plan, on_stroke=capture)
    return frames


def encode_timelapse(frames: list[np.ndarray], *, seconds: float = 10.0, hold: float = 2.0,
                     fmt: str = "webp") -> bytes:
    """Animated ``fmt`` (``"webp"`` or ``"gif"``) bytes: ``frames`` over ``seconds``, then
    the last frame held ``hold`` s; looping. Raises ``ValueError`` beyond 15 s in all."""
    if fmt not in ("webp", "gif"):
        raise ValueError(f"time-lapse format must be 'webp' or 'gif'; got {fmt!r}.")
    if not frames:
        raise ValueError("a time-lapse needs at least one frame.")
    if seconds + hold > MAX_SECONDS:
        raise ValueError(f"a time-lapse lasts at most {MAX_SECONDS:g} s; asked {seconds + hold:g} s.")
    per_frame = max(20, int(round(1000 * seconds / max(len(frames) - 1, 1))))
    durations = [per_frame] * (len(frames) - 1) + [int(round(1000 * hold)) or per_frame]
    images = [Image.fromarray(frame) for frame in frames]
    buffer = io.BytesIO()
    if fmt == "webp":
        images[0].save(buffer, format="WEBP", save_all=True, append_images=images[1:], duration=durations,
                       loop=0, lossless=False, quality=80, method=4)
    else:
        paletted = [img.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
                    for img in images]
        paletted[0].save(buffer, format="GIF", save_all=True, append_images=paletted[1:], duration=durations,
                         loop=0, optimize=False, disposal=1)
    return buffer.getvalue()


def make_timelapse(plan: Plan, *, fmt: str = "webp", seconds: float = 10.0, max_frames: int = 80,
                   long_side: int = 360) -> bytes:
    """The time-lapse of ``plan`` as animated WebP/GIF bytes (≤ 15 s; at most 5 MB, made
    smaller and shorter as needed)."""
    while True:
        data = encode_timelapse(timelapse_frames(plan, max_frames=max_frames, long_side=long_side),
                                seconds=seconds, fmt=fmt)
        if len(data) <= MAX_BYTES or long_side <= 64:
            return data
        long_side, max_frames = int(long_side * 0.75), max(10, int(max_frames * 0.75))
