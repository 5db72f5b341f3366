"""The occlusion model: JSON trees match scikit-learn, evidence is antisymmetric, training orders layers."""

import argparse
import json

import numpy as np
import pytest

from engine.layers.cues import FEATURE_NAMES, pair_features
from engine.layers.evaluate import evaluate
from engine.layers.model import TreeModel, pair_logits, trees_to_json
from engine.layers.patches import PATCH_SHAPE
from engine.layers.predict import load_model, rank_from_logits
from engine.layers.regions import segment_regions
from engine.layers.shape import REGION_NAMES, pair_rows, region_features
from engine.layers.train import fit_trees, swapped, train
from engine.strokes.synth import paint


@pytest.fixture(scope="module")
def regions():
    painting = paint((96, 96), seed=3, grid_scale=16)
    labels, colours = segment_regions(painting.image)
    pairs, cues, border = pair_features(labels, colours, patches=load_model().require_patches())
    return labels, colours, pairs, cues, region_features(labels, colours, pairs)


def test_region_features_are_finite_and_describe_every_region(regions):
    labels, _, pairs, cues, region = regions
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


def test_rows_read_backwards_swap_regions_and_negate_cues(regions):
    _, _, pairs, cues, region = regions
    forwards = pair_rows(cues, region, pairs)
    backwards = pair_rows(cues, region, pairs, swap=True)
    np.testing.assert_array_equal(swapped(forwards), backwards)
    np.testing.assert_array_equal(swapped(backwards), forwards)
    assert forwards.shape[1] == len(FEATURE_NAMES) + 2 * len(REGION_NAMES)


def test_json_trees_give_scikit_learns_scores_and_antisymmetric_logits(regions):
    _, _, pairs, cues, region = regions
    rows = pair_rows(cues, region, pairs)
    rng = np.random.default_rng(0)
    target = (rows[:, 0] + 0.1 * rng.normal(size=len(rows)) > 0).astype(float)
    fitted = fit_trees(rows, target, rng.integers(1, 30, len(rows)).astype(float))
    trees = json.loads(json.dumps(trees_to_json(fitted)))
    model = TreeModel(trees["baseline"], trees["trees"], trees["n_features"])
    both = np.concatenate([rows, swapped(rows)])
    np.testing.assert_allclose(model.raw(both), fitted.decision_function(both), atol=1e-4)
    logits = pair_logits(model, cues, region, pairs)
    np.testing.assert_allclose(pair_logits(model, -cues, region, pairs[:, ::-1]), -logits, atol=1e-12)


def test_ranks_follow_consistent_evidence_and_the_prior_orders_the_rest():
    pairs = np.array([[1, 0], [2, 1], [3, 2]])  # 1 on 0, 2 on 1, 3 on 2
    np.testing.assert_array_equal(rank_from_logits(4, pairs, np.full(3, 3.0)), [0, 1, 2, 3])
    np.testing.assert_array_equal(rank_from_logits(4, pairs, np.full(3, -3.0)), [3, 2, 1, 0])
    # Unlinked regions: smaller prior first.
    np.testing.assert_array_equal(rank_from_logits(3, np.zeros((0, 2)), np.zeros(0), prior=np.array([5.0, 1.0, 3.0])),
                                  [2, 0, 1])


def test_shipped_model_loads_and_reads_the_features():
    model = load_model()
    assert model.n_features == len(FEATURE_NAMES) + 2 * len(REGION_NAMES) and model.trees
    assert model.patches.trees and model.context.trees


def test_trained_model_is_written_and_beats_smaller_first_on_unseen_paintings(tmp_path):
    from engine.cli import synth

    train_dir, test_dir = tmp_path / "train", tmp_path / "test"
    synth.run(argparse.Namespace(count=12, out=train_dir, size=128, seed=5, grid_scale=None, workers=1))
    synth.run(argparse.Namespace(count=3, out=test_dir, size=128, seed=77, grid_scale=None, workers=1))
    report = train(train_dir, tmp_path / "model" / "model.json")

    written = json.loads((tmp_path / "model" / "model.json").read_text())
    assert {k: written[k] for k in report} == report
    trained_on = report["trained_on"]
    # 30 % of the set fits the patch trees, the last 40 % the context trees, the pair trees the rest.
    assert trained_on == {"dataset": "train", "paintings": 12, "pairs": trained_on["pairs"], "patch_paintings": 4,
                          "patches": trained_on["patches"], "context_paintings": 5,
                          "context_pairs": trained_on["context_pairs"], "set_seed": 5}
    assert trained_on["pairs"] > 100 and trained_on["patches"] > 1000 and trained_on["context_pairs"] > 100
    assert written["patches"]["trees"] and written["patches"]["n_features"] == PATCH_SHAPE[0] * PATCH_SHAPE[1]
    assert written["context"]["trees"] and written["context"]["n_features"] > written["n_features"]
    assert 0.8 < report["training_pair_accuracy"] <= 1.0
    assert 0.8 < report["context_training_pair_accuracy"] <= 1.0
    model = load_model(tmp_path / "model" / "model.json")

    result = evaluate(test_dir, model=model)
    occlusion = result["methods"]["occlusion"]["pairwise_order_accuracy"]
    assert occlusion > result["baselines"]["smaller_first"]["pairwise_order_accuracy"]


def test_training_on_two_paintings_is_refused_before_any_fitting(tmp_path):
    from engine.cli import synth

    synth.run(argparse.Namespace(count=2, out=tmp_path / "two", size=64, seed=5, grid_scale=None, workers=1))
    with pytest.raises(ValueError, match="at least 3 paintings"):
        train(tmp_path / "two", tmp_path / "model.json")
    assert not (tmp_path / "model.json").exists()


def test_a_model_without_patch_trees_is_refused_with_the_fix(tmp_path):
    from engine.layers.predict import order_regions

    shipped = load_model()
    old = TreeModel(shipped.baseline, [], shipped.n_features)
    labels = np.repeat(np.arange(2, dtype=np.int32), 8)[None].repeat(16, axis=0)
    with pytest.raises(ValueError, match="layers train"):
        order_regions(labels, np.array([[200, 0, 0], [0, 0, 200]], np.uint8), model=old)


def test_a_file_without_trees_is_refused(tmp_path):
    (tmp_path / "old.json").write_text(json.dumps({"weights": {"curve_r3": 1.0}}))
    with pytest.raises(ValueError, match="layers train"):
        load_model(tmp_path / "old.json")
