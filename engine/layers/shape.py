"""Shape descriptors of colour regions, and the pair rows the occlusion model reads.

A stroke painted late is seen whole: its region keeps the full, compact outline of a
brush stroke of its kind (capsule, rounded rectangle, taper), no holes, its own
thickness. A stroke painted early is bitten by later ones: lower solidity, holes, a
ragged outline, more neighbours. :func:`region_features` measures that per region
(:data:`REGION_NAMES`); :func:`pair_rows` joins them to the antisymmetric border
cues of :func:`engine.layers.cues.pair_features` so that swapping the two
regions of a pair swaps the two region blocks and negates the cues.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from engine.color.spaces import luma
from engine.layers.regions import adjacent_pairs

REGION_NAMES = (
    "log_area", "solidity", "extent", "eccentricity", "compactness", "axis_ratio",
    "log_neighbours", "holes", "log_half_thickness", "thickness_fill", "lightness",
)


def region_features(labels: np.ndarray, colours: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Shape descriptors of every region.

    Parameters
    ----------
    labels : ndarray, shape (H, W), int
        Region id ``0…n-1`` per pixel.
    colours : ndarray, shape (n, 3), uint8
        Each region's colour.
    pairs : ndarray, shape (P, 2), int
        Touching regions (for the neighbour count).

    Returns
    -------
    ndarray, shape (n, len(REGION_NAMES)), float64
        Per region: log area (px), solidity (area / convex hull area), extent (area /
        bounding-box area), eccentricity and minor/major axis ratio of the moment
        ellipse, compactness (perimeter² / 4π area, 1 for a disc), log(1 + neighbours),
        holes (1 − Euler number), log half-thickness (largest distance to another
        region, px), thickness fill (area / (2 · half-thickness · major axis)) and
        lightness (0–1).
    """
    from skimage.measure import regionprops

    n = int(labels.max()) + 1
    out = np.zeros((n, len(REGION_NAMES)))
    boundary = np.zeros(labels.shape, dtype=bool)
    for side in adjacent_pairs(labels):  # both pixels of every edge between two regions
        boundary.ravel()[side] = True
    half = ndimage.distance_transform_edt(~boundary) + 0.5
    half_thickness = np.asarray(ndimage.maximum(half, labels, index=np.arange(n)), dtype=np.float64)
    neighbours = np.bincount(np.asarray(pairs, dtype=np.int64).ravel(), minlength=n)
    for prop in regionprops(labels + 1):
        r = prop.label - 1
        area = float(prop.area)
        major = max(float(prop.axis_major_length), 1.0)
        perimeter = max(float(prop.perimeter), 1.0)
        out[r, :10] = (
            np.log(area), area / _hull_area(prop.coords), prop.extent, prop.eccentricity,
            perimeter**2 / (4.0 * np.pi * area), prop.axis_minor_length / major,
            np.log1p(neighbours[r]), 1.0 - prop.euler_number,
            np.log(half_thickness[r]), area / (2.0 * half_thickness[r] * major),
        )
    out[:, 10] = luma(colours)
    return out


def _hull_area(coords: np.ndarray) -> float:
    """Area (px²) of the convex hull of pixels given as (row, col), counted as unit squares."""
    from scipy.spatial import ConvexHull, QhullError

    corners = (coords[:, None, :] + np.array([[-0.5, -0.5], [-0.5, 0.5], [0.5, -0.5], [0.5, 0.5]])).reshape(-1, 2)
    try:
        return max(float(ConvexHull(corners).volume), float(len(coords)))
    except QhullError:
        return float(len(coords))


def pair_rows(cues: np.ndarray, region: np.ndarray, pairs: np.ndarray, *, swap: bool = False) -> np.ndarray:
    """Model input rows of region pairs: border cues, then both regions' descriptors.

    Parameters
    ----------
    cues : ndarray, shape (P, C), float
        Antisymmetric cues of each pair (first region on top when positive).
    region : ndarray, shape (n, len(REGION_NAMES)), float
        :func:`region_features`.
    pairs : ndarray, shape (P, 2), int
        The pairs.
    swap : bool, optional
        Rows for the pairs read the other way round (second region first).

    Returns
    -------
    ndarray, shape (P, C + 2 · len(REGION_NAMES)), float64
        ``[±cues, region[first], region[second]]``.
    """
    first, second = (pairs[:, 1], pairs[:, 0]) if swap else (pairs[:, 0], pairs[:, 1])
    return np.concatenate([-cues if swap else cues, region[first], region[second]], axis=1)
