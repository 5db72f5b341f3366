"""What a canvas should look like after a step or a sub-step of a generation's lesson.

A canvas is checked against one point of its lesson: the end of a step (a plan layer:
its stored picture, ``step-NN.png``) or the end of a sub-step (one mix of that layer:
the stored ``plan.json`` painted up to that sub-step's last stroke, exactly as the
lesson's pictures are painted, :mod:`engine.plan.render`). :func:`check_choices` lists
those points for a form; :func:`step_target` gives the picture and what the comparison
needs with it (the layer's brush, the palette and the canvas size, from ``lesson.json``).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from engine.errors import InputError
from engine.imageio import pil_to_rgb_array
from studio.job_runs import ServerFailure
from studio.models import Generation
from studio.models.checks import step_label


@dataclass
class CheckTarget:
    """``image`` H×W×3 uint8 (what the canvas should look like), ``brush_mm`` the layer's
    brush (None for lessons made before stroke plans), ``palette_rgb`` K×3 uint8 (mix n is
    row n - 1), ``canvas`` (width, height, unit) from ``lesson.json``."""

    image: np.ndarray = field(repr=False)
    brush_mm: float | None
    palette_rgb: np.ndarray = field(repr=False)
    canvas: tuple[float, float, str]


def check_choices(generation: Generation) -> list[dict]:
    """Every step and sub-step a canvas can be checked against, in painting order:
    ``{"key", "label", "step", "image"}`` (``image``: the lesson file to show beside the
    form, the step's picture or the sub-step's where-to-paint picture)."""
    choices = []
    for step in generation.lesson_steps():
        key = f"{step.order:02d}"
        choices.append({"key": key, "label": f"{step_label(key)}: {step.title} (the whole step)",
                        "step": step.order, "image": step.image_name})
        for sub in step.substeps:
            choices.append({"key": sub["key"], "label": f"{step_label(sub['key'])}: mix {sub['color']}",
                            "step": step.order, "image": sub["image"]})
    return choices


def step_target(generation: Generation, key: str) -> CheckTarget:
    """The target of step ``"NN"`` or sub-step ``"NN-MM"`` of the generation's lesson.

    Raises ``InputError`` when the lesson has no such step (it was planned again since),
    :class:`~studio.job_runs.ServerFailure` when a file of the lesson is missing.
    """
    lesson = generation.lesson or {}
    steps = {f"{step.order:02d}": step for step in generation.lesson_steps()}
    step_key, _, mix = key.partition("-")
    step = steps.get(step_key)
    if step is None or (mix and key not in {sub["key"] for sub in step.substeps}):
        raise InputError(f"The lesson has no {step_label(key).lower()} any more (it was planned again): "
                         "check your canvas against one of its steps now.")
    palette_rgb = np.array([color.rgb for color in generation.lesson_palette()], dtype=np.uint8).reshape(-1, 3)
    canvas = lesson["canvas"]
    size = (float(canvas["width"]), float(canvas["height"]), str(canvas["unit"]))
    image = _substep_canvas(generation, key) if mix else _read_rgb(_lesson_file(generation, step.image_name))
    return CheckTarget(image, step.brush_mm, palette_rgb, size)


def _substep_canvas(generation: Generation, key: str) -> np.ndarray:
    """The canvas at the end of sub-step ``key``: the plan painted stroke by stroke up to it."""
    from engine.plan.model import Plan
    from engine.plan.render import BARE, labels_to_rgb, paint_stroke
    from engine.plan.substeps import layer_substeps

    with _lesson_file(generation, "plan.json").open("rb") as handle:
        plan = Plan.from_json(json.loads(handle.read().decode("utf-8")))
    layer_number, order = (int(part) for part in key.split("-"))
    layer = plan.layers[layer_number - 1]
    sub = next(s for s in layer_substeps(layer) if s.order == order)
    labels = np.full(plan.shape, BARE, dtype=np.int32)
    for earlier in plan.layers[: layer_number - 1]:
        for stroke in earlier.strokes:
            paint_stroke(labels, stroke)
    for stroke in layer.strokes[: sub.first + sub.count]:
        paint_stroke(labels, stroke)
    return labels_to_rgb(labels, plan.palette_rgb)


def _lesson_file(generation: Generation, name: str):
    record = generation.lesson_files.filter(name=name).first()
    if record is None:
        raise ServerFailure(f"The lesson's {name} is missing from storage: re-plan the lesson, then check your canvas.")
    return record.file


def _read_rgb(field_file) -> np.ndarray:
    with field_file.open("rb") as handle:
        return pil_to_rgb_array(Image.open(io.BytesIO(handle.read())))
