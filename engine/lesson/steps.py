"""Painting steps: the stroke plan's layers as a painter's steps, one mix at a time.

Each layer of the plan (:mod:`engine.plan`) is one step with one brush, largest first:
the block-in of the big value masses, then the forms, then the details. Within a step
the mixes come one after the other, darkest first (:mod:`engine.plan.substeps`), each a
sub-step with its where-to-paint picture and its painting minutes. A step says its
brush, strokes and mixes in one plain instruction, and keeps the canvas after it and
where it changed the canvas.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.color.names import plain_words

BLANK = 255  # the untouched canvas is shown white
MAX_LISTED_COLORS = 6


@dataclass
class PaintingStep:
    """One step at the easel.

    ``colors`` are palette numbers (1-based) used in this step, darkest first; ``mask``
    (H×W bool) is where to paint; ``canvas`` (H×W×3 uint8) the picture after the step,
    ``labels`` the same as palette indices (-1 where the canvas is still bare).
    """

    order: int
    title: str
    instruction: str
    colors: list[int]
    mask: np.ndarray = field(repr=False)
    canvas: np.ndarray = field(repr=False)
    stage: str = ""
    labels: np.ndarray | None = field(default=None, repr=False)  # H×W palette index, -1 bare
    brush_mm: float | None = None  # steps of a stroke plan: the brush, its strokes, their map
    strokes: int | None = None
    stroke_map: str | None = None
    substeps: list[dict] = field(default_factory=list)  # one mix at a time (see steps_from_plan)
    minutes: float | None = None

    @property
    def coverage(self) -> float:
        """Fraction of the canvas painted in this step (0–1)."""
        return float(self.mask.mean())

    def to_json(self) -> dict:
        payload = {
            "order": self.order,
            "stage": self.stage,
            "title": self.title,
            "instruction": self.instruction,
            "colors": list(self.colors),
            "coverage": round(self.coverage, 4),
        }
        if self.brush_mm is not None:
            payload.update(brush_mm=self.brush_mm, strokes=self.strokes, stroke_map=self.stroke_map,
                           minutes=self.minutes, substeps=self.substeps)
        return payload


def steps_from_plan(planned, palette) -> list[PaintingStep]:
    """One step per layer of a stroke plan (:class:`engine.plan.outputs.PlannedPainting`),
    largest brush first, each split into sub-steps of one mix (darkest first, see
    :mod:`engine.plan.substeps`): the brush width, the mixes, the number of strokes, one
    plain instruction, the painting minutes (:func:`engine.plan.timing.plan_minutes`),
    the canvas after it and where it changes the canvas (``mask``). Each sub-step is
    ``{"key", "order", "color", "strokes", "minutes", "new_mix", "image"}``, ``image`` the
    where-to-paint picture named as :func:`engine.plan.outputs.substep_image_name`."""
    from engine.plan.outputs import stroke_map_name, substep_image_name
    from engine.plan.substeps import layer_substeps
    from engine.plan.timing import plan_minutes

    minutes = plan_minutes(planned.plan)
    steps, seen = [], set()
    before = np.full(planned.plan.shape, -1, dtype=np.int32)
    n_layers = len(planned.plan.layers)
    for layer, labels in zip(planned.plan.layers, planned.render.layers):
        substeps = []
        for sub in layer_substeps(layer):
            substeps.append({"key": sub.key, "order": sub.order, "color": sub.color, "strokes": sub.count,
                             "minutes": minutes["substeps"][sub.key], "new_mix": sub.color not in seen,
                             "image": substep_image_name(sub.key)})
            seen.add(sub.color)
        colors = [sub["color"] for sub in substeps]
        stage, title, template = _layer_kind(layer.index, n_layers)
        canvas = palette.rgb[np.maximum(labels, 0)]
        canvas[labels < 0] = BLANK
        brush = f"{layer.brush_mm:g} mm"
        steps.append(PaintingStep(
            order=layer.index + 1,
            title=title.format(brush=brush),
            instruction=template.format(brush=brush, strokes=len(layer.strokes), mixes=len(colors),
                                        colors=_describe_colors(palette, colors)),
            colors=colors,
            mask=labels != before,
            canvas=canvas,
            stage=stage,
            labels=labels.copy(),
            brush_mm=float(layer.brush_mm),
            strokes=len(layer.strokes),
            stroke_map=stroke_map_name(layer.index),
            substeps=substeps,
            minutes=minutes["layers"][layer.index],
        ))
        before = labels
    return steps


def _layer_kind(index: int, count: int) -> tuple[str, str, str]:
    """(stage, title, instruction template) of plan layer ``index`` of ``count``."""
    one_at_a_time = (" Work one mix at a time, darkest first: each picture shows where its strokes go"
                     " and which way the brush travels.")
    if index == 0:
        return ("block-in", "Block in the big masses with the {brush} brush",
                "Cover the whole canvas with {strokes} broad strokes of the {brush} brush in {mixes} mixes, "
                "one for each big mass of light and dark: {colors}. No detail yet." + one_at_a_time)
    if index == count - 1:
        return ("details", "Finish the details with the {brush} brush",
                "Finish with {strokes} small strokes of the {brush} brush in {mixes} mixes ({colors}), "
                "only where the pictures show them." + one_at_a_time)
    return ("shapes", "Shape the forms with the {brush} brush",
            "Paint {strokes} strokes of the {brush} brush in {mixes} mixes ({colors}) over the dry or tacky "
            "layer below; leave what is already right." + one_at_a_time)


def _describe_colors(palette, numbers: list[int]) -> str:
    """Colour numbers with plain names (the most used first), the rest by count only."""
    shown = numbers[:MAX_LISTED_COLORS]
    parts = [f"{num} ({plain_words(palette[num - 1].name)})" for num in shown]
    if len(numbers) > len(shown):
        parts.append(f"{len(numbers) - len(shown)} more (see the colour list)")
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
