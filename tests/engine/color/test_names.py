"""Palette colour names: distinct within one palette and honest about hue."""

import numpy as np

from engine.color.names import nearest_css3_names, palette_names, plain_words
from engine.color.spaces import rgb_to_oklab


def oklab_hue(rgb) -> float:
    oklab = rgb_to_oklab(np.array([rgb], dtype=np.uint8))[0]
    return float(np.degrees(np.arctan2(oklab[2], oklab[1])) % 360)


def test_near_twins_get_distinct_names():
    greens = [(143, 180, 140), (150, 190, 150), (135, 175, 135)]
    assert len(set(nearest_css3_names(greens))) == 1  # the plain nearest name repeats
    names = palette_names(greens)
    assert len(set(names)) == 3 and all(name.startswith("~") for name in names)


def test_a_purple_is_not_called_a_blue():
    muted_purple = (90, 60, 120)
    assert nearest_css3_names([muted_purple]) == ["~darkslateblue"]  # CIEDE2000's nearest
    (name,) = palette_names([muted_purple])
    import webcolors

    named_rgb = tuple(webcolors.name_to_rgb(name.lstrip("~").split(",")[0]))
    assert abs((oklab_hue(named_rgb) - oklab_hue(muted_purple) + 180) % 360 - 180) <= 20, name


def test_exact_names_stay_exact_and_greys_are_named_as_greys():
    assert palette_names([(255, 0, 0), (0, 128, 128)]) == ["red", "teal"]
    greys = palette_names([(20, 20, 20), (12, 12, 12), (28, 28, 28)])
    assert len(set(greys)) == 3 and all("black" in g or "gray" in g for g in greys), greys


def test_a_taken_name_is_qualified_by_lightness_and_still_reads_as_words():
    names = palette_names([(10, 10, 10), (24, 24, 24), (4, 4, 4)])
    assert names[0] == "~black" and set(names[1:]) == {"~black, lighter", "~black, darker"}
    assert plain_words("~darkslategray, lighter") == "~dark slate gray, lighter"
