"""Painting steps: the plan's layers, one mix at a time; the steps command prints the same steps."""

import json

import numpy as np
import pytest

from engine.color.names import plain_words
from engine.lesson.palette import extract_with_labels
from engine.lesson.steps import steps_from_plan
from engine.plan.outputs import plan_picture
from engine.plan.render import labels_to_rgb
from engine.plan.substeps import layer_substeps

SKY, BODY, SHADOW, SPARKLE = (110, 150, 200), (150, 90, 50), (40, 25, 20), (250, 250, 245)


def motif(size=96):
    """Background, a big disc (the subject) with dark details and small light sparkles."""
    yy, xx = np.mgrid[0:size, 0 : size * 4 // 3]
    image = np.empty((size, size * 4 // 3, 3), dtype=np.uint8)
    image[:] = SKY
    centre = size // 2
    image[(yy - centre) ** 2 + (xx - centre) ** 2 < (size // 3) ** 2] = BODY
    image[centre - 3 : centre + 3, centre - 12 : centre - 6] = SHADOW  # small dark details
    image[centre + 10 : centre + 13, centre - 2 : centre + 2] = SPARKLE  # highlights
    return image


@pytest.fixture(scope="module")
def steps_and_plan():
    image = motif()
    palette, _ = extract_with_labels(image, 6)
    planned = plan_picture(image, palette.rgb, canvas=(40, 30, "cm"), level="beginner")
    return steps_from_plan(planned, palette), planned, palette


def test_one_step_per_layer_whose_canvas_is_the_plan_after_it(steps_and_plan):
    steps, planned, palette = steps_and_plan
    assert [s.order for s in steps] == list(range(1, len(planned.plan.layers) + 1))
    covered = np.zeros(planned.plan.shape, bool)
    for step, layer, labels in zip(steps, planned.plan.layers, planned.render.layers):
        np.testing.assert_array_equal(step.canvas, labels_to_rgb(labels, palette.rgb))
        assert step.brush_mm == layer.brush_mm and step.strokes == len(layer.strokes)
        covered |= step.mask
    assert steps[0].mask.all() and covered.all()  # the block-in covers the canvas
    assert [s.stage for s in steps][0] == "block-in" and steps[-1].stage == "details"


def test_each_step_names_its_brush_strokes_and_mixes_one_at_a_time(steps_and_plan):
    steps, planned, palette = steps_and_plan
    for step, layer in zip(steps, planned.plan.layers):
        assert f"{layer.brush_mm:g} mm" in step.instruction and f"{len(layer.strokes)} " in step.instruction
        assert f"{len(step.colors)} mixes" in step.instruction
        assert plain_words(palette[step.colors[0] - 1].name) in step.instruction
        assert [sub["color"] for sub in step.substeps] == [s.color for s in layer_substeps(layer)] == step.colors
        assert step.minutes >= sum(sub["minutes"] for sub in step.substeps)
    payload = steps[0].to_json()
    assert {"brush_mm", "strokes", "minutes", "substeps", "coverage"} <= set(payload)


def test_the_steps_command_prints_the_lessons_steps(tmp_path, capsys):
    from engine.cli import main
    from engine.imageio import save_image

    save_image(tmp_path / "motif.png", motif())
    assert main(["steps", str(tmp_path / "motif.png"), "-o", str(tmp_path / "out"), "--colors", "6",
                 "--level", "beginner", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads((tmp_path / "out" / "steps.json").read_text())
    assert printed["level"] == "beginner" and len(printed["steps"]) >= 2
    for step in printed["steps"]:
        assert (tmp_path / "out" / step["image"]).is_file()
        assert all((tmp_path / "out" / sub["image"]).is_file() for sub in step["substeps"])
    assert main(["steps", str(tmp_path / "motif.png"), "-o", str(tmp_path / "x"), "--canvas", "big"]) == 2
