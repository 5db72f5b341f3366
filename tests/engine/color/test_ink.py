"""The one lettering rule: black on light colours, white on dark, always readable."""

import numpy as np

from engine.color.ink import BLACK, WHITE, dark_ink, ink_for
from engine.color.spaces import srgb_to_linear


def _contrast(rgb, ink_rgb):
    """WCAG 2 contrast ratio between two uint8 colours (1–21)."""
    weights = np.array([0.2126, 0.7152, 0.0722])
    y1, y2 = srgb_to_linear(np.asarray(rgb, np.uint8)) @ weights, srgb_to_linear(np.asarray(ink_rgb, np.uint8)) @ weights
    return (np.maximum(y1, y2) + 0.05) / (np.minimum(y1, y2) + 0.05)


def test_black_on_light_white_on_dark():
    assert ink_for((255, 255, 255)) == BLACK and ink_for((0, 0, 0)) == WHITE
    assert ink_for((255, 240, 0)) == BLACK  # yellow is light although its blue is 0
    assert ink_for((0, 0, 200)) == WHITE  # saturated blue is dark although its blue is high
    greys = np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, axis=1)
    split = np.flatnonzero(dark_ink(greys))[0]
    assert 120 < split < 145 and dark_ink(greys[split:]).all() and not dark_ink(greys[:split]).any()


def test_the_chosen_ink_always_reads():
    colors = np.random.default_rng(0).integers(0, 256, (5000, 3), dtype=np.uint8)
    black = dark_ink(colors)
    contrast = np.where(black, _contrast(colors, [0, 0, 0]), _contrast(colors, [255, 255, 255]))
    assert contrast.min() > 3.5  # WCAG large-text minimum is 3
    assert dark_ink(colors.reshape(50, 100, 3)).shape == (50, 100)
