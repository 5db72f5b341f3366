"""Label images: simplify them and merge regions too small to paint.

A *label image* is an ``H×W`` int array (palette indices ``0…K-1``, colour clusters or
region ids). These functions simplify it the way a painter simplifies a motif: a
majority (mode) filter that keeps the dominant label of each neighbourhood, connected
regions, and merging of regions too small to paint into their nearest large
neighbour. Shared by the lesson (steps, sheet, value study) and the stroke layers,
which is why it sits beside :mod:`engine.imageio` rather than inside either.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage


def odd_window(size: float, minimum: int = 3) -> int:
    """Nearest odd window size of at least ``minimum`` (a filter centred on a pixel needs odd sides).

    Parameters
    ----------
    size : float
        Wanted size in pixels.
    minimum : int, optional
        Smallest size returned.

    Returns
    -------
    int
        Odd, ≥ ``minimum``.
    """
    size = max(int(round(size)), minimum)
    return size if size % 2 else size + 1


def mode_filter(labels: np.ndarray, size: int, n_labels: int | None = None) -> np.ndarray:
    """Majority filter: each pixel takes the most frequent label in its ``size × size`` window.

    Cost is one box filter per label (each O(pixels), whatever ``size``), so large windows
    for block-in shapes are as cheap as small ones for smoothing borders. Ties go to the
    lower label, so the result is deterministic.

    Parameters
    ----------
    labels : ndarray, shape (H, W), int ≥ 0
        Label image.
    size : int
        Window side in pixels (≤ 1 returns a copy).
    n_labels : int, optional
        Number of labels (default ``labels.max() + 1``).

    Returns
    -------
    ndarray, shape (H, W), int32
        The filtered labels (a copy for ``size`` ≤ 1 or an empty image).
    """
    labels = np.asarray(labels)
    if size <= 1 or labels.size == 0:
        return labels.copy()
    n_labels = int(labels.max()) + 1 if n_labels is None else n_labels
    best_score = np.full(labels.shape, -1.0, dtype=np.float32)
    best = np.zeros(labels.shape, dtype=np.int32)
    present = np.flatnonzero(np.bincount(labels.ravel(), minlength=n_labels))
    for value in present:
        score = ndimage.uniform_filter((labels == value).astype(np.float32), size=size, mode="nearest")
        better = score > best_score + 1e-6
        best[better] = value
        best_score[better] = score[better]
    return best


def connected_regions(labels: np.ndarray) -> tuple[np.ndarray, int]:
    """Connected regions of equal label (4-connectivity).

    Parameters
    ----------
    labels : ndarray, shape (H, W), int
        Label image.

    Returns
    -------
    regions : ndarray, shape (H, W), int32
        Region id 0…n-1 of each pixel, numbered in raster order of their first pixel.
    n : int
        Number of regions.
    """
    from skimage.measure import label as skimage_label

    regions, count = skimage_label(labels + 1, background=0, connectivity=1, return_num=True)
    return (regions - 1).astype(np.int32), int(count)


def merge_small_regions(labels: np.ndarray, min_area: int, *, min_radius: float = 0.0,
                        max_rounds: int = 8) -> np.ndarray:
    """Give regions smaller than ``min_area`` (or narrower than ``min_radius``) the label
    of the nearest large region.

    Each round fills every small region's pixels from the nearest pixel of a large region
    (one Euclidean distance transform for all of them), then recomputes the regions, since
    a filled pixel joins its neighbour. The largest region always stays, so a picture made
    only of tiny regions collapses to one label rather than nothing.

    Parameters
    ----------
    labels : ndarray, shape (H, W), int
        Label image.
    min_area : int
        Smallest region kept, in pixels (≤ 1 changes nothing).
    min_radius : float, optional
        Smallest room a kept region has: the radius (px) of the largest circle inside it
        (0 changes nothing).
    max_rounds : int, optional
        Most fill-and-recompute rounds.

    Returns
    -------
    ndarray, shape (H, W), same dtype as ``labels``
        Labels in which every connected region has at least ``min_area`` pixels (unless
        ``max_rounds`` ran out first).
    """
    labels = np.asarray(labels).copy()
    if min_area <= 1 and min_radius <= 0:
        return labels
    for _ in range(max_rounds):
        regions, count = connected_regions(labels)
        areas = np.bincount(regions.ravel(), minlength=count)
        small_regions = areas < min_area
        if min_radius > 0:
            small_regions |= ndimage.maximum(inside_distance(regions), regions, np.arange(count)) < min_radius
        if not small_regions.any():
            break
        if small_regions.all():
            small_regions[np.argmax(areas)] = False
        small = small_regions[regions]
        nearest = ndimage.distance_transform_edt(small, return_distances=False, return_indices=True)
        labels = labels[tuple(nearest)]
    return labels


def inside_distance(regions: np.ndarray) -> np.ndarray:
    """Room inside each region: the distance of every pixel to its region's border.

    Parameters
    ----------
    regions : ndarray, shape (H, W), int
        Region image.

    Returns
    -------
    ndarray, shape (H, W), float
        Euclidean distance (px) to the nearest pixel on either side of a border or off the
        picture, plus 0.5 (a pixel's centre): its maximum in a region is the radius of the
        largest circle that fits in it.
    """
    edge = boundary_mask(regions)
    edge[:, 1:] |= regions[:, 1:] != regions[:, :-1]
    edge[1:, :] |= regions[1:, :] != regions[:-1, :]
    inside = np.pad(~edge, 1, constant_values=False)
    return ndimage.distance_transform_edt(inside)[1:-1, 1:-1] + 0.5


def boundary_mask(regions: np.ndarray) -> np.ndarray:
    """Where regions meet.

    Parameters
    ----------
    regions : ndarray, shape (H, W), int
        Region (or label) image.

    Returns
    -------
    ndarray, shape (H, W), bool
        True where a pixel's right or lower neighbour belongs to another region.
    """
    edge = np.zeros(regions.shape, dtype=bool)
    edge[:, :-1] |= regions[:, :-1] != regions[:, 1:]
    edge[:-1, :] |= regions[:-1, :] != regions[1:, :]
    return edge
