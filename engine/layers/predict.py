"""Stroke-layer decomposition: which parts of a painting to paint first.

From the picture alone, :func:`predict_layers` proposes an ordered list of layers,
back to front, each a mask with its colour. Method (occlusion reasoning):

1. cut the picture into connected colour regions (:mod:`engine.layers.regions`);
2. for every pair of touching regions, read occlusion cues along their shared border
   (convexity, T-junctions, convex-hull bites, :mod:`engine.layers.cues`; where
   the border lies on each region's axes, :mod:`engine.layers.geometry`; outlines
   around a few border edges read by learnt trees, :mod:`engine.layers.patches`) and
   the shape of both regions (solidity, holes, thickness, … :mod:`engine.layers.shape`)
   into gradient-boosted trees trained on synthetic paintings (:mod:`engine.strokes.synth`,
   model ``engine/layers/data/occlusion.json``, :mod:`engine.layers.model`):
   the antisymmetric log-odds that one lies on top;
3. give every region a score by least squares: score differences of touching regions
   follow their log-odds, and a weak pull towards log area (smaller regions, more
   covered, earlier) orders regions the evidence does not link (:func:`scores_from_logits`);
4. read every pair again beside what the ranking made of its neighbourhood (its scores,
   chains through common neighbours, :mod:`engine.layers.context`) with a second
   set of trees, and rank once more from those log-odds (:func:`rank_from_logits`);
5. give each region a depth by the ground-truth rule (1 + the deepest earlier
   region it touches) and group regions of one depth and colour into a layer.

Working scale: the model was trained on 256 px synthetic paintings and its cues are
measured in pixels. Give it pictures of about 256 px on their long side; smaller ones are
read enlarged to 256 px (:func:`~engine.layers.model.at_model_scale`: on 128 px paintings
that lifts the margin over "smaller first" from +0.135 to +0.145; at 256 px it is about
+0.155); larger ones are read at their own size, which was not measured.

Retrain the model with ``python -m engine synth --count 1000 --out DIR --seed 1 --size 256
&& python -m engine layers train --dataset DIR`` (:mod:`engine.layers.train`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.errors import InputError
from engine.layers.context import context_logits
from engine.layers.cues import pair_features
from engine.layers.model import MODEL_PATH, TreeModel, at_model_scale, pair_logits
from engine.layers.regions import segment_regions
from engine.layers.shape import region_features


@dataclass
class Layer:
    """One layer to paint: ``index`` (0 = first, at the back), ``mask`` H×W bool,
    ``color`` (r, g, b) and ``depth`` (1 + the depth of the deepest earlier layer it
    touches; 0 for layers that touch no earlier one)."""

    index: int
    mask: np.ndarray
    color: tuple[int, int, int]
    depth: int = 0


_CACHE: dict = {}
#: Largest |log-odds| one pair may claim in the second pass's ranking (its log-odds are
#: sharper than the first pass's; 1.0 scored best on the tuning set, 0.75–1.5 within 0.001).
CONTEXT_CLIP = 1.0


def load_model(path: Path | str = MODEL_PATH) -> TreeModel:
    """The occlusion model (:class:`~engine.layers.model.TreeModel`), read once per path.

    Raises
    ------
    ValueError
        If the file is missing or holds no trees; the message says how to train one.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no occlusion model at {path}; train one with `python -m engine layers train`.")
    key = (str(path), path.stat().st_mtime_ns)
    if key not in _CACHE:
        _CACHE[key] = TreeModel.load(path)
    return _CACHE[key]


def predict_layers(image, *, max_colors: int = 16, model: TreeModel | None = None) -> list[Layer]:
    """The layers a painter would paint, back to front.

    Parameters
    ----------
    image : array_like, shape (H, W, ...)
        The painting, anything :func:`engine.imageio.as_rgb_uint8` takes; at least 8 px
        a side, best about 256 px on its long side (the scale the model was trained at;
        smaller pictures are read enlarged to it, see :func:`order_regions`).
    max_colors : int, optional
        Colour clusters of a photographic picture (flat pictures keep their colours).
    model : TreeModel, optional
        Occlusion model (default :func:`load_model`).

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
    rank = order_regions(labels, colours, model=model)
    return layers_from_order(labels, colours, rank)


def order_regions(labels, colours, *, model: TreeModel | None = None) -> np.ndarray:
    """Back-to-front rank of colour regions, from occlusion evidence between neighbours.

    The evidence is read on ``labels`` enlarged to the model's scale when smaller
    (:func:`~engine.layers.model.at_model_scale`); the ranks are those of the same regions.

    Parameters
    ----------
    labels : ndarray, shape (H, W), int
        Region id ``0…n-1`` per pixel (:func:`~engine.layers.regions.segment_regions`).
    colours : ndarray, shape (n, 3), uint8
        Each region's colour.
    model : TreeModel, optional
        Occlusion model (default :func:`load_model`).

    Returns
    -------
    ndarray, shape (n,), int64
        Rank of each region, a permutation of ``0…n-1``; 0 is painted first.
    """
    n = int(labels.max()) + 1
    if n == 1:
        return np.zeros(1, dtype=np.int64)
    model = load_model() if model is None else model
    labels = at_model_scale(labels)  # the same regions, read at the scale the model learnt
    pairs, cues, border = pair_features(labels, colours, patches=model.require_patches())
    region = region_features(labels, colours, pairs)
    logits = pair_logits(model, cues, region, pairs)
    prior = region[:, 0]
    if model.context is None:  # a model trained before the second pass
        return rank_from_logits(n, pairs, logits, prior=prior)
    scores = scores_from_logits(n, pairs, logits, prior=prior)
    logits = context_logits(model.context, pairs, logits, scores, border, cues, region)
    return rank_from_logits(n, pairs, logits, prior=prior, clip=CONTEXT_CLIP)


def rank_from_logits(n: int, pairs, logits, *, prior=None, pull: float = 0.1, clip: float = 1.5) -> np.ndarray:
    """Back-to-front ranks from pairwise log-odds: :func:`scores_from_logits`, lowest first.

    Parameters and their meaning as for :func:`scores_from_logits`.

    Returns
    -------
    ndarray, shape (n,), int64
        Rank of each region, a permutation of ``0…n-1``; ties keep index order.
    """
    score = scores_from_logits(n, pairs, logits, prior=prior, pull=pull, clip=clip)
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(score, kind="stable")] = np.arange(n)
    return rank


def scores_from_logits(n: int, pairs, logits, *, prior=None, pull: float = 0.1, clip: float = 1.5) -> np.ndarray:
    """Region scores from pairwise log-odds, by least squares (higher: painted later).

    Minimises ``Σ (sᵢ − sⱼ − clip(ℓᵢⱼ))² + pull · Σ (sᵢ − priorᵢ + mean prior)²`` over the
    scores ``s``.

    Parameters
    ----------
    n : int
        Number of regions.
    pairs : ndarray, shape (P, 2), int
        Touching regions.
    logits : ndarray, shape (P,), float
        Log-odds that ``pairs[:, 0]`` lies on ``pairs[:, 1]``.
    prior : ndarray, shape (n,), float, optional
        Score a region drifts to without evidence (default 0 for all).
    pull : float, optional
        Weight of the prior against one pair's evidence.
    clip : float, optional
        Largest |log-odds| one pair may claim.

    Returns
    -------
    ndarray, shape (n,), float64
    """
    from scipy import sparse
    from scipy.sparse.linalg import lsqr

    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    prior = np.zeros(n) if prior is None else np.asarray(prior, dtype=np.float64)
    m = len(pairs)
    rows = np.r_[np.arange(m), np.arange(m), m + np.arange(n)]
    cols = np.r_[pairs[:, 0], pairs[:, 1], np.arange(n)]
    values = np.r_[np.ones(m), -np.ones(m), np.full(n, np.sqrt(pull))]
    system = sparse.csr_matrix((values, (rows, cols)), shape=(m + n, n))
    target = np.r_[np.clip(np.asarray(logits, dtype=np.float64), -clip, clip), np.sqrt(pull) * (prior - prior.mean())]
    return lsqr(system, target, atol=1e-10, btol=1e-10)[0]


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
    from engine.layers.regions import adjacent_pairs

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
    "Layer", "predict_layers", "layer_index_image", "layer_depth_image", "load_model",
    "order_regions", "rank_from_logits", "scores_from_logits", "region_depths", "layers_from_order",
]
