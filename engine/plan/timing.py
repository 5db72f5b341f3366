"""How long a plan takes to paint: an estimate per sub-step, layer and lesson.

A model of a steady hobby pace, not a measurement: each stroke takes a moment to load
and place the brush (longer with a small brush, placed with care) plus its travel at
about 3 cm a second; each sub-step starts by mixing its colour, the first time it is
used (a few minutes: squeeze, mix, compare with the swatch), or by rinsing the brush
and taking up a mix already on the palette; each layer starts with a change of brush.
Real painters vary by half or twice that; the estimate is for planning a session.
"""

from __future__ import annotations

import numpy as np

from engine.plan.planner import canvas_mm_per_px
from engine.plan.substeps import layer_substeps

#: Seconds to load and place the brush, by brush width (mm, at least that wide).
PLACE_SECONDS = ((19.0, 2.5), (6.0, 3.0), (0.0, 4.0))
#: Travel of the brush along a stroke, cm per second.
TRAVEL_CM_PER_SECOND = 3.0
#: Minutes to mix a colour for the first time (from tube paints, matched to its swatch).
NEW_MIX_MINUTES = 2.5
#: Minutes to rinse the brush and take up a mix already mixed.
SWITCH_MINUTES = 0.5
#: Minutes to change brushes at the start of a layer.
BRUSH_MINUTES = 0.5


def place_seconds(brush_mm: float) -> float:
    """Seconds to load and place a brush ``brush_mm`` wide, once."""
    return next(seconds for widest, seconds in PLACE_SECONDS if brush_mm >= widest)


def stroke_seconds(length_mm, brush_mm: float) -> np.ndarray:
    """Seconds per stroke of the given travel lengths (mm on the canvas) with one brush."""
    return place_seconds(brush_mm) + np.asarray(length_mm, dtype=np.float64) / 10.0 / TRAVEL_CM_PER_SECOND


def substep_minutes(length_mm, brush_mm: float, *, new_mix: bool) -> float:
    """Minutes of one sub-step: its strokes (travel lengths in mm) and getting its mix ready."""
    strokes = float(np.sum(stroke_seconds(length_mm, brush_mm))) / 60.0
    return strokes + (NEW_MIX_MINUTES if new_mix else SWITCH_MINUTES)


def plan_minutes(plan) -> dict:
    """Minutes for every sub-step (by its key), layer and the whole plan.

    Returns
    -------
    dict
        ``{"substeps": {"NN-MM": minutes}, "layers": [minutes per layer], "total": minutes}``;
        a mix is new in the first sub-step that uses it.
    """
    mm_per_px = plan_mm_per_px(plan)
    seen: set[int] = set()
    substeps, layers = {}, []
    for layer in plan.layers:
        layer_total = BRUSH_MINUTES
        for step in layer_substeps(layer):
            lengths = [s.length * mm_per_px for s in step.strokes(plan)]
            minutes = substep_minutes(lengths, layer.brush_mm, new_mix=step.color not in seen)
            seen.add(step.color)
            substeps[step.key] = round(minutes, 2)
            layer_total += minutes
        layers.append(round(layer_total, 1))
    return {"substeps": substeps, "layers": layers, "total": round(sum(layers), 1)}


def plan_mm_per_px(plan) -> float:
    """Millimetres of canvas per pixel of the plan's picture (the picture covers the canvas)."""
    return canvas_mm_per_px(plan.canvas, plan.shape)
