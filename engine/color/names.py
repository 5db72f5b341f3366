"""Colour names a painter recognises: hue family, value and chroma.

A colour is named from its CIELCh coordinates (L* lightness 0–100, C* chroma, h° hue
angle, D65): "deep navy blue", "warm mid brown", "pale lemon yellow", "light warm grey",
"off-white". :data:`NOUNS` is the one table the names come from: each row gives a noun
("brown", "navy blue", "green", ...) the CIELCh hue range, L* range and C* range it
names; the first row that fits a colour names it. Neutrals come first (black, white,
grey: only at the extreme lightness or below the grey chroma), then the value/chroma
variants of hue families painters use (browns, navies, olives, pinks, maroons, creams,
beiges, tans...), then the ten hue families, which cover the whole hue circle. A value
and chroma word ("deep", "dark", "mid", "light", "pale", "muted", "bright") goes in
front, and a tinted neutral says which way it leans ("warm", "cool", "greenish",
"purplish", from :data:`TINTS`).

CIELAB bends blues towards purple: pure sRGB blue sits at h ≈ 306°, the same angle as
a medium purple (#9370db), and purple itself at ≈ 328°. The families are cut so that
common colours get the names people give them (blue up to 312°, violet from 298°),
and in the band 298–312° where a blue and a violet share CIELab hues, Oklab's hue
(which is even there) decides: below :data:`OKLAB_VIOLET_HUE` the blue rows apply,
else the violet ones. Either way the name's noun agrees with its CIELCh range.

:func:`palette_names` makes the names of one palette distinct (", lighter", ", darker",
then a number); :func:`plain_words`
spells the CSS3 names older lessons stored (``"~darkslategray"`` → ``"~dark slate gray"``)
and leaves these names as they are.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import numpy as np

from engine.color.spaces import rgb_to_lab, rgb_to_oklab

#: L* below which a greyish colour is black ("near black" from BLACK_LIGHTNESS - 5).
BLACK_LIGHTNESS = 12.0
#: L* from which a greyish colour is white ("off-white" below WHITE_LIGHTNESS + 3).
WHITE_LIGHTNESS = 95.0
#: C* below which a very dark or very light colour counts as black or white.
BLACK_WHITE_CHROMA = 12.0
#: C* below which a colour is a grey.
GREY_CHROMA = 10.0
#: C* from which a grey, black or white is called warm, cool, ... (below, its hue is noise).
TINT_CHROMA = 2.5
#: CIELCh hue band where blue and violet rows overlap, and the Oklab hue (degrees) that
#: splits it: below it a colour is blue-side, at or above violet-side.
BLUE_VIOLET_BAND = (298.0, 312.0)
OKLAB_VIOLET_HUE = 290.0

INF = float("inf")


class Noun(NamedTuple):
    """One row of :data:`NOUNS`: ``word`` names colours in these CIELCh ranges ([from, to))."""

    word: str
    hue: tuple[float, float]  # degrees; from > to wraps through 0°
    lightness: tuple[float, float] = (0.0, INF)
    chroma: tuple[float, float] = (0.0, INF)


ANY = (0.0, 360.0)

#: The naming table; the first row that fits a colour names it.
NOUNS: tuple[Noun, ...] = (
    # Neutrals: black and white only at the extremes of lightness, grey only at low chroma.
    Noun("black", ANY, (0, BLACK_LIGHTNESS - 5), (0, BLACK_WHITE_CHROMA)),
    Noun("near black", ANY, (BLACK_LIGHTNESS - 5, BLACK_LIGHTNESS), (0, BLACK_WHITE_CHROMA)),
    Noun("white", ANY, (WHITE_LIGHTNESS + 3, INF), (0, BLACK_WHITE_CHROMA)),
    Noun("off-white", ANY, (WHITE_LIGHTNESS, WHITE_LIGHTNESS + 3), (0, BLACK_WHITE_CHROMA)),
    Noun("grey", ANY, (0, INF), (0, GREY_CHROMA)),
    # Value/chroma variants of hue families, as painters say them.
    Noun("brown", (20, 45), (0, 52), (0, 25)),  # dull dark reds read as brown...
    Noun("maroon", (345, 45), (0, 32)),  # ...stronger ones as maroon
    Noun("brown", (45, 90), (0, 52), (0, 50)),  # dark and mid oranges and yellows
    Noun("olive", (90, 112), (0, 55), (0, 60)),  # dark greenish yellows...
    Noun("olive", (90, 112), (55, 70), (0, 35)),  # ...and mid, dull ones (yellow needs chroma)
    Noun("olive green", (112, 135), (0, 55), (0, 40)),  # dark, dull yellow-greens
    Noun("navy blue", (245, 312), (0, 30), (12, INF)),
    Noun("teal", (170, 240), (0, 50)),
    Noun("pink", (345, 35), (58, INF)),  # light reds and roses
    Noun("magenta", (318, 345), (45, INF), (70, INF)),
    Noun("lilac", (298, 345), (65, INF), (0, 40)),  # light, soft violets and purples
    Noun("cream", (75, 112), (85, INF), (0, 40)),
    Noun("beige", (45, 100), (72, INF), (0, 20)),
    Noun("ochre", (75, 95), (40, 75), (35, INF)),
    Noun("tan", (45, 100), (52, 85), (0, 35)),
    Noun("lemon yellow", (98, 112), (55, INF), (35, INF)),  # the greenish, strong yellows
    # Hue families: together they cover the circle (blue and violet share 298–312°).
    Noun("rose", (345, 18)),
    Noun("red", (18, 50)),
    Noun("orange", (50, 78)),
    Noun("yellow", (78, 112)),
    Noun("yellow-green", (112, 130)),
    Noun("green", (130, 170)),
    Noun("turquoise", (170, 215)),
    Noun("blue", (215, 312)),
    Noun("violet", (298, 318)),
    Noun("purple", (318, 345)),
)

#: Which way a tinted neutral leans, by CIELCh hue range.
TINTS: tuple[tuple[str, tuple[float, float]], ...] = (
    ("warm", (345, 112)),
    ("greenish", (112, 180)),
    ("cool", (180, 310)),
    ("purplish", (310, 345)),
)

# Value words by L* (the first step whose bound exceeds L* applies).
_GREY_VALUES = ((25, "very dark"), (40, "dark"), (60, "mid"), (80, "light"), (INF, "pale"))
_STEPS = {
    "brown": ((20, "very dark"), (30, "dark"), (42, "mid"), (INF, "light")),
    "olive": ((25, "very dark"), (40, "dark"), (55, ""), (INF, "light")),
    "olive green": ((25, "very dark"), (40, "dark"), (INF, "")),
    "ochre": ((55, "dark"), (65, ""), (INF, "light")),
    "tan": ((75, ""), (INF, "light")),  # tan is light already: no "dark tan"
    "beige": ((85, ""), (INF, "light")),
    "cream": ((INF, ""),),
    "lilac": ((80, ""), (INF, "pale")),
    "navy blue": ((18, "dark"), (INF, "")),
    "maroon": ((18, "dark"), (INF, "")),
    "teal": ((30, "dark"), (INF, "")),
}


def in_hue_range(hue, hue_range) -> np.ndarray:
    """Whether hues (degrees, any shape) lie in ``[from, to)``; ``from > to`` wraps through 0°."""
    start, stop = hue_range
    hue = np.asarray(hue, dtype=np.float64) % 360
    if start <= stop:
        return (hue >= start) & (hue < stop)
    return (hue >= start) | (hue < stop)


def lch(colors) -> np.ndarray:
    """CIELCh of sRGB colours.

    Parameters
    ----------
    colors : array_like, shape (N, 3), uint8
        sRGB 0–255.

    Returns
    -------
    ndarray, shape (N, 3), float64
        L* (0–100), C* (≥ 0) and hue h (degrees, 0–360).
    """
    lab = rgb_to_lab(np.asarray(colors, dtype=np.uint8).reshape(-1, 3))
    chroma = np.hypot(lab[:, 1], lab[:, 2])
    hue = np.degrees(np.arctan2(lab[:, 2], lab[:, 1])) % 360
    return np.column_stack([lab[:, 0], chroma, hue])


def _row_fits(colors_lch: np.ndarray, violet_side: np.ndarray) -> np.ndarray:
    """Rows × colours (bool): which rows of :data:`NOUNS` fit each colour."""
    lightness, chroma, hue = colors_lch.T
    band = in_hue_range(hue, BLUE_VIOLET_BAND)
    fits = np.empty((len(NOUNS), len(colors_lch)), dtype=bool)
    for r, row in enumerate(NOUNS):
        fits[r] = (
            in_hue_range(hue, row.hue)
            & (lightness >= row.lightness[0]) & (lightness < row.lightness[1])
            & (chroma >= row.chroma[0]) & (chroma < row.chroma[1])
        )
        # In the band, rows ending at its top (blue, navy blue) take only blue-side
        # colours, rows starting at its bottom (violet, lilac) only violet-side ones.
        if row.hue != ANY and row.hue[1] == BLUE_VIOLET_BAND[1]:
            fits[r] &= ~(band & violet_side)
        elif row.hue != ANY and row.hue[0] == BLUE_VIOLET_BAND[0]:
            fits[r] &= ~(band & ~violet_side)
    return fits


def _step(steps, lightness: float) -> str:
    return next(word for bound, word in steps if lightness < bound)


def _family_modifier(lightness: float, chroma: float) -> str:
    """Value and chroma word for a hue family's name (ISCC–NBS-like, simplified)."""
    if chroma >= 90:
        return "bright"  # the sRGB primaries and their neighbours, at any lightness
    if lightness < 22:
        return "deep" if chroma >= 35 else "very dark"
    if lightness < 38:
        return "deep" if chroma >= 50 else "dark muted" if chroma < 15 else "dark"
    if lightness < 58:
        return "bright" if chroma >= 65 else "muted" if chroma < 20 else ""
    if lightness < 75:
        return "bright" if chroma >= 60 else "light muted" if chroma < 20 else "light"
    return "bright" if chroma >= 50 else "pale"


def _tint(chroma: float, hue: float) -> str:
    if chroma < TINT_CHROMA:
        return ""
    return next(word for word, hue_range in TINTS if in_hue_range(hue, hue_range))


def _name(noun: str, lightness: float, chroma: float, hue: float) -> str:
    """The full name of one colour whose noun is ``noun``."""
    if noun == "grey":
        words = [_step(_GREY_VALUES, lightness), _tint(chroma, hue)]
    elif noun in ("black", "near black", "white", "off-white"):
        words = [_tint(chroma, hue)]
    elif noun == "brown":
        words = ["warm" if chroma >= 28 else "", _step(_STEPS["brown"], lightness)]
    elif noun in ("navy blue", "maroon", "teal"):
        words = ["deep" if chroma >= 40 else _step(_STEPS[noun], lightness)]
    elif noun == "pink":
        words = ["bright" if chroma >= 50 else "dusty" if chroma < 20 else "pale" if lightness >= 85 else ""]
    elif noun == "magenta":
        words = ["bright" if chroma >= 90 else ""]
    elif noun in _STEPS:
        words = [_step(_STEPS[noun], lightness)]
    else:
        words = [_family_modifier(lightness, chroma)]
    return " ".join([w for w in words if w] + [noun])


def painter_names(colors) -> list[str]:
    """Each colour's painter's name (not made distinct; see :func:`palette_names`).

    Parameters
    ----------
    colors : array_like, shape (K, 3), uint8
        sRGB 0–255.

    Returns
    -------
    list of str, length K
        Value/chroma word(s) and the noun of the first :data:`NOUNS` row that fits,
        e.g. ``"deep navy blue"``, ``"light warm grey"``.
    """
    colors = np.asarray(colors, dtype=np.uint8).reshape(-1, 3)
    if len(colors) == 0:
        return []
    colors_lch = lch(colors)
    oklab = rgb_to_oklab(colors)
    violet_side = np.degrees(np.arctan2(oklab[:, 2], oklab[:, 1])) % 360 >= OKLAB_VIOLET_HUE
    rows = np.argmax(_row_fits(colors_lch, violet_side), axis=0)  # the families cover every hue
    return [_name(NOUNS[r].word, *map(float, c)) for r, c in zip(rows, colors_lch)]


def palette_names(colors) -> list[str]:
    """Distinct painter's names for the colours of one palette.

    Parameters
    ----------
    colors : array_like, shape (K, 3), uint8
        The palette's sRGB colours, most important first (it keeps the plain names).

    Returns
    -------
    list of str, length K
        :func:`painter_names`; a colour whose name an earlier colour already has gets
        ``", lighter"`` or ``", darker"`` (than that colour, by L*) and, if needed, a
        number: no two colours share a name.
    """
    colors = np.asarray(colors, dtype=np.uint8).reshape(-1, 3)
    lightness = lch(colors)[:, 0] if len(colors) else np.empty(0)
    taken: dict[str, int] = {}  # name → index of the colour that has it
    result = []
    for k, name in enumerate(painter_names(colors)):
        if name in taken:
            other = taken[name]
            name = f"{name}, {'lighter' if lightness[k] >= lightness[other] else 'darker'}"
            base, number = name, 2
            while name in taken:
                name, number = f"{base} {number}", number + 1
        taken[name] = k
        result.append(name)
    return result


# Words the CSS3 names of older lessons are made of; names are split into the fewest of them.
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
    """A stored colour name as words for instructions.

    Older lessons stored CSS3 names: ``"~darkslategray, lighter"`` →
    ``"~dark slate gray, lighter"``. Painter's names (``"deep navy blue"``) and
    anything else unknown come back unchanged.
    """
    name, comma, qualifier = name.partition(", ")
    if " " in name or "-" in name:  # already words
        return name + comma + qualifier
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
