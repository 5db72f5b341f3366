"""Occlusion cues: which of two touching colour regions lies on top.

:func:`pair_features` measures, for every pair of touching regions
(:mod:`engine.layers.regions`), cues of which one lies on top. All of them are
antisymmetric: swapping the two regions flips their sign, and a positive value means
"the first region is on top". Cues:

* **convexity along the shared border** — a stroke lying on top keeps its own
  smooth, convex-ish outline, so a disc centred on the border holds less of it than
  of the region it bites into (measured at several radii);
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

from engine.color.spaces import luma
from engine.layers.geometry import GEOMETRY_NAMES, border_geometry
from engine.layers.patches import patch_cue
from engine.layers.regions import adjacent_pairs, pair_of_edges

# Disc radii (px): 13 and 19 reach round the end caps of broad strokes.
_RADII = (3, 5, 9, 13, 19)
FEATURE_NAMES = tuple(f"{cue}_r{r}" for r in _RADII for cue in ("curve", "junction")) + (
    "hull_share", "hull_fill", "solidity", "log_area", "lightness",
) + GEOMETRY_NAMES + ("edge_patches",)


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
