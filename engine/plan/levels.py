"""Levels of a stroke plan: how much a painter is asked to do.

A level caps the strokes (per 10 × 10 cm of canvas, so a bigger canvas gets more), sets
the finest brush and how much a stroke must bring to be worth painting. Every level
blocks in with at most :data:`BLOCK_IN_MIXES` mixes and keeps every stroke within a
painter's reach (:data:`MAX_STROKE_MM` on the canvas, brush width included).

=============  ======================  ======================  ==========  ==========================
level          strokes per 10 × 10 cm  brushes (40×30 cm)      mixes       for whom
=============  ======================  ======================  ==========  ==========================
beginner       ≤ 25                    38, 25, 19, 12, 9, 6    6 a layer   a first painting: big shapes
intermediate   ≤ 80                    25, 19, 12, 9, 6, 4,    6, then 8   forms and the main details
                                       3, 2
detailed       no cap                  25, 12, 6, 3, 2         6, then     every detail the palette
                                                               all         can show
=============  ======================  ======================  ==========  ==========================

The brushes run from a fraction of the canvas's short side down to the finest
(:func:`engine.plan.planner.choose_brushes`); capped levels step down gently (each
brush about 3/4 of the one before), so each layer mends what the one before left at a
scale just finer, and a few strokes go far; ``detailed`` halves the brush each time.
Each layer after the block-in may use only the few mixes that pay most at its brush
(:func:`engine.plan.masses.choose_mixes`), so a layer is a few sub-steps, not the
whole palette. These settings were chosen on the sample photos of ``../shared/data``
(``python -m engine bench plan``) and checked on photos never tuned on.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.errors import InputError

#: Most mixes of the first layer (the block-in) at every level.
BLOCK_IN_MIXES = 6
#: Longest stroke on the canvas, brush width included (mm): an arm's easy reach.
MAX_STROKE_MM = 150.0


@dataclass(frozen=True)
class Level:
    """Settings of one level (see the module table).

    ``budget`` strokes per 100 cm² of canvas (None: no cap); ``brushes`` keyword
    arguments of :func:`~engine.plan.planner.choose_brushes`; ``min_gain`` least
    improvement a stroke must bring (CIEDE2000 × cm², see
    :func:`engine.plan.planner.plan_strokes`); ``layer_mixes`` the most mixes of each
    layer after the block-in (None: the whole palette).
    """

    name: str
    label: str
    budget: float | None
    brushes: dict
    min_gain: float
    layer_mixes: int | None = None
    description: str = ""
    #: Painting minutes per 100 cm² of canvas of this level's plans, measured (the mean of
    #: ``painting_minutes`` over the sample photos, ``python -m engine bench plan``): what the
    #: studio tells before a plan exists.
    typical_minutes_per_100_cm2: float = 0.0

    def planner_options(self) -> dict:
        """Keyword arguments of :func:`engine.plan.planner.plan_strokes` for this level."""
        return {"strokes_per_100_cm2": self.budget, "brush_options": dict(self.brushes),
                "min_gain": self.min_gain, "layer_mixes": (BLOCK_IN_MIXES, self.layer_mixes),
                "max_stroke_mm": MAX_STROKE_MM, "level": self.name}


LEVELS = {
    level.name: level
    for level in (
        Level("beginner", "Beginner", budget=25.0, min_gain=2.0, layer_mixes=6, typical_minutes_per_100_cm2=7.1,
              brushes={"largest_fraction": 2 / 15, "finest_mm": 6.0, "step_ratio": 1.3},
              description="A few hundred broad strokes: the big shapes and colours, no fine detail."),
        Level("intermediate", "Intermediate", budget=80.0, min_gain=1.0, layer_mixes=8, typical_minutes_per_100_cm2=12.5,
              brushes={"largest_fraction": 1 / 12, "finest_mm": 2.0, "step_ratio": 1.3},
              description="The forms and the main details: about three times the strokes of a beginner's lesson."),
        Level("detailed", "Detailed", budget=None, min_gain=0.4, layer_mixes=None, typical_minutes_per_100_cm2=24.1,
              brushes={"largest_fraction": 1 / 12, "finest_mm": 0.0, "step_ratio": 1.9},
              description="Every detail the palette can show, down to the finest brush."),
    )
}
DEFAULT_LEVEL = "intermediate"


def get_level(name: str) -> Level:
    """The :class:`Level` called ``name``; ``ValueError`` naming the levels otherwise."""
    try:
        return LEVELS[str(name).strip().lower()]
    except KeyError:
        raise InputError(f"unknown level {name!r}; choose one of {', '.join(LEVELS)}.") from None


def typical_minutes(name: str, canvas_area_cm2: float) -> float:
    """About how many minutes a lesson of level ``name`` takes to paint on a canvas of
    ``canvas_area_cm2`` (see :attr:`Level.typical_minutes_per_100_cm2`)."""
    return get_level(name).typical_minutes_per_100_cm2 * canvas_area_cm2 / 100.0
