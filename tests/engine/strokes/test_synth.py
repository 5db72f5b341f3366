import argparse
import json

import numpy as np
import pytest
from PIL import Image

from engine.color.spaces import rgb_to_lab as _rgb_to_lab
from engine.strokes.synth import UNPAINTED, paint, pastel_palette, stroke_layers, top_stroke_index


def _box(shape, top, left, bottom, right):
    mask = np.zeros(shape, bool)
    mask[top:bottom, left:right] = True
    return mask


def test_layer_rule_on_hand_made_overlaps():
    shape = (12, 12)
    masks = np.stack([
        _box(shape, 0, 0, 4, 4),    # 0: overlaps nothing              -> layer 0
        _box(shape, 2, 2, 6, 6),    # 1: over 0                        -> 1
        _box(shape, 8, 8, 12, 12),  # 2: overlaps nothing              -> 0
        _box(shape, 5, 5, 9, 9),    # 3: over 1 (layer 1) and 2 (0)    -> 2
        _box(shape, 0, 8, 3, 11),   # 4: alone, but later fully hidden by 5 -> removed
        _box(shape, 0, 7, 4, 12),   # 5: covers 4; without 4 it overlaps nothing -> 0
        _box(shape, 3, 11, 5, 12),  # 6: over 5 only                   -> 1
    ])
    keep, layers = stroke_layers(masks)
    np.testing.assert_array_equal(keep, [0, 1, 2, 3, 5, 6])
    np.testing.assert_array_equal(layers, [0, 1, 0, 2, 0, 1])


def test_hidden_stroke_removal_recomputes_layers_of_later_strokes():
    shape = (6, 6)
    masks = np.stack([
        _box(shape, 0, 0, 2, 2),  # 0: layer 0
        _box(shape, 1, 1, 3, 3),  # 1: over 0, but entirely covered by 2 -> removed
        _box(shape, 1, 1, 3, 3),  # 2: would be layer 2 with 1 kept; without 1 it is 1
        _box(shape, 2, 2, 4, 4),  # 3: over 2 -> 2
    ])
    keep, layers = stroke_layers(masks)
    np.testing.assert_array_equal(keep, [0, 2, 3])
    np.testing.assert_array_equal(layers, [0, 1, 2])


def test_same_seed_same_painting_and_another_seed_differs():
    a, b, c = paint((64, 64), seed=5), paint((64, 64), seed=5), paint((64, 64), seed=6)
    np.testing.assert_array_equal(a.image, b.image)
    np.testing.assert_array_equal(a.masks, b.masks)
    assert a.params == b.params
    assert not np.array_equal(a.image, c.image)


def test_masks_layers_colours_and_layer_image_agree():
    p = paint((96, 80), seed=11, grid_scale=16)
    k = len(p.masks)
    assert p.image.shape == (96, 80, 3) and p.image.dtype == np.uint8
    assert p.masks.shape == (k, 96, 80) and p.masks.dtype == bool
    assert p.colors.shape == (k, 3) and p.layers.shape == (k,)
    assert p.layer_image.dtype == np.uint16
    top = top_stroke_index(p.masks)
    painted = top >= 0
    # Every kept stroke is visible somewhere, and the stored layers follow the rule.
    assert np.all(np.bincount(top[painted], minlength=k) > 0)
    keep, layers = stroke_layers(p.masks)
    np.testing.assert_array_equal(keep, np.arange(k))
    np.testing.assert_array_equal(layers, p.layers)
    np.testing.assert_array_equal(p.layer_image[painted], p.layers[top[painted]])
    assert np.all(p.layer_image[~painted] == UNPAINTED)
    np.testing.assert_array_equal(p.image[painted], p.colors[top[painted]])
    assert p.layers.max() >= 2  # strokes really do pile up
    json.dumps(p.params)


def test_pastel_palette_is_light_and_well_separated():
    palette = pastel_palette(8, rng=np.random.default_rng(3))
    lab = _rgb_to_lab(palette)
    value = palette.max(axis=1) / 255.0
    saturation = 1.0 - palette.min(axis=1) / palette.max(axis=1)
    assert value.min() >= 0.77 and saturation.max() <= 0.56  # pastel: light, soft colours
    spread = np.linalg.norm(lab[:, None] - lab[None], axis=2)[np.triu_indices(8, 1)].min()
    # Farthest-point choice beats taking the first random candidates.
    naive = pastel_palette(8, rng=np.random.default_rng(3), n_candidates=1)
    naive_lab = _rgb_to_lab(naive)
    naive_spread = np.linalg.norm(naive_lab[:, None] - naive_lab[None], axis=2)[np.triu_indices(8, 1)].min()
    assert spread > naive_spread and spread > 15


@pytest.mark.parametrize("bad", [dict(size=(4, 4)), dict(grid_scale=0), dict(kinds=("blob",))])
def test_bad_parameters_raise_value_error(bad):
    with pytest.raises(ValueError):
        paint(**dict(dict(seed=0), **bad))


def test_synth_command_writes_reproducible_files(tmp_path):
    from engine.cli import synth as cli

    args = argparse.Namespace(count=3, out=tmp_path / "a", size=64, seed=9, grid_scale=None, workers=1)
    assert cli.run(args) == 0
    expected = paint((64, 64), seed=cli.painting_seed(9, 2), grid_scale=8.0)
    rgb = np.asarray(Image.open(tmp_path / "a" / "0002.png"))
    np.testing.assert_array_equal(rgb, expected.image)
    layers_png = np.asarray(Image.open(tmp_path / "a" / "0002_layers.png"))
    np.testing.assert_array_equal(layers_png.astype(np.uint16), expected.layer_image)
    with np.load(tmp_path / "a" / "0002_strokes.npz") as data:
        np.testing.assert_array_equal(data["masks"], expected.masks)
        np.testing.assert_array_equal(data["colors"], expected.colors)
        np.testing.assert_array_equal(data["layers"], expected.layers)
    params = json.loads((tmp_path / "a" / "0002.json").read_text())
    assert params["index"] == 2 and len(params["strokes"]) == len(expected.masks)
    # Two processes write the same bytes as one.
    args.out, args.workers, args.count = tmp_path / "b", 2, 4
    cli.run(args)
    for name in ("0002.png", "0002_layers.png", "0002.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
