"""Predicting layers: they partition the picture back to front, a stroke on top comes later,
ranks follow the evidence, and old or missing model files are refused with the fix."""

import argparse
import json

import numpy as np
import pytest

from engine.layers.model import TreeModel
from engine.layers.predict import (
    Layer, layer_depth_image, layer_index_image, layers_from_order, load_model, order_regions, predict_layers,
    rank_from_logits, region_depths,
)
from engine.strokes.synth import paint


@pytest.fixture(scope="module")
def painting():
    return paint((96, 96), seed=21, grid_scale=16)


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


def test_ranks_follow_consistent_evidence_and_the_prior_orders_the_rest():
    pairs = np.array([[1, 0], [2, 1], [3, 2]])  # 1 on 0, 2 on 1, 3 on 2
    np.testing.assert_array_equal(rank_from_logits(4, pairs, np.full(3, 3.0)), [0, 1, 2, 3])
    np.testing.assert_array_equal(rank_from_logits(4, pairs, np.full(3, -3.0)), [3, 2, 1, 0])
    # Unlinked regions: smaller prior first.
    np.testing.assert_array_equal(rank_from_logits(3, np.zeros((0, 2)), np.zeros(0), prior=np.array([5.0, 1.0, 3.0])),
                                  [2, 0, 1])


def test_depth_counts_the_earlier_regions_underneath_and_layers_group_depth_and_colour():
    # Canvas 0; bars 1 and 3 (one colour) lie on it apart; 2 lies on bar 1 only.
    labels = np.zeros((20, 40), np.int32)
    labels[5:15, 2:18] = 1
    labels[8:12, 8:12] = 2
    labels[5:15, 22:38] = 3
    rank = np.array([0, 1, 3, 2])
    np.testing.assert_array_equal(region_depths(labels, rank), [0, 1, 2, 1])
    colours = np.array([[255, 255, 255], [200, 0, 0], [0, 0, 200], [200, 0, 0]], np.uint8)
    layers = layers_from_order(labels, colours, rank)
    assert [(layer.index, layer.depth, layer.color) for layer in layers] == [
        (0, 0, (255, 255, 255)), (1, 1, (200, 0, 0)), (2, 2, (0, 0, 200))]
    np.testing.assert_array_equal(layers[1].mask, (labels == 1) | (labels == 3))
    np.testing.assert_array_equal(layer_depth_image(layers, labels.shape), region_depths(labels, rank)[labels])
    np.testing.assert_array_equal(layer_index_image(layers[:1], labels.shape), np.where(labels == 0, 0, -1))
    assert (layer_index_image([], labels.shape) == -1).all()


def test_the_model_is_read_once_and_missing_or_old_models_are_refused_with_the_fix(tmp_path):
    assert load_model() is load_model()
    with pytest.raises(ValueError, match="layers train"):
        load_model(tmp_path / "missing.json")
    (tmp_path / "old.json").write_text(json.dumps({"weights": {"curve_r3": 1.0}}))
    with pytest.raises(ValueError, match="layers train"):
        load_model(tmp_path / "old.json")
    shipped = load_model()
    without_patches = TreeModel(shipped.baseline, [], shipped.n_features)
    labels = np.repeat(np.arange(2, dtype=np.int32), 8)[None].repeat(16, axis=0)
    with pytest.raises(ValueError, match="layers train"):
        order_regions(labels, np.array([[200, 0, 0], [0, 0, 200]], np.uint8), model=without_patches)
