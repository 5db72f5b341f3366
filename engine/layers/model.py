"""The occlusion model: gradient-boosted trees stored as plain JSON.

scikit-learn's :class:`~sklearn.ensemble.HistGradientBoostingClassifier` is fitted by
:mod:`engine.layers.train`; its trees are written as lists of numbers
(:func:`trees_to_json`) and evaluated here with NumPy (:class:`TreeModel`), so the
shipped file is data, never a pickle, and predicting needs no scikit-learn.

Pairs are read both ways round and the two raw scores averaged with opposite signs
(:func:`pair_logits`), so the log-odds that region a lies on b is exactly minus that of
b on a, whatever the trees learnt.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from engine.errors import InputError
from engine.layers.shape import pair_rows

MODEL_PATH = Path(__file__).resolve().parent / "data" / "occlusion.json"
#: Long side (px) of the synthetic paintings the shipped model was trained on. Its cues
#: (disc radii, patch windows, thicknesses) are measured in pixels, so training and
#: prediction read smaller pictures enlarged to it (:func:`at_model_scale`).
TRAINED_LONG_SIDE = 256


def at_model_scale(labels: np.ndarray) -> np.ndarray:
    """A label image enlarged to the scale the model reads, when it is smaller.

    On 100 synthetic 128 px paintings (seed 4711) reading them at 256 px raised the
    pairwise order accuracy from 0.785 to 0.795 (+0.135 to +0.145 over smaller first; at
    256 px the model scores about +0.155).

    Parameters
    ----------
    labels : ndarray, shape (H, W), int
        Region id per pixel.

    Returns
    -------
    ndarray, shape (H', W'), same dtype
        ``labels`` with every pixel repeated (nearest neighbour) so the long side is
        :data:`TRAINED_LONG_SIDE`: each region keeps its id, its neighbours and its shape,
        so what is found on it holds for the picture's own regions. Pictures already that
        large come back as they are (reading them smaller was not measured).
    """
    height, width = labels.shape
    factor = TRAINED_LONG_SIDE / max(height, width)
    if factor <= 1:
        return labels
    rows = np.minimum((np.arange(round(height * factor)) / factor).astype(np.int64), height - 1)
    cols = np.minimum((np.arange(round(width * factor)) / factor).astype(np.int64), width - 1)
    return labels[np.ix_(rows, cols)]


class TreeModel:
    """Sum of regression trees: ``baseline + Σ tree(x)``, the log-odds of "first on top".

    Each tree is a dict of equal-length lists ``feature``, ``threshold``, ``left``,
    ``right`` and ``value``; a node with ``feature`` −1 is a leaf holding ``value``,
    other nodes send a row left when ``x[feature] <= threshold``. ``patches``, when
    given, are the trees of the ``edge_patches`` cue the pair model reads
    (:mod:`engine.layers.patches`); ``context``, when given, the trees of the
    second pass that reads each pair again beside its neighbours
    (:mod:`engine.layers.context`).
    """

    def __init__(self, baseline: float, trees: list[dict], n_features: int, patches: "TreeModel | None" = None,
                 context: "TreeModel | None" = None):
        self.baseline = float(baseline)
        self.n_features = int(n_features)
        self.patches = patches
        self.context = context
        self.trees = [{key: np.asarray(tree[key], dtype=np.float64 if key in ("threshold", "value") else np.int64)
                       for key in ("feature", "threshold", "left", "right", "value")} for tree in trees]

    @classmethod
    def load(cls, path: Path | str = MODEL_PATH) -> "TreeModel":
        """Read a model written by :func:`engine.layers.train.train`.

        Raises
        ------
        ValueError
            If the file holds no trees.
        """
        data = json.loads(Path(path).read_text())
        if "trees" not in data:
            raise InputError(f"{path} holds no tree model; retrain with `python -m engine layers train`.")
        patches, context = (
            None if data.get(key) is None else cls(data[key]["baseline"], data[key]["trees"], data[key]["n_features"])
            for key in ("patches", "context")
        )
        return cls(data["baseline"], data["trees"], data["n_features"], patches, context)

    def require_patches(self) -> "TreeModel":
        """The patch trees this model was trained with.

        Raises
        ------
        ValueError
            For a model file from before the patch cue; the message says how to retrain.
        """
        if self.patches is None:
            raise InputError("this occlusion model has no patch trees (it predates them); retrain it with "
                             "`python -m engine layers train`.")
        return self.patches

    def raw(self, rows: np.ndarray) -> np.ndarray:
        """Log-odds for each row.

        Parameters
        ----------
        rows : ndarray, shape (N, n_features), float

        Returns
        -------
        ndarray, shape (N,), float64
        """
        rows = np.nan_to_num(np.asarray(rows, dtype=np.float64))
        if rows.ndim != 2 or rows.shape[1] != self.n_features:
            raise ValueError(f"rows must have {self.n_features} columns, got shape {rows.shape}.")
        out = np.full(len(rows), self.baseline)
        index = np.arange(len(rows))
        for tree in self.trees:
            node = np.zeros(len(rows), dtype=np.int64)
            inner = tree["feature"][node] >= 0
            while inner.any():
                at = node[inner]
                go_left = rows[index[inner], tree["feature"][at]] <= tree["threshold"][at]
                node[inner] = np.where(go_left, tree["left"][at], tree["right"][at])
                inner = tree["feature"][node] >= 0
            out += tree["value"][node]
        return out


def trees_to_json(model) -> dict:
    """The trees of a fitted binary ``HistGradientBoostingClassifier`` as lists of numbers."""
    trees = []
    for (predictor,) in model._predictors:
        nodes = predictor.nodes
        leaf = nodes["is_leaf"].astype(bool)
        trees.append({
            "feature": np.where(leaf, -1, nodes["feature_idx"]).astype(int).tolist(),
            "threshold": [float(v) for v in np.where(leaf, 0.0, nodes["num_threshold"])],
            "left": nodes["left"].astype(int).tolist(),
            "right": nodes["right"].astype(int).tolist(),
            "value": [round(float(v), 6) for v in np.where(leaf, nodes["value"], 0.0)],
        })
    return {"baseline": float(np.ravel(model._baseline_prediction)[0]), "trees": trees,
            "n_features": int(model.n_features_in_)}


def pair_logits(model: TreeModel, cues: np.ndarray, region: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Antisymmetric log-odds that each pair's first region lies on its second.

    Parameters
    ----------
    model : TreeModel
    cues : ndarray, shape (P, C), float
        Border cues (:func:`engine.layers.cues.pair_features`).
    region : ndarray, shape (n, R), float
        Region descriptors (:func:`engine.layers.shape.region_features`).
    pairs : ndarray, shape (P, 2), int

    Returns
    -------
    ndarray, shape (P,), float64
        ½ (score of the pair read forwards − score read backwards).
    """
    if len(pairs) == 0:
        return np.zeros(0)
    forwards = model.raw(pair_rows(cues, region, pairs))
    backwards = model.raw(pair_rows(cues, region, pairs, swap=True))
    return 0.5 * (forwards - backwards)
