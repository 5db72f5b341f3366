"""Painter's colour names: a name never contradicts its swatch, and names are distinct in a palette.

Every name is checked against the naming table's CIELCh ranges (``NOUNS``, ``TINTS``)
with this file's own reading of a name: its noun is the longest table noun it ends
with, the words before it are value, chroma and tint words.
"""

import numpy as np
import pytest

from engine.color.names import (
    BLACK_LIGHTNESS,
    GREY_CHROMA,
    NOUNS,
    TINT_CHROMA,
    TINTS,
    WHITE_LIGHTNESS,
    painter_names,
    palette_names,
    plain_words,
)
from engine.color.spaces import rgb_to_lab
from engine.imageio import load_image, resize_long_side
from engine.lesson.palette import extract

NOUN_HUES: dict[str, list[tuple[float, float]]] = {}
for _row in NOUNS:
    NOUN_HUES.setdefault(_row.word, []).append(_row.hue)
TINT_HUES = dict(TINTS)
# Value and chroma words and what they promise (L* or C* bounds), checked on every name.
DARK_WORDS, LIGHT_WORDS = {"dark", "deep"}, {"light", "pale"}


def hue_within(hue: float, hue_range) -> bool:
    start, stop = hue_range
    return start <= hue < stop if start <= stop else hue >= start or hue < stop


def swatch_lch(rgb) -> tuple[float, float, float]:
    lab = rgb_to_lab(np.array([rgb], dtype=np.uint8))[0]
    return float(lab[0]), float(np.hypot(lab[1], lab[2])), float(np.degrees(np.arctan2(lab[2], lab[1])) % 360)


def noun_of(name: str) -> tuple[str, list[str]]:
    """(noun, words before it) of a name, its ``", lighter 2"``-style qualifier dropped."""
    base = name.split(", ")[0]
    nouns = [n for n in NOUN_HUES if base == n or base.endswith(" " + n)]
    assert nouns, f"{name!r} ends with no noun of the naming table"
    noun = max(nouns, key=len)
    return noun, base[: len(base) - len(noun)].split()


def contradictions(rgb, name: str) -> list[str]:
    """What in ``name`` its swatch contradicts (empty when the name is honest)."""
    lightness, chroma, hue = swatch_lch(rgb)
    noun, words = noun_of(name)
    found = []
    if not any(hue_within(hue, r) for r in NOUN_HUES[noun]):
        found.append(f"hue {hue:.0f}° outside {noun!r} {NOUN_HUES[noun]}")
    if "grey" in name and chroma >= GREY_CHROMA:
        found.append(f"'grey' at chroma {chroma:.1f}")
    if "black" in name and lightness >= BLACK_LIGHTNESS:
        found.append(f"'black' at L* {lightness:.1f}")
    if "white" in name and lightness < WHITE_LIGHTNESS:
        found.append(f"'white' at L* {lightness:.1f}")
    for word in words:
        if word in TINT_HUES and (chroma < TINT_CHROMA or not hue_within(hue, TINT_HUES[word])):
            found.append(f"{word!r} at hue {hue:.0f}°, chroma {chroma:.1f}")
    if DARK_WORDS & set(words) and lightness >= 55 or "very" in words and lightness >= 25:
        found.append(f"dark words at L* {lightness:.1f}")
    if LIGHT_WORDS & set(words) and lightness < 42:
        found.append(f"light words at L* {lightness:.1f}")
    if "bright" in words and chroma < 45 or {"muted", "dusty"} & set(words) and chroma >= 25:
        found.append(f"chroma words at C* {chroma:.1f}")
    return found


@pytest.fixture(scope="module")
def sample_palettes(shared_data):
    """24-colour palettes of every sample photo, extracted at 128 px."""
    photos = sorted((shared_data / "content").glob("*.jpg"))
    assert photos
    return {p.name: extract(resize_long_side(load_image(p), 128), 24) for p in photos}


def test_sample_photo_names_agree_with_their_swatches_and_are_distinct(sample_palettes):
    nouns_used = set()
    for photo, palette in sample_palettes.items():
        names = [color.name for color in palette]
        assert len(set(names)) == len(names), (photo, names)
        assert names == palette_names(palette.rgb)
        for color in palette:
            assert contradictions(color.rgb, color.name) == [], (photo, color.hex, color.name)
            nouns_used.add(noun_of(color.name)[0])
    # the photos exercise the painter's vocabulary, not one word
    assert {"brown", "grey", "navy blue", "maroon", "olive", "cream"} <= nouns_used, nouns_used


def test_a_sweep_of_the_rgb_cube_never_contradicts_itself():
    levels = np.arange(0, 256, 17, dtype=np.uint8)
    cube = np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), axis=-1).reshape(-1, 3)
    for rgb, name in zip(cube, painter_names(cube)):
        assert contradictions(rgb, name) == [], (rgb, name)


@pytest.mark.parametrize(
    ("hex_code", "noun", "everyday"),
    [
        ("#7b4a2a", "brown", "warm mid brown"),
        ("#1b2a4a", "navy blue", None),
        ("#000080", "navy blue", "deep navy blue"),
        ("#808080", "grey", "mid grey"),
        ("#ff0000", "red", "bright red"),
        ("#00ff00", "green", "bright green"),
        ("#0000ff", "blue", "bright blue"),
        ("#ffffff", "white", "white"),
        ("#000000", "black", "black"),
        ("#800000", "maroon", None),
        ("#556b2f", "olive green", None),
        ("#ffc0cb", "pink", None),
        ("#fffdd0", "cream", None),
        ("#f0e68c", "lemon yellow", "pale lemon yellow"),  # CSS "khaki"
        ("#9370db", "violet", None),  # same CIELAB hue as pure blue
        ("#d7d5db", "grey", "pale cool grey"),
        ("#cabbb3", "grey", "light warm grey"),
    ],
)
def test_hand_picked_swatches_get_the_names_painters_give_them(hex_code, noun, everyday):
    rgb = tuple(int(hex_code[i : i + 2], 16) for i in (1, 3, 5))
    (name,) = painter_names([rgb])
    assert noun_of(name)[0] == noun, name
    if everyday:
        assert name == everyday
    assert contradictions(rgb, name) == []


def test_a_lemon_yellow_is_a_yellow_and_lemon_only_when_greenish():
    lemon_from = NOUN_HUES["lemon yellow"][0][0]
    swatches = [(243, 227, 74), (255, 255, 0), (255, 215, 0), (250, 200, 40)]  # two lemons, two golds
    for rgb, name in zip(swatches, painter_names(swatches)):
        assert name.endswith("yellow") and ("lemon" in name) == (swatch_lch(rgb)[2] >= lemon_from), name
    assert [("lemon" in n) for n in painter_names(swatches)] == [True, True, False, False]


def test_a_navy_is_not_black_and_near_black_and_off_white_sit_just_inside_the_extremes():
    swatches = [(27, 42, 74), (12, 12, 12), (26, 26, 26), (40, 40, 40), (238, 238, 238), (243, 243, 243)]
    swatches.append((250, 250, 250))
    names = painter_names(swatches)
    assert names[0] == "dark navy blue"
    assert names[1:] == ["black", "near black", "very dark grey", "pale grey", "off-white", "white"]
    lightness = [swatch_lch(rgb)[0] for rgb in swatches]
    assert lightness[2] < BLACK_LIGHTNESS <= lightness[3] and lightness[4] < WHITE_LIGHTNESS <= lightness[5]


def test_names_sharing_a_palette_are_qualified_truthfully_and_old_css_names_read_as_words():
    greys = [(128, 128, 128), (140, 140, 140), (118, 118, 118), (135, 135, 135)]
    names = palette_names(greys)
    assert names == ["mid grey", "mid grey, lighter", "mid grey, darker", "mid grey, lighter 2"]
    assert plain_words("~darkslategray, lighter") == "~dark slate gray, lighter"
    assert plain_words("~lightgoldenrodyellow") == "~light goldenrod yellow"
    # painter's names, old CSS words among them ("maroon", "teal", "tan"), pass unchanged
    assert all(plain_words(noun) == noun for noun in NOUN_HUES)
    for name in painter_names(np.arange(0, 256, 51, dtype=np.uint8).repeat(3).reshape(-1, 3)) + names:
        assert plain_words(name) == name
