"""Rendering a plan: the JSON reproduces its layer images, and the round brush's footprint."""

import io
import json

import numpy as np
import pytest
from PIL import Image

from engine.plan.model import Plan
from engine.plan.outputs import layer_image_name
from engine.plan.render import labels_to_rgb, render_plan, stroke_footprint


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
