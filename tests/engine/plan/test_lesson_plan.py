"""The lesson is built on the stroke plan: one step per plan layer, each one mix at a time."""

import io
import json

import numpy as np
from PIL import Image

from engine.lesson.build import build_lesson
from engine.plan.model import Plan
from engine.plan.render import labels_to_rgb, render_plan
from engine.plan.substeps import layer_substeps


def test_lesson_steps_are_the_plan_layers_with_brushes_sub_steps_and_a_timelapse():
    yy, xx = np.mgrid[0:90, 0:120] / 90.0
    picture = np.stack([0.2 + 0.6 * xx, 0.3 + 0.5 * yy, 0.6 - 0.3 * xx], axis=2)
    picture[(yy - 0.5) ** 2 + (xx - 0.8) ** 2 < 0.05] = (0.9, 0.85, 0.2)
    lesson = build_lesson((picture * 255).astype(np.uint8), max_colors=10, canvas="40x30cm", level="beginner")
    files = lesson.files()
    payload = json.loads(files["lesson.json"])
    plan = Plan.from_json(json.loads(files["plan.json"]))
    assert len(payload["steps"]) == len(plan.layers) == payload["plan"]["layers"] >= 2
    rendered = render_plan(plan)
    for step, layer, labels in zip(payload["steps"], plan.layers, rendered.layers):
        assert step["brush_mm"] == layer.brush_mm and step["strokes"] == len(layer.strokes)
        assert f"{len(layer.strokes)} " in step["instruction"] and f"{layer.brush_mm:g} mm" in step["instruction"]
        assert files[step["stroke_map"]].startswith(b"<svg")
        # One sub-step per mix, in the order painted, each with its picture and minutes.
        assert [sub["color"] for sub in step["substeps"]] == [s.color for s in layer_substeps(layer)] == step["colors"]
        assert sum(sub["strokes"] for sub in step["substeps"]) == len(layer.strokes)
        assert all(files[sub["image"]].startswith(b"\x89PNG") and sub["minutes"] > 0 for sub in step["substeps"])
        assert step["minutes"] > sum(sub["minutes"] for sub in step["substeps"]) - 1e-6
        canvas = np.asarray(Image.open(io.BytesIO(files[step["image"]])).convert("RGB"))
        np.testing.assert_array_equal(canvas, labels_to_rgb(labels, plan.palette_rgb))
    brushes = [s["brush_mm"] for s in payload["steps"]]
    assert brushes == sorted(brushes, reverse=True)
    assert payload["steps"][0]["coverage"] == 1.0  # the block-in covers the canvas
    animation = Image.open(io.BytesIO(files[payload["assets"]["timelapse"]]))
    assert animation.n_frames > 2
    assert payload["sheet"] and payload["values"] and payload["grid"]  # kept beside the plan
    assert payload["plan"]["level"] == "beginner" and payload["plan"]["painting_minutes"] > 0
    assert payload["plan"]["substeps"] == sum(len(step["substeps"]) for step in payload["steps"])
    new_mixes = [sub["color"] for step in payload["steps"] for sub in step["substeps"] if sub["new_mix"]]
    assert sorted(new_mixes) == sorted({sub["color"] for step in payload["steps"] for sub in step["substeps"]})
