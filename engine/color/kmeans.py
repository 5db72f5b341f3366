"""Small, deterministic weighted k-means for colour palettes.

Written here rather than taken from scikit-learn because palettes cluster a few
thousand distinct colours with pixel counts as weights: plain NumPy with a seeded
k-means++ start is as fast, gives the same result for the same input on any number of
threads, and lets the last iterations minimise the *mean* distance (what the palette is
judged by) instead of the mean squared distance.
"""

from __future__ import annotations

import numpy as np


def nearest_center(points: np.ndarray, centers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of the nearest centre for each point (N×D, K×D) and the squared distance to it."""
    # One coordinate at a time in float32: for D = 3 this beats a BLAS product, which
    # spends its time starting threads on such thin matrices (and fights other jobs).
    p = np.asarray(points, dtype=np.float32)
    c = np.asarray(centers, dtype=np.float32)
    d2 = np.zeros((len(p), len(c)), dtype=np.float32)
    for dim in range(p.shape[1]):
        diff = p[:, dim, None] - c[None, :, dim]
        d2 += diff * diff
    index = d2.argmin(axis=1)
    return index, np.take_along_axis(d2, index[:, None], axis=1)[:, 0].astype(np.float64)


def kmeans_plus_plus(points: np.ndarray, weights: np.ndarray, k: int, rng) -> np.ndarray:
    """Seeding of Arthur & Vassilvitskii (2007), weights counting as repeated points."""
    first = rng.choice(len(points), p=weights / weights.sum())
    centers = [points[first]]
    d2 = ((points - points[first]) ** 2).sum(axis=1)
    for _ in range(1, k):
        mass = weights * d2
        total = mass.sum()
        if total <= 0:  # every point already sits on a centre
            break
        pick = rng.choice(len(points), p=mass / total)
        centers.append(points[pick])
        d2 = np.minimum(d2, ((points - points[pick]) ** 2).sum(axis=1))
    return np.array(centers)


def _update(points, weights, index, centers):
    k, dims = centers.shape
    total = np.bincount(index, weights=weights, minlength=k)
    sums = np.stack([np.bincount(index, weights=weights * points[:, d], minlength=k) for d in range(dims)], 1)
    new = centers.copy()
    filled = total > 0
    new[filled] = sums[filled] / total[filled, None]
    return new


def weighted_kmeans(
    points: np.ndarray,
    weights: np.ndarray,
    k: int,
    *,
    seed: int = 0,
    max_iter: int = 40,
    tol: float = 1e-3,
) -> np.ndarray:
    """Lloyd's k-means on weighted points (N×D); returns at most ``k`` centres.

    Stops when no centre moves more than ``tol`` (in the points' units). Centres left
    without points are dropped, so fewer than ``k`` come back when the data has fewer
    distinct values.
    """
    rng = np.random.default_rng(seed)
    centers = kmeans_plus_plus(points, weights, k, rng)
    for _ in range(max_iter):
        index, _ = nearest_center(points, centers)
        new = _update(points, weights, index, centers)
        moved = np.sqrt(((new - centers) ** 2).sum(axis=1)).max()
        centers = new
        if moved < tol:
            break
    index, _ = nearest_center(points, centers)
    return centers[np.bincount(index, minlength=len(centers)) > 0]


def refine_medians(
    points: np.ndarray, weights: np.ndarray, centers: np.ndarray, *, iterations: int = 6
) -> np.ndarray:
    """A few Weiszfeld steps: move each centre towards its cluster's geometric median.

    k-means minimises squared distances, which lets a few far-off pixels pull a centre
    away from where most of its pixels are; the mean distance is what matters for the
    painter (and for CIEDE2000 figures), and this lowers it by a few per cent.
    """
    for _ in range(iterations):
        index, d2 = nearest_center(points, centers)
        # floor the distance so a point sitting on its centre does not dominate
        pull = weights / np.maximum(np.sqrt(d2), 0.3)
        centers = _update(points, pull, index, centers)
    return centers
