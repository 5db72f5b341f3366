"""Fitting the occlusion model of :mod:`engine.layers.predict` on synthetic paintings.

Every pair of touching colour regions of a training painting is an example: its
border cues (:func:`engine.layers.cues.pair_features`), both regions' shape
descriptors (:func:`engine.layers.shape.region_features`) and whether the
first region belongs to a stroke painted later (the canvas counts as painted before
everything). Each example is also read the other way round (cues negated, regions
swapped, answer flipped), so the model sees no preferred order. scikit-learn's
``HistGradientBoostingClassifier`` fits it, examples weighted by the square root of
their shared border length (long borders matter more, short ones still count); the
trees are written as JSON (:func:`engine.layers.model.trees_to_json`).
One cue is itself learnt: the patch trees of :mod:`engine.layers.patches`,
fitted first on the first :data:`PATCH_SHARE` of the set's paintings; the pair trees
are fitted on the next paintings, so they learn how far to trust the patch cue on
paintings it never saw. The context trees of the second pass
(:mod:`engine.layers.context`) are fitted on the last :data:`CONTEXT_SHARE`,
on what the first pass makes of paintings it never saw. All three go in one file.

Retrain the shipped model (``engine/layers/data/occlusion.json``)::

    python -m engine synth --count 1000 --out DIR --seed 1 --size 256
    python -m engine layers train --dataset DIR

Measured (``layers evaluate --methods occlusion``, 100 paintings of 256 px each): on seed
2, the set it was tuned on, pairwise order accuracy 0.818 against 0.661 for the best
baseline, smaller first (+0.157; without the context trees 0.811, before the geometry,
wide-disc and patch cues 0.784). On seeds nobody tuned on: 0.814 vs 0.649 on 20261202
(+0.166), 0.809 vs 0.653 on 8080 (+0.156), 0.808 vs 0.656 on 90210 (+0.152), 0.810 vs 0.655
on 5151 (+0.155). A perfect order of the colour regions would score about 0.86 only:
strokes of one colour that overlap merge into one region.
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from pathlib import Path

import numpy as np

from engine.errors import InputError
from engine.layers.context import PAIR_CONTEXT_NAMES, REGION_CONTEXT_NAMES, context_inputs
from engine.layers.cues import FEATURE_NAMES, pair_features
from engine.layers.model import at_model_scale, pair_logits
from engine.layers.patches import edge_patches
from engine.layers.regions import adjacent_pairs, pair_of_edges, segment_regions
from engine.layers.shape import REGION_NAMES, pair_rows, region_features

#: Share of a training set's paintings that fits the patch trees (the first ones).
PATCH_SHARE = 0.3
#: Share of a training set's paintings that fits the context trees (the last ones); the
#: pair trees are fitted on the paintings between.
CONTEXT_SHARE = 0.4
#: Settings of the gradient-boosted pair trees.
TREE_SETTINGS = dict(learning_rate=0.05, max_iter=600, max_leaf_nodes=31, min_samples_leaf=20, random_state=0)
#: Widths of the second pass's antisymmetric and per-region blocks.
CONTEXT_WIDTHS = (len(PAIR_CONTEXT_NAMES) + len(FEATURE_NAMES), len(REGION_CONTEXT_NAMES) + len(REGION_NAMES))
#: Settings of the context trees (examples unweighted: every pair of strokes counts once
#: in the order score, whatever its border).
CONTEXT_TREE_SETTINGS = dict(learning_rate=0.05, max_iter=400, max_leaf_nodes=31, min_samples_leaf=20,
                             random_state=0)


def training_pairs(image, masks, patches):
    """Training examples from one synthetic painting: its touching region pairs.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3), uint8
        The painting.
    masks : ndarray, shape (S, H, W), bool
        Each stroke's footprint, in painting order (as :mod:`engine.strokes.synth`
        writes them).
    patches : engine.layers.model.TreeModel
        Patch trees for the ``edge_patches`` cue.

    Returns
    -------
    rows : ndarray, shape (P, len(FEATURE_NAMES) + 2 · len(REGION_NAMES)), float64
        Model input (:func:`~engine.layers.shape.pair_rows`) of each pair whose
        regions belong to different strokes.
    on_top : ndarray, shape (P,), float64
        1.0 where the pair's first region was painted later (lies on top), else 0.0.
    border : ndarray, shape (P,), float64
        Shared border length in pixel edges, at the scale the model reads
        (:func:`~engine.layers.model.at_model_scale`).
    """
    found = _painting_pairs(image, masks, patches)
    if found is None:
        width = len(FEATURE_NAMES) + 2 * len(REGION_NAMES)
        return np.zeros((0, width)), np.zeros(0), np.zeros(0)
    pairs, cues, border, region, keep, on_top = found
    return pair_rows(cues, region, pairs)[keep], on_top, border[keep].astype(np.float64)


def training_context(image, masks, model):
    """Training examples of the second pass from one synthetic painting.

    Parameters
    ----------
    image, masks
        As for :func:`training_pairs`.
    model : engine.layers.model.TreeModel
        The first pass: pair trees with their patch trees.

    Returns
    -------
    rows : ndarray, shape (P, F), float64
        Second-pass input of each pair whose regions belong to different strokes
        (:func:`~engine.layers.context.context_inputs` through
        :func:`~engine.layers.shape.pair_rows`).
    on_top : ndarray, shape (P,), float64
        As for :func:`training_pairs`.
    """
    from engine.layers.predict import scores_from_logits

    found = _painting_pairs(image, masks, model.require_patches())
    if found is None:
        return np.zeros((0, CONTEXT_WIDTHS[0] + 2 * CONTEXT_WIDTHS[1])), np.zeros(0)
    pairs, cues, border, region, keep, on_top = found
    logits = pair_logits(model, cues, region, pairs)
    scores = scores_from_logits(len(region), pairs, logits, prior=region[:, 0])
    context_cues, context_region = context_inputs(pairs, logits, scores, border, cues, region)
    return pair_rows(context_cues, context_region, pairs)[keep], on_top


def _painting_pairs(image, masks, patches):
    """A painting's touching region pairs, their cues and shapes, and the truth about them.

    Returns ``None`` for a painting of one region, else ``(pairs, cues, border, region,
    keep, on_top)``: ``keep`` marks the pairs of two different strokes, ``on_top`` (for
    those) whether the first was painted later.
    """
    labels, colours = segment_regions(image)
    if labels.max() == 0:
        return None
    stroke = region_strokes(labels, masks)
    labels = at_model_scale(labels)  # read as prediction reads it
    pairs, cues, border = pair_features(labels, colours, patches=patches)
    region = region_features(labels, colours, pairs)
    a, b = stroke[pairs[:, 0]], stroke[pairs[:, 1]]
    keep = a != b
    return pairs, cues, border, region, keep, (a > b)[keep].astype(np.float64)


def region_strokes(labels: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """Each region's stroke: the most common visible stroke under it (−1: bare canvas).

    Parameters
    ----------
    labels : ndarray, shape (H, W), int
        Region id ``0…n-1`` per pixel.
    masks : ndarray, shape (S, H, W), bool
        Each stroke's footprint, in painting order.

    Returns
    -------
    ndarray, shape (n,), int64
    """
    from engine.strokes.synth import top_stroke_index

    visible = top_stroke_index(masks)
    n = int(labels.max()) + 1
    votes = np.bincount(labels.ravel() * (len(masks) + 1) + (visible.ravel() + 1),
                        minlength=n * (len(masks) + 1)).reshape(n, -1)
    return votes.argmax(axis=1) - 1


def training_patches(labels: np.ndarray, stroke: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Patches and answers from one synthetic painting's regions.

    Parameters
    ----------
    labels : ndarray, shape (H, W), int
        Region id per pixel.
    stroke : ndarray, shape (n,), int
        The stroke (paint order index) each region shows, −1 for bare canvas.

    Returns
    -------
    patches : ndarray, shape (N, PATCH_SHAPE[0] · PATCH_SHAPE[1]), float32
        Windows of edges between regions of two different strokes (canvas left out:
        those borders are never in doubt).
    near_on_top : ndarray, shape (N,), bool
        Whether the near side's stroke was painted later.
    """
    p, q = adjacent_pairs(labels)
    near, far = stroke[labels.flat[p]], stroke[labels.flat[q]]
    keep = (near != far) & (near >= 0) & (far >= 0)
    p, q = p[keep], q[keep]
    _, edge_pair = pair_of_edges(labels, p, q)
    patches, chosen = edge_patches(labels, p, q, edge_pair)
    return patches, near[keep][chosen] > far[keep][chosen]


def swapped(rows: np.ndarray, widths: tuple[int, int] = (len(FEATURE_NAMES), len(REGION_NAMES))) -> np.ndarray:
    """The same pairs read the other way round: cues negated, the two region blocks swapped.

    ``widths``: columns of the cue block and of one region block (default: the first pass's).
    """
    c, r = widths
    return np.concatenate([-rows[:, :c], rows[:, c + r:], rows[:, c:c + r]], axis=1)


def fit_trees(rows, on_top, border=None, *, widths=(len(FEATURE_NAMES), len(REGION_NAMES)),
              settings=TREE_SETTINGS):
    """Fit gradient-boosted trees on examples read both ways round.

    Parameters
    ----------
    rows : ndarray, shape (N, F), float
    on_top : ndarray, shape (N,), 0 or 1
    border : ndarray, shape (N,), float > 0, optional
        Shared border length (px edges); examples are weighted by its square root
        (default: all alike).
    widths : tuple of int, optional
        Columns of the cue block and of one region block (see :func:`swapped`).
    settings : dict, optional
        ``HistGradientBoostingClassifier`` settings.

    Returns
    -------
    sklearn.ensemble.HistGradientBoostingClassifier

    Raises
    ------
    ValueError
        Without examples.
    """
    from sklearn.ensemble import HistGradientBoostingClassifier

    rows = np.asarray(rows, dtype=np.float64)
    if len(rows) == 0:
        raise InputError("training needs at least one pair of touching regions of different strokes.")
    target = np.asarray(on_top) > 0.5
    weight = np.ones(len(rows)) if border is None else np.sqrt(np.asarray(border, dtype=np.float64))
    model = HistGradientBoostingClassifier(**settings)
    model.fit(np.concatenate([rows, swapped(rows, widths)]), np.r_[target, ~target],
              sample_weight=np.r_[weight, weight] / weight.mean())
    return model


def train(dataset_dir, out_path, *, limit: int | None = None, progress: bool = False, workers: int = 1,
          pair_settings=None, patch_settings=None, context_settings=None) -> dict:
    """Fit the occlusion model on a synthetic set and write it as JSON.

    Parameters
    ----------
    dataset_dir : str or Path
        Folder written by ``python -m engine synth``.
    out_path : str or Path
        JSON file to write (folders are created); :func:`engine.layers.predict.load_model`
        reads it.
    limit : int, optional
        Use the first ``limit`` paintings only.
    progress : bool, optional
        Show a progress bar on stderr.
    workers : int, optional
        Processes reading the paintings (the model is the same for any number).
    pair_settings, patch_settings, context_settings : dict, optional
        ``HistGradientBoostingClassifier`` settings of the pair, patch and context trees
        (default :data:`TREE_SETTINGS`, :data:`~engine.layers.patches.PATCH_TREE_SETTINGS`
        and :data:`CONTEXT_TREE_SETTINGS`, those of the shipped model; smaller ones train
        in seconds, for tests).

    Returns
    -------
    dict
        What was written but the trees: ``model``, ``features``, ``settings``,
        ``patch_settings``, ``context_settings``, ``trained_on``, ``training_pair_accuracy``
        and ``context_training_pair_accuracy`` (0–1, each pass on its own examples) and
        ``retrain``.

    Raises
    ------
    ValueError
        For a set of fewer than 3 paintings.
    """
    from engine.layers.evaluate import list_paintings
    from engine.layers.model import TreeModel, trees_to_json
    from engine.layers.patches import PATCH_TREE_SETTINGS, fit_patch_trees

    pair_settings = TREE_SETTINGS if pair_settings is None else pair_settings
    patch_settings = PATCH_TREE_SETTINGS if patch_settings is None else patch_settings
    context_settings = CONTEXT_TREE_SETTINGS if context_settings is None else context_settings
    dataset_dir = Path(dataset_dir)
    stems = list_paintings(dataset_dir)[: limit or None]
    if len(stems) < 3:
        raise InputError(f"training needs at least 3 paintings (patch trees, pair trees, context trees); "
                         f"{dataset_dir} has {len(stems)}.")
    n_patch = max(1, round(PATCH_SHARE * len(stems)))
    n_context = max(1, min(round(CONTEXT_SHARE * len(stems)), len(stems) - n_patch - 1))
    n_pairs = len(stems) - n_patch - n_context

    def each(function, names, desc, *extra):
        return _each_painting(function, dataset_dir, names, extra, desc=desc, progress=progress, workers=workers)

    patch_parts = each(_painting_patches, stems[:n_patch], "patches")
    patch_trees = trees_to_json(fit_patch_trees(np.concatenate([p[0] for p in patch_parts]),
                                                np.concatenate([p[1] for p in patch_parts]),
                                                settings=patch_settings))
    patch_model = TreeModel(patch_trees["baseline"], patch_trees["trees"], patch_trees["n_features"])

    parts = each(training_pairs, stems[n_patch:n_patch + n_pairs], "pairs", patch_model)
    rows = np.concatenate([p[0] for p in parts])
    target = np.concatenate([p[1] for p in parts])
    border = np.concatenate([p[2] for p in parts])
    fitted = fit_trees(rows, target, border, settings=pair_settings)
    trees = trees_to_json(fitted)
    model = TreeModel(trees["baseline"], trees["trees"], trees["n_features"], patch_model)
    logits = _both_ways(model, rows)

    context_parts = each(training_context, stems[n_patch + n_pairs:], "context", model)
    context_examples = np.concatenate([p[0] for p in context_parts])
    context_answers = np.concatenate([p[1] for p in context_parts])
    context_trees = trees_to_json(fit_trees(context_examples, context_answers, widths=CONTEXT_WIDTHS,
                                            settings=context_settings))
    context_model = TreeModel(context_trees["baseline"], context_trees["trees"], context_trees["n_features"])
    context_fit_logits = _both_ways(context_model, context_examples, CONTEXT_WIDTHS)
    report = {
        "model": "gradient-boosted trees on border cues (one of them learnt from patches) and both regions' "
                 "shapes (read both ways round), then context trees reading each pair beside its neighbours",
        "features": list(FEATURE_NAMES) + [f"first_{n}" for n in REGION_NAMES] + [f"second_{n}" for n in REGION_NAMES],
        "settings": dict(pair_settings),
        "patch_settings": dict(patch_settings, patch_share=PATCH_SHARE),
        "context_settings": dict(context_settings, context_share=CONTEXT_SHARE),
        "trained_on": {"dataset": dataset_dir.name, "paintings": len(stems), "pairs": int(len(target)),
                       "patch_paintings": n_patch, "patches": int(sum(len(p[0]) for p in patch_parts)),
                       "context_paintings": n_context,
                       "context_pairs": int(len(context_answers)),
                       "set_seed": _set_seed(dataset_dir / f"{stems[0]}.json")},
        "training_pair_accuracy": round(float(np.mean((logits > 0) == (target > 0.5))), 4),
        "context_training_pair_accuracy": round(float(np.mean((context_fit_logits > 0) == (context_answers > 0.5))), 4),
        "retrain": "python -m engine synth --count 1000 --out DIR --seed 1 --size 256 && "
                   "python -m engine layers train --dataset DIR",
    }
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps({**report, **trees, "patches": patch_trees, "context": context_trees},
                                   separators=(",", ":")) + "\n")
    return report


def _both_ways(model, rows, widths=(len(FEATURE_NAMES), len(REGION_NAMES))):
    """Antisymmetric log-odds of training rows: ½ (read as given − read the other way round)."""
    return 0.5 * (model.raw(rows) - model.raw(swapped(rows, widths)))


def _painting_patches(image, masks):
    labels, _ = segment_regions(image)
    return training_patches(at_model_scale(labels), region_strokes(labels, masks))


def _each_painting(function, dataset_dir, stems, extra, *, desc, progress, workers) -> list:
    """``function(image, masks, *extra)`` for each painting, in order, on ``workers`` processes."""
    jobs = [(function, dataset_dir, stem, extra) for stem in stems]
    with ExitStack() as stack:
        if workers > 1 and len(jobs) > 1:
            from concurrent.futures import ProcessPoolExecutor

            pool = stack.enter_context(ProcessPoolExecutor(max_workers=workers))
            results = pool.map(_one_painting, jobs, chunksize=4)
        else:
            results = map(_one_painting, jobs)
        if progress:
            from tqdm import tqdm

            results = tqdm(results, total=len(jobs), desc=desc, unit="painting")
        return list(results)


def _one_painting(job):
    from engine.layers.evaluate import load_painting

    function, dataset_dir, stem, extra = job
    image, masks, _ = load_painting(dataset_dir, stem)
    return function(image, masks, *extra)


def _set_seed(params_path: Path):
    try:
        return json.loads(params_path.read_text()).get("set_seed")
    except (OSError, ValueError):
        return None
