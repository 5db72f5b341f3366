"""Colour regions of a painting and the occlusion evidence between neighbours.

:func:`segment_regions` cuts a picture into connected regions of one colour
cluster; :func:`pair_features` measures, for every pair of touching regions, cues of
which one lies on top. All features are antisymmetric: swapping the two regions
flips their sign, and a positive value means "the first region is on top". Cues:

* **convexity along the shared border** — a stroke lying on top keeps its own
  smooth, convex-ish outline, so a disc centred on the border holds less of it than
  of the region it bites into (measured at two radii);
* **junctions** — where a third region meets the border, the top stroke's outline
  runs straight through (half of the disc) while the covered ones end in corners;
* **convex hulls** — the covered stroke's hull reaches into the top one (the
  bite it lost), whereas the top stroke's hull stays mostly its own;
* solidity, area and lightness differences, whose use training decides;
* where the border sits on each region's own axes (:mod:`engine.layers.geometry`);
* the outlines around a few border edges, read by learnt trees
  (:mod:`engine.layers.patches`).
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from engine.color.kmeans import nearest_center, weighted_kmeans
from engine.color.spaces import luma, unique_colors
from engine.regions import connected_regions, merge_small_regions
from engine.layers.geometry import GEOMETRY_NAMES, border_geometry
from engine.layers.patches import patch_cue

# Disc radii (px): 13 and 19 reach round the end caps of broad strokes.
_RADII = (3, 5, 9, 13, 19)
FEATURE_NAMES = tuple(f"{cue}_r{r}" for r in _RADII for cue in ("curve", "junction")) + (
    "hull_share", "hull_fill", "solidity", "log_area", "lightness",
) + GEOMETRY_NAMES + ("edge_patches",)


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


def pair_features(labels: np.ndarray, colours: np.ndarray, *, patches):
    """Occlusion features of every pair of touching regions.

    Parameters
    ----------
    labels : ndarray, shape (H, W), int
        Region id ``0…R-1`` per pixel.
    colours : ndarray, shape (R, 3), uint8
        Each region's colour.
    patches : engine.layers.model.TreeModel
        Patch trees of the ``edge_patches`` cue (``TreeModel.require_patches()`` of the
        occlusion model).

    Returns
    -------
    pairs : ndarray, shape (P, 2), int64
        Touching regions, ``pairs[:, 0] < pairs[:, 1]``.
    features : ndarray, shape (P, len(FEATURE_NAMES)), float64
        Antisymmetric cues; positive says the pair's first region lies on top.
    border : ndarray, shape (P,), int
        Shared border length in pixel edges.
    """
    n = int(labels.max()) + 1
    p, q = adjacent_pairs(labels)
    flat = labels.ravel()
    pairs, edge_pair = pair_of_edges(labels, p, q)
    first, second = pairs[edge_pair, 0], pairs[edge_pair, 1]
    n_pairs = len(pairs)
    border = np.bincount(edge_pair, minlength=n_pairs)

    columns = []
    for radius in _RADII:
        # Disc counts around both sides of each edge, oriented so + means "first on top".
        n_first, n_second, total = _disc_counts(labels, p, q, first, second, radius)
        junction = 1.0 - (n_first + n_second) / total > 0.15
        convex = (n_second - n_first) / total  # > 0: first region convex here
        corner = (n_first - n_second) / total  # > 0: first region runs straight through
        columns.append(_mean_by(edge_pair, convex, ~junction, n_pairs))
        columns.append(_mean_by(edge_pair, corner, junction, n_pairs))

    area = np.bincount(flat, minlength=n).astype(np.float64)
    hull_area, hull_overlap = _hull_overlaps(labels, n, pairs)
    # hull_overlap[k] = (|hull(second) ∩ first|, |hull(first) ∩ second|)
    into_second, into_first = hull_overlap[:, 0], hull_overlap[:, 1]
    columns.append((into_second - into_first) / (into_second + into_first + 1.0))
    gap = np.maximum(hull_area - area, 1.0)
    columns.append(into_second / gap[pairs[:, 1]] - into_first / gap[pairs[:, 0]])
    solidity = area / np.maximum(hull_area, 1.0)
    columns.append(solidity[pairs[:, 0]] - solidity[pairs[:, 1]])
    columns.append(np.log(area[pairs[:, 0]] / area[pairs[:, 1]]))
    lightness = luma(colours)
    columns.append(lightness[pairs[:, 0]] - lightness[pairs[:, 1]])
    columns.extend(border_geometry(labels, pairs, p, q, edge_pair).T)
    columns.append(patch_cue(patches, labels, n_pairs, p, q, edge_pair, first))
    return pairs, np.stack(columns, axis=1), border


def _disc_offsets(radius):
    r = int(radius)
    dy, dx = np.mgrid[-r : r + 1, -r : r + 1]
    inside = dy * dy + dx * dx <= radius * radius
    return dy[inside], dx[inside]


def _disc_counts(labels, p, q, first, second, radius):
    """Pixels of ``first``/``second`` in discs around both sides of each edge."""
    height, width = labels.shape
    padded = np.pad(labels, int(radius), mode="edge")  # the frame is no third region
    dy, dx = _disc_offsets(radius)
    n_first = np.zeros(len(p))
    n_second = np.zeros(len(p))
    for centre in (p, q):
        y, x = np.divmod(centre, width)
        for start in range(0, len(dy), 16):  # chunks keep the gather small in memory
            sample = padded[y[:, None] + radius + dy[None, start : start + 16],
                            x[:, None] + radius + dx[None, start : start + 16]]
            n_first += (sample == first[:, None]).sum(axis=1)
            n_second += (sample == second[:, None]).sum(axis=1)
    return n_first, n_second, 2.0 * len(dy)


def _mean_by(group, values, selected, n_groups):
    total = np.bincount(group[selected], weights=values[selected], minlength=n_groups)
    count = np.bincount(group[selected], minlength=n_groups)
    return np.where(count > 0, total / np.maximum(count, 1), 0.0)


def _hull_overlaps(labels, n, pairs):
    """Convex hull area of each region and, per pair, pixels of each inside the other's hull."""
    from skimage.morphology import convex_hull_image

    objects = ndimage.find_objects(labels + 1)
    hull_area = np.zeros(n)
    # inside[r] = bincount of labels within hull(r): how much of every region it covers.
    wanted = {}
    for a, b in pairs:
        wanted.setdefault(int(a), set()).add(int(b))
        wanted.setdefault(int(b), set()).add(int(a))
    inside = {}
    for r in range(n):
        box = objects[r]
        if box is None:
            continue
        window = labels[box]
        region = window == r
        hull = convex_hull_image(region) if region.sum() > 2 else region
        hull_area[r] = hull.sum()
        covered = window[hull]
        inside[r] = {k: int(np.count_nonzero(covered == k)) for k in wanted.get(r, ())}
    overlap = np.array(
        [[inside.get(int(b), {}).get(int(a), 0), inside.get(int(a), {}).get(int(b), 0)] for a, b in pairs],
        dtype=np.float64,
    ).reshape(-1, 2)
    return hull_area, overlap
