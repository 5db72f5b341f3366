"""Training the occlusion model: the fit recovers known weights, and trained weights order layers."""

import argparse
import json

import numpy as np
import pytest

from engine.strokes.layers import load_weights
from engine.strokes.layers_eval import evaluate
from engine.strokes.layers_regions import FEATURE_NAMES
from engine.strokes.layers_train import fit_logistic, train


def test_fit_recovers_the_weights_that_generated_the_data():
    rng = np.random.default_rng(0)
    truth = np.array([2.0, -1.0, 0.5, 0.0])
    x = rng.normal(size=(20000, 4))
    y = (rng.random(len(x)) < 1.0 / (1.0 + np.exp(-(x @ truth)))).astype(float)
    beta = fit_logistic(x, y, np.ones(len(x)))
    np.testing.assert_allclose(beta, truth, atol=0.1)
    # no intercept: swapping the two regions (negating the features) flips the answer exactly
    np.testing.assert_allclose(fit_logistic(-x, 1.0 - y, np.ones(len(x))), beta, atol=1e-8)


def test_weights_count_like_repeated_examples():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(300, 3))
    y = (x[:, 0] + rng.normal(size=300) > 0).astype(float)
    weight = rng.integers(1, 4, 300).astype(float)
    repeated = np.repeat(np.arange(300), weight.astype(int))
    np.testing.assert_allclose(
        fit_logistic(x, y, weight), fit_logistic(x[repeated], y[repeated], np.ones(len(repeated))), atol=1e-6
    )


def test_one_kind_of_example_only_is_refused():
    with pytest.raises(ValueError, match="both kinds"):
        fit_logistic(np.ones((5, 2)), np.ones(5), np.ones(5))


def test_trained_weights_are_written_and_order_unseen_paintings(tmp_path):
    from engine.cli import synth

    train_dir, test_dir = tmp_path / "train", tmp_path / "test"
    synth.run(argparse.Namespace(count=6, out=train_dir, size=128, seed=5, grid_scale=None, workers=1))
    synth.run(argparse.Namespace(count=3, out=test_dir, size=128, seed=77, grid_scale=None, workers=1))
    report = train(train_dir, tmp_path / "model" / "weights.json")

    written = json.loads((tmp_path / "model" / "weights.json").read_text())
    assert written == report and list(written["weights"]) == list(FEATURE_NAMES)
    assert written["trained_on"] == {"dataset": "train", "paintings": 6, "pairs": written["trained_on"]["pairs"],
                                     "set_seed": 5}
    assert written["trained_on"]["pairs"] > 500
    assert 0.75 < written["training_pair_accuracy_border_weighted"] <= 1.0
    weights = load_weights(tmp_path / "model" / "weights.json")
    np.testing.assert_allclose(weights, [written["weights"][name] for name in FEATURE_NAMES])

    result = evaluate(test_dir, weights=weights)
    best_baseline = max(s["pairwise_order_accuracy"] for s in result["baselines"].values())
    occlusion = result.get("methods", {"occlusion": result["method"]})["occlusion"]
    assert occlusion["pairwise_order_accuracy"] > best_baseline
