"""Region shapes: finite descriptors for every region, a disc is solid and a ring has a hole,
and pair rows put the cues before both regions' descriptors."""

import numpy as np

from engine.layers.shape import REGION_NAMES, pair_rows, region_features


def test_region_features_are_finite_and_describe_every_region(painted_regions):
    _, labels, _, _, _, _, region = painted_regions
    assert region.shape == (labels.max() + 1, len(REGION_NAMES)) and np.isfinite(region).all()
    solidity = region[:, REGION_NAMES.index("solidity")]
    assert np.all((solidity > 0) & (solidity <= 1.0 + 1e-9))
    assert np.all(region[:, REGION_NAMES.index("holes")] >= 0)


def test_a_disc_is_solid_and_a_ring_has_a_hole():
    yy, xx = np.mgrid[:60, :60]
    r = np.hypot(yy - 30, xx - 30)
    labels = np.where(r <= 10, 1, np.where(r <= 20, 2, 0)).astype(np.int32)
    pairs = np.array([[0, 1], [0, 2], [1, 2]])
    region = region_features(labels, np.array([[250, 250, 250], [200, 0, 0], [0, 0, 200]], np.uint8), pairs)
    holes, solidity = REGION_NAMES.index("holes"), REGION_NAMES.index("solidity")
    assert region[1, holes] == 0 and region[2, holes] == 1
    assert region[1, solidity] > 0.9 and region[2, solidity] < region[1, solidity] - 0.15
    # The disc (radius 10) is about 10 px from its centre to its border; the ring 5 px across half.
    half = np.exp(region[:, REGION_NAMES.index("log_half_thickness")])
    assert 9 < half[1] < 12 and 4 < half[2] < 7
    assert region[1, REGION_NAMES.index("log_area")] == np.log(np.count_nonzero(labels == 1))


def test_pair_rows_hold_the_cues_then_the_first_and_second_regions():
    cues = np.array([[0.5, -1.0]])
    region = np.arange(3 * len(REGION_NAMES), dtype=float).reshape(3, -1)
    pairs = np.array([[2, 0]])
    row = pair_rows(cues, region, pairs)
    np.testing.assert_array_equal(row[0], np.r_[0.5, -1.0, region[2], region[0]])
    np.testing.assert_array_equal(pair_rows(cues, region, pairs, swap=True)[0], np.r_[-0.5, 1.0, region[0], region[2]])
