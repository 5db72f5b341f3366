"""Occlusion cues: a disc laid over a bar's end is read as on top, and every cue changes sign
when the two regions of a pair swap places."""

import numpy as np
import pytest

from engine.layers.cues import FEATURE_NAMES, pair_features
from engine.layers.predict import load_model
from engine.layers.regions import adjacent_pairs, pair_of_edges


@pytest.fixture(scope="module")
def patch_trees():
    return load_model().require_patches()


def _disc_over_a_bar_end():
    """Canvas 0, a bar 1 and a disc 2 painted over the bar's right end."""
    labels = np.zeros((60, 80), np.int32)
    labels[22:38, 5:55] = 1
    yy, xx = np.mgrid[:60, :80]
    labels[(yy - 30) ** 2 + (xx - 55) ** 2 <= 14**2] = 2
    return labels, np.array([[250, 250, 250], [200, 30, 30], [30, 30, 200]], np.uint8)


def test_the_disc_over_the_bar_is_read_as_on_top(patch_trees):
    labels, colours = _disc_over_a_bar_end()
    pairs, features, border = pair_features(labels, colours, patches=patch_trees)
    np.testing.assert_array_equal(pairs, [[0, 1], [0, 2], [1, 2]])
    assert features.shape == (3, len(FEATURE_NAMES)) and np.isfinite(features).all()
    # The border is where the two regions' pixels meet, in pixel edges.
    p, q = adjacent_pairs(labels)
    np.testing.assert_array_equal(border, np.bincount(pair_of_edges(labels, p, q)[1]))
    bar_on_disc = dict(zip(FEATURE_NAMES, features[2]))
    # The bar (first) is not on top: the disc's outline stays convex along the border, runs
    # straight through where the canvas meets both, and the bar's hull reaches into the disc.
    for cue in ("curve_r3", "curve_r5", "junction_r3", "junction_r5", "hull_share", "hull_fill", "edge_patches"):
        assert bar_on_disc[cue] < 0, cue
    assert bar_on_disc["lightness"] > 0  # the red bar is lighter than the blue disc
    assert bar_on_disc["log_area"] == pytest.approx(np.log(np.sum(labels == 1) / np.sum(labels == 2)))


def test_every_cue_changes_sign_when_the_pair_is_read_the_other_way_round(painted_regions, patch_trees):
    _, labels, colours, pairs, features, border, _ = painted_regions
    n = len(colours)
    new_id = np.random.default_rng(0).permutation(n)  # same picture, regions renumbered
    new_pairs, new_features, new_border = pair_features(new_id[labels], colours[np.argsort(new_id)],
                                                        patches=patch_trees)
    row = {tuple(pair): k for k, pair in enumerate(new_pairs.tolist())}
    flipped = 0
    for k, (a, b) in enumerate(pairs):
        first, second = new_id[a], new_id[b]
        if first < second:  # still read with a first
            np.testing.assert_allclose(new_features[row[first, second]], features[k], atol=1e-9)
        else:  # now read with b first: every cue negated
            np.testing.assert_allclose(new_features[row[second, first]], -features[k], atol=1e-9)
            flipped += 1
        assert new_border[row[min(first, second), max(first, second)]] == border[k]
    assert len(new_pairs) == len(pairs) and 0 < flipped < len(pairs)
