"""The stroke planner: brushes, colours, fidelity, determinism, economy and bad input."""

import json

import numpy as np
import pytest

from engine.lesson.palette import extract
from engine.plan.measures import labels_delta_e, plan_measures
from engine.plan.model import validate_plan
from engine.plan.outputs import plan_picture
from engine.plan.planner import canvas_mm_per_px, choose_brushes, plan_strokes
from engine.plan.render import labels_to_rgb, stroke_footprint
from tests.engine.plan.conftest import PAINTS, flat_strokes_picture


def test_layers_go_from_the_largest_brush_to_the_smallest(planned):
    widths = [layer.brush_mm for layer in planned.plan.layers]
    assert widths == sorted(widths, reverse=True) and len(set(widths)) == len(widths)
    mm_per_px = canvas_mm_per_px((40, 30, "cm"), planned.plan.shape)
    for layer in planned.plan.layers:
        assert layer.width_px == pytest.approx(layer.brush_mm / mm_per_px, abs=0.01)
        assert all(s.width == layer.width_px for s in layer.strokes)


def test_flat_strokes_of_known_colours_give_those_colour_numbers_and_near_perfect_fidelity():
    picture = flat_strokes_picture()
    palette = extract(picture, 8)
    assert len(palette) == 4  # fewer colours than asked: the picture's own
    planned = plan_picture(picture, palette.rgb, canvas=(32, 24, "cm"))
    used = {s.color for layer in planned.plan.layers for s in layer.strokes}
    assert used == {1, 2, 3, 4}
    numbers = {tuple(palette.rgb[n - 1]) for n in used}
    assert numbers == {tuple(c) for c in PAINTS}
    measures = plan_measures(planned.plan, picture, planned.final)
    assert measures["quantized_delta_e"] == 0.0
    # Only stroke edges can miss: a thin rim around the three strokes.
    assert measures["plan_delta_e"] < 1.5
    wrong = (labels_to_rgb(planned.final, palette.rgb) != picture).any(axis=2).mean()
    assert wrong < 0.05


def test_the_same_input_gives_the_same_plan(photo_like):
    paints = extract(photo_like, 12).rgb
    first = plan_strokes(photo_like, paints).to_json()
    second = plan_strokes(photo_like, paints).to_json()
    assert first == second
    other_seed = plan_strokes(photo_like, paints, seed=1).to_json()
    assert other_seed != first  # the seed really orders the strokes


def test_brushes_are_real_widths_chosen_for_the_canvas():
    assert choose_brushes((40, 30, "cm"), (384, 512)) == [25.0, 12.0, 6.0, 3.0, 2.0]
    small = choose_brushes((40, 30, "cm"), (48, 64))
    assert len(small) == 1 and small[0] / canvas_mm_per_px((40, 30, "cm"), (48, 64)) >= 2.0
    assert choose_brushes((16, 12, "in"), (384, 512))[0] == 25.0


@pytest.mark.parametrize("case", ["flat", "tiny", "strip", "few_colours", "grey"])
def test_bad_input_gives_a_valid_plan_or_a_clear_error(case):
    rng = np.random.default_rng(1)
    pictures = {
        "flat": np.full((90, 120, 3), 128, np.uint8),
        "tiny": rng.integers(0, 255, (64, 64, 3)).astype(np.uint8),
        "strip": np.repeat(np.linspace(0, 255, 400).astype(np.uint8)[None, :, None], 50, 0).repeat(3, 2),
        "few_colours": flat_strokes_picture((64, 80)),
        "grey": rng.integers(0, 255, (70, 70)).astype(np.uint8),
    }
    picture = pictures[case]
    palette = extract(picture, 16)
    planned = plan_picture(picture, palette.rgb, canvas=(40, 30, "cm"))
    validate_plan(json.loads(json.dumps(planned.plan.to_json())))
    assert len(planned.plan.layers) >= 1 and (planned.final >= 0).all()
    if case == "flat":
        assert labels_delta_e(picture, planned.final, palette.rgb) == 0.0


def test_unusable_arguments_raise_value_errors(photo_like):
    paints = extract(photo_like, 4).rgb
    with pytest.raises(ValueError, match="palette is empty"):
        plan_strokes(photo_like, np.zeros((0, 3), np.uint8))
    with pytest.raises(ValueError, match="canvas"):
        plan_strokes(photo_like, paints, canvas="forty by thirty")
    with pytest.raises(ValueError, match="brush widths"):
        plan_strokes(photo_like, paints, brushes_mm=[10, -1])
    with pytest.raises(ValueError, match="image is empty|picture is empty"):
        plan_strokes(np.zeros((0, 5, 3), np.uint8), paints)


def test_every_stroke_stays_visible_and_flat_areas_take_few_strokes(planned, photo_like):
    """No stroke after the block-in (kept whole: it covers the canvas) is hidden entirely
    by later ones, and strokes are placed where they pay: a flat picture is painted in
    its block-in alone."""
    owner = np.full(planned.plan.shape, -1)
    strokes = [s for layer in planned.plan.layers for s in layer.strokes]
    for i, stroke in enumerate(strokes):
        top, left, mask = stroke_footprint(stroke.points, stroke.width, owner.shape)
        owner[top : top + mask.shape[0], left : left + mask.shape[1]][mask] = i
    block_in = len(planned.plan.layers[0].strokes)
    assert set(range(block_in, len(strokes))) <= set(np.unique(owner).tolist())
    flat = np.full((96, 128, 3), (70, 120, 160), np.uint8)
    plan = plan_strokes(flat, extract(flat, 4).rgb, canvas=(40, 30, "cm"))
    assert len(plan.layers) == 1 and plan.stroke_count <= 100  # 90 today: strokes of at most 15 cm, then gap fills
