"""Which paint belongs where on the target: its pixels as palette indices.

A plan's pictures are painted with its palette exactly (bare canvas stays white), so with
the plan's palette every target pixel is looked up by CIEDE2000 (a pixel farther than
:data:`SAME_PAINT_DELTA_E` from every paint is bare canvas or a blend, and gets none).
Without a palette, a target of few distinct colours is numbered the way the lesson numbers
a palette, by share (1 = the colour covering most of the canvas); a target of many
colours (a photo, a blurred picture) names no paint.
"""

from __future__ import annotations

import cv2
import numpy as np

from engine.color.spaces import palette_delta_e_blocks, unique_colors
from engine.errors import InputError

#: Farthest a target pixel may be from a palette colour (ΔE00) to count as that paint.
SAME_PAINT_DELTA_E = 3.0
#: Most distinct colours a target may have for its palette to be inferred from it.
MAX_INFERRED_COLORS = 64


def target_labels(target: np.ndarray, palette_rgb=None, shape: tuple[int, int] | None = None) -> np.ndarray | None:
    """Palette index (0-based; colour number - 1) of every target pixel.

    Parameters
    ----------
    target : ndarray, shape (H, W, 3), uint8
        The target at its own size (exact palette colours, before any resizing).
    palette_rgb : array_like, shape (K, 3), uint8, optional
        The plan's palette; without it the target's own colours when there are at most
        :data:`MAX_INFERRED_COLORS`, numbered by share.
    shape : tuple of int, optional
        ``(height, width)`` to return the labels at (nearest neighbour), default the target's.

    Returns
    -------
    ndarray, shape ``shape``, int32, or None
        -1 where no paint belongs (bare canvas, blends); None when no palette is known.
    """
    colors, counts, inverse = unique_colors(target)
    if palette_rgb is not None:
        palette = np.asarray(palette_rgb, dtype=np.uint8).reshape(-1, 3)
        if len(palette) == 0:
            raise InputError("the palette has no colours.")
        nearest = np.empty(len(colors), np.int32)
        for start, block in palette_delta_e_blocks(colors, palette):
            index = block.argmin(axis=1)
            nearest[start : start + len(block)] = np.where(block[np.arange(len(block)), index] <= SAME_PAINT_DELTA_E,
                                                           index, -1)
        labels = nearest[inverse]
    elif len(colors) <= MAX_INFERRED_COLORS:
        rank = np.empty(len(colors), np.int32)
        rank[np.argsort(-counts, kind="stable")] = np.arange(len(colors))
        labels = rank[inverse]
    else:
        return None
    if shape is not None and tuple(shape) != labels.shape:
        labels = cv2.resize(labels.astype(np.float32), (shape[1], shape[0]), interpolation=cv2.INTER_NEAREST)
    return labels.astype(np.int32)
