"""Scoring layer predictions against synthetic ground truth (:mod:`engine.strokes.synth`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.color.spaces import luma
from engine.errors import InputError
from engine.layers.predict import layer_depth_image, layer_index_image, layers_from_order, order_regions

BASELINES = ("larger_first", "smaller_first", "more_overlapped_first", "darker_first", "lighter_first", "random")
#: Methods scored on every painting; the better one is reported as ``method``.
METHODS = ("occlusion", "planner")


def score_prediction(layers, masks: np.ndarray, layer_image: np.ndarray) -> dict:
    """Raw counts comparing predicted layers with one painting's ground truth.

    Matching: every visible stroke (the last stroke of ``masks`` covering a pixel)
    takes the predicted rank — the list ``index`` of a :class:`~engine.layers.predict.Layer`
    — held by the majority of its visible pixels; a stroke no layer covers has no rank.

    * **Pairwise order**: over every pair of visible strokes whose full masks overlap,
      1 if the stroke painted first has the smaller predicted rank, 0 if the larger,
      ½ if they tie or either has no rank. A prediction that orders the strokes as
      painted scores 1, the reversed order 0, random order ½ on average.
    * **Pixel accuracy**: share of painted pixels (``layer_image`` ≠ 65535) whose
      predicted depth (``Layer.depth`` of the layer covering it) equals the ground-
      truth layer there.

    Parameters
    ----------
    layers : list of Layer
        The prediction, masks of shape (H, W).
    masks : ndarray, shape (S, H, W), bool
        Every stroke's footprint in painting order.
    layer_image : ndarray, shape (H, W), int
        True layer of each pixel, 65535 where the canvas is bare.

    Returns
    -------
    dict
        ``pairs`` (int), ``pairs_correct`` (float, halves for ties), ``pixels`` (int)
        and ``pixels_correct`` (int); counts, so sets can be pooled by adding them.
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
    """Layers ordered by a simple rule over the same colour regions as the methods.

    Parameters
    ----------
    name : str
        One of :data:`BASELINES`.
    labels : ndarray, shape (H, W), int
        Region id per pixel.
    colours : ndarray, shape (n, 3), uint8
        Each region's colour.
    rng : numpy.random.Generator, optional
        For ``"random"`` (default: seeded with 0).

    Returns
    -------
    list of Layer
        As :func:`~engine.layers.predict.layers_from_order` builds them.

    Raises
    ------
    ValueError
        For an unknown ``name``.
    """

    n = int(labels.max()) + 1
    if name in ("larger_first", "smaller_first"):
        area = np.bincount(labels.ravel(), minlength=n).astype(np.float64)
        key = -area if name == "larger_first" else area
    elif name == "more_overlapped_first":
        # What later strokes cover is bitten out of a stroke's shape: regions whose
        # convex hull they fill least (lowest solidity) go first.
        from skimage.morphology import convex_hull_image
        from scipy import ndimage

        key = np.ones(n)
        for region, box in enumerate(ndimage.find_objects(labels + 1)):
            if box is not None:
                mask = labels[box] == region
                hull = convex_hull_image(mask) if mask.sum() > 2 else mask
                key[region] = mask.sum() / max(hull.sum(), 1)
    elif name in ("darker_first", "lighter_first"):
        lightness = luma(colours)
        key = lightness if name == "darker_first" else -lightness
    elif name == "random":
        key = (rng or np.random.default_rng(0)).random(n)
    else:
        raise InputError(f"unknown baseline {name!r}; choose one of {', '.join(BASELINES)}.")
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(key, kind="stable")] = np.arange(n)
    return layers_from_order(labels, colours, rank)


def planner_layers(image, *, max_colors: int = 24, canvas_long_cm: float = 30.0):
    """The stroke planner's layers of a painting, for scoring against the occlusion method.

    Plan layer ``i`` is the set of pixels it painted last (so a stroke's rank is the plan
    layer covering most of its visible pixels), with depth ``i``.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3), uint8
        The painting.
    max_colors : int, optional
        Palette size the plan is made with.
    canvas_long_cm : float, optional
        Canvas size assumed for the plan's brush widths: the longer side, in cm.

    Returns
    -------
    list of Layer
        One per plan layer, ``index`` = ``depth`` = the plan layer's number.
    """
    from engine.lesson.palette import extract
    from engine.plan.outputs import plan_picture

    height, width = image.shape[:2]
    canvas = (canvas_long_cm * width / max(height, width), canvas_long_cm * height / max(height, width), "cm")
    planned = plan_picture(image, extract(image, max_colors).rgb, canvas=canvas)
    return layers_of_plan(planned.render)


def layers_of_plan(render) -> list:
    """Scoring layers of a rendered plan.

    Parameters
    ----------
    render : engine.plan.render.PlanRender
        The rendered plan; ``render.owner`` is the H×W index of the plan layer that
        painted each pixel last.

    Returns
    -------
    list of Layer
        Layer ``i`` holds the pixels plan layer ``i`` painted last, depth ``i``; the
        colour is unused (black).
    """
    from engine.layers.predict import Layer

    return [Layer(index=i, mask=render.owner == i, color=(0, 0, 0), depth=i) for i in range(len(render.layers))]


def load_painting(dataset_dir: Path, stem: str):
    """One painting of a synthetic set, with its ground truth.

    Parameters
    ----------
    dataset_dir : Path
        Folder written by ``python -m engine synth``.
    stem : str
        The painting's name there (``"0007"``).

    Returns
    -------
    image : ndarray, shape (H, W, 3), uint8
        The painting.
    masks : ndarray, shape (S, H, W), bool
        Every stroke's footprint, in painting order.
    layer_image : ndarray, shape (H, W), int64
        True layer of each pixel, 65535 where the canvas is bare.
    """
    from engine.imageio import load_image
    from PIL import Image

    image = load_image(dataset_dir / f"{stem}.png")
    with np.load(dataset_dir / f"{stem}_strokes.npz") as data:
        masks = data["masks"].astype(bool)
    with Image.open(dataset_dir / f"{stem}_layers.png") as img:
        layer_image = np.asarray(img).astype(np.int64)
    return image, masks, layer_image


def list_paintings(dataset_dir) -> list[str]:
    """The paintings of a synthetic set.

    Parameters
    ----------
    dataset_dir : str or Path
        Folder written by ``python -m engine synth``.

    Returns
    -------
    list of str
        Sorted stems of the paintings whose three files are all there.

    Raises
    ------
    ValueError
        If the folder does not exist or holds no painting; the message says how to make
        some.
    """
    dataset_dir = Path(dataset_dir)
    if not dataset_dir.is_dir():
        raise InputError(f"dataset folder {dataset_dir} does not exist.")
    stems = sorted(p.name[: -len("_strokes.npz")] for p in dataset_dir.glob("*_strokes.npz"))
    stems = [s for s in stems if (dataset_dir / f"{s}.png").is_file()
             and (dataset_dir / f"{s}_layers.png").is_file()]
    if not stems:
        raise InputError(
            f"{dataset_dir} holds no synthetic paintings (NNNN.png, NNNN_layers.png, "
            "NNNN_strokes.npz); make some with `python -m engine synth --count N --out DIR`."
        )
    return stems


def evaluate(dataset_dir, *, limit: int | None = None, progress: bool = False, model=None,
             methods: tuple[str, ...] = METHODS) -> dict:
    """Score the methods and the baselines on a synthetic set.

    Methods: ``occlusion`` (:func:`~engine.layers.predict.predict_layers`) and ``planner``
    (the stroke planner's layers, :func:`planner_layers`). Each painting is cut into
    colour regions once; the occlusion method and every baseline (:data:`BASELINES`)
    order those same regions, so only the ordering differs. Scores are pooled over the set
    (every pair and every painted pixel counts once) as defined in
    :func:`score_prediction`.

    Parameters
    ----------
    dataset_dir : str or Path
        Folder written by ``python -m engine synth``.
    limit : int, optional
        Use the first ``limit`` paintings only.
    progress : bool, optional
        Show a progress bar on stderr.
    model : engine.layers.model.TreeModel, optional
        Occlusion model (default: the shipped one).
    methods : tuple of str, optional
        Methods to score, among :data:`METHODS` (the planner takes most of the time).

    Returns
    -------
    dict
        ``method`` (the better method's scores and ``name``), ``methods`` and
        ``baselines`` (name → scores), ``paintings``, ``pairs``, ``best_baseline`` and
        ``margin_over_best_baseline`` (pairwise order accuracy, −1 to 1). Scores hold
        ``pairwise_order_accuracy`` and ``pixel_accuracy``, each 0–1, rounded to 1e-4.

    Raises
    ------
    ValueError
        If the folder holds no synthetic painting, or for an unknown method.
    """
    from engine.layers.regions import segment_regions

    methods = tuple(methods)
    if not methods or set(methods) - set(METHODS):
        raise InputError(f"methods must be among {', '.join(METHODS)}; got {methods}.")

    dataset_dir = Path(dataset_dir)
    stems = list_paintings(dataset_dir)[: limit or None]
    names = methods + BASELINES
    totals = {name: {"pairs": 0, "pairs_correct": 0.0, "pixels": 0, "pixels_correct": 0} for name in names}
    iterator = stems
    if progress:
        from tqdm import tqdm

        iterator = tqdm(stems, desc="evaluating", unit="painting")
    for i, stem in enumerate(iterator):
        image, masks, layer_image = load_painting(dataset_dir, stem)
        labels, colours = segment_regions(image)
        predictions = {}
        if "occlusion" in methods:
            predictions["occlusion"] = layers_from_order(labels, colours, order_regions(labels, colours, model=model))
        if "planner" in methods:
            predictions["planner"] = planner_layers(image)
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
    scored = {name: summary(totals[name]) for name in methods}
    better = max(methods, key=lambda name: scored[name]["pairwise_order_accuracy"])
    method = dict(scored[better], name=better)
    return {
        "method": method,
        "methods": scored,
        "baselines": baselines,
        "paintings": len(stems),
        "pairs": totals[better]["pairs"],
        "best_baseline": best,
        "margin_over_best_baseline": round(
            method["pairwise_order_accuracy"] - baselines[best]["pairwise_order_accuracy"], 4
        ),
    }
