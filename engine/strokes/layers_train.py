"""Fitting the occlusion model of :mod:`engine.strokes.layers` on synthetic paintings.

Every pair of touching colour regions of a training painting is an example: its
features (:func:`engine.layers_regions.pair_features`) and whether the first region
belongs to a stroke painted later (the canvas counts as painted before everything).
The model is a logistic regression without intercept — the features are
antisymmetric, so the probability of "a over b" is one minus that of "b over a" —
fitted by Newton's method with a small L2 penalty, examples weighted by the length
of their shared border (long borders are where the decision matters most).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from engine.strokes.layers_regions import FEATURE_NAMES, pair_features, segment_regions


def training_pairs(image, masks):
    """``(features, on_top, weight)`` of one painting's touching region pairs."""
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


def fit_logistic(features, target, weight, *, l2: float = 1e-3, iterations: int = 30) -> np.ndarray:
    """Weights of a no-intercept logistic regression (Newton / IRLS)."""
    x = np.asarray(features, dtype=np.float64)
    w_sample = np.asarray(weight, dtype=np.float64)
    w_sample = w_sample / w_sample.mean()
    beta = np.zeros(x.shape[1])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(x @ beta)))
        gradient = x.T @ (w_sample * (target - p)) - l2 * len(x) * beta
        hessian = (x * (w_sample * p * (1 - p))[:, None]).T @ x + l2 * len(x) * np.eye(x.shape[1])
        step = np.linalg.solve(hessian, gradient)
        beta += step
        if np.abs(step).max() < 1e-8:
            break
    return beta


def train(dataset_dir, out_path, *, limit: int | None = None, progress: bool = False) -> dict:
    """Fit the occlusion weights on a synthetic set and write them as JSON to ``out_path``."""
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
