import numpy as np
import pytest

from engine.check.compare import KINDS, compare
from engine.check.light import linear
from engine.check.synthetic_painting import apply_mistake, blob_mask, paint_imperfectly
from engine.color.spaces import lab_to_rgb, rgb_to_lab, to_uint8

CM_PER_PX = 40.0 / 128


def _with_mistake(target, kind, seed=0):
    rng = np.random.default_rng(seed)
    mask = blob_mask(target.shape[:2], 0.05, (64, 48), rng)
    lab = rgb_to_lab(target)
    apply_mistake(lab, mask, kind, rng)
    return to_uint8(lab_to_rgb(lab)), mask


def test_a_canvas_painted_as_people_paint_but_without_mistakes_gives_no_regions(stroke_target):
    image, palette = stroke_target
    for seed in range(3):  # edges a brush-width off, each paint mixed slightly off, wobble, brush marks
        painted = paint_imperfectly(image, rng=np.random.default_rng(seed), brush_px=2.0).image
        assert compare(linear(painted), linear(image), brush_px=2.0, cm_per_px=CM_PER_PX).regions == []


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_mistake_is_found_with_its_kind_where_it_was_planted(stroke_target, kind):
    image, _ = stroke_target
    painted, mask = _with_mistake(paint_imperfectly(image, rng=np.random.default_rng(1), brush_px=2.0).image, kind)
    labels = np.zeros(image.shape[:2], np.int32)  # every pixel "paint 1"
    regions = compare(linear(painted), linear(image), brush_px=2.0, cm_per_px=CM_PER_PX, target_labels=labels).regions
    assert [r.kind for r in regions] == [kind]
    region = regions[0]
    # Mostly inside the planted blob, and most of it (its rim beside similar target paint
    # is forgiven as placement, hence not all of it).
    assert (region.mask & mask).sum() > 0.8 * region.mask.sum()
    assert (region.mask & mask).sum() > 0.4 * mask.sum()
    x0, y0, x1, y1 = region.bbox
    assert region.mask[y0:y1, x0:x1].sum() == region.mask.sum()
    assert region.area_cm2 == pytest.approx(region.mask.sum() * CM_PER_PX ** 2, abs=0.1)
    assert region.color == 1
    if kind == "too_dark":
        assert region.delta_l < -8
    elif kind == "too_light":
        assert region.delta_l > 8
    else:
        assert abs(region.delta_l) < 6 and region.delta_e > 8


def test_bare_canvas_under_a_region_gives_it_no_colour_number(stroke_target):
    image, _ = stroke_target
    painted, mask = _with_mistake(image, "too_dark")
    labels = np.full(image.shape[:2], -1, np.int32)
    regions = compare(linear(painted), linear(image), brush_px=2.0, cm_per_px=CM_PER_PX, target_labels=labels).regions
    assert regions and all(r.color is None for r in regions)
