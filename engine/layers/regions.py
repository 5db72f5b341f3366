"""Colour regions of a painting and the borders between them.

:func:`segment_regions` cuts a picture into connected regions of one colour cluster;
:func:`adjacent_pairs` finds the pixel edges between two regions and
:func:`pair_of_edges` the touching pairs those edges separate, the units every
occlusion cue (:mod:`engine.layers.cues`) is measured on.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from engine.color.kmeans import nearest_center, weighted_kmeans
from engine.color.spaces import unique_colors
from engine.regions import connected_regions, merge_small_regions


def segment_regions(image: np.ndarray, *, max_colors: int = 16, min_area: int | None = None):
    """Connected regions of similar colour.

    Pictures with at most ``max_colors`` distinct colours (flat synthetic paintings) keep
    them exactly; others are clustered to ``max_colors`` colours (k-means in RGB over a
    sample, after a 5×5 median filter). Regions smaller than ``min_area`` px are merged
    into the nearest larger region (:func:`engine.regions.merge_small_regions`).

    Parameters
    ----------
    image : ndarray, shape (H, W, 3), uint8
        The painting.
    max_colors : int, optional
        Most colour clusters.
    min_area : int, optional
        Smallest region kept, in pixels (default 1/4000 of a flat picture, 1/1000 of a
        clustered one, at least 4).

    Returns
    -------
    labels : ndarray, shape (H, W), int32
        Region id ``0…R-1`` per pixel, numbered by colour cluster, then raster order.
    colours : ndarray, shape (R, 3), uint8
        Mean colour of each region's own-cluster pixels.
    """
    height, width = image.shape[:2]
    flat = image.reshape(-1, 3)
    distinct, _, cluster = unique_colors(image)
    photographic = len(distinct) > max_colors
    if photographic:
        # Texture and noise would shatter clusters into specks: smooth first (median
        # keeps the edges that occlusion reasoning needs), and drop larger specks.
        smooth = ndimage.median_filter(image, size=(5, 5, 1))
        cluster = _color_clusters(smooth, max_colors)
    cluster = cluster.reshape(height, width).astype(np.int32)

    components, count = connected_regions(cluster)
    if min_area is None:
        min_area = max(4, (height * width) // (1000 if photographic else 4000))
    merged = merge_small_regions(components, min_area)
    small = merged != components  # pixels of the small regions, now in a large one
    # Regions numbered by colour cluster, then by where they start (raster order).
    _, first_pixel = np.unique(components.ravel(), return_index=True)
    kept = np.unique(merged)
    order = kept[np.lexsort((kept, cluster.ravel()[first_pixel[kept]]))]
    number = np.zeros(count, dtype=np.int32)
    number[order] = np.arange(len(order))
    labels = number[merged]
    n_regions = len(order)
    # A region's colour is that of its own cluster: pixels merged in from small
    # neighbours keep their region but do not tint its colour.
    own_cluster = np.zeros(n_regions, dtype=np.int64)
    own_cluster[labels.ravel()[~small.ravel()]] = cluster.ravel()[~small.ravel()]
    own = (cluster.ravel() == own_cluster[labels.ravel()]) | small.all()
    region = labels.ravel()[own]
    count = np.maximum(np.bincount(region, minlength=n_regions), 1)
    colours = np.stack(
        [np.bincount(region, weights=flat[own, k].astype(np.float64), minlength=n_regions)
         for k in range(3)], axis=1,
    ) / count[:, None]
    return labels, np.round(colours).astype(np.uint8)


def _color_clusters(image: np.ndarray, k: int) -> np.ndarray:
    """Cluster index (0…k-1) of each pixel: k-means in RGB over a 20 000-pixel sample."""
    rng = np.random.default_rng(0)  # deterministic: same picture, same regions
    flat = image.reshape(-1, 3)
    sample = flat[rng.choice(len(flat), size=min(len(flat), 20000), replace=False)]
    colors, counts, _ = unique_colors(sample[None])
    centres = weighted_kmeans(colors.astype(np.float64), counts.astype(np.float64), k, seed=0)
    colors, _, inverse = unique_colors(image)
    return nearest_center(colors, centres)[0][inverse].ravel()


def adjacent_pairs(labels: np.ndarray):
    """Border edges between 4-neighbours of different regions.

    Parameters
    ----------
    labels : ndarray, shape (H, W), int
        Region id per pixel.

    Returns
    -------
    p, q : ndarray, shape (E,), int
        Flat pixel indices of each edge's two sides, with ``labels.flat[p] != labels.flat[q]``.
    """
    index = np.arange(labels.size).reshape(labels.shape)
    horizontal = labels[:, :-1] != labels[:, 1:]
    vertical = labels[:-1, :] != labels[1:, :]
    p = np.concatenate([index[:, :-1][horizontal], index[:-1, :][vertical]])
    q = np.concatenate([index[:, 1:][horizontal], index[1:, :][vertical]])
    return p, q


def pair_of_edges(labels: np.ndarray, p: np.ndarray, q: np.ndarray):
    """The touching pairs that border edges separate, and which pair each edge belongs to.

    Parameters
    ----------
    labels : ndarray, shape (H, W), int
        Region id per pixel.
    p, q : ndarray, shape (E,), int
        Flat pixel indices of both sides of each edge (:func:`adjacent_pairs`).

    Returns
    -------
    pairs : ndarray, shape (P, 2), int64
        Distinct region pairs, ``pairs[:, 0] < pairs[:, 1]``, sorted.
    edge_pair : ndarray, shape (E,), intp
        Row of ``pairs`` of each edge.
    """
    n = int(labels.max()) + 1
    a, b = labels.ravel()[p], labels.ravel()[q]
    keys = np.minimum(a, b).astype(np.int64) * n + np.maximum(a, b)
    unique_keys, edge_pair = np.unique(keys, return_inverse=True)
    return np.stack([unique_keys // n, unique_keys % n], axis=1), edge_pair.ravel()
