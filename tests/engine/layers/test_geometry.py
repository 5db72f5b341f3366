"""Border geometry cues: a stroke on top shares its long side; the cues are antisymmetric."""

import numpy as np

from engine.layers.geometry import GEOMETRY_NAMES, border_geometry
from engine.layers.regions import adjacent_pairs


def _edges(labels):
    p, q = adjacent_pairs(labels)
    a, b = labels.flat[p], labels.flat[q]
    n = int(labels.max()) + 1
    keys, edge_pair = np.unique(np.minimum(a, b) * n + np.maximum(a, b), return_inverse=True)
    pairs = np.stack([keys // n, keys % n], axis=1)
    return pairs, p, q, edge_pair.ravel()


def _tee(top_is_horizontal: bool):
    """Canvas 0, a vertical bar (1) and a horizontal bar (2); the bar on top covers the
    other's end, so their border is one straight piece of the top bar's long side."""
    labels = np.zeros((80, 80), np.int32)
    if top_is_horizontal:
        labels[40:75, 34:46] = 1
        labels[34:46, 5:75] = 2
    else:
        labels[34:46, 40:75] = 2
        labels[5:75, 34:46] = 1
    return labels


def test_the_bar_on_top_has_the_border_along_its_axis():
    for top_is_horizontal, top in ((True, 2), (False, 1)):
        labels = _tee(top_is_horizontal)
        pairs, p, q, edge_pair = _edges(labels)
        cues = border_geometry(labels, pairs, p, q, edge_pair)
        assert cues.shape == (len(pairs), len(GEOMETRY_NAMES)) and np.isfinite(cues).all()
        row = np.flatnonzero((pairs[:, 0] == 1) & (pairs[:, 1] == 2))[0]
        alignment = cues[row, GEOMETRY_NAMES.index("axis_alignment")]
        # + means the first region (1, the vertical bar) has the border along its axis.
        assert (alignment > 0.5) == (top == 1) and abs(alignment) > 0.5


def test_swapping_the_regions_negates_every_cue():
    labels = _tee(True)
    pairs, p, q, edge_pair = _edges(labels)
    cues = border_geometry(labels, pairs, p, q, edge_pair)
    np.testing.assert_allclose(border_geometry(labels, pairs[:, ::-1], p, q, edge_pair), -cues, atol=1e-12)


def test_no_pairs_give_an_empty_table():
    labels = np.zeros((10, 10), np.int32)
    empty = np.zeros(0, np.int64)
    assert border_geometry(labels, np.zeros((0, 2), np.int64), empty, empty, empty).shape == (0, len(GEOMETRY_NAMES))
