"""Plan measures: the mean ΔE of a painted label image against the picture."""

import numpy as np
import pytest

from engine.color.spaces import delta_e_ciede2000, rgb_to_lab
from engine.plan.measures import labels_delta_e
from engine.plan.render import BLANK_RGB


def test_labels_delta_e_is_the_pixel_mean_of_ciede2000_and_bare_canvas_counts_as_blank():
    palette = np.array([(200, 60, 50), (30, 90, 160)], np.uint8)
    picture = np.empty((4, 6, 3), np.uint8)
    picture[:, :3] = palette[0]
    picture[:, 3:] = (120, 120, 120)
    labels = np.zeros((4, 6), int)
    labels[:, 3:5] = 1
    labels[:, 5] = -1  # bare canvas
    grey, blue, blank = (rgb_to_lab(np.array([c], np.uint8)) for c in ((120, 120, 120), palette[1], BLANK_RGB))
    expected = (12 * 0.0 + 8 * delta_e_ciede2000(grey, blue)[0] + 4 * delta_e_ciede2000(grey, blank)[0]) / 24
    assert labels_delta_e(picture, labels, palette) == pytest.approx(expected, rel=1e-9)
    painted = np.where(picture[..., 0] == palette[0][0], 0, 1)
    assert labels_delta_e(palette[painted], painted, palette) == 0.0
