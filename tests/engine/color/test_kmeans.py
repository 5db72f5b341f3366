"""The engine's one k-means: finds real clusters, counts weights as repeated points."""

import numpy as np

from engine.color.kmeans import nearest_center, refine_medians, weighted_kmeans


def _blobs(rng, centres, n=200, spread=1.0):
    return np.concatenate([rng.normal(c, spread, (n, len(c))) for c in centres])


def test_finds_separated_clusters_and_is_deterministic():
    rng = np.random.default_rng(0)
    truth = np.array([[0.0, 0.0, 0.0], [30.0, 0.0, 0.0], [0.0, 40.0, 10.0], [20.0, 20.0, 50.0]])
    points = _blobs(rng, truth)
    centres = weighted_kmeans(points, np.ones(len(points)), 4, seed=3)
    index, _ = nearest_center(truth, centres)
    assert sorted(index.tolist()) == [0, 1, 2, 3]
    np.testing.assert_allclose(centres[index], truth, atol=0.3)
    np.testing.assert_array_equal(centres, weighted_kmeans(points, np.ones(len(points)), 4, seed=3))


def test_weights_count_as_repeated_points():
    rng = np.random.default_rng(1)
    points = _blobs(rng, [[0.0, 0.0], [10.0, 10.0]], n=50, spread=2.0)
    weights = rng.integers(1, 4, len(points)).astype(float)
    start = points[[0, 60]]
    weighted = weighted_kmeans(points, weights, 2, init=start)
    repeated = weighted_kmeans(np.repeat(points, weights.astype(int), axis=0), np.ones(int(weights.sum())), 2, init=start)
    np.testing.assert_allclose(weighted, repeated, atol=1e-9)


def test_one_dimension_from_given_start_and_fewer_values_than_k():
    values = np.array([[1.0], [1.0], [2.0], [9.0], [10.0]])
    centres = weighted_kmeans(values, np.ones(5), 2, init=[[0.0], [5.0]])
    np.testing.assert_allclose(centres[:, 0], [4.0 / 3.0, 9.5])
    assert len(weighted_kmeans(np.array([[3.0]] * 6), np.ones(6), 4)) == 1


def test_median_refinement_resists_outliers():
    points = np.array([[0.0], [0.1], [-0.1], [0.05], [100.0]])
    weights = np.ones(5)
    mean_centre = weighted_kmeans(points, weights, 1, init=[[0.0]])
    refined = refine_medians(points, weights, mean_centre, iterations=30)
    assert abs(mean_centre[0, 0]) > 19 and abs(refined[0, 0]) < 1
