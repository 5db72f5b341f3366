"""The occlusion model as JSON trees: it gives scikit-learn's scores, its pair log-odds are
antisymmetric, and the shipped file reads the features the cues make."""

import json

import numpy as np
import pytest

from engine.layers.cues import FEATURE_NAMES
from engine.layers.model import MODEL_PATH, TRAINED_LONG_SIDE, TreeModel, at_model_scale, pair_logits, trees_to_json
from engine.layers.regions import adjacent_pairs, pair_of_edges
from engine.layers.shape import REGION_NAMES, pair_rows
from engine.layers.train import fit_trees, swapped


def _stump(feature, threshold, low, high, n_features):
    """One split: ``low`` where ``x[feature] <= threshold``, else ``high``."""
    return TreeModel(0.0, [{"feature": [feature, -1, -1], "threshold": [threshold, 0.0, 0.0], "left": [1, 0, 0],
                            "right": [2, 0, 0], "value": [0.0, low, high]}], n_features)


def test_a_tree_sends_rows_left_up_to_the_threshold():
    model = _stump(1, 0.5, -2.0, 3.0, 2)
    np.testing.assert_array_equal(model.raw(np.array([[9.0, 0.5], [9.0, 0.51], [0.0, -1.0]])), [-2.0, 3.0, -2.0])
    model.baseline = 1.0
    np.testing.assert_array_equal(model.raw(np.array([[0.0, 1.0]])), [4.0])
    # Missing values are read as 0.
    np.testing.assert_array_equal(model.raw(np.array([[0.0, np.nan]])), [-1.0])
    with pytest.raises(ValueError, match="2 columns"):
        model.raw(np.zeros((3, 5)))


def test_json_trees_give_scikit_learns_scores_and_antisymmetric_logits(painted_regions, tiny_trees):
    _, _, _, pairs, cues, _, region = painted_regions
    rows = pair_rows(cues, region, pairs)
    rng = np.random.default_rng(0)
    target = (rows[:, 0] + 0.1 * rng.normal(size=len(rows)) > 0).astype(float)
    fitted = fit_trees(rows, target, rng.integers(1, 30, len(rows)).astype(float), settings=tiny_trees)
    trees = json.loads(json.dumps(trees_to_json(fitted)))
    model = TreeModel(trees["baseline"], trees["trees"], trees["n_features"])
    both = np.concatenate([rows, swapped(rows)])
    np.testing.assert_allclose(model.raw(both), fitted.decision_function(both), atol=1e-4)
    logits = pair_logits(model, cues, region, pairs)
    np.testing.assert_allclose(pair_logits(model, -cues, region, pairs[:, ::-1]), -logits, atol=1e-12)
    assert pair_logits(model, cues[:0], region, pairs[:0]).shape == (0,)


def test_the_shipped_model_reads_the_features_and_holds_all_three_tree_sets():
    model = TreeModel.load()
    assert MODEL_PATH.name == "occlusion.json" and MODEL_PATH.parent.name == "data"
    assert model.n_features == len(FEATURE_NAMES) + 2 * len(REGION_NAMES) and model.trees
    assert model.require_patches() is model.patches and model.patches.trees and model.context.trees


def test_a_file_without_trees_or_a_model_without_patch_trees_is_refused_with_the_fix(tmp_path):
    (tmp_path / "old.json").write_text(json.dumps({"weights": {"curve_r3": 1.0}}))
    with pytest.raises(ValueError, match="layers train"):
        TreeModel.load(tmp_path / "old.json")
    with pytest.raises(ValueError, match="layers train"):
        _stump(0, 0.0, -1.0, 1.0, 1).require_patches()


def test_small_pictures_are_read_enlarged_to_the_trained_scale_with_the_same_regions():
    assert TRAINED_LONG_SIDE == 256
    labels = np.zeros((128, 96), np.int32)
    labels[20:60, 10:50] = 1
    labels[50:100, 40:90] = 2
    labels[0, 0] = 3  # a one-pixel region keeps its place too
    read = at_model_scale(labels)
    np.testing.assert_array_equal(read, np.repeat(np.repeat(labels, 2, axis=0), 2, axis=1))
    np.testing.assert_array_equal(pair_of_edges(read, *adjacent_pairs(read))[0],
                                  pair_of_edges(labels, *adjacent_pairs(labels))[0])
    # Uneven factors: the long side becomes 256, every region keeps its share of the picture.
    odd = np.arange(7 * 5).reshape(7, 5) % 4
    read = at_model_scale(odd)
    assert read.shape == (256, 183)
    np.testing.assert_allclose(np.bincount(read.ravel()) / read.size, np.bincount(odd.ravel()) / odd.size, atol=0.02)
    # Pictures at the trained scale or larger are read as they are.
    big = np.zeros((300, 200), np.int32)
    assert at_model_scale(big) is big and at_model_scale(labels[:1].repeat(256, axis=0)).shape == (256, 96)
