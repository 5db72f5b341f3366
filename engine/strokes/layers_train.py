"""Fitting the occlusion model of :mod:`engine.strokes.layers` on synthetic paintings.

Every pair of touching colour regions of a training painting is an example: its
features (:func:`engine.strokes.layers_regions.pair_features`) and whether the first region
belongs to a stroke painted later (the canvas counts as painted before everything).
The model is a logistic regression without intercept — the features are
antisymmetric, so the probability of "a over b" is one minus that of "b over a" —
with a small L2 penalty, examples weighted by the length of their shared border
(long borders are where the decision matters most). scikit-learn fits it (Newton
steps with a Cholesky solve: the same weights as the hand-written IRLS it replaced,
to 1e-13, with its input checks and convergence handling).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from engine.strokes.layers_regions import FEATURE_NAMES, pair_features, segment_regions


def training_pairs(image, masks):
    """Training examples from one synthetic painting: its touching region pairs.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3), uint8
        The painting.
    masks : ndarray, shape (S, H, W), bool
        Each stroke's footprint, in painting order (as :mod:`engine.strokes.synth`
        writes them).

    Returns
    -------
    features : ndarray, shape (P, len(FEATURE_NAMES)), float64
        Occlusion features of each pair whose regions belong to different strokes.
    on_top : ndarray, shape (P,), float64
        1.0 where the pair's first region was painted later (lies on top), else 0.0.
    weight : ndarray, shape (P,), float64
        Shared border length in pixel edges.
    """
    from engine.strokes.synth import top_stroke_index

    labels, colours = segment_regions(image)
    if labels.max() == 0:
        return np.zeros((0, len(FEATURE_NAMES))), np.zeros(0), np.zeros(0)
    pairs, features, border = pair_features(labels, colours)
    visible = top_stroke_index(masks)
    n = int(labels.max()) + 1
    # Each region's stroke: the most common visible stroke under it (-1: bare canvas).
    votes = np.bincount(labels.ravel() * (len(masks) + 1) + (visible.ravel() + 1),
                        minlength=n * (len(masks) + 1)).reshape(n, -1)
    stroke = votes.argmax(axis=1) - 1
    a, b = stroke[pairs[:, 0]], stroke[pairs[:, 1]]
    keep = a != b
    return features[keep], (a > b)[keep].astype(np.float64), border[keep].astype(np.float64)


def fit_logistic(features, target, weight, *, l2: float = 1e-3) -> np.ndarray:
    """Weights of a no-intercept, L2-penalised logistic regression.

    Maximises ``Σ wᵢ log p(targetᵢ) − l2 · N / 2 · ‖β‖²`` with ``wᵢ`` the weights
    scaled to mean 1 and ``p = 1 / (1 + exp(−features @ β))``.

    Parameters
    ----------
    features : array_like, shape (N, F), float
        One row per example.
    target : array_like, shape (N,), 0 or 1
        1 where the first region lies on top.
    weight : array_like, shape (N,), float > 0
        Importance of each example (any scale).
    l2 : float, optional
        Penalty per example; keeps the weights finite on separable data.

    Returns
    -------
    ndarray, shape (F,), float64
        β; ``features @ β > 0`` predicts "first region on top".
    """
    from sklearn.linear_model import LogisticRegression

    x = np.asarray(features, dtype=np.float64)
    target = np.asarray(target) > 0.5
    sample_weight = np.asarray(weight, dtype=np.float64)
    sample_weight = sample_weight / sample_weight.mean()
    if target.all() or not target.any():
        raise ValueError("training needs pairs of both kinds (first region on top and below).")
    # scikit-learn minimises ½‖β‖² + C Σ wᵢ lossᵢ: the same optimum for C = 1 / (l2 · N).
    model = LogisticRegression(C=1.0 / (l2 * len(x)), fit_intercept=False, solver="newton-cholesky",
                               tol=1e-10, max_iter=100)
    model.fit(x, target, sample_weight=sample_weight)
    return model.coef_[0].astype(np.float64)


def train(dataset_dir, out_path, *, limit: int | None = None, progress: bool = False) -> dict:
    """Fit the occlusion weights on a synthetic set and write them as JSON.

    Parameters
    ----------
    dataset_dir : str or Path
        Folder written by ``python -m engine synth``.
    out_path : str or Path
        JSON file to write (folders are created); :func:`engine.strokes.layers.load_weights`
        reads it.
    limit : int, optional
        Use the first ``limit`` paintings only.
    progress : bool, optional
        Show a progress bar on stderr.

    Returns
    -------
    dict
        What was written: ``model``, ``weights`` (feature name → float),
        ``trained_on``, ``training_pair_accuracy_border_weighted`` (0–1) and ``retrain``.
    """
    from engine.strokes.layers_eval import list_paintings, load_painting

    dataset_dir = Path(dataset_dir)
    stems = list_paintings(dataset_dir)[: limit or None]
    iterator = stems
    if progress:
        from tqdm import tqdm

        iterator = tqdm(stems, desc="features", unit="painting")
    parts = [training_pairs(*load_painting(dataset_dir, stem)[:2]) for stem in iterator]
    features = np.concatenate([p[0] for p in parts])
    target = np.concatenate([p[1] for p in parts])
    weight = np.concatenate([p[2] for p in parts])
    beta = fit_logistic(features, target, weight)
    accuracy = float(np.average(((features @ beta) > 0) == (target > 0.5), weights=weight))
    report = {
        "model": "logistic regression on antisymmetric occlusion features (no intercept)",
        "weights": {name: round(float(value), 5) for name, value in zip(FEATURE_NAMES, beta)},
        "trained_on": {"dataset": dataset_dir.name, "paintings": len(stems), "pairs": int(len(target)),
                       "set_seed": _set_seed(dataset_dir / f"{stems[0]}.json")},
        "training_pair_accuracy_border_weighted": round(accuracy, 4),
        "retrain": "python -m engine synth --count 150 --out DIR --seed 1 && "
                   "python -m engine layers train --dataset DIR",
    }
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(report, indent=2) + "\n")
    return report


def _set_seed(params_path: Path):
    try:
        return json.loads(params_path.read_text()).get("set_seed")
    except (OSError, ValueError):
        return None
