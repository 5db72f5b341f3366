"""Edge patches: windows turned to the edge, read the same from either side; the cue is antisymmetric."""

import json

import numpy as np

from engine.layers.model import TreeModel, trees_to_json
from engine.layers.patches import (
    EDGES_PER_PAIR, PATCH_SHAPE, edge_patches, fit_patch_trees, mirrored, other_side, patch_cue,
)
from engine.layers.regions import adjacent_pairs, segment_regions
from engine.layers.train import region_strokes, training_patches
from engine.strokes.synth import paint


def _edges(labels):
    p, q = adjacent_pairs(labels)
    a, b = labels.flat[p], labels.flat[q]
    n = int(labels.max()) + 1
    keys, edge_pair = np.unique(np.minimum(a, b) * n + np.maximum(a, b), return_inverse=True)
    return len(keys), p, q, edge_pair.ravel(), np.stack([keys // n, keys % n], axis=1)


def test_windows_hold_the_near_side_in_front_of_the_far_side():
    labels = np.zeros((40, 40), np.int32)
    labels[:, 20:] = 1  # one straight vertical border: near side (p) is region 0
    _, p, q, edge_pair, _ = _edges(labels)
    patches, chosen = edge_patches(labels, p, q, edge_pair)
    assert patches.shape == (min(EDGES_PER_PAIR, len(p)), PATCH_SHAPE[0] * PATCH_SHAPE[1])
    grid = patches.reshape(-1, *PATCH_SHAPE)
    half = PATCH_SHAPE[0] // 2
    # Rows run along the normal from p to q: the near half is +1, the far half -1.
    assert np.all(grid[:, :half] == 1.0) and np.all(grid[:, half:] == -1.0)

    # Edges are spread along the border, and the same ones every time.
    rows = p[chosen] // 40
    assert rows.max() - rows.min() > 20
    np.testing.assert_array_equal(edge_patches(labels, p, q, edge_pair)[1], chosen)


def test_a_window_read_from_the_far_side_is_exactly_the_flipped_one():
    labels, _ = segment_regions(paint((64, 64), seed=4, grid_scale=12).image)
    _, p, q, edge_pair, _ = _edges(labels)
    near, chosen = edge_patches(labels, p, q, edge_pair)
    # Standing on q and looking at p turns the window half round: both axes flip, signs swap.
    far, chosen_far = edge_patches(labels, q, p, edge_pair)
    np.testing.assert_array_equal(chosen_far, chosen)
    np.testing.assert_array_equal(far, mirrored(other_side(near)))


def test_reading_from_the_other_side_or_mirrored_twice_is_the_identity():
    rng = np.random.default_rng(0)
    patches = rng.integers(-1, 2, (5, PATCH_SHAPE[0] * PATCH_SHAPE[1])).astype(np.float32)
    np.testing.assert_array_equal(other_side(other_side(patches)), patches)
    np.testing.assert_array_equal(mirrored(mirrored(patches)), patches)
    assert not np.array_equal(other_side(patches), patches)


def test_trained_patch_trees_read_occlusion_and_the_cue_flips_with_the_pair(tiny_trees):
    parts = []
    for seed in range(4):
        painting = paint((96, 96), seed=seed, grid_scale=16)
        labels, _ = segment_regions(painting.image)
        parts.append(training_patches(labels, region_strokes(labels, painting.masks)))
    patches, near_on_top = (np.concatenate(x) for x in zip(*parts))
    assert len(patches) > 300 and 0.2 < near_on_top.mean() < 0.8
    fitted = fit_patch_trees(patches, near_on_top, settings=tiny_trees)
    trees = json.loads(json.dumps(trees_to_json(fitted)))
    model = TreeModel(trees["baseline"], trees["trees"], trees["n_features"])
    np.testing.assert_allclose(model.raw(patches[:200]), fitted.decision_function(patches[:200]), atol=1e-4)

    painting = paint((96, 96), seed=11, grid_scale=16)
    labels, _ = segment_regions(painting.image)
    n_pairs, p, q, edge_pair, pairs = _edges(labels)
    cue = patch_cue(model, labels, n_pairs, p, q, edge_pair, pairs[edge_pair, 0])
    # The pairs read with their regions the other way round get exactly the opposite cue.
    np.testing.assert_allclose(patch_cue(model, labels, n_pairs, p, q, edge_pair, pairs[edge_pair, 1]), -cue,
                               atol=1e-12)
    # On an unseen painting the cue orders most pairs of different strokes as painted.
    stroke = region_strokes(labels, painting.masks)
    a, b = stroke[pairs[:, 0]], stroke[pairs[:, 1]]
    judged = (a != b) & (a >= 0) & (b >= 0) & (cue != 0)
    assert judged.sum() > 20
    assert np.mean((cue[judged] > 0) == (a[judged] > b[judged])) > 0.6
