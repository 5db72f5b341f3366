import numpy as np
import pytest

from engine.strokes.layers_regions import segment_regions
from engine.strokes.layers_split import ordering_regions, split_regions
from engine.strokes.render import render_stroke

COLOURS = np.array([[250, 250, 245], [200, 60, 60]], np.uint8)
SHAPE = (128, 160)


def _strokes(*strokes, roughness=0.0, seed=0):
    """Label image of one colour (1) painted with ``strokes`` on a canvas (0), and each stroke's mask."""
    rng = np.random.default_rng(seed)
    masks = []
    for kind, centre, length, width, angle, bend in strokes:
        footprint = render_stroke(kind, centre, length, width, angle, SHAPE, rng=rng, bend=bend, roughness=roughness)
        mask = np.zeros(SHAPE, bool)
        mask[footprint.window] = footprint.mask
        masks.append(mask)
    return np.any(masks, axis=0).astype(np.int32), masks


def _stroke_parts(labels, colours=COLOURS):
    out, out_colours, parent = split_regions(labels, colours)
    return out, out_colours, parent, np.flatnonzero(parent == 1)


def test_two_overlapping_capsules_at_an_angle_split_into_one_region_each():
    labels, masks = _strokes(("round", (70, 45), 70, 24, 0, 0.0), ("round", (45, 100), 70, 24, 60, 0.0))
    out, colours, parent, parts = _stroke_parts(labels)
    assert len(parts) == 2
    # Each capsule lies (almost) wholly in its own part.
    for mask in masks:
        share = np.bincount(out[mask], minlength=out.max() + 1)[parts] / mask.sum()
        assert share.max() > 0.9
    owner = [int(np.argmax(np.bincount(out[mask], minlength=out.max() + 1)[parts])) for mask in masks]
    assert sorted(owner) == [0, 1]
    # Parts keep their region's colour; the canvas region is untouched.
    np.testing.assert_array_equal(colours[parts], np.repeat(COLOURS[1:], 2, axis=0))
    assert np.array_equal(np.isin(out, parts), labels == 1)


@pytest.mark.parametrize("stroke", [
    ("round", (64, 80), 80, 24, 30, 0.0),  # lone capsule
    ("tapered", (64, 80), 90, 30, 10, 0.0),  # taper
    ("round", (64, 80), 100, 22, 0, 0.35),  # bent capsule
    ("flat", (64, 80), 100, 22, 120, -0.35),  # bent rounded rectangle
    ("dry", (64, 80), 90, 26, 45, 0.2),  # bristle marks
])
def test_single_strokes_are_not_split(stroke):
    for roughness, seed in ((0.0, 0), (0.08, 1), (0.08, 2)):
        labels, _ = _strokes(stroke, roughness=roughness, seed=seed)
        _, _, _, parts = _stroke_parts(labels)
        assert len(parts) == 1


def test_split_is_deterministic_and_numbers_parts_per_region():
    labels, _ = _strokes(("round", (70, 45), 70, 24, 0, 0.0), ("round", (45, 100), 70, 24, 60, 0.0),
                         ("tapered", (100, 120), 60, 20, 80, 0.2), roughness=0.08, seed=3)
    first = split_regions(labels, COLOURS)
    second = split_regions(labels.copy(), COLOURS.copy())
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    out, colours, parent = first
    assert out.dtype == np.int32 and out.min() == 0
    assert np.array_equal(np.unique(out), np.arange(len(parent)))
    assert np.all(np.diff(parent) >= 0)  # parts of one region are numbered together
    np.testing.assert_array_equal(parent[out], labels)
    np.testing.assert_array_equal(colours, COLOURS[parent])


def test_ordering_regions_splits_flat_pictures_only():
    labels, _ = _strokes(("round", (70, 45), 70, 24, 0, 0.0), ("round", (45, 100), 70, 24, 60, 0.0))
    flat = COLOURS[labels]
    regions, colours = ordering_regions(flat, split=True)
    red = np.abs(colours.astype(int) - COLOURS[1]).sum(axis=1) < 20
    assert red.sum() == 2 and np.array_equal(np.isin(regions, np.flatnonzero(red)), labels == 1)
    # A photograph-like picture (noise: many colours) keeps its colour clusters whole.
    noisy = np.clip(flat.astype(int) + np.random.default_rng(0).integers(-3, 4, flat.shape), 0, 255).astype(np.uint8)
    regions, colours = ordering_regions(noisy, max_colors=4, split=True)
    expected, expected_colours = segment_regions(noisy, max_colors=4)
    np.testing.assert_array_equal(regions, expected)
    np.testing.assert_array_equal(colours, expected_colours)


def test_ordering_regions_without_split_are_the_colour_regions():
    labels, _ = _strokes(("round", (70, 45), 70, 24, 0, 0.0), ("round", (45, 100), 70, 24, 60, 0.0))
    flat = COLOURS[labels]
    for got, expected in zip(ordering_regions(flat, split=False), segment_regions(flat)):
        np.testing.assert_array_equal(got, expected)


def test_a_single_region_is_left_whole():
    out, colours, parent = split_regions(np.zeros((20, 30), np.int32), COLOURS[:1])
    assert out.max() == 0 and parent.tolist() == [0]
