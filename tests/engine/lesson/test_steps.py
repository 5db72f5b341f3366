"""Painting steps: order, coverage, canvases and instructions."""

import numpy as np
import pytest

from engine.color.names import plain_words
from engine.lesson.palette import extract, extract_with_labels
from engine.lesson.steps import plan_steps

SKY, BODY, SHADOW, SPARKLE = (110, 150, 200), (150, 90, 50), (40, 25, 20), (250, 250, 245)


def motif(size=96):
    """Background, a big disc (the subject) with dark details and small light sparkles."""
    yy, xx = np.mgrid[0:size, 0:size]
    image = np.empty((size, size, 3), dtype=np.uint8)
    image[:] = SKY
    centre = size // 2
    image[(yy - centre) ** 2 + (xx - centre) ** 2 < (size // 3) ** 2] = BODY
    image[centre - 3 : centre + 3, centre - 12 : centre - 6] = SHADOW  # small dark details
    image[centre - 3 : centre + 3, centre + 6 : centre + 12] = SHADOW
    image[centre + 10 : centre + 13, centre - 2 : centre + 2] = SPARKLE  # highlights
    image[10:13, 10:13] = SPARKLE
    return image


@pytest.fixture(scope="module")
def planned():
    image = motif()
    palette, labels = extract_with_labels(image)
    return image, palette, labels, plan_steps(image, palette, labels=labels)


def test_masks_cover_the_canvas_and_the_last_canvas_is_the_quantised_picture(planned):
    image, palette, labels, steps = planned
    covered = np.zeros(labels.shape, dtype=bool)
    for step in steps:
        covered |= step.mask
    assert covered.all()
    np.testing.assert_array_equal(steps[-1].canvas, palette.render(labels))
    assert [s.order for s in steps] == list(range(1, len(steps) + 1))


def test_each_step_changes_only_its_mask_with_its_colours(planned):
    image, palette, labels, steps = planned
    before = np.full_like(steps[0].canvas, 255)
    for step in steps:
        changed = np.any(step.canvas != before, axis=2)
        assert not (changed & ~step.mask).any()
        painted = {tuple(int(v) for v in px) for px in step.canvas[step.mask]}
        assert painted == {palette[n - 1].rgb for n in step.colors}
        bare = step.labels < 0
        np.testing.assert_array_equal(step.canvas[~bare], palette.rgb[step.labels[~bare]])
        assert (step.canvas[bare] == 255).all()
        lightness = [palette.lab[n - 1, 0] for n in step.colors]
        assert lightness == sorted(lightness)  # darkest first
        before = step.canvas


def test_painters_order_background_first_highlights_last(planned):
    image, palette, labels, steps = planned
    size = image.shape[0]
    first = steps[0]
    assert first.title == "Block in the background"
    assert first.mask[0, 0] and not first.mask[size // 2, size // 2]
    assert steps[1].mask[size // 2, size // 2]  # the subject comes next
    last = steps[-1]
    assert last.stage == "highlights"
    sparkle = palette.quantize(np.array([[SPARKLE]], dtype=np.uint8))[0, 0] + 1
    assert last.colors == [sparkle]
    assert last.mask[size // 2 + 11, size // 2] and last.mask[11, 11]
    dark = palette.quantize(np.array([[SHADOW]], dtype=np.uint8))[0, 0] + 1
    dark_steps = [s.order for s in steps if dark in s.colors]
    assert dark_steps and max(dark_steps) < last.order


def test_instructions_name_the_colours_with_numbers(planned):
    image, palette, labels, steps = planned
    for step in steps:
        assert step.instruction and "\n" not in step.instruction
        for number in step.colors:
            assert f"{number} ({plain_words(palette[number - 1].name)})" in step.instruction


def test_same_input_same_steps(planned):
    image, palette, labels, steps = planned
    again = plan_steps(image, palette)
    assert [s.to_json() for s in again] == [s.to_json() for s in steps]
    for a, b in zip(again, steps):
        np.testing.assert_array_equal(a.mask, b.mask)


def test_single_colour_picture_is_one_step():
    image = np.full((30, 40, 3), 90, dtype=np.uint8)
    palette = extract(image)
    steps = plan_steps(image, palette)
    assert len(steps) == 1 and steps[0].mask.all() and steps[0].colors == [1]


def test_one_pixel_strip():
    strip = np.zeros((1, 60, 3), dtype=np.uint8)
    strip[0, 30:] = (200, 180, 20)
    palette = extract(strip)
    steps = plan_steps(strip, palette)
    union = np.logical_or.reduce([s.mask for s in steps])
    assert union.all()
    np.testing.assert_array_equal(steps[-1].canvas, palette.render(palette.quantize(strip)))


def test_bad_sizes_raise_value_error():
    image = motif(32)
    palette = extract(image)
    with pytest.raises(ValueError, match="shape_size"):
        plan_steps(image, palette, block_in_size=0.01, shape_size=0.1)
