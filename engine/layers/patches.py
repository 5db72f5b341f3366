"""A learnt cue of which region lies on top, read from the outlines around border edges.

Hand-made cues (:mod:`engine.layers.cues`, :mod:`engine.layers.geometry`)
measure a few things about a border; the outlines around it say more (a stroke's end
cap running through, a corner where one stroke is cut, bristle gaps). For a few edges of
every border, :func:`edge_patches` samples the labels in a 32 × 33 px window turned so that
the edge's normal points from one side to the other, writes +1 for the region on the
near side, −1 for the far one and 0 for any other, and gradient-boosted trees
(:func:`fit_patch_trees`, stored as JSON like the pair model) turn each patch into the
log-odds that the near region lies on top. :func:`patch_cue` averages them per pair,
antisymmetric by construction: the same window read from the other side is the patch
negated and mirrored across the edge.
"""

from __future__ import annotations

import numpy as np

#: Half-size of the window (px) and the step between its samples (px).
PATCH_RADIUS, PATCH_STRIDE = 16, 2
#: Edges read per pair of regions (spread along the border, same choice every time).
EDGES_PER_PAIR = 8
#: Settings of the patch trees (a few hundred thousand patches; depth is what pays here).
PATCH_TREE_SETTINGS = dict(learning_rate=0.1, max_iter=300, max_leaf_nodes=63, random_state=0)

# Along the normal, samples sit at ±0.5, ±2.5, … px from the edge: the centres of the two
# pixels it separates and every other pixel beyond, the same on both sides, so reading
# the window from the other side is an exact flip. Along the edge: 0, ±2, … ±16 px.
_HALF = np.arange(0.5, PATCH_RADIUS, PATCH_STRIDE)
_ACROSS = np.concatenate([-_HALF[::-1], _HALF])
_ALONG = np.arange(-PATCH_RADIUS, PATCH_RADIUS + 1, PATCH_STRIDE)
#: Window shape: (samples along the normal, samples along the edge).
PATCH_SHAPE = (len(_ACROSS), len(_ALONG))


def edge_patches(labels: np.ndarray, p: np.ndarray, q: np.ndarray, edge_pair: np.ndarray,
                 *, per_pair: int = EDGES_PER_PAIR) -> tuple[np.ndarray, np.ndarray]:
    """Label windows around up to ``per_pair`` border edges of every pair.

    Parameters
    ----------
    labels : ndarray, shape (H, W), int
        Region id per pixel.
    p, q : ndarray, shape (E,), int
        Flat pixel indices of both sides of every border edge
        (:func:`~engine.layers.regions.adjacent_pairs`); ``q`` lies right of or
        below ``p``.
    edge_pair : ndarray, shape (E,), int
        Which pair each edge belongs to.
    per_pair : int, optional
        Most edges read per pair, evenly spaced along its edge list.

    Returns
    -------
    patches : ndarray, shape (N, PATCH_SHAPE[0] · PATCH_SHAPE[1]), float32
        +1 where the window shows ``p``'s region, −1 ``q``'s, 0 elsewhere (outside the
        picture: the nearest pixel); rows run along the normal from ``p`` to ``q``.
    chosen : ndarray, shape (N,), int
        Index into ``p``/``q`` of each patch's edge.
    """
    height, width = labels.shape
    order = np.argsort(edge_pair, kind="stable")
    counts = np.bincount(edge_pair, minlength=int(edge_pair.max(initial=-1)) + 1)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    taken = np.minimum(counts, per_pair)
    # Evenly spaced positions inside each pair's run of edges (deterministic).
    pair_of = np.repeat(np.arange(len(counts)), taken)
    within = np.arange(taken.sum()) - np.repeat(np.cumsum(taken) - taken, taken)
    position = (within * counts[pair_of]) // np.maximum(taken[pair_of], 1)
    chosen = order[starts[pair_of] + position]

    py, px = np.divmod(p[chosen], width)
    qy, qx = np.divmod(q[chosen], width)
    ny, nx = (qy - py)[:, None, None], (qx - px)[:, None, None]
    u, v = np.meshgrid(_ACROSS, _ALONG, indexing="ij")
    cy, cx = ((py + qy) / 2.0)[:, None, None], ((px + qx) / 2.0)[:, None, None]
    # Sample positions are whole pixels (the edge's midpoint is half a pixel off both).
    rows = np.clip(np.rint(cy + u * ny + v * nx).astype(np.int64), 0, height - 1)
    cols = np.clip(np.rint(cx + u * nx - v * ny).astype(np.int64), 0, width - 1)
    window = labels[rows, cols]
    near = labels.flat[p[chosen]][:, None, None]
    far = labels.flat[q[chosen]][:, None, None]
    patches = np.where(window == near, 1.0, np.where(window == far, -1.0, 0.0)).astype(np.float32)
    return patches.reshape(len(chosen), -1), chosen


def other_side(patches: np.ndarray) -> np.ndarray:
    """The same windows read from the far side: negated and mirrored along the normal."""
    return -patches.reshape(-1, *PATCH_SHAPE)[:, ::-1, :].reshape(len(patches), -1)


def mirrored(patches: np.ndarray) -> np.ndarray:
    """The windows mirrored along the edge (same answer: a reflected painting)."""
    return patches.reshape(-1, *PATCH_SHAPE)[:, :, ::-1].reshape(len(patches), -1)


def patch_cue(model, labels: np.ndarray, n_pairs: int, p: np.ndarray, q: np.ndarray,
              edge_pair: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Mean log-odds, per pair, that its first region lies on top, from the patch trees.

    Parameters
    ----------
    model : engine.layers.model.TreeModel
        Patch trees (:func:`fit_patch_trees`).
    labels : ndarray, shape (H, W), int
    n_pairs : int
        Number of pairs.
    p, q, edge_pair : ndarray, shape (E,), int
        Border edges and their pair (as :func:`edge_patches`).
    first : ndarray, shape (E,), int
        The pair's first region, per edge.

    Returns
    -------
    ndarray, shape (n_pairs,), float64
        ½ (score read from the near side − score read from the far side), with the sign
        turned so that + means the pair's first region on top; 0 for pairs without edges.
    """
    if len(p) == 0:
        return np.zeros(n_pairs)
    patches, chosen = edge_patches(labels, p, q, edge_pair)
    score = 0.5 * (model.raw(patches) - model.raw(other_side(patches)))
    sign = np.where(labels.flat[p[chosen]] == first[chosen], 1.0, -1.0)
    total = np.bincount(edge_pair[chosen], weights=sign * score, minlength=n_pairs)
    count = np.bincount(edge_pair[chosen], minlength=n_pairs)
    return total / np.maximum(count, 1)


def fit_patch_trees(patches: np.ndarray, near_on_top: np.ndarray, *, settings=None):
    """Fit the patch trees on windows read as given, mirrored and from the far side.

    Parameters
    ----------
    patches : ndarray, shape (N, PATCH_SHAPE[0] · PATCH_SHAPE[1]), float
        Windows of :func:`edge_patches`.
    near_on_top : ndarray, shape (N,), bool
        Whether each window's near side lies on top.
    settings : dict, optional
        ``HistGradientBoostingClassifier`` settings (default :data:`PATCH_TREE_SETTINGS`).

    Returns
    -------
    sklearn.ensemble.HistGradientBoostingClassifier

    Raises
    ------
    ValueError
        Without patches.
    """
    from sklearn.ensemble import HistGradientBoostingClassifier

    if len(patches) == 0:
        raise ValueError("training needs at least one border between regions of two different strokes.")
    answers = np.asarray(near_on_top, dtype=bool)
    rows = np.concatenate([patches, mirrored(patches), other_side(patches)])
    settings = PATCH_TREE_SETTINGS if settings is None else settings
    return HistGradientBoostingClassifier(**settings).fit(rows, np.r_[answers, answers, ~answers])
