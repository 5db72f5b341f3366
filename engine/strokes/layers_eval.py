"""Scoring layer predictions against synthetic ground truth (:mod:`engine.strokes.synth`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.color.spaces import luma
from engine.strokes.layers import layer_depth_image, layer_index_image, layers_from_order, order_regions

BASELINES = ("larger_first", "darker_first", "lighter_first", "random")


def score_prediction(layers, masks: np.ndarray, layer_image: np.ndarray) -> dict:
    """Raw counts comparing predicted ``layers`` with one painting's ground truth.

    Matching: every visible stroke (the last stroke of ``masks`` covering a pixel)
    takes the predicted rank — the list ``index`` of a :class:`~engine.layers.Layer` —
    held by the majority of its visible pixels; a stroke no layer covers has no rank.

    * **Pairwise order**: over every pair of visible strokes whose full masks overlap,
      1 if the stroke painted first has the smaller predicted rank, 0 if the larger,
      ½ if they tie or either has no rank. A prediction that orders the strokes as
      painted scores 1, the reversed order 0, random order ½ on average.
    * **Pixel accuracy**: share of painted pixels (``layer_image`` ≠ 65535) whose
      predicted depth (``Layer.depth`` of the layer covering it) equals the ground-
      truth layer there.

    Returns ``pairs``, ``pairs_correct``, ``pixels``, ``pixels_correct``.
    """
    from engine.strokes.synth import UNPAINTED, top_stroke_index

    masks = np.asarray(masks, dtype=bool)
    k = len(masks)
    shape = masks.shape[1:]
    visible = top_stroke_index(masks)
    predicted = layer_index_image(layers, shape)
    n_ranks = int(predicted.max()) + 2
    painted = visible >= 0
    covered = painted & (predicted >= 0)
    votes = np.bincount(visible[covered] * n_ranks + predicted[covered], minlength=k * n_ranks)
    votes = votes.reshape(k, n_ranks)
    has_rank = votes.sum(axis=1) > 0
    rank = np.where(has_rank, votes.argmax(axis=1), -1).astype(np.float64)

    is_visible = np.bincount(visible[painted], minlength=k) > 0
    flat = masks.reshape(k, -1).astype(np.float32)
    overlap = (flat @ flat.T) > 0
    first, second = np.nonzero(np.triu(overlap, 1))
    both = is_visible[first] & is_visible[second]
    first, second = first[both], second[both]
    ranked = has_rank[first] & has_rank[second]
    credit = np.where(rank[first] < rank[second], 1.0, np.where(rank[first] > rank[second], 0.0, 0.5))
    credit = np.where(ranked, credit, 0.5)

    truth = np.asarray(layer_image)
    painted_truth = truth != UNPAINTED
    depth = layer_depth_image(layers, shape)
    return {
        "pairs": int(len(first)),
        "pairs_correct": float(credit.sum()),
        "pixels": int(painted_truth.sum()),
        "pixels_correct": int(np.count_nonzero(depth[painted_truth] == truth[painted_truth])),
    }


def baseline_layers(name: str, labels, colours, *, rng=None):
    """Layers ordered by a simple rule over the same colour regions as the method."""

    n = int(labels.max()) + 1
    if name == "larger_first":
        key = -np.bincount(labels.ravel(), minlength=n).astype(np.float64)
    elif name in ("darker_first", "lighter_first"):
        lightness = luma(colours)
        key = lightness if name == "darker_first" else -lightness
    elif name == "random":
        key = (rng or np.random.default_rng(0)).random(n)
    else:
        raise ValueError(f"unknown baseline {name!r}; choose one of {', '.join(BASELINES)}.")
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(key, kind="stable")] = np.arange(n)
    return layers_from_order(labels, colours, rank)


def load_painting(dataset_dir: Path, stem: str):
    """``(image, masks, layer_image)`` of painting ``stem`` written by ``engine synth``."""
    from engine.imageio import load_image
    from PIL import Image

    image = load_image(dataset_dir / f"{stem}.png")
    with np.load(dataset_dir / f"{stem}_strokes.npz") as data:
        masks = data["masks"].astype(bool)
    with Image.open(dataset_dir / f"{stem}_layers.png") as img:
        layer_image = np.asarray(img).astype(np.int64)
    return image, masks, layer_image


def list_paintings(dataset_dir) -> list[str]:
    """Stems of the paintings in a folder written by ``python -m engine synth``."""
    dataset_dir = Path(dataset_dir)
    if not dataset_dir.is_dir():
        raise ValueError(f"dataset folder {dataset_dir} does not exist.")
    stems = sorted(p.name[: -len("_strokes.npz")] for p in dataset_dir.glob("*_strokes.npz"))
    stems = [s for s in stems if (dataset_dir / f"{s}.png").is_file()
             and (dataset_dir / f"{s}_layers.png").is_file()]
    if not stems:
        raise ValueError(
            f"{dataset_dir} holds no synthetic paintings (NNNN.png, NNNN_layers.png, "
            "NNNN_strokes.npz); make some with `python -m engine synth --count N --out DIR`."
        )
    return stems


def evaluate(dataset_dir, *, limit: int | None = None, progress: bool = False, weights=None) -> dict:
    """Score :func:`~engine.layers.predict_layers` and the baselines on a synthetic set.

    Each painting of ``dataset_dir`` (written by ``python -m engine synth``) is cut
    into colour regions once; the method and every baseline (larger region first,
    darker first, lighter first, random) order those same regions, so only the
    ordering differs. Scores are pooled over the set (every pair and every painted
    pixel counts once) as defined in :func:`score_prediction`. Returns
    ``{"method": {...}, "baselines": {name: {...}}, "paintings": n, "pairs": n,
    "best_baseline": name, "margin_over_best_baseline": x}``, each score dict holding
    ``pairwise_order_accuracy`` and ``pixel_accuracy``.
    """
    from engine.strokes.layers_regions import segment_regions

    dataset_dir = Path(dataset_dir)
    stems = list_paintings(dataset_dir)[: limit or None]
    names = ("method",) + BASELINES
    totals = {name: {"pairs": 0, "pairs_correct": 0.0, "pixels": 0, "pixels_correct": 0} for name in names}
    iterator = stems
    if progress:
        from tqdm import tqdm

        iterator = tqdm(stems, desc="evaluating", unit="painting")
    for i, stem in enumerate(iterator):
        image, masks, layer_image = load_painting(dataset_dir, stem)
        labels, colours = segment_regions(image)
        predictions = {"method": layers_from_order(labels, colours, order_regions(labels, colours, weights=weights))}
        rng = np.random.default_rng(i)
        for name in BASELINES:
            predictions[name] = baseline_layers(name, labels, colours, rng=rng)
        for name, layers in predictions.items():
            for key, value in score_prediction(layers, masks, layer_image).items():
                totals[name][key] += value

    def summary(counts):
        return {
            "pairwise_order_accuracy": round(counts["pairs_correct"] / max(counts["pairs"], 1), 4),
            "pixel_accuracy": round(counts["pixels_correct"] / max(counts["pixels"], 1), 4),
        }

    baselines = {name: summary(totals[name]) for name in BASELINES}
    best = max(baselines, key=lambda name: baselines[name]["pairwise_order_accuracy"])
    method = dict(summary(totals["method"]), name="occlusion")
    return {
        "method": method,
        "baselines": baselines,
        "paintings": len(stems),
        "pairs": totals["method"]["pairs"],
        "best_baseline": best,
        "margin_over_best_baseline": round(
            method["pairwise_order_accuracy"] - baselines[best]["pairwise_order_accuracy"], 4
        ),
    }
