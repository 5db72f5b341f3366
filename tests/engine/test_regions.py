"""engine.regions: odd windows, the majority filter, connected regions, merging specks and boundaries."""

import numpy as np
import pytest

from engine.regions import boundary_mask, connected_regions, merge_small_regions, mode_filter, odd_window


@pytest.mark.parametrize("size, minimum, expected", [(4.4, 3, 5), (5.0, 3, 5), (5.6, 3, 7), (0, 3, 3), (2, 9, 9)])
def test_windows_are_odd_and_never_below_the_minimum(size, minimum, expected):
    assert odd_window(size, minimum) == expected


def test_the_majority_filter_removes_a_speck_and_keeps_large_shapes():
    labels = np.zeros((12, 12), np.int64)
    labels[:, 6:] = 2
    labels[3, 2] = 1  # a one-pixel speck of label 1 in the 0 half
    filtered = mode_filter(labels, 3)
    assert filtered.dtype == np.int32
    expected = labels.copy()
    expected[3, 2] = 0
    np.testing.assert_array_equal(filtered, expected)
    # A 2 px stripe survives a 3 px window and is simplified away by a 5 px one.
    stripe = np.zeros((12, 12), np.int64)
    stripe[:, 5:7] = 1
    np.testing.assert_array_equal(mode_filter(stripe, 3), stripe)
    np.testing.assert_array_equal(mode_filter(stripe, 5), 0)


def test_majority_ties_go_to_the_lower_label_and_small_windows_copy():
    # The centre's window holds four 1s, four 2s and one 3: a tie, whichever side each is on.
    labels = np.array([[1, 1, 2],
                       [1, 3, 2],
                       [1, 2, 2]])
    assert mode_filter(labels, 3)[1, 1] == 1
    assert mode_filter(np.where(labels == 3, 3, 3 - labels), 3)[1, 1] == 1
    copied = mode_filter(labels, 1)
    np.testing.assert_array_equal(copied, labels)
    assert copied is not labels
    assert mode_filter(np.zeros((0, 3), int), 5).shape == (0, 3)


def test_connected_regions_are_4_connected_and_numbered_in_raster_order():
    labels = np.array([[5, 5, 7],
                       [7, 5, 7],
                       [5, 7, 7]])
    regions, count = connected_regions(labels)
    assert count == 4 and regions.dtype == np.int32
    # The diagonal 5 at the bottom left touches the others only at a corner: its own region.
    np.testing.assert_array_equal(regions, [[0, 0, 1],
                                            [2, 0, 1],
                                            [3, 1, 1]])


def test_small_regions_take_the_label_of_the_nearest_large_one():
    labels = np.zeros((10, 10), np.int64)
    labels[:, 5:] = 1
    labels[4:6, 1:3] = 2  # 4 px of label 2 inside the 0 half
    labels[0, 9] = 3  # 1 px of label 3 in the 1 half's corner
    merged = merge_small_regions(labels, 5)
    expected = np.zeros((10, 10), np.int64)
    expected[:, 5:] = 1
    np.testing.assert_array_equal(merged, expected)
    assert merged.dtype == labels.dtype and labels[0, 9] == 3  # the input is left alone
    np.testing.assert_array_equal(merge_small_regions(labels, 4), np.where(labels == 3, 1, labels))
    np.testing.assert_array_equal(merge_small_regions(labels, 1), labels)


def test_a_picture_of_only_small_regions_keeps_its_largest():
    labels = np.array([[0, 0, 1], [2, 3, 4]])
    merged = merge_small_regions(labels, 100)
    assert len(np.unique(merged)) == 1 and merged[0, 0] == 0


def test_the_boundary_marks_pixels_whose_right_or_lower_neighbour_differs():
    regions = np.array([[0, 0, 1],
                        [0, 0, 1],
                        [2, 2, 2]])
    np.testing.assert_array_equal(boundary_mask(regions), [[False, True, False],
                                                            [True, True, True],
                                                            [False, False, False]])
