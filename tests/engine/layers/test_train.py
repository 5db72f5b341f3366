"""Training the occlusion model: examples read both ways round, a model that orders unseen paintings,
the file it writes, and sets too small to train on. Tiny tree settings (``TINY_TREES``) keep it fast."""

import argparse
import json

import numpy as np
import pytest

from engine.layers.cues import FEATURE_NAMES
from engine.layers.evaluate import evaluate
from engine.layers.model import MODEL_PATH
from engine.layers.patches import PATCH_SHAPE, PATCH_TREE_SETTINGS
from engine.layers.predict import load_model
from engine.layers.regions import segment_regions
from engine.layers.shape import REGION_NAMES, pair_rows
from engine.layers.train import (
    CONTEXT_TREE_SETTINGS, TREE_SETTINGS, fit_trees, region_strokes, swapped, train, training_pairs,
)


def _synth(out, count, size, seed):
    from engine.cli import synth

    synth.run(argparse.Namespace(count=count, out=out, size=size, seed=seed, grid_scale=None, workers=1))
    return out


def test_rows_read_backwards_swap_regions_and_negate_cues(painted_regions):
    _, _, _, pairs, cues, _, region = painted_regions
    forwards = pair_rows(cues, region, pairs)
    backwards = pair_rows(cues, region, pairs, swap=True)
    np.testing.assert_array_equal(swapped(forwards), backwards)
    np.testing.assert_array_equal(swapped(backwards), forwards)
    assert forwards.shape[1] == len(FEATURE_NAMES) + 2 * len(REGION_NAMES)


def test_each_region_is_the_stroke_most_of_it_shows():
    labels = np.array([[0, 0, 1, 1], [0, 0, 1, 1]])
    masks = np.zeros((2, 2, 4), bool)
    masks[0, :, :3] = True  # stroke 0 under the left three columns
    masks[1, :, 2:] = True  # stroke 1 on top of the right half
    np.testing.assert_array_equal(region_strokes(labels, masks), [0, 1])
    # A region no stroke covers is bare canvas.
    np.testing.assert_array_equal(region_strokes(labels, masks[:1] & (np.arange(4) < 2)), [0, -1])


def test_training_pairs_say_which_region_was_painted_later(painted_regions):
    painting, _, _, pairs, _, _, _ = painted_regions
    rows, on_top, border = training_pairs(painting.image, painting.masks, load_model().require_patches())
    labels, _ = segment_regions(painting.image)  # at the painting's own size, like its stroke masks
    stroke = region_strokes(labels, painting.masks)
    different = stroke[pairs[:, 0]] != stroke[pairs[:, 1]]
    assert len(rows) == len(on_top) == len(border) == different.sum() > 10
    np.testing.assert_array_equal(on_top, stroke[pairs[different, 0]] > stroke[pairs[different, 1]])
    assert np.all(border >= 1) and 0.1 < on_top.mean() < 0.9


def test_fitted_trees_learn_each_row_both_ways_round(painted_regions, tiny_trees):
    _, _, _, pairs, cues, border, region = painted_regions
    rows = pair_rows(cues, region, pairs)
    target = (rows[:, 0] > 0).astype(float)
    fitted = fit_trees(rows, target, border, settings=tiny_trees)
    # Trained on each row both ways round, the trees give each reading its answer.
    agree = (fitted.decision_function(rows) > 0) == (target > 0.5)
    agree_swapped = (fitted.decision_function(swapped(rows)) > 0) == (target < 0.5)
    assert agree.mean() > 0.9 and agree_swapped.mean() > 0.9
    with pytest.raises(ValueError, match="at least one pair"):
        fit_trees(rows[:0], target[:0], settings=tiny_trees)


def test_trained_model_is_written_and_beats_smaller_first_on_unseen_paintings(tmp_path, tiny_trees):
    train_dir = _synth(tmp_path / "train", 12, 128, 5)
    test_dir = _synth(tmp_path / "test", 3, 128, 77)
    report = train(train_dir, tmp_path / "model" / "model.json", pair_settings=tiny_trees,
                   patch_settings=tiny_trees, context_settings=dict(tiny_trees, max_iter=8))

    written = json.loads((tmp_path / "model" / "model.json").read_text())
    assert {k: written[k] for k in report} == report
    assert report["settings"] == tiny_trees and report["context_settings"]["max_iter"] == 8
    trained_on = report["trained_on"]
    # 30 % of the set fits the patch trees, the last 40 % the context trees, the pair trees the rest.
    assert trained_on == {"dataset": "train", "paintings": 12, "pairs": trained_on["pairs"], "patch_paintings": 4,
                          "patches": trained_on["patches"], "context_paintings": 5,
                          "context_pairs": trained_on["context_pairs"], "set_seed": 5}
    assert trained_on["pairs"] > 100 and trained_on["patches"] > 1000 and trained_on["context_pairs"] > 100
    assert len(written["trees"]) == 10 and len(written["context"]["trees"]) == 8
    assert written["patches"]["trees"] and written["patches"]["n_features"] == PATCH_SHAPE[0] * PATCH_SHAPE[1]
    assert written["context"]["n_features"] > written["n_features"] == len(FEATURE_NAMES) + 2 * len(REGION_NAMES)
    assert 0.8 < report["training_pair_accuracy"] <= 1.0
    assert 0.8 < report["context_training_pair_accuracy"] <= 1.0

    # Held-out paintings of another seed: better than chance and than the best simple rule.
    result = evaluate(test_dir, model=load_model(tmp_path / "model" / "model.json"), methods=("occlusion",))
    occlusion = result["methods"]["occlusion"]["pairwise_order_accuracy"]
    assert occlusion > result["baselines"]["random"]["pairwise_order_accuracy"]
    assert occlusion > result["baselines"]["smaller_first"]["pairwise_order_accuracy"] + 0.05


def test_the_default_settings_are_those_of_the_shipped_model():
    shipped = json.loads(MODEL_PATH.read_text())
    assert shipped["settings"] == TREE_SETTINGS
    assert shipped["patch_settings"] == dict(PATCH_TREE_SETTINGS, patch_share=0.3)
    assert shipped["context_settings"] == dict(CONTEXT_TREE_SETTINGS, context_share=0.4)


def test_training_on_two_paintings_is_refused_before_any_fitting(tmp_path):
    _synth(tmp_path / "two", 2, 64, 5)
    with pytest.raises(ValueError, match="at least 3 paintings"):
        train(tmp_path / "two", tmp_path / "model.json")
    assert not (tmp_path / "model.json").exists()
