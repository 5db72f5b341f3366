"""The stroke planner: rendering, colours, fidelity, determinism, JSON, bad input."""

import io
import json

import numpy as np
import pytest
from PIL import Image

from engine.lesson.palette import extract
from engine.plan.measures import labels_delta_e, plan_measures
from engine.plan.model import Plan, make_stroke, validate_plan
from engine.plan.outputs import layer_image_name, plan_picture
from engine.plan.planner import canvas_mm_per_px, choose_brushes, plan_strokes
from engine.plan.render import labels_to_rgb, render_plan, stroke_footprint

PAINTS = np.array([(240, 236, 225), (180, 40, 40), (40, 70, 160), (230, 190, 40)], dtype=np.uint8)


def flat_strokes_picture(size=(120, 160)):
    """A cream ground with three broad flat strokes of known colours, painted with the
    plan's own brush footprint (so the picture is exactly reachable)."""
    picture = np.empty(size + (3,), dtype=np.uint8)
    picture[...] = PAINTS[0]
    strokes = [
        ([[15, 30], [80, 35], [140, 25]], 22, 1),
        ([[40, 100], [60, 60], [70, 15]], 18, 2),
        ([[100, 90], [150, 100]], 26, 3),
    ]
    scale = size[1] / 160
    for points, width, index in strokes:
        top, left, mask = stroke_footprint(np.array(points, float) * scale, width * scale, size)
        picture[top : top + mask.shape[0], left : left + mask.shape[1]][mask] = PAINTS[index]
    return picture


@pytest.fixture(scope="module")
def photo_like():
    rng = np.random.default_rng(5)
    yy, xx = np.mgrid[0:96, 0:128] / 96.0
    image = np.stack([0.3 + 0.5 * xx, 0.4 + 0.3 * yy, 0.8 - 0.4 * xx * yy], axis=2)
    disc = (yy - 0.5) ** 2 + (xx - 0.7) ** 2 < 0.08
    image[disc] = (0.85, 0.3, 0.2)
    image += rng.normal(0, 0.02, image.shape)
    return np.clip(image * 255, 0, 255).astype(np.uint8)


@pytest.fixture(scope="module")
def planned(photo_like):
    return plan_picture(photo_like, extract(photo_like, 12).rgb, canvas=(40, 30, "cm"))


def test_rendering_the_plan_json_reproduces_its_layer_images_exactly(planned):
    files = planned.files(timelapse=False)
    plan = Plan.from_json(json.loads(files["plan.json"]))
    again = render_plan(plan)
    assert len(again.layers) == len(planned.plan.layers) >= 2
    for layer, labels, expected in zip(plan.layers, again.layers, planned.render.layers):
        np.testing.assert_array_equal(labels, expected)
        stored = np.asarray(Image.open(io.BytesIO(files[layer_image_name(layer.index)])).convert("RGB"))
        np.testing.assert_array_equal(stored, labels_to_rgb(labels, plan.palette_rgb))
    final = np.asarray(Image.open(io.BytesIO(files["final.png"])).convert("RGB"))
    np.testing.assert_array_equal(final, labels_to_rgb(again.final, plan.palette_rgb))
    assert (again.final >= 0).all(), "the first layer covers the whole canvas"


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


def test_plan_json_validates_and_broken_plans_are_refused(planned):
    payload = json.loads(json.dumps(planned.plan.to_json()))
    validate_plan(payload)
    assert payload["layers"][0]["strokes"][0]["points"]
    broken = [
        ("version", lambda p: p.update(version=99)),
        ("color must be a palette number", lambda p: p["layers"][0]["strokes"][0].update(color=len(p["palette"]) + 1)),
        ("width must be positive", lambda p: p["layers"][0]["strokes"][0].update(width=0)),
        ("at least one point", lambda p: p["layers"][0]["strokes"][0].update(points=[])),
        ("finite", lambda p: p["layers"][0]["strokes"][0].update(points=[[1.0, float("nan")]])),
        ("index must be 0", lambda p: p["layers"][0].update(index=3)),
        ("unit", lambda p: p["canvas"].update(unit="px")),
        ("rgb", lambda p: p["palette"][0].update(rgb=[0, 0, 300])),
    ]
    for message, breaks in broken:
        copy = json.loads(json.dumps(payload))
        breaks(copy)
        with pytest.raises(ValueError, match=message):
            validate_plan(copy)


def test_round_brush_footprint_matches_the_project_stroke_renderer():
    from engine.strokes.render import render_stroke

    shape = (80, 100)
    a, b, width = np.array([20.0, 30.0]), np.array([75.0, 52.0]), 14.0
    ours = np.zeros(shape, bool)
    top, left, mask = stroke_footprint(np.array([a, b]), width, shape)
    ours[top : top + mask.shape[0], left : left + mask.shape[1]] = mask
    length = float(np.hypot(*(b - a)))
    angle = -np.degrees(np.arctan2(b[1] - a[1], b[0] - a[0]))
    footprint = render_stroke("round", ((a[1] + b[1]) / 2, (a[0] + b[0]) / 2), length + width, width, angle,
                              shape, rng=np.random.default_rng(0), roughness=0.0)
    theirs = np.zeros(shape, bool)
    theirs[footprint.window] = footprint.mask
    assert (ours != theirs).sum() <= 0.01 * ours.sum()


@pytest.mark.parametrize("points, width", [
    ([[3.2, 4.7], [60.55, 70.1], [10.0, 75.3], [90.25, 2.0]], 7.3),  # long diagonals: segment boxes far apart
    ([[-9.0, 20.0], [15.5, -6.25], [40.0, 30.0]], 12.0),  # partly off the canvas
    ([[50.5, 40.25]], 5.0),  # a dab
    ([[30.0, 30.0], [30.0, 30.0], [33.0, 31.5]], 2.6),  # a repeated point (segment of length zero)
])
def test_round_brush_footprint_is_every_pixel_nearer_than_half_the_width_to_a_segment(points, width):
    shape = (80, 100)
    ours = np.zeros(shape, bool)
    top, left, mask = stroke_footprint(np.array(points, float), width, shape)
    ours[top : top + mask.shape[0], left : left + mask.shape[1]] = mask
    yy, xx = np.mgrid[0 : shape[0], 0 : shape[1]].astype(float)
    pts = np.array(points, float)
    near = np.zeros(shape, bool)
    for (ax, ay), (bx, by) in zip(pts, pts[1:] if len(pts) > 1 else pts):
        dx, dy = bx - ax, by - ay
        t = np.clip(((xx - ax) * dx + (yy - ay) * dy) / max(dx * dx + dy * dy, 1e-12), 0, 1)
        near |= np.hypot(xx - ax - t * dx, yy - ay - t * dy) < width / 2
    assert near.any() and (ours == near).all()


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


def test_order_evaluation_scores_a_perfect_plan_one_and_a_reversed_plan_zero():
    from engine.plan.model import PlanLayer
    from engine.layers.evaluate import layers_of_plan, score_prediction
    from engine.strokes.synth import UNPAINTED, stroke_layers, top_stroke_index

    shape = (60, 90)
    paths = [([[10, 20], [80, 25]], 16), ([[45, 5], [50, 55]], 12), ([[20, 45], [75, 40]], 10)]
    strokes = [make_stroke(points, width, k + 1) for k, (points, width) in enumerate(paths)]
    masks = np.zeros((3,) + shape, bool)
    for k, stroke in enumerate(strokes):
        top, left, mask = stroke_footprint(stroke.points, stroke.width, shape)
        masks[k, top : top + mask.shape[0], left : left + mask.shape[1]] = mask
    keep, depth = stroke_layers(masks)
    assert list(keep) == [0, 1, 2] and list(depth) == [0, 1, 2]
    visible = top_stroke_index(masks)
    layer_image = np.where(visible >= 0, depth[np.maximum(visible, 0)], UNPAINTED)

    def score(order):
        layers = [PlanLayer(i, 10.0, strokes[k].width, [strokes[k]]) for i, k in enumerate(order)]
        plan = Plan(shape, (9.0, 6.0, "cm"), PAINTS, layers)
        counts = score_prediction(layers_of_plan(render_plan(plan)), masks, layer_image)
        return counts["pairs_correct"] / counts["pairs"], counts["pixels_correct"] / counts["pixels"]

    assert score([0, 1, 2]) == (1.0, 1.0)
    assert score([2, 1, 0])[0] == 0.0


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
