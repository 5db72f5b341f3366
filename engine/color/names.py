"""Nearest CSS3 colour name, the way the original project labelled its palette.

An exact CSS3 colour gets its plain name (``"red"``); any other colour gets the nearest
name by CIEDE2000 with a ``~`` prefix (``"~sienna"``), so a painter can tell a guide
name from an exact one. The original used RGB distance; CIEDE2000 follows what the eye
sees (RGB distance calls many greyish greens "gray"). ``plain_words`` spells CSS
names as words for instructions (``"darkslategray"`` → ``"dark slate gray"``).

:func:`palette_names` names the colours of one palette: every name distinct, and honest
about hue (a muted purple is not "~dark slate blue" because that is the nearest by
CIEDE2000: CIELAB bends blues towards purple; hues are compared in Oklab, which does not).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import webcolors

from engine.color.spaces import delta_e_ciede2000, rgb_to_lab, rgb_to_oklab

# Oklab chroma below which a colour reads as grey (hue meaningless), and the largest hue
# difference (degrees) between a chromatic colour and the name it is given.
NEUTRAL_CHROMA = 0.03
MAX_HUE_DIFFERENCE = 20.0
# A palette colour takes a further name only if it is at most this much farther (ΔE00)
# than its nearest; otherwise it keeps the nearest with "lighter"/"darker" added.
MAX_EXTRA_DELTA_E = 6.0


@lru_cache(maxsize=1)
def css3_table() -> tuple[tuple[str, ...], np.ndarray]:
    """CSS3 names and their RGB (uint8, N×3), one name per colour.

    CSS3 spells some colours twice (gray/grey, aqua/cyan, fuchsia/magenta); the name
    kept is the one ``webcolors.hex_to_name`` returns, so exact look-ups agree with it.
    """
    by_hex: dict[str, str] = {}
    for name in webcolors.names(webcolors.CSS3):
        hex_code = webcolors.name_to_hex(name, spec=webcolors.CSS3)
        if hex_code not in by_hex:
            by_hex[hex_code] = webcolors.hex_to_name(hex_code, spec=webcolors.CSS3)
    hex_codes = sorted(by_hex)
    names = tuple(by_hex[h] for h in hex_codes)
    rgb = np.array([tuple(webcolors.hex_to_rgb(h)) for h in hex_codes], dtype=np.uint8)
    return names, rgb


@lru_cache(maxsize=1)
def _css3_lab() -> np.ndarray:
    return rgb_to_lab(css3_table()[1])


def nearest_css3_names(colors) -> list[str]:
    """Name for each RGB colour (K×3 uint8): exact CSS3 name, else ``~`` + nearest."""
    colors = np.asarray(colors, dtype=np.uint8).reshape(-1, 3)
    names, table_rgb = css3_table()
    if len(colors) == 0:
        return []
    exact = np.all(colors[:, None, :] == table_rgb[None, :, :], axis=2)
    distance = delta_e_ciede2000(rgb_to_lab(colors)[:, None, :], _css3_lab()[None, :, :])
    nearest = distance.argmin(axis=1)
    result = []
    for row, index in enumerate(nearest):
        if exact[row].any():
            result.append(names[int(np.argmax(exact[row]))])
        else:
            result.append("~" + names[int(index)])
    return result


@lru_cache(maxsize=1)
def _css3_oklch() -> tuple[np.ndarray, np.ndarray]:
    return _chroma_hue(css3_table()[1])


def _chroma_hue(rgb) -> tuple[np.ndarray, np.ndarray]:
    """Oklab chroma and hue angle (degrees) of RGB colours (N×3 uint8)."""
    oklab = rgb_to_oklab(np.asarray(rgb, dtype=np.uint8).reshape(-1, 3))
    return np.hypot(oklab[:, 1], oklab[:, 2]), np.degrees(np.arctan2(oklab[:, 2], oklab[:, 1])) % 360


def _hue_honest(chroma: float, hue: float) -> np.ndarray:
    """Which CSS3 names (bool, N) may name a colour of this Oklab chroma and hue."""
    name_chroma, name_hue = _css3_oklch()
    if chroma < NEUTRAL_CHROMA:
        return name_chroma < NEUTRAL_CHROMA
    neutral_names = name_chroma < 2 * NEUTRAL_CHROMA
    difference = np.abs((name_hue - hue + 180) % 360 - 180)
    same_hue = (difference <= MAX_HUE_DIFFERENCE) & (name_chroma >= NEUTRAL_CHROMA / 2)
    # A weakly coloured paint may still be called by a grey's name, never by another hue's.
    return same_hue | (neutral_names & (chroma < 2 * NEUTRAL_CHROMA))


def palette_names(colors) -> list[str]:
    """Distinct names for the colours of one palette, honest about hue.

    Parameters
    ----------
    colors : array_like, shape (K, 3), uint8
        The palette's sRGB colours, most important first (it keeps the nearest names).

    Returns
    -------
    list of str, length K
        Exact CSS3 names where a colour is one, else ``~`` + the nearest CSS3 name
        (CIEDE2000) among those of the same hue in Oklab (±20°; greys for near-greys).
        When that name is already taken in this palette, the next nearest within
        6 ΔE00 is used, else the name with ``", lighter"`` or ``", darker"`` (than the
        colour that has it) and, if needed, a number: no two colours share a name.
    """
    colors = np.asarray(colors, dtype=np.uint8).reshape(-1, 3)
    names, table_rgb = css3_table()
    if len(colors) == 0:
        return []
    lab = rgb_to_lab(colors)
    distance = delta_e_ciede2000(lab[:, None, :], _css3_lab()[None, :, :])
    chroma, hue = _chroma_hue(colors)
    taken: dict[str, int] = {}  # name → index of the colour that has it
    result = []
    for k in range(len(colors)):
        exact = np.flatnonzero(np.all(table_rgb == colors[k], axis=1))
        if len(exact) and names[int(exact[0])] not in taken:
            name = names[int(exact[0])]
        else:
            allowed = _hue_honest(float(chroma[k]), float(hue[k]))
            if not allowed.any():
                allowed[:] = True
            candidates = np.flatnonzero(allowed)[np.argsort(distance[k, allowed])]
            nearest = float(distance[k, candidates[0]])
            free = [j for j in candidates if distance[k, j] <= nearest + MAX_EXTRA_DELTA_E and "~" + names[j] not in taken]
            name = "~" + names[free[0] if free else candidates[0]]
            if name in taken:
                other = taken[name]
                name = f"{name}, {'lighter' if lab[k, 0] >= lab[other, 0] else 'darker'}"
                base, number = name, 2
                while name in taken:
                    name, number = f"{base} {number}", number + 1
        taken[name] = k
        result.append(name)
    return result


def color_name(rgb) -> str:
    """Name of one RGB colour ``(r, g, b)`` in 0–255."""
    return nearest_css3_names(np.asarray(rgb, dtype=np.uint8).reshape(1, 3))[0]


# Words the CSS3 names are made of; names are split into the fewest of them.
_WORDS = frozenset(
    """alice antique aqua aquamarine azure beige bisque black blanched almond blue violet
    brown burly wood cadet chartreuse chocolate coral cornflower cornsilk crimson cyan dark
    golden goldenrod gray grey green khaki magenta olive orange orchid red salmon sea slate
    turquoise deep pink sky dim dodger fire brick floral white forest fuchsia gainsboro ghost
    gold honeydew hot indian indigo ivory lavender blush lawn lemon chiffon light yellow lime
    linen maroon medium midnight mint cream misty rose moccasin navajo navy old lace drab pale
    papaya whip peach puff peru plum powder purple rebecca rosy royal saddle sandy shell sienna
    silver snow spring steel tan teal thistle tomato wheat smoke firebrick burlywood seashell""".split()
)


@lru_cache(maxsize=512)
def plain_words(name: str) -> str:
    """``"~darkslategray, lighter"`` → ``"~dark slate gray, lighter"``; unknown names come back unchanged."""
    name, comma, qualifier = name.partition(", ")
    prefix, word = ("~", name[1:]) if name.startswith("~") else ("", name)
    # best[i] = fewest words spelling word[:i] (dynamic programming over split points)
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(end):
            if best[start] is not None and word[start:end] in _WORDS:
                candidate = best[start] + [word[start:end]]
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
    return prefix + (" ".join(best[-1]) if best[-1] else word) + comma + qualifier
