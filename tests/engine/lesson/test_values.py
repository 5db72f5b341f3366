"""engine.lesson.values: values follow CIELAB lightness, thresholds sit between them, specks are
smoothed away, and flat pictures or bad requests are handled."""

import numpy as np
import pytest

from engine.color.spaces import rgb_to_lab
from engine.lesson.values import DARKEST, LIGHTEST, value_study


def _halves(left, right, size=(40, 60)):
    image = np.empty(size + (3,), np.uint8)
    image[:, : size[1] // 2], image[:, size[1] // 2:] = left, right
    return image


def _lightness(rgb):
    return float(rgb_to_lab(np.array([rgb], np.uint8))[0, 0])


def test_values_follow_lightness_not_the_rgb_mean():
    green, blue = (0, 200, 0), (0, 0, 255)  # RGB means 67 and 85, L* about 71 and 32
    study = value_study(_halves(green, blue), 2, smoothing=1)
    assert study.levels == 2 and study.tones == [DARKEST, LIGHTEST]
    assert (study.labels[:, :30] == 1).all() and (study.labels[:, 30:] == 0).all()
    assert study.thresholds == pytest.approx([(_lightness(green) + _lightness(blue)) / 2], abs=0.1)
    np.testing.assert_array_equal(study.image[0, 0], [LIGHTEST] * 3)
    np.testing.assert_array_equal(study.image[0, -1], [DARKEST] * 3)


def test_a_picture_with_fewer_lightnesses_gets_fewer_values_evenly_toned():
    image = _halves((0, 0, 0), (255, 255, 255))
    image[:10] = (128, 128, 128)
    study = value_study(image, 5, smoothing=1)
    assert study.levels == 3 and len(study.thresholds) == 2
    assert study.tones == [DARKEST, round((DARKEST + LIGHTEST) / 2), LIGHTEST]
    assert study.labels[0, 0] == 1 and study.labels[20, 0] == 0 and study.labels[20, -1] == 2
    assert study.to_json() == {"levels": 3, "thresholds": [round(t, 2) for t in study.thresholds],
                               "tones": study.tones}


def test_the_default_smoothing_removes_specks_and_smoothing_1_keeps_them():
    image = np.full((300, 300, 3), 230, np.uint8)
    image[150:, :] = 20
    image[50, 50] = 20  # one dark pixel in the light half
    assert value_study(image, 2, smoothing=1).labels[50, 50] == 0
    study = value_study(image, 2)  # a 3 px window at 300 px
    assert study.labels[50, 50] == 1 and (study.labels[150:] == 0).all()


def test_a_flat_picture_is_one_value_in_its_own_grey():
    study = value_study(np.full((10, 10, 3), 60, np.uint8), 4)
    assert study.levels == 1 and study.thresholds == [] and (study.labels == 0).all()
    assert study.tones == [round(_lightness((60, 60, 60)) / 100 * 255)]


@pytest.mark.parametrize("levels", [1, 10, 2.5, True, "3"])
def test_levels_outside_2_to_9_are_refused(levels):
    with pytest.raises(ValueError, match="levels must be a whole number from 2 to 9"):
        value_study(np.zeros((4, 4, 3), np.uint8), levels)


def test_what_is_not_a_picture_is_refused():
    with pytest.raises(ValueError, match="empty"):
        value_study(np.zeros((0, 4, 3), np.uint8))
