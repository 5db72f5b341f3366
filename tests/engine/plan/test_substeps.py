"""Sub-steps: every layer painted one mix at a time, darkest first, recorded in plan.json."""

import json

import numpy as np
import pytest

from engine.color.spaces import rgb_to_lab
from engine.lesson.palette import extract
from engine.plan.model import Plan
from engine.plan.outputs import plan_picture
from engine.plan.render import render_plan
from engine.plan.substeps import group_by_mix, layer_substeps, plan_substeps


@pytest.fixture(scope="module")
def planned():
    rng = np.random.default_rng(7)
    yy, xx = np.mgrid[0:96, 0:128] / 96.0
    image = np.stack([0.2 + 0.6 * xx, 0.3 + 0.4 * yy, 0.7 - 0.4 * xx * yy], axis=2)
    image[(yy - 0.4) ** 2 + (xx - 0.6) ** 2 < 0.05] = (0.9, 0.8, 0.2)
    image = np.clip(image + rng.normal(0, 0.03, image.shape), 0, 1)
    picture = (image * 255).astype(np.uint8)
    return plan_picture(picture, extract(picture, 12).rgb, canvas=(40, 30, "cm"), level="intermediate")


def test_each_layer_is_painted_one_mix_at_a_time_darkest_first(planned):
    lightness = rgb_to_lab(planned.plan.palette_rgb)[:, 0]
    for layer in planned.plan.layers:
        steps = layer_substeps(layer)
        colors = [step.color for step in steps]
        assert len(colors) == len(set(colors))  # a mix is never picked up twice in one layer
        assert sum(step.count for step in steps) == len(layer.strokes)
        assert np.all(np.diff(lightness[np.array(colors) - 1]) >= 0)
        for step in steps:
            assert {s.color for s in step.strokes(planned.plan)} == {step.color}
    assert [s.key for s in plan_substeps(planned.plan)][:2] == ["01-01", "01-02"]


def test_plan_json_records_the_sub_steps_and_older_plans_still_read(planned):
    payload = json.loads(json.dumps(planned.plan.to_json()))
    assert payload["version"] == 2 and payload["level"] == "intermediate"
    for layer, stored in zip(planned.plan.layers, payload["layers"]):
        assert stored["substeps"] == [{"color": s.color, "first": s.first, "count": s.count}
                                      for s in layer_substeps(layer)]
    again = Plan.from_json(payload)
    assert again.block_in == planned.plan.block_in and again.level == "intermediate"
    old = {**payload, "version": 1, "layers": [{k: v for k, v in layer.items() if k != "substeps"}
                                               for layer in payload["layers"]]}
    del old["level"], old["block_in"]
    older = Plan.from_json(old)
    assert older.level is None and older.block_in == []
    np.testing.assert_array_equal(render_plan(older).final, planned.final)


def test_grouping_keeps_each_mix_strokes_in_their_order():
    items = [(0, 3), (1, 1), (2, 3), (3, 2), (4, 1)]  # (original place, colour number)
    grouped = group_by_mix(items, np.array([10.0, 50.0, 30.0]), color=lambda item: item[1])
    assert grouped == [(1, 1), (4, 1), (0, 3), (2, 3), (3, 2)]
