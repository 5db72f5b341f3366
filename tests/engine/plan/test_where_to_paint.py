"""Where-to-paint pictures: only the sub-step's strokes stand out; the rest is the faded canvas."""

import numpy as np
import pytest
from scipy import ndimage

from engine.lesson.palette import extract
from engine.plan.outputs import plan_picture
from engine.plan.render import BARE, BLANK_RGB, paint_stroke, stroke_footprint
from engine.plan.substeps import plan_substeps
from engine.plan.where_to_paint import FADE, OUTLINE_PX, OUTLINE_RGB, picture_shape, where_to_paint


@pytest.fixture(scope="module")
def planned():
    rng = np.random.default_rng(11)
    picture = np.kron(rng.integers(20, 235, (6, 8, 3)), np.ones((12, 12, 1))).astype(np.uint8)
    return plan_picture(picture, extract(picture, 6).rgb, canvas=(40, 30, "cm"), level="beginner")


def test_each_picture_shows_only_its_strokes_over_the_faded_canvas(planned):
    plan = planned.plan
    shape = picture_shape(plan, 400)
    scaled = plan.scaled(shape)
    labels = np.full(shape, BARE, dtype=np.int32)
    paints = np.vstack([plan.palette_rgb, [BLANK_RGB]]).astype(np.float64)
    faded = np.round(paints * (1 - FADE) + 255 * FADE).astype(np.uint8)
    faded[-1] = BLANK_RGB
    pictures = list(where_to_paint(plan, long_side=400))
    assert [step.key for step, _ in pictures] == [step.key for step in plan_substeps(plan)]
    for (step, image), scaled_step in zip(pictures, plan_substeps(scaled)):
        assert image.shape == shape + (3,)
        mask = np.zeros(shape, bool)
        for stroke in scaled_step.strokes(scaled):
            top, left, covered = stroke_footprint(stroke.points, stroke.width, shape)
            mask[top : top + covered.shape[0], left : left + covered.shape[1]] |= covered
        near = ndimage.binary_dilation(mask, iterations=OUTLINE_PX + 1)
        np.testing.assert_array_equal(image[~near], faded[labels][~near])  # the canvas so far, faded
        inside = image[mask]
        own = np.all(inside == plan.palette_rgb[step.color - 1], axis=1)
        ink = np.all((inside == 0) | (inside == 255), axis=1)  # direction arrows
        assert own.mean() > 0.5 and (own | ink).all()
        ring = near & ~mask
        assert np.all(image[ring & ndimage.binary_dilation(mask)] == OUTLINE_RGB)  # outlined
        for stroke in scaled_step.strokes(scaled):
            paint_stroke(labels, stroke)


def test_strokes_wide_enough_carry_an_arrow(planned):
    step, image = next(iter(where_to_paint(planned.plan, long_side=800)))  # the block-in's broad strokes
    inside = image[np.all(image != OUTLINE_RGB, axis=2)]
    assert np.all((inside == 0) | (inside == 255), axis=1).any()
