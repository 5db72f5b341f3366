"""Scoring layer predictions: the true order scores 1 and its reverse 0, the shipped model beats
every simple rule on a small synthetic set, and bad requests are refused."""

import argparse
import json

import numpy as np
import pytest

from engine.layers.evaluate import BASELINES, baseline_layers, evaluate, list_paintings, score_prediction
from engine.layers.predict import Layer
from engine.plan.model import Plan, make_stroke
from engine.plan.render import render_plan, stroke_footprint
from engine.strokes.synth import paint, top_stroke_index
from tests.engine.plan.conftest import PAINTS


def _truth_layers(painting, reverse=False):
    """One layer per visible stroke, in paint order (or reversed), with its true depth."""
    top = top_stroke_index(painting.masks)
    strokes = [k for k in range(len(painting.masks)) if (top == k).any()]
    if reverse:
        strokes = strokes[::-1]
    return [Layer(i, top == k, tuple(int(c) for c in painting.colors[k]), int(painting.layers[k]))
            for i, k in enumerate(strokes)]


@pytest.fixture(scope="module")
def painting():
    return paint((96, 96), seed=21, grid_scale=16)


@pytest.fixture(scope="module")
def small_set(tmp_path_factory):
    from engine.cli import synth

    out = tmp_path_factory.mktemp("synth")
    synth.run(argparse.Namespace(count=3, out=out, size=128, seed=77, grid_scale=None, workers=1))
    return out


def test_perfect_prediction_scores_one_and_reversed_scores_zero(painting):
    perfect = score_prediction(_truth_layers(painting), painting.masks, painting.layer_image)
    assert perfect["pairs"] > 20
    assert perfect["pairs_correct"] == perfect["pairs"]
    assert perfect["pixels_correct"] == perfect["pixels"]
    reversed_ = score_prediction(_truth_layers(painting, reverse=True), painting.masks, painting.layer_image)
    assert reversed_["pairs"] == perfect["pairs"] and reversed_["pairs_correct"] == 0.0


def test_one_layer_for_everything_ties_every_pair(painting):
    everything = [Layer(0, np.ones(painting.image.shape[:2], bool), (0, 0, 0), 0)]
    score = score_prediction(everything, painting.masks, painting.layer_image)
    assert score["pairs_correct"] == pytest.approx(score["pairs"] / 2)


def test_larger_first_is_smaller_first_reversed_and_unknown_rules_are_refused():
    labels = np.repeat(np.array([0, 0, 0, 1, 1, 2]), 4)[None].repeat(3, axis=0).astype(np.int32)
    colours = np.array([[250, 250, 250], [200, 0, 0], [0, 0, 200]], np.uint8)
    area = [layer.mask.sum() for layer in baseline_layers("larger_first", labels, colours)]
    assert area == sorted(area, reverse=True)
    assert [layer.color for layer in baseline_layers("smaller_first", labels, colours)] == [
        layer.color for layer in baseline_layers("larger_first", labels, colours)][::-1]
    with pytest.raises(ValueError, match="smaller_first"):
        baseline_layers("biggest", labels, colours)


def test_the_shipped_model_beats_every_simple_rule_on_a_small_set(small_set):
    result = evaluate(small_set, methods=("occlusion",))
    assert set(result["baselines"]) == set(BASELINES) and set(result["methods"]) == {"occlusion"}
    for scores in [result["method"], *result["baselines"].values()]:
        assert 0.0 <= scores["pairwise_order_accuracy"] <= 1.0 and 0.0 <= scores["pixel_accuracy"] <= 1.0
    best = max(s["pairwise_order_accuracy"] for s in result["baselines"].values())
    assert result["method"]["pairwise_order_accuracy"] > best
    assert result["margin_over_best_baseline"] == pytest.approx(result["method"]["pairwise_order_accuracy"] - best)
    assert result["paintings"] == 3 and result["pairs"] > 50
    json.dumps(result)


def test_the_planners_layers_are_scored_beside_the_occlusion_method(small_set):
    result = evaluate(small_set, limit=1)
    assert set(result["methods"]) == {"occlusion", "planner"} and result["paintings"] == 1
    better = max(result["methods"], key=lambda name: result["methods"][name]["pairwise_order_accuracy"])
    assert result["method"] == dict(result["methods"][better], name=better)
    assert 0.0 <= result["methods"]["planner"]["pairwise_order_accuracy"] <= 1.0


def test_a_folder_without_paintings_or_an_unknown_method_is_refused(tmp_path, small_set):
    with pytest.raises(ValueError, match="engine synth"):
        evaluate(tmp_path)
    with pytest.raises(ValueError, match="does not exist"):
        list_paintings(tmp_path / "nowhere")
    with pytest.raises(ValueError, match="methods must be among"):
        evaluate(small_set, methods=("oracle",))


def test_order_evaluation_scores_a_perfect_plan_one_and_a_reversed_plan_zero():
    from engine.plan.model import PlanLayer
    from engine.layers.evaluate import layers_of_plan, score_prediction
    from engine.strokes.synth import UNPAINTED, stroke_layers, top_stroke_index

    shape = (60, 90)
    paths = [([[10, 20], [80, 25]], 16), ([[45, 5], [50, 55]], 12), ([[20, 45], [75, 40]], 10)]
    strokes = [make_stroke(points, width, k + 1) for k, (points, width) in enumerate(paths)]
    masks = np.zeros((3,) + shape, bool)
    for k, stroke in enumerate(strokes):
        top, left, mask = stroke_footprint(stroke.points, stroke.width, shape)
        masks[k, top : top + mask.shape[0], left : left + mask.shape[1]] = mask
    keep, depth = stroke_layers(masks)
    assert list(keep) == [0, 1, 2] and list(depth) == [0, 1, 2]
    visible = top_stroke_index(masks)
    layer_image = np.where(visible >= 0, depth[np.maximum(visible, 0)], UNPAINTED)

    def score(order):
        layers = [PlanLayer(i, 10.0, strokes[k].width, [strokes[k]]) for i, k in enumerate(order)]
        plan = Plan(shape, (9.0, 6.0, "cm"), PAINTS, layers)
        counts = score_prediction(layers_of_plan(render_plan(plan)), masks, layer_image)
        return counts["pairs_correct"] / counts["pairs"], counts["pixels_correct"] / counts["pixels"]

    assert score([0, 1, 2]) == (1.0, 1.0)
    assert score([2, 1, 0])[0] == 0.0
