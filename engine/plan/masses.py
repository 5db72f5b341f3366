"""The mixes of each layer: a few value masses for the block-in, then what each brush needs.

A painter blocks in a picture with a handful of mixes, one per big mass of value and
hue (the dark greens of a hedge, the pale sky), and each later pass uses only the mixes
that pass needs. :func:`choose_mixes` picks them the same way for every layer: the
``count`` paints that together would lower the canvas's error the most at the layer's
brush scale, every place taking the best of them (greedy facility location on the gain
maps of :class:`engine.plan.trace.GainGrid`, then a swap pass). On the bare canvas that
is the few paints that best stand in for the whole picture: its value masses.
:func:`masses` tells, for each palette colour, which block-in mix stands in for it.
"""

from __future__ import annotations

import numpy as np

from engine.color.spaces import delta_e_ciede2000

#: Grid nodes sampled for the choice (a regular subset): plenty for masses of ≥ 1 % of the picture.
SAMPLE_NODES = 20_000


def choose_mixes(gains: np.ndarray, count: int) -> np.ndarray:
    """The ``count`` paints (indices, ascending) that together gain the most.

    Parameters
    ----------
    gains : ndarray, shape (K, N), float ≥ 0
        What each of K paints would gain at each of N places (e.g. ΔE removed per pixel).
    count : int
        How many paints to keep (all when ``count`` ≥ K).

    Returns
    -------
    ndarray of int
        Paint indices maximising the sum over places of the best kept paint's gain.
    """
    k = gains.shape[0]
    if count >= k:
        return np.arange(k)
    step = max(1, gains.shape[1] // SAMPLE_NODES)
    cost = -np.ascontiguousarray(gains[:, ::step], dtype=np.float32)  # minimise the negative gain
    chosen = _swap(cost, _greedy(cost, count))
    return np.array(sorted(chosen), dtype=np.intp)


def _greedy(cost: np.ndarray, count: int) -> list[int]:
    chosen: list[int] = []
    best = np.zeros(cost.shape[1], dtype=np.float32)
    while len(chosen) < count:
        total = np.minimum(best[None, :], cost).sum(axis=1)
        total[chosen] = np.inf
        pick = int(np.argmin(total))  # ties: the lower index, the larger share (palettes are by share)
        chosen.append(pick)
        best = np.minimum(best, cost[pick])
    return chosen


def _swap(cost: np.ndarray, chosen: list[int]) -> list[int]:
    """Swap chosen paints for others while that lowers the total cost (a PAM pass)."""
    if len(chosen) < 2:
        return chosen
    chosen = list(chosen)
    total_now = np.minimum(cost[chosen].min(axis=0), 0.0).sum()
    tolerance = 1e-4 * max(1.0, abs(float(total_now)))
    improved = True
    while improved:
        improved = False
        for slot in range(len(chosen)):
            others = np.minimum(cost[[c for i, c in enumerate(chosen) if i != slot]].min(axis=0), 0.0)
            totals = np.minimum(others[None, :], cost).sum(axis=1)
            totals[chosen] = np.inf
            pick = int(np.argmin(totals))
            if totals[pick] < total_now - tolerance:
                chosen[slot], total_now, improved = pick, totals[pick], True
    return chosen


def masses(palette_lab: np.ndarray, mixes: list[int]) -> list[tuple[int, list[int]]]:
    """``(mix, members)`` per block-in mix: the palette indices (0-based) it stands in for,
    each palette colour going to its nearest mix by CIEDE2000."""
    palette_lab = np.asarray(palette_lab, dtype=np.float64).reshape(-1, 3)
    distance = delta_e_ciede2000(palette_lab[:, None, :], palette_lab[None, mixes, :])
    nearest = np.asarray(mixes)[distance.argmin(axis=1)]
    return [(int(mix), [int(i) for i in np.flatnonzero(nearest == mix)]) for mix in mixes]
