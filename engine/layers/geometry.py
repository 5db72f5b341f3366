"""Where a shared border lies on each region's own axes: a cue of which region is on top.

A brush stroke lying on top is seen whole, so the border it shares with what it covers
is part of its own outline: one of its long sides (parallel to its axis, about half a
width from it) or an end (about half a length along it). The covered region's outline
there is a cut made by a foreign shape, at any angle and anywhere along it.
:func:`border_geometry` measures, per pair of touching regions, how the border's
direction and position sit in each region's moment ellipse and returns first − second
differences, antisymmetric like the other cues of :mod:`engine.layers.cues`.
"""

from __future__ import annotations

import numpy as np

GEOMETRY_NAMES = ("axis_alignment", "along_axis", "across_axis", "straight_alignment")


def border_geometry(labels: np.ndarray, pairs: np.ndarray, p: np.ndarray, q: np.ndarray,
                    edge_pair: np.ndarray) -> np.ndarray:
    """Antisymmetric geometry cues of every pair of touching regions.

    Parameters
    ----------
    labels : ndarray, shape (H, W), int
        Region id ``0…n-1`` per pixel.
    pairs : ndarray, shape (P, 2), int
        Touching regions.
    p, q : ndarray, shape (E,), int
        Flat pixel indices of both sides of every border edge
        (:func:`~engine.layers.regions.adjacent_pairs`).
    edge_pair : ndarray, shape (E,), int
        Index into ``pairs`` of each edge.

    Returns
    -------
    ndarray, shape (P, len(GEOMETRY_NAMES)), float64
        First region's value − second's, for: axis alignment (elongation × cos² of the
        angle between the border's main direction and the region's axis, 0–1), position
        along the axis (|offset of the border's centre| / (2 σ) along the axis, ≈ 0.87
        at a uniform bar's end), across it (the same across the axis) and the alignment
        times the border's straightness (0–1).
    """
    n = int(labels.max()) + 1
    width = labels.shape[1]
    n_pairs = len(pairs)
    if n_pairs == 0:
        return np.zeros((0, len(GEOMETRY_NAMES)))
    # Edge midpoints, in pixels (x to the right, y down).
    edge_y = (p // width + q // width) / 2.0
    edge_x = (p % width + q % width) / 2.0
    border = _moments(edge_pair, edge_y, edge_x, n_pairs)
    rows, cols = np.indices(labels.shape)
    region = _moments(labels.ravel(), rows.ravel().astype(np.float64), cols.ravel().astype(np.float64), n)
    b_major, b_minor, b_angle = _ellipse(*border[2:])
    straightness = 1.0 - b_minor / b_major
    r_major, r_minor, r_angle = _ellipse(*region[2:])
    elongation = 1.0 - r_minor / r_major

    cues = []
    for side in (pairs[:, 0], pairs[:, 1]):
        alignment = elongation[side] * np.cos(b_angle - r_angle[side]) ** 2
        dy, dx = border[0] - region[0][side], border[1] - region[1][side]
        cos, sin = np.cos(r_angle[side]), np.sin(r_angle[side])
        along = np.abs(dx * cos + dy * sin) / (2.0 * np.sqrt(r_major[side]))
        across = np.abs(dy * cos - dx * sin) / (2.0 * np.sqrt(r_minor[side]))
        cues.append((alignment, along, across, alignment * straightness))
    return np.stack([a - b for a, b in zip(*cues)], axis=1)


def _moments(group, y, x, n_groups):
    """Centroid (y, x) and covariance (yy, xx, xy) of points grouped by ``group``."""
    count = np.maximum(np.bincount(group, minlength=n_groups), 1).astype(np.float64)

    def mean(values):
        return np.bincount(group, weights=values, minlength=n_groups) / count

    cy, cx = mean(y), mean(x)
    # + 1/12: a pixel (or edge) is a unit square, not a point; keeps a line's width > 0.
    yy = mean(y * y) - cy * cy + 1.0 / 12.0
    xx = mean(x * x) - cx * cx + 1.0 / 12.0
    xy = mean(x * y) - cx * cy
    return cy, cx, yy, xx, xy


def _ellipse(yy, xx, xy):
    """Major and minor variances (px²) and the major axis' angle (radians) of a covariance."""
    half_trace = (yy + xx) / 2.0
    spread = np.sqrt(np.maximum(half_trace**2 - (yy * xx - xy * xy), 0.0))
    return half_trace + spread, np.maximum(half_trace - spread, 1e-6), 0.5 * np.arctan2(2.0 * xy, xx - yy)
