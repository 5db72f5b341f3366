"""Splitting colour regions that are unions of several same-colour strokes.

Two strokes of one colour that touch or overlap make one connected colour region
(:func:`engine.strokes.layers_regions.segment_regions`), and the region can only take
one place in the painting order. A stroke is a band of nearly constant width, so two of
them joined end to end or side by side often make two thick cores joined by a thinner
neck. :func:`split_regions` cuts a region at such necks: the distance of each pixel to
the region's outline (the distance transform) has one top per core; tops that rise at
least ``h`` px above the saddle towards a higher one (h-maxima) seed a watershed of the
region, and neighbouring parts whose neck is nearly as thick as the thinner core
(``neck_ratio``) are joined again. A lone capsule, rounded rectangle, taper, bent or
dry-brush stroke has no such neck and stays whole. Strokes that cross or meet at a
corner (the joint is the thickest place) are not split.

:func:`ordering_regions` is how training, evaluation and
:func:`~engine.strokes.layers.predict_layers` cut a picture; it splits only when
:data:`SPLIT_STROKES` is on (off: measured below, it lowers the margin over the best
baseline).

Measured on the tuning set (seed 2, 100 paintings of 256 px, 15,585 stroke pairs), with
the trees retrained on split regions of the seed-1 set:

* a perfect order of the regions would score 0.857 → 0.885 (first 40 paintings; 0.950
  with every region split by its true stroke): 119 → 135 regions per painting;
* occlusion 0.784 → 0.792, but smaller-first, ordering the same split regions,
  0.661 → 0.687: the margin falls from 0.123 to 0.105. (Scoring the baselines on the
  unsplit colour regions would give 0.131.) Cutting also between pairs of concave
  corners of the outline (crossings, corner joints; perfect order 0.894) gave 0.796
  and the same margin.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage


def split_regions(labels: np.ndarray, colours: np.ndarray, *, h: float = 2.0, neck_ratio: float = 0.75,
                  min_area: int = 48):
    """Cut colour regions at their necks, one part per stroke as far as the shape tells.

    Parameters
    ----------
    labels : ndarray, shape (H, W), int
        Region id ``0…n-1`` per pixel (:func:`~engine.strokes.layers_regions.segment_regions`).
    colours : ndarray, shape (n, 3), uint8
        Each region's colour.
    h : float, optional
        Least height, in px of distance to the outline, of a core's top above the saddle
        to a thicker core for it to seed a part.
    neck_ratio : float, optional
        Neighbouring parts whose neck's half-thickness (px) is at least this share of the
        thinner core's half-thickness are joined again.
    min_area : int, optional
        Parts smaller than this (px) are joined to the neighbouring part they share the
        longest border with.

    Returns
    -------
    labels : ndarray, shape (H, W), int32
        Part id ``0…m-1`` per pixel (m ≥ n); parts of one region are numbered in raster
        order of their first pixel, after the region's earlier-numbered parts.
    colours : ndarray, shape (m, 3), uint8
        Each part's colour (that of its region).
    parent : ndarray, shape (m,), int64
        The region each part comes from.
    """
    from skimage.morphology import h_maxima

    labels = np.asarray(labels)
    colours = np.asarray(colours)
    n = int(labels.max()) + 1
    sizes = np.ones(n, dtype=np.int64)  # parts per region
    pieces = {}
    if n > 1:
        distance = _outline_distance(labels)
        seeds, _ = ndimage.label(h_maxima(distance, h) > 0, structure=np.ones((3, 3)))
        # Regions holding at least two seeds are the ones that may split.
        stride = int(seeds.max()) + 1
        held = np.unique(labels[seeds > 0].astype(np.int64) * stride + seeds[seeds > 0]) // stride
        boxes = ndimage.find_objects(labels + 1)
        for region in np.flatnonzero(np.bincount(held, minlength=n) >= 2):
            box = boxes[region]
            mask = labels[box] == region
            if np.count_nonzero(mask) < 2 * min_area:
                continue
            parts = _split_one(mask, distance[box], seeds[box], neck_ratio, min_area)
            sizes[region] = int(parts.max()) + 1
            pieces[int(region)] = (box, mask, parts)
    # Number region by region, each region's parts together.
    offset = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    out = offset[labels]
    for region, (box, mask, parts) in pieces.items():
        out[box][mask] += parts[mask]
    parent = np.repeat(np.arange(n), sizes)
    return out.astype(np.int32), colours[parent], parent


def _outline_distance(labels: np.ndarray) -> np.ndarray:
    """Distance (px) of each pixel to its region's outline; the picture's frame is no outline."""
    from engine.strokes.layers_regions import adjacent_pairs

    boundary = np.zeros(labels.shape, dtype=bool)
    for side in adjacent_pairs(labels):
        boundary.ravel()[side] = True
    return ndimage.distance_transform_edt(~boundary) + 0.5


def _split_one(mask, distance, seeds, neck_ratio, min_area):
    """Parts ``0…k-1`` of one region (``mask`` over its box), by watershed and neck merging."""
    from skimage.segmentation import watershed

    _, markers = np.unique(np.where(mask, seeds, 0), return_inverse=True)
    basins = watershed(-distance, markers.reshape(mask.shape), mask=mask) - 1  # -1 outside
    k = int(basins.max()) + 1
    if k < 2:
        return np.zeros(mask.shape, dtype=np.int64)
    inside = basins >= 0
    core = {r: float(v) for r, v in enumerate(ndimage.maximum(distance, basins, index=np.arange(k)))}
    area = dict(enumerate(np.bincount(basins[inside], minlength=k).tolist()))
    neck, shared = _necks(basins, distance)
    # Join parts greedily: tiny ones first (to their longest border), then the pair whose
    # neck is thickest against the thinner core, while that share reaches neck_ratio.
    group = list(range(k))
    while neck:
        def score(pair):
            a, b = pair
            if min(area[a], area[b]) < min_area:
                return 10.0 + shared[pair]
            return neck[pair] / min(core[a], core[b])
        best = max(sorted(neck), key=score)
        if score(best) < neck_ratio:
            break
        keep, gone = best
        core[keep] = max(core[keep], core.pop(gone))
        area[keep] += area.pop(gone)
        group = [keep if g == gone else g for g in group]
        merged_neck: dict = {}
        merged_shared: dict = {}
        for old, value in neck.items():
            a, b = (keep if r == gone else r for r in old)
            if a == b:
                continue
            pair = (min(a, b), max(a, b))
            merged_neck[pair] = max(merged_neck.get(pair, -1.0), value)
            merged_shared[pair] = merged_shared.get(pair, 0) + shared[old]
        neck, shared = merged_neck, merged_shared
    joined = np.where(inside, np.asarray(group)[np.maximum(basins, 0)], -1)
    # Number the parts by their first pixel in raster order.
    ids, first = np.unique(joined.ravel(), return_index=True)
    first, ids = first[ids >= 0], ids[ids >= 0]
    number = np.zeros(k, dtype=np.int64)
    number[ids[np.argsort(first)]] = np.arange(len(ids))
    parts = np.zeros(mask.shape, dtype=np.int64)
    parts[inside] = number[joined[inside]]
    return parts


def _necks(parts, distance):
    """Per pair of 4-neighbouring parts: the thickest point of their shared border, and its length."""
    neck: dict = {}
    shared: dict = {}
    for a, b, da, db in (
        (parts[:, :-1], parts[:, 1:], distance[:, :-1], distance[:, 1:]),
        (parts[:-1, :], parts[1:, :], distance[:-1, :], distance[1:, :]),
    ):
        edge = (a != b) & (a >= 0) & (b >= 0)
        lo, hi = np.minimum(a[edge], b[edge]), np.maximum(a[edge], b[edge])
        thick = np.minimum(da[edge], db[edge])
        for x, y, t in zip(lo.tolist(), hi.tolist(), thick.tolist()):
            key = (x, y)
            if t > neck.get(key, -1.0):
                neck[key] = t
            shared[key] = shared.get(key, 0) + 1
    return neck, shared


#: Whether :func:`ordering_regions` splits flat pictures' regions per stroke. A model
#: trained with it on must be used with it on: training reads regions the same way.
SPLIT_STROKES = False


def ordering_regions(image: np.ndarray, *, max_colors: int = 16, split: bool | None = None):
    """The regions the occlusion method orders: colour regions, optionally split per stroke.

    :func:`~engine.strokes.layers_regions.segment_regions`, then, if ``split`` and the
    picture is flat (at most ``max_colors`` distinct colours, so that its regions are
    unions of whole strokes), :func:`split_regions`. The colour clusters of a photograph
    follow no strokes and their ragged outlines neck everywhere: they are never split.
    Training (:mod:`engine.strokes.layers_train`), evaluation
    (:mod:`engine.strokes.layers_eval`) and :func:`~engine.strokes.layers.predict_layers`
    all cut pictures this way.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3), uint8
        The picture.
    max_colors : int, optional
        Colour clusters of a photographic picture.
    split : bool, optional
        Split regions per stroke (default :data:`SPLIT_STROKES`).

    Returns
    -------
    labels : ndarray, shape (H, W), int32
        Region id ``0…R-1`` per pixel.
    colours : ndarray, shape (R, 3), uint8
        Each region's colour.
    """
    from engine.color.spaces import unique_colors
    from engine.strokes.layers_regions import segment_regions

    labels, colours = segment_regions(image, max_colors=max_colors)
    if not (SPLIT_STROKES if split is None else split) or len(unique_colors(image)[0]) > max_colors:
        return labels, colours
    labels, colours, _ = split_regions(labels, colours)
    return labels, colours
