"""Sub-steps: each layer of a plan painted one mix at a time.

Within a layer (one brush) a painter loads one mix, lays every stroke of it, then
rinses and takes the next. The mixes follow each other **dark to light**: a light mix
carries more white and covers a dark one, while a dark mix laid over a light one
sinks in and muddies it; so darks go down first, a little beyond their shapes, and
the lights then cut their edges clean. The planner paints the strokes in that very
order (:func:`group_by_mix`), so a plan's pictures are what the painter will see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


def group_by_mix(items: list, lightness: np.ndarray, *, color: Callable = lambda stroke: stroke.color) -> list:
    """``items`` (strokes, or anything ``color(item)`` gives a palette number of) grouped
    by mix, darkest mix first (``lightness``: L* per palette index), each mix's strokes in
    their former order."""
    lightness = np.asarray(lightness, dtype=np.float64)
    return sorted(items, key=lambda item: (lightness[color(item) - 1], color(item)))


@dataclass(frozen=True)
class SubStep:
    """One mix of one layer: ``count`` strokes of palette colour ``color`` from stroke
    ``first`` of layer ``layer`` (0-based), the ``order``-th mix of that layer (1-based)."""

    layer: int
    order: int
    color: int
    first: int
    count: int

    @property
    def key(self) -> str:
        """``"NN-MM"``: layer and mix numbers, 1-based (file names, progress marks)."""
        return f"{self.layer + 1:02d}-{self.order:02d}"

    def strokes(self, plan) -> list:
        return plan.layers[self.layer].strokes[self.first : self.first + self.count]


def layer_substeps(layer) -> list[SubStep]:
    """The sub-steps of one :class:`~engine.plan.model.PlanLayer`: its runs of one mix."""
    steps, first = [], 0
    strokes = layer.strokes
    for i in range(1, len(strokes) + 1):
        if i == len(strokes) or strokes[i].color != strokes[first].color:
            steps.append(SubStep(layer.index, len(steps) + 1, strokes[first].color, first, i - first))
            first = i
    return steps


def plan_substeps(plan) -> list[SubStep]:
    """Every sub-step of ``plan``, in painting order."""
    return [step for layer in plan.layers for step in layer_substeps(layer)]
