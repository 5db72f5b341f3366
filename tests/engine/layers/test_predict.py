import argparse
import json

import numpy as np
import pytest

from engine.layers.predict import Layer, layer_index_image, predict_layers
from engine.layers.evaluate import evaluate, score_prediction
from engine.strokes.synth import paint, top_stroke_index


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


def test_predicted_layers_partition_the_picture_back_to_front(painting):
    layers = predict_layers(painting.image)
    assert [layer.index for layer in layers] == list(range(len(layers)))
    stack = np.stack([layer.mask for layer in layers])
    np.testing.assert_array_equal(stack.sum(axis=0), 1)
    index = layer_index_image(layers, painting.image.shape)
    for layer in layers:
        assert np.all(index[layer.mask] == layer.index)
    depths = [layer.depth for layer in layers]
    assert depths == sorted(depths)
    # Flat colours: a layer's colour is the most common picture colour under its mask.
    for layer in layers:
        colours, counts = np.unique(painting.image[layer.mask], axis=0, return_counts=True)
        assert tuple(colours[np.argmax(counts)]) == layer.color


def test_stroke_on_top_of_another_is_put_after_it():
    image = np.full((80, 80, 3), 250, np.uint8)
    image[30:50, 5:75] = (200, 120, 120)  # long bar, painted first
    yy, xx = np.mgrid[:80, :80]
    disc = (yy - 40) ** 2 + (xx - 40) ** 2 <= 16 ** 2  # disc on top: the bar is cut by it
    image[disc] = (120, 160, 220)
    layers = predict_layers(image)
    bar = next(layer for layer in layers if layer.color == (200, 120, 120))
    round_ = next(layer for layer in layers if layer.color == (120, 160, 220))
    assert bar.index < round_.index


def test_evaluate_beats_the_baselines_on_a_small_set(tmp_path):
    from engine.cli import synth

    synth.run(argparse.Namespace(count=4, out=tmp_path, size=128, seed=77, grid_scale=None, workers=1))
    result = evaluate(tmp_path)
    assert set(result["baselines"]) == {"larger_first", "smaller_first", "more_overlapped_first",
                                        "darker_first", "lighter_first", "random"}
    assert set(result["methods"]) == {"occlusion", "planner"}
    for scores in [result["method"], *result["baselines"].values()]:
        assert 0.0 <= scores["pairwise_order_accuracy"] <= 1.0 and 0.0 <= scores["pixel_accuracy"] <= 1.0
    best = max(s["pairwise_order_accuracy"] for s in result["baselines"].values())
    assert result["method"]["pairwise_order_accuracy"] > best
    json.dumps(result)


def test_evaluate_refuses_a_folder_without_paintings(tmp_path):
    with pytest.raises(ValueError, match="engine synth"):
        evaluate(tmp_path)


def test_predict_command_writes_masks_index_and_listing(tmp_path, painting):
    from engine.cli import layers as cli
    from engine.imageio import save_image

    save_image(tmp_path / "in.png", painting.image)
    assert cli.run_predict(argparse.Namespace(image=tmp_path / "in.png", out=tmp_path / "out", max_colors=16)) == 0
    listing = json.loads((tmp_path / "out" / "layers.json").read_text())
    assert [entry["index"] for entry in listing] == list(range(len(listing)))
    assert sum(entry["area"] for entry in listing) == 96 * 96
    from PIL import Image

    index = np.asarray(Image.open(tmp_path / "out" / "layer_index.png"))
    assert index.shape == (96, 96) and int(index.max()) == len(listing) - 1


def test_bad_image_raises_value_error():
    with pytest.raises(ValueError):
        predict_layers(np.zeros((3, 3, 3), np.uint8))
