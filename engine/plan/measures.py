"""How good and how paintable a plan is: fidelity against the palette's limit, economy."""

from __future__ import annotations

import numpy as np

from engine.color.spaces import delta_e_ciede2000, mean_palette_delta_e, rgb_to_lab, unique_colors
from engine.imageio import as_rgb_uint8
from engine.plan.model import Plan
from engine.plan.render import BLANK_RGB
from engine.plan.substeps import plan_substeps
from engine.plan.timing import plan_minutes, plan_mm_per_px


def labels_delta_e(picture, labels: np.ndarray, palette_rgb) -> float:
    """Mean CIEDE2000 between ``picture`` (H×W×3) and a label image painted with
    ``palette_rgb`` (bare canvas counts as white). Computed once per distinct
    (picture colour, paint) pair."""
    picture = as_rgb_uint8(picture)
    paints = np.vstack([np.asarray(palette_rgb, np.uint8).reshape(-1, 3), np.asarray(BLANK_RGB, np.uint8)])
    paint = np.where(labels < 0, len(paints) - 1, labels).astype(np.int64)
    _, _, colour_index = unique_colors(picture)
    pairs, inverse, counts = np.unique(colour_index.ravel().astype(np.int64) * len(paints) + paint.ravel(),
                                       return_inverse=True, return_counts=True)
    flat = picture.reshape(-1, 3)
    first = np.zeros(len(pairs), dtype=np.int64)
    first[inverse] = np.arange(inverse.size)  # any pixel of each pair will do
    difference = delta_e_ciede2000(rgb_to_lab(flat[first]), rgb_to_lab(paints[pairs % len(paints)]))
    return float((difference * counts).sum() / counts.sum())


def plan_measures(plan: Plan, picture, final_labels: np.ndarray) -> dict:
    """Fidelity and economy of ``plan`` for ``picture``.

    Returns ``plan_delta_e`` (mean CIEDE2000 of the painted plan), ``quantized_delta_e``
    (each pixel's nearest paint: the best any plan with this palette can do), their
    ``ratio``, ``strokes``, ``strokes_per_layer``, ``brushes_mm``,
    ``strokes_per_100_cm2`` (strokes per 10 × 10 cm of canvas), the ``level``, the number
    ``substep_count`` (sub-steps: one mix of one layer each), ``block_in_colors`` (mixes of the first
    layer), ``longest_stroke_cm`` (on the canvas, brush width included) and
    ``painting_minutes`` (:func:`engine.plan.timing.plan_minutes`).
    """
    plan_de = labels_delta_e(picture, final_labels, plan.palette_rgb)
    quantized = mean_palette_delta_e(as_rgb_uint8(picture), plan.palette_rgb)
    mm_per_px = plan_mm_per_px(plan)
    longest = max((s.length + s.width for layer in plan.layers for s in layer.strokes), default=0.0)
    return {
        "plan_delta_e": round(plan_de, 3),
        "quantized_delta_e": round(quantized, 3),
        "ratio": round(plan_de / quantized, 3) if quantized > 0 else None,
        "strokes": plan.stroke_count,
        "strokes_per_layer": [len(layer.strokes) for layer in plan.layers],
        "brushes_mm": [layer.brush_mm for layer in plan.layers],
        "strokes_per_100_cm2": round(plan.stroke_count / plan.canvas_area_cm2() * 100.0, 1),
        "level": plan.level,
        "substep_count": len(plan_substeps(plan)),
        "block_in_colors": len(plan.layers[0].colors()) if plan.layers else 0,
        "longest_stroke_cm": round(longest * mm_per_px / 10.0, 2),
        "painting_minutes": plan_minutes(plan)["total"],
    }
