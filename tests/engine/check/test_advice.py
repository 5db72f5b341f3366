import numpy as np

from engine.check.advice import colour_direction, sentence, where


def _mask(x0, y0, x1, y1, shape=(90, 120)):
    mask = np.zeros(shape, bool)
    mask[y0:y1, x0:x1] = True
    return mask


def test_where_names_the_place_as_one_points_at_a_canvas():
    assert where(_mask(30, 5, 45, 20)) == "left of centre near the top"
    assert where(_mask(50, 35, 70, 55)) == "in the centre"
    assert where(_mask(100, 70, 118, 88)) == "on the right near the bottom"
    assert where(_mask(55, 70, 65, 88)) == "near the bottom"


def test_colour_direction_says_which_way_the_paint_is_off():
    assert colour_direction([50, 30, 5], [50, 5, 5]) == "too red"
    assert colour_direction([50, -25, 5], [50, 5, 5]) == "too green"
    assert colour_direction([50, 5, -30], [50, 5, 5]) == "too blue"
    assert colour_direction([50, 8, 6], [50, 40, 30]) == "too dull"
    assert colour_direction([50, 48, 36], [50, 20, 15]) == "too vivid"


def test_the_sentence_names_place_problem_and_mix():
    mask = _mask(30, 5, 45, 20)
    sky = [70, -5, -25]  # a light blue
    text = sentence("too_dark", mask, sky, [55, -5, -25], 4)
    assert text.startswith("the ") and "left of centre near the top is too dark: lighten it with mix 4." in text
    assert "blue" in text
    assert sentence("too_light", mask, sky, [85, -5, -25], None).endswith("darken it to match the target.")
    assert "(too red)" in sentence("off_colour", mask, [50, 5, 5], [50, 30, 5], 2)
