"""Painting time: strokes by brush and travel, a new mix costs more than one already mixed."""

import numpy as np
import pytest

from engine.lesson.palette import extract
from engine.plan.outputs import plan_picture
from engine.plan.substeps import plan_substeps
from engine.plan.timing import NEW_MIX_MINUTES, SWITCH_MINUTES, plan_minutes, stroke_seconds, substep_minutes


def test_a_stroke_takes_longer_the_further_and_the_finer_the_brush_travels():
    assert stroke_seconds([0.0], 25.0)[0] < stroke_seconds([0.0], 3.0)[0]
    assert stroke_seconds([150.0], 12.0)[0] - stroke_seconds([0.0], 12.0)[0] == pytest.approx(5.0)
    assert substep_minutes([50.0] * 10, 12.0, new_mix=True) - substep_minutes([50.0] * 10, 12.0, new_mix=False) \
        == pytest.approx(NEW_MIX_MINUTES - SWITCH_MINUTES)


def test_plan_minutes_add_up_and_each_mix_is_new_once():
    rng = np.random.default_rng(2)
    picture = np.kron(rng.integers(0, 255, (4, 6, 3)), np.ones((16, 16, 1))).astype(np.uint8)
    plan = plan_picture(picture, extract(picture, 5).rgb, level="beginner").plan
    minutes = plan_minutes(plan)
    steps = plan_substeps(plan)
    assert set(minutes["substeps"]) == {s.key for s in steps}
    assert minutes["total"] == pytest.approx(sum(minutes["layers"]), abs=0.1)
    assert sum(minutes["substeps"].values()) < minutes["total"]  # plus a brush change per layer
    first_use = {}
    for step in steps:
        first_use.setdefault(step.color, step.key)
    assert all(minutes["substeps"][key] >= NEW_MIX_MINUTES for key in first_use.values())
