"""Black or white lettering on a colour: the one rule for charts, sheets, pages and grids.

Numbers printed on a paint swatch, on a paint-by-numbers region or a grid line drawn
over the picture must read on whatever colour lies below. The split is CIELAB
lightness L* = 55: above it black contrasts more, below it white (L* follows what the
eye reads as light or dark, unlike the RGB mean or the Rec. 601 luma).
"""

from __future__ import annotations

import numpy as np

from engine.color.spaces import rgb_to_lab

#: CIELAB L* (0–100) above which black lettering reads better than white.
LIGHTNESS_SPLIT = 55.0
BLACK, WHITE = "#000000", "#ffffff"


def dark_ink(rgb) -> np.ndarray:
    """Whether black (rather than white) lettering reads on each colour.

    Parameters
    ----------
    rgb : array_like, shape (..., 3)
        Background colours, uint8 in 0–255 or float in [0, 1].

    Returns
    -------
    ndarray, shape (...), bool
        True where black ink is the one to use, False where white is.
    """
    return rgb_to_lab(rgb)[..., 0] > LIGHTNESS_SPLIT


def ink_for(rgb) -> str:
    """Hex colour of the lettering for one background colour.

    Parameters
    ----------
    rgb : sequence of 3 ints
        The background ``(r, g, b)``, each 0–255.

    Returns
    -------
    str
        ``"#000000"`` (black) or ``"#ffffff"`` (white).
    """
    return BLACK if bool(dark_ink(np.asarray(rgb, dtype=np.uint8).reshape(3))) else WHITE
