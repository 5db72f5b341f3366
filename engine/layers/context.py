"""Second look at each border: the pair's log-odds read again beside what its neighbours say.

The first pass of :mod:`engine.layers.predict` judges every pair of touching regions on its
own border. Its least-squares ranking then weighs those judgements against each other
linearly. This module gives learnt trees (:mod:`engine.layers.train`) what the
ranking saw around each pair, so they can overrule a judgement its neighbourhood
contradicts, or trust it where the neighbourhood agrees:

* per pair (antisymmetric): its first-pass log-odds, the two regions' score difference after
  the ranking and their disagreement, and triangle evidence: the strongest chain "a on c,
  c on b" through a common neighbour c, minus the strongest chain the other way;
* per region: its score, the border-weighted mean of its log-odds against all neighbours
  (how much it lies on top of its surroundings), their extremes, and its border length.

Together with the first pass's cues and region shapes (:func:`context_inputs`) they are
what the context trees turn into new log-odds (:func:`context_logits`).
"""

from __future__ import annotations

import numpy as np

from engine.layers.model import pair_logits

#: First-pass log-odds are clipped to this size before they enter the context features.
LOGIT_CLIP = 3.0
#: Names of the per-pair (antisymmetric) context columns.
PAIR_CONTEXT_NAMES = ("first_pass_logit", "score_difference", "score_disagreement", "chain_balance")
#: Names of the per-region context columns.
REGION_CONTEXT_NAMES = ("score", "mean_logit", "max_logit", "min_logit", "log_border")


def chain_evidence(n: int, pairs: np.ndarray, logits: np.ndarray) -> np.ndarray:
    """Strongest chain "a on c, c on b" through a common neighbour, for each pair (a, b).

    Parameters
    ----------
    n : int
        Number of regions.
    pairs : ndarray, shape (P, 2), int
        Touching regions (a, b), each unordered pair once.
    logits : ndarray, shape (P,), float
        Log-odds that a lies on b.

    Returns
    -------
    ndarray, shape (P, 2), float64
        Column 0: ``max_c min(ℓ(a on c), ℓ(c on b))``, column 1 the same for b over a;
        0 where a and b share no neighbour.
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    p = len(pairs)
    out = np.zeros((p, 2))
    if p == 0:
        return out
    # Directed edges: ℓ(src on dst), grouped by src.
    src = np.r_[pairs[:, 0], pairs[:, 1]]
    dst = np.r_[pairs[:, 1], pairs[:, 0]]
    value = np.r_[logits, -logits]
    order = np.argsort(src, kind="stable")
    src, dst, value = src[order], dst[order], value[order]
    degree = np.bincount(src, minlength=n)
    start = np.r_[0, np.cumsum(degree)[:-1]]
    # Every ordered pair of edges (c→a, c→b) out of one middle region c.
    k = degree[src]
    first = np.repeat(np.arange(len(src)), k)
    second = start[src[first]] + (np.arange(len(first)) - np.repeat(np.cumsum(k) - k, k))
    a, b = dst[first], dst[second]
    strength = np.minimum(-value[first], value[second])  # ℓ(a on c), ℓ(c on b)
    keep = a != b
    a, b, strength = a[keep], b[keep], strength[keep]
    # Which pair (and which way round) each chain (a, b) concludes about.
    keys = np.r_[pairs[:, 0] * n + pairs[:, 1], pairs[:, 1] * n + pairs[:, 0]]
    key_order = np.argsort(keys)
    found = np.searchsorted(keys[key_order], a * n + b)
    found = np.minimum(found, len(keys) - 1)
    hit = keys[key_order][found] == a * n + b
    slot = key_order[found[hit]]
    column = (slot >= p).astype(np.int64)  # chains concluding b on a go to column 1
    best = np.full((p, 2), -np.inf)
    np.maximum.at(best, (slot % p, column), strength[hit])
    out[np.isfinite(best)] = best[np.isfinite(best)]
    return out


def context_rows(n: int, pairs, logits, scores, border) -> tuple[np.ndarray, np.ndarray]:
    """Context columns for the pairs and their regions.

    Parameters
    ----------
    n, pairs
        As for :func:`chain_evidence`.
    logits : ndarray, shape (P,), float
        First-pass log-odds that ``pairs[:, 0]`` lies on ``pairs[:, 1]``.
    scores : ndarray, shape (n,), float
        Least-squares scores of the first pass (higher: painted later).
    border : ndarray, shape (P,), float
        Shared border length in pixel edges.

    Returns
    -------
    pair_context : ndarray, shape (P, len(PAIR_CONTEXT_NAMES)), float64
        Antisymmetric: negated when a pair is read the other way round.
    region_context : ndarray, shape (n, len(REGION_CONTEXT_NAMES)), float64
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    logits = np.clip(np.asarray(logits, dtype=np.float64), -LOGIT_CLIP, LOGIT_CLIP)
    scores = np.asarray(scores, dtype=np.float64)
    border = np.asarray(border, dtype=np.float64)
    a, b = pairs[:, 0], pairs[:, 1]
    difference = scores[a] - scores[b]
    chains = chain_evidence(n, pairs, logits)
    pair_context = np.c_[logits, difference, logits - difference, chains[:, 0] - chains[:, 1]]

    ends = np.r_[a, b]
    signed = np.r_[logits, -logits]
    weight = np.r_[border, border]
    total = np.bincount(ends, weights=weight, minlength=n)
    mean = np.bincount(ends, weights=weight * signed, minlength=n) / np.maximum(total, 1e-9)
    high = np.full(n, -LOGIT_CLIP)
    low = np.full(n, LOGIT_CLIP)
    np.maximum.at(high, ends, signed)
    np.minimum.at(low, ends, signed)
    region_context = np.c_[scores - scores.mean(), mean, high, low, np.log1p(total)]
    return pair_context, region_context


def context_inputs(pairs, logits, scores, border, cues, region) -> tuple[np.ndarray, np.ndarray]:
    """The second pass's cues and region descriptors: context columns, then the first pass's.

    Parameters
    ----------
    pairs, logits, scores, border
        As for :func:`context_rows`.
    cues : ndarray, shape (P, C), float
        The first pass's border cues.
    region : ndarray, shape (n, R), float
        The first pass's region descriptors.

    Returns
    -------
    cues : ndarray, shape (P, len(PAIR_CONTEXT_NAMES) + C), float64
    region : ndarray, shape (n, len(REGION_CONTEXT_NAMES) + R), float64
        For :func:`engine.layers.shape.pair_rows` or
        :func:`engine.layers.model.pair_logits`.
    """
    pair_context, region_context = context_rows(len(region), pairs, logits, scores, border)
    return np.c_[pair_context, cues], np.c_[region_context, region]


def context_logits(model, pairs, logits, scores, border, cues, region) -> np.ndarray:
    """Second-pass log-odds of each pair from the context trees.

    Parameters
    ----------
    model : engine.layers.model.TreeModel
        Context trees.
    pairs, logits, scores, border, cues, region
        As for :func:`context_inputs`.

    Returns
    -------
    ndarray, shape (P,), float64
        Antisymmetric log-odds that ``pairs[:, 0]`` lies on ``pairs[:, 1]``.
    """
    return pair_logits(model, *context_inputs(pairs, logits, scores, border, cues, region), pairs)
