"""Colour regions and their borders: flat pictures keep their colours, specks merge, noisy
pictures are clustered, and every border edge is found once with its pair."""

import numpy as np

from engine.layers.regions import adjacent_pairs, pair_of_edges, segment_regions

WHITE, RED, BLUE, GREEN = (250, 250, 250), (200, 30, 30), (30, 30, 200), (30, 200, 30)


def _flat_picture():
    image = np.full((40, 60, 3), WHITE, np.uint8)
    image[5:15, 5:15] = RED  # two red squares apart: two regions of one colour
    image[25:35, 40:55] = RED
    image[20:30, 5:30] = BLUE
    return image


def test_a_flat_picture_keeps_its_colours_and_each_connected_patch_is_a_region():
    image = _flat_picture()
    labels, colours = segment_regions(image)
    assert labels.shape == image.shape[:2] and labels.dtype == np.int32
    assert labels.max() + 1 == len(colours) == 4
    # Every region is one colour of the picture, exactly.
    for region, colour in enumerate(colours):
        assert np.all(image[labels == region] == colour)
    # Numbered by colour, then by where they start: the two red squares are neighbours in
    # the numbering, the upper one first.
    upper, lower = labels[10, 10], labels[30, 45]
    assert lower == upper + 1 and tuple(colours[upper]) == RED


def test_specks_smaller_than_min_area_join_a_neighbour_without_tinting_it():
    image = _flat_picture()
    image[2, 40] = GREEN  # one pixel
    labels, colours = segment_regions(image)
    assert len(colours) == 4 and GREEN not in [tuple(c) for c in colours]
    assert labels[2, 40] == labels[0, 40] and tuple(colours[labels[0, 40]]) == WHITE
    # Kept when it is large enough.
    labels, colours = segment_regions(image, min_area=1)
    assert len(colours) == 5 and tuple(colours[labels[2, 40]]) == GREEN


def test_a_noisy_picture_is_clustered_into_its_tones():
    rng = np.random.default_rng(0)
    image = np.empty((40, 60, 3), np.float64)
    image[:, :30], image[:, 30:] = RED, BLUE
    image = np.clip(image + rng.normal(0, 8, image.shape), 0, 255).astype(np.uint8)
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 16  # photographic: more colours than clusters
    labels, colours = segment_regions(image, max_colors=2)
    assert len(colours) == 2
    left, right = labels[20, 10], labels[20, 50]
    assert np.abs(colours[left].astype(int) - RED).max() < 5
    assert np.abs(colours[right].astype(int) - BLUE).max() < 5
    assert np.all(labels[:, :29] == left) and np.all(labels[:, 31:] == right)


def test_border_edges_join_4_neighbours_of_different_regions():
    labels = np.array([[0, 0, 1],
                       [2, 2, 1]])
    p, q = adjacent_pairs(labels)
    # Flat indices: row 0 is 0 1 2, row 1 is 3 4 5; q lies right of or below p.
    assert sorted(zip(p.tolist(), q.tolist())) == [(0, 3), (1, 2), (1, 4), (4, 5)]
    pairs, edge_pair = pair_of_edges(labels, p, q)
    np.testing.assert_array_equal(pairs, [[0, 1], [0, 2], [1, 2]])
    edges = {(int(a), int(b)): int(k) for a, b, k in zip(p, q, edge_pair)}
    assert edges == {(1, 2): 0, (0, 3): 1, (1, 4): 1, (4, 5): 2}


def test_one_region_has_no_borders():
    labels = np.zeros((5, 5), np.int32)
    p, q = adjacent_pairs(labels)
    assert len(p) == len(q) == 0
    pairs, edge_pair = pair_of_edges(labels, p, q)
    assert pairs.shape == (0, 2) and len(edge_pair) == 0
