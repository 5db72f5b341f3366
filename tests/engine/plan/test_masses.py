"""The mixes of a layer: the few paints that together gain most, and the masses they stand for."""

import numpy as np

from engine.color.spaces import rgb_to_lab
from engine.plan.masses import choose_mixes, masses


def test_the_chosen_mixes_together_gain_most_not_each_alone():
    # Three paints each fix a third of the picture; a fourth fixes everything a little.
    gains = np.array([[5, 5, 0, 0, 0, 0], [0, 0, 5, 5, 0, 0], [0, 0, 0, 0, 5, 5], [3, 3, 3, 3, 3, 3]], float)
    assert choose_mixes(gains, 1).tolist() == [3]  # alone, the all-rounder is best
    assert choose_mixes(gains, 3).tolist() == [0, 1, 2]  # together, the specialists (the swap pass finds them)
    assert choose_mixes(gains, 9).tolist() == [0, 1, 2, 3]


def test_every_palette_colour_joins_the_mass_of_its_nearest_mix():
    palette = np.array([(20, 30, 80), (30, 40, 100), (240, 230, 200), (250, 245, 230), (200, 40, 30)], np.uint8)
    groups = dict(masses(rgb_to_lab(palette), [0, 3, 4]))
    assert groups == {0: [0, 1], 3: [2, 3], 4: [4]}
