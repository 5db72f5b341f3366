"""Levels: each keeps its stroke budget, its few block-in mixes and a painter's reach, on a
photo and a synthetic painting; bad levels and budgets get clear messages."""

import json

import numpy as np
import pytest

from engine.imageio import load_image, resize_long_side
from engine.lesson.grid import fit_to_canvas
from engine.lesson.palette import extract
from engine.plan.levels import BLOCK_IN_MIXES, LEVELS, MAX_STROKE_MM, get_level, typical_minutes
from engine.plan.measures import plan_measures
from engine.plan.outputs import plan_picture
from engine.plan.planner import plan_strokes
from engine.strokes.synth import paint

CANVAS = (40.0, 30.0, "cm")


@pytest.fixture(scope="module")
def pictures(shared_data):
    photo = resize_long_side(fit_to_canvas(load_image(shared_data / "content" / "puppy.jpg"), 40, 30), 256)
    synthetic = paint((192, 256), seed=1001, grid_scale=32.0).image
    return {"photo": photo, "synthetic": synthetic}


@pytest.fixture(scope="module")
def plans(pictures):
    out = {}
    for kind, picture in pictures.items():
        palette = extract(picture, 16).rgb
        for level in LEVELS:
            planned = plan_picture(picture, palette, canvas=CANVAS, level=level)
            out[kind, level] = (planned, plan_measures(planned.plan, picture, planned.final))
    return out


@pytest.mark.parametrize("kind", ["photo", "synthetic"])
@pytest.mark.parametrize("level", list(LEVELS))
def test_each_level_keeps_its_budget_block_in_and_reach(plans, kind, level):
    planned, measures = plans[kind, level]
    settings = get_level(level)
    if settings.budget is not None:
        assert measures["strokes_per_100_cm2"] <= settings.budget
    assert measures["block_in_colors"] <= BLOCK_IN_MIXES
    assert measures["longest_stroke_cm"] <= MAX_STROKE_MM / 10
    assert planned.plan.level == level
    for layer in planned.plan.layers[1:]:
        if settings.layer_mixes is not None:
            assert len(layer.colors()) <= settings.layer_mixes
    # The block-in's masses name every palette colour once, each under one of its mixes.
    mixes = {mix for mix, _ in planned.plan.block_in}
    assert mixes == set(planned.plan.layers[0].colors()) or mixes >= set(planned.plan.layers[0].colors())
    members = sorted(n for _, stands_for in planned.plan.block_in for n in stands_for)
    assert members == list(range(1, len(planned.plan.palette_rgb) + 1))


def test_more_detailed_levels_paint_more_strokes_nearer_the_picture(plans):
    strokes = [plans["photo", level][1]["strokes"] for level in ("beginner", "intermediate", "detailed")]
    error = [plans["photo", level][1]["plan_delta_e"] for level in ("beginner", "intermediate", "detailed")]
    assert strokes == sorted(strokes) and strokes[0] < strokes[-1]
    assert error == sorted(error, reverse=True) and error[0] > error[-1]
    minutes = [plans["photo", level][1]["painting_minutes"] for level in ("beginner", "intermediate", "detailed")]
    assert minutes == sorted(minutes)


def test_the_same_input_gives_the_same_plan_at_every_level(pictures, plans):
    photo = pictures["photo"]
    palette = extract(photo, 16).rgb
    for level in LEVELS:
        again = plan_picture(photo, palette, canvas=CANVAS, level=level)
        assert json.dumps(again.plan.to_json()) == json.dumps(plans["photo", level][0].plan.to_json())


def test_unknown_levels_and_budgets_that_cannot_cover_the_canvas_are_refused_clearly(pictures):
    with pytest.raises(ValueError, match="beginner, intermediate, detailed"):
        get_level("expert")
    with pytest.raises(ValueError, match="unknown level"):
        plan_picture(pictures["photo"], extract(pictures["photo"], 4).rgb, level="expert")
    palette = extract(pictures["photo"], 8).rgb
    with pytest.raises(ValueError, match="cannot cover this canvas"):
        plan_strokes(pictures["photo"], palette, canvas=CANVAS, strokes_per_100_cm2=0.5)
    with pytest.raises(ValueError, match="allows no stroke"):
        plan_strokes(pictures["photo"], palette, canvas=(5, 5, "cm"), strokes_per_100_cm2=1)
    with pytest.raises(ValueError, match="cannot be made"):
        plan_strokes(pictures["photo"], palette, canvas=CANVAS, max_stroke_mm=10)


@pytest.mark.parametrize("picture", [np.full((40, 60, 3), (90, 140, 60), np.uint8),
                                     np.random.default_rng(2).integers(0, 255, (3, 4, 3), dtype=np.uint8)],
                         ids=["one colour", "tiny"])
def test_a_one_colour_or_tiny_picture_gives_a_valid_plan_at_every_level(picture):
    palette = extract(picture, 4).rgb
    for level in LEVELS:
        planned = plan_picture(picture, palette, canvas=CANVAS, level=level)
        assert planned.plan.stroke_count >= 1 and (planned.final >= 0).all()  # nothing left bare


def test_typical_minutes_grow_with_the_canvas_and_the_level():
    assert typical_minutes("beginner", 1200) < typical_minutes("intermediate", 1200) < typical_minutes("detailed", 1200)
    assert typical_minutes("beginner", 2400) == pytest.approx(2 * typical_minutes("beginner", 1200))
