"""Nearest CSS3 colour name, the way the original project labelled its palette.

An exact CSS3 colour gets its plain name (``"red"``); any other colour gets the nearest
name by CIEDE2000 with a ``~`` prefix (``"~sienna"``), so a painter can tell a guide
name from an exact one. The original used RGB distance; CIEDE2000 follows what the eye
sees (RGB distance calls many greyish greens "gray"). ``plain_words`` spells CSS
names as words for instructions (``"darkslategray"`` → ``"dark slate gray"``).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import webcolors

from engine.color.spaces import delta_e_ciede2000, rgb_to_lab


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
    """``"~darkslategray"`` → ``"~dark slate gray"``; unknown names come back unchanged."""
    prefix, word = ("~", name[1:]) if name.startswith("~") else ("", name)
    # best[i] = fewest words spelling word[:i] (dynamic programming over split points)
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(end):
            if best[start] is not None and word[start:end] in _WORDS:
                candidate = best[start] + [word[start:end]]
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
    return prefix + (" ".join(best[-1]) if best[-1] else word)
