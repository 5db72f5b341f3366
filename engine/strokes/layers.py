"""Stroke-layer decomposition: which parts of a painting to paint first.

From the picture alone, :func:`predict_layers` proposes an ordered list of layers,
back to front, each a mask with its colour. Method (occlusion reasoning):

1. cut the picture into connected colour regions (:mod:`engine.strokes.layers_regions`);
2. for every pair of touching regions, combine occlusion cues (convexity along the
   shared border, T-junctions, convex-hull bites, …) with a logistic model trained
   on synthetic paintings (:mod:`engine.strokes.synth`, weights in
   ``engine/data/layers_occlusion.json``) into the probability that one lies on top;
3. order the regions greedily back to front: repeatedly take the region with the
   least evidence of lying on top of the regions still left (this breaks cycles
   where the evidence is weakest);
4. give each region a depth by the ground-truth rule (1 + the deepest earlier
   region it touches) and group regions of one depth and colour into a layer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.strokes.layers_regions import FEATURE_NAMES, pair_features, segment_regions

WEIGHTS_PATH = Path(__file__).resolve().parent / "data" / "layers_occlusion.json"
#: Used when no trained weights are shipped: the cues' signs, unit weights.
_FALLBACK_WEIGHTS = dict(zip(FEATURE_NAMES, (4.0, 4.0, 4.0, 2.0, 1.0, 1.0, 0.0, 0.0)))


@dataclass
class Layer:
    """One layer to paint: ``index`` (0 = first, at the back), ``mask`` H×W bool,
    ``color`` (r, g, b) and ``depth`` (1 + the depth of the deepest earlier layer it
    touches; 0 for layers that touch no earlier one)."""

    index: int
    mask: np.ndarray
    color: tuple[int, int, int]
    depth: int = 0


def load_weights(path: Path | str = WEIGHTS_PATH) -> np.ndarray:
    """Weights of the occlusion model.

    Parameters
    ----------
    path : str or Path, optional
        JSON written by :func:`engine.strokes.layers_train.train` (default: the shipped
        ``data/layers_occlusion.json``).

    Returns
    -------
    ndarray, shape (len(FEATURE_NAMES),), float64
        One weight per feature in :data:`FEATURE_NAMES` order (0 for a feature the file
        lacks); the built-in signs with unit weights when the file does not exist.
    """
    path = Path(path)
    values = json.loads(path.read_text())["weights"] if path.is_file() else _FALLBACK_WEIGHTS
    return np.array([float(values.get(name, 0.0)) for name in FEATURE_NAMES])


def predict_layers(image, *, max_colors: int = 16, weights: np.ndarray | None = None) -> list[Layer]:
    """The layers a painter would paint, back to front.

    Parameters
    ----------
    image : array_like, shape (H, W, ...)
        The painting, anything :func:`engine.imageio.as_rgb_uint8` takes; at least 8 px
        a side.
    max_colors : int, optional
        Colour clusters of a photographic picture (flat pictures keep their colours).
    weights : array_like, shape (len(FEATURE_NAMES),), optional
        Occlusion weights (default :func:`load_weights`).

    Returns
    -------
    list of Layer
        ``index`` 0 first (at the back); their masks partition the picture.

    Raises
    ------
    ValueError
        If ``image`` is no image or smaller than 8 px a side.
    """
    from engine.imageio import as_rgb_uint8

    image = as_rgb_uint8(image, min_side=8)
    labels, colours = segment_regions(image, max_colors=max_colors)
    rank = order_regions(labels, colours, weights=weights)
    return layers_from_order(labels, colours, rank)


def order_regions(labels, colours, *, weights=None) -> np.ndarray:
    """Back-to-front rank of colour regions, from occlusion evidence between neighbours.

    Parameters
    ----------
    labels : ndarray, shape (H, W), int
        Region id ``0…n-1`` per pixel (:func:`~engine.strokes.layers_regions.segment_regions`).
    colours : ndarray, shape (n, 3), uint8
        Each region's colour.
    weights : array_like, shape (len(FEATURE_NAMES),), optional
        Occlusion weights (default :func:`load_weights`).

    Returns
    -------
    ndarray, shape (n,), int64
        Rank of each region, a permutation of ``0…n-1``; 0 is painted first.
    """
    n = int(labels.max()) + 1
    if n == 1:
        return np.zeros(1, dtype=np.int64)
    pairs, features, _ = pair_features(labels, colours)
    w = load_weights() if weights is None else np.asarray(weights, dtype=np.float64)
    # 2p - 1 in [-1, 1]: one confident pair cannot outvote many others (it did as raw log-odds).
    evidence = np.tanh(0.5 * (features @ w))  # > 0: the first region of the pair is on top
    on_top = np.zeros((n, n))
    on_top[pairs[:, 0], pairs[:, 1]] = evidence
    on_top[pairs[:, 1], pairs[:, 0]] = -evidence
    return greedy_order(on_top)


def greedy_order(on_top: np.ndarray) -> np.ndarray:
    """Back-to-front ranks from pairwise "lies on top" evidence.

    Repeatedly places the remaining region with the least total evidence of lying on top
    of the other remaining ones (ties: the lower index).

    Parameters
    ----------
    on_top : ndarray, shape (n, n), float
        Antisymmetric: ``on_top[i, j] > 0`` says region i lies on region j (values in
        [-1, 1], 0 for regions that do not touch).

    Returns
    -------
    ndarray, shape (n,), int64
        Rank of each region, a permutation of ``0…n-1``.
    """
    n = len(on_top)
    remaining = np.ones(n, dtype=bool)
    score = on_top.sum(axis=1)
    rank = np.empty(n, dtype=np.int64)
    for position in range(n):
        candidate = np.flatnonzero(remaining)
        pick = candidate[np.argmin(score[candidate])]
        rank[pick] = position
        remaining[pick] = False
        score -= on_top[:, pick]  # it no longer counts for the others
    return rank


def region_depths(labels: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """How many layers lie under each region.

    Parameters
    ----------
    labels : ndarray, shape (H, W), int
        Region id per pixel.
    rank : ndarray, shape (n,), int
        Back-to-front rank of each region.

    Returns
    -------
    ndarray, shape (n,), int64
        1 + the depth of the deepest earlier-ranked region it touches; 0 if it touches
        none.
    """
    from engine.strokes.layers_regions import adjacent_pairs

    p, q = adjacent_pairs(labels)
    flat = labels.ravel()
    a, b = flat[p], flat[q]
    earlier = np.where(rank[a] < rank[b], a, b)
    later = np.where(rank[a] < rank[b], b, a)
    below = [[] for _ in range(len(rank))]
    for lo, hi in set(zip(earlier.tolist(), later.tolist())):
        below[hi].append(lo)
    depth = np.zeros(len(rank), dtype=np.int64)
    for region in np.argsort(rank):
        if below[region]:
            depth[region] = 1 + max(depth[r] for r in below[region])
    return depth


def layers_from_order(labels, colours, rank) -> list[Layer]:
    """Group regions of one depth and one colour into layers, back to front.

    Parameters
    ----------
    labels : ndarray, shape (H, W), int
        Region id per pixel.
    colours : ndarray, shape (n, 3), uint8
        Each region's colour.
    rank : ndarray, shape (n,), int
        Back-to-front rank of each region.

    Returns
    -------
    list of Layer
        Ordered by depth, then by the regions' mean rank; ``index`` counts from 0.
    """
    depth = region_depths(labels, rank)
    groups: dict[tuple[int, tuple[int, int, int]], list[int]] = {}
    for region in np.argsort(rank):
        key = (int(depth[region]), tuple(int(c) for c in colours[region]))
        groups.setdefault(key, []).append(int(region))
    ordered = sorted(groups.items(), key=lambda item: (item[0][0], np.mean(rank[item[1]])))
    layers = []
    for index, ((level, colour), regions) in enumerate(ordered):
        mask = np.isin(labels, regions)
        layers.append(Layer(index=index, mask=mask, color=colour, depth=level))
    return layers


def layer_index_image(layers: list[Layer], shape) -> np.ndarray:
    """Which layer shows at each pixel.

    Parameters
    ----------
    layers : list of Layer
        Layers with masks of the picture's size.
    shape : tuple of int
        The picture's shape; its first two entries are used.

    Returns
    -------
    ndarray, shape (H, W), int32
        Index of the last layer covering each pixel, -1 where none does.
    """
    return _paint_by_layer(layers, shape, [layer.index for layer in layers])


def layer_depth_image(layers: list[Layer], shape) -> np.ndarray:
    """Depth of the layer that shows at each pixel.

    Parameters
    ----------
    layers, shape
        As for :func:`layer_index_image`.

    Returns
    -------
    ndarray, shape (H, W), int32
        ``depth`` of the last layer covering each pixel, -1 where none does.
    """
    return _paint_by_layer(layers, shape, [layer.depth for layer in layers])


def _paint_by_layer(layers, shape, values) -> np.ndarray:
    """H×W int32 holding, at each pixel, the value of the last layer (by index) covering it."""
    out = np.full(tuple(shape)[:2], -1, dtype=np.int32)
    for k in sorted(range(len(layers)), key=lambda k: layers[k].index):
        out[layers[k].mask] = values[k]
    return out


__all__ = [
    "Layer", "predict_layers", "layer_index_image", "layer_depth_image",
    "order_regions", "greedy_order", "region_depths", "layers_from_order",
]
