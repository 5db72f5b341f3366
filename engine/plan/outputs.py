"""A planned painting and its files: ``plan.json``, the canvas after each layer, the
finished canvas, where to paint in each sub-step, stroke maps and the time-lapse —
the same for the command line and the lesson, so both show exactly one plan."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from engine.imageio import encode_compact_png, encode_indexed_png, encode_png
from engine.plan.levels import DEFAULT_LEVEL, get_level
from engine.plan.model import Plan
from engine.plan.planner import plan_strokes
from engine.plan.render import BLANK_RGB, PlanRender, render_plan
from engine.plan.stroke_map import stroke_map_svg
from engine.plan.timelapse import make_timelapse
from engine.plan.where_to_paint import where_to_paint

TIMELAPSE_NAME = "timelapse.webp"


def layer_image_name(index: int) -> str:
    """File name of the canvas after plan layer ``index`` (0-based)."""
    return f"layer-{index + 1:02d}.png"


def stroke_map_name(index: int) -> str:
    """File name of plan layer ``index``'s stroke map."""
    return f"stroke-map-{index + 1:02d}.svg"


def substep_image_name(key: str) -> str:
    """File name of the where-to-paint picture of the sub-step ``key`` (``"NN-MM"``)."""
    return f"substeps/{key}.png"


@dataclass
class PlannedPainting:
    """A :class:`~engine.plan.model.Plan` with its rendering (``render.layers``: the
    canvas after each layer as palette indices, -1 bare)."""

    plan: Plan
    render: PlanRender = field(repr=False)

    @property
    def final(self) -> np.ndarray:
        """H×W int32 palette indices of the finished canvas (-1 bare)."""
        return self.render.final

    def files(self, *, timelapse: bool = True, layer_images: bool = True,
              substep_pictures: bool = True) -> dict[str, bytes]:
        """Relative file name → bytes: ``plan.json``, ``stroke-map-NN.svg``, with
        ``layer_images`` ``layer-NN.png`` and ``final.png``, with ``substep_pictures``
        ``substeps/NN-MM.png`` (:mod:`~engine.plan.where_to_paint`), with ``timelapse``
        ``timelapse.webp``."""
        colors = np.vstack([self.plan.palette_rgb, np.asarray(BLANK_RGB, np.uint8)])

        def png(labels):
            index = np.where(labels < 0, len(colors) - 1, labels)
            # 256 paints and the bare canvas do not fit an 8-bit palette: plain RGB then.
            return encode_indexed_png(index, colors) if len(colors) <= 256 else encode_png(colors[index])

        files = {"plan.json": json.dumps(self.plan.to_json(), separators=(",", ":")).encode("utf-8")}
        for layer, labels in zip(self.plan.layers, self.render.layers):
            if layer_images:
                files[layer_image_name(layer.index)] = png(labels)
            before = self.render.layers[layer.index - 1] if layer.index else None
            files[stroke_map_name(layer.index)] = stroke_map_svg(
                layer, self.plan.shape, self.plan.palette_rgb, labels_before=before).encode("utf-8")
        if layer_images:
            files["final.png"] = png(self.final)
        if substep_pictures:
            for step, picture in where_to_paint(self.plan):
                files[substep_image_name(step.key)] = encode_compact_png(picture)
        if timelapse:
            files[TIMELAPSE_NAME] = make_timelapse(self.plan)
        return files


def plan_picture(picture, palette_rgb, *, canvas=(40.0, 30.0, "cm"), level: str = DEFAULT_LEVEL, seed: int = 0,
                 max_side: int | None = None, progress: Callable[[int, int], None] | None = None,
                 **options) -> PlannedPainting:
    """Plan ``picture`` (H×W×3) with ``palette_rgb`` (K×3 uint8) on ``canvas`` at ``level``
    (:mod:`engine.plan.levels`) and render it; ``options`` go to
    :func:`~engine.plan.planner.plan_strokes` and override the level's settings.

    With ``max_side`` a larger picture is planned at that many px on its longer side
    (strokes finer than about 1/500 of the canvas are not worth a painter's time) and
    the plan scaled back to the picture's size, so the plan and its pictures match it.
    """
    from engine.imageio import as_rgb_uint8, resize_long_side

    picture = as_rgb_uint8(picture, name="picture")
    small = picture
    if max_side is not None and max(picture.shape[:2]) > max_side:
        small = resize_long_side(picture, max_side)
    options = {**get_level(level).planner_options(), **options}
    plan = plan_strokes(small, palette_rgb, canvas=canvas, seed=seed, progress=progress, **options)
    if small is not picture:
        plan = plan.scaled(picture.shape[:2])
    return PlannedPainting(plan, render_plan(plan))
