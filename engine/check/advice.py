"""One plain sentence per region: where it is, what is wrong, and which mix fixes it.

"the light steel blue area left of centre near the top is too dark: lighten it with
mix 4." Where is said the way one points at a canvas (left/centre/right, top/bottom);
what colour, by the painter's name of the target's colour there (:mod:`engine.color.names`); for
a colour that is off, which way (too red, too dull, …), from the painted colour's
CIELAB difference to the target's.
"""

from __future__ import annotations

import numpy as np

from engine.color.names import painter_names
from engine.color.spaces import lab_to_rgb, to_uint8

#: Chroma difference (C*ab) beyond which a colour reads as too dull or too vivid.
CHROMA_WORDS_AT = 6.0
# Direction of the colour difference in the a*b* plane, every 45° from +a* (red).
_HUE_WORDS = ("red", "orange", "yellow", "yellow-green", "green", "blue-green", "blue", "purple")


def where(mask: np.ndarray) -> str:
    """Where a region lies on the canvas, in words ("left of centre near the top").

    Parameters
    ----------
    mask : ndarray, shape (H, W), bool
        The region.

    Returns
    -------
    str
    """
    height, width = mask.shape
    ys, xs = np.nonzero(mask)
    x, y = (xs.mean() + 0.5) / width, (ys.mean() + 0.5) / height
    across = ("on the left" if x < 0.25 else "left of centre" if x < 0.42 else "in the centre" if x <= 0.58
              else "right of centre" if x <= 0.75 else "on the right")
    down = "near the top" if y < 0.34 else "near the bottom" if y > 0.66 else ""
    if down and across == "in the centre":
        return down
    return f"{across} {down}".strip()


def colour_direction(painted_lab, target_lab) -> str:
    """Which way a painted colour is off from its target ("too red", "too dull", …)."""
    painted_lab, target_lab = np.asarray(painted_lab, float), np.asarray(target_lab, float)
    difference = painted_lab[1:] - target_lab[1:]
    chroma_target = np.hypot(*target_lab[1:])
    if chroma_target > 10:  # a colour, not a grey: is it the same hue, only duller or stronger?
        unit = target_lab[1:] / chroma_target
        along = float(difference @ unit)
        across = abs(float(difference[0] * unit[1] - difference[1] * unit[0]))
        if abs(along) > CHROMA_WORDS_AT and abs(along) > 2 * across:
            return "too dull" if along < 0 else "too vivid"
    angle = np.degrees(np.arctan2(difference[1], difference[0])) % 360
    # CIELAB's a*b* angles: red ~0–40°, orange ~55°, yellow ~90°, green ~135–180°, blue ~250–290°, purple ~320°.
    edges = (25, 70, 100, 130, 180, 230, 290, 340)
    index = int(np.searchsorted(edges, angle)) % len(_HUE_WORDS)
    return f"too {_HUE_WORDS[index]}"


def sentence(kind: str, mask: np.ndarray, target_lab, painted_lab, color: int | None, mix_name: str | None = None) -> str:
    """The advice for one region.

    Parameters
    ----------
    kind : str
        ``"too_dark"``, ``"too_light"`` or ``"off_colour"``.
    mask : ndarray, shape (H, W), bool
        The region in target px.
    target_lab, painted_lab : array_like, shape (3,)
        Mean CIELAB colours there, of the target and of the canvas.
    color : int or None
        Palette number of the mix that belongs there (None: bare canvas or unknown).
    mix_name : str, optional
        How to call that mix (default ``"mix N"``).

    Returns
    -------
    str
        One sentence, ending with a full stop.
    """
    name = painter_names(to_uint8(lab_to_rgb(np.asarray(target_lab, float))))[0]
    place = where(mask)
    mix = mix_name or (f"mix {color}" if color is not None else None)
    subject = f"the {name} area {place}"
    if kind == "too_dark":
        fix = f"lighten it with {mix}" if mix else "lighten it to match the target"
        return f"{subject} is too dark: {fix}."
    if kind == "too_light":
        fix = f"darken it with {mix}" if mix else "darken it to match the target"
        return f"{subject} is too light: {fix}."
    fix = f"repaint it with {mix}" if mix else "repaint it to match the target"
    return f"{subject} is off in colour ({colour_direction(painted_lab, target_lab)}): {fix}."
