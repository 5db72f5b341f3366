import numpy as np
import pytest

from engine.check.pipeline import check_photo
from engine.check.synthetic_painting import apply_mistake, blob_mask, paint_imperfectly
from engine.color.spaces import lab_to_rgb, rgb_to_lab, to_uint8
from tests.engine.check.conftest import CANVAS, PHOTO_SIZE, photo_of

BRUSH_MM = 8.0  # 2.6 px on the 128 px targets


def _painted(image, seed, kinds=()):
    """The target painted as people paint, with one planted mistake per kind at fixed places."""
    rng = np.random.default_rng(seed)
    painted = paint_imperfectly(image, rng=rng, brush_px=2.6).image
    lab = rgb_to_lab(painted)
    masks = []
    for kind, centre in zip(kinds, [(30, 30), (96, 30), (64, 70)]):
        mask = blob_mask(image.shape[:2], 0.05, centre, rng)
        apply_mistake(lab, mask, kind, rng)
        masks.append(mask)
    return to_uint8(lab_to_rgb(lab)), masks


def test_a_perfect_canvas_under_a_strong_colour_cast_and_gradient_gives_no_regions(stroke_target):
    image, palette = stroke_target
    shot = photo_of(image, 21, cast=0.35, light_variation=0.2)  # the target itself, photographed
    findings = check_photo(shot.photo, image, CANVAS, palette_rgb=palette, brush_mm=BRUSH_MM)
    assert findings.confident and findings.message == ""
    assert findings.regions == []
    assert max(abs(np.log(g)) for g in findings.details["cast"]) > 0.1  # a cast was there to undo


def test_each_kind_of_planted_mistake_is_found_with_its_kind_and_mix(stroke_target):
    image, palette = stroke_target
    painted, masks = _painted(image, 3, ("too_dark", "too_light", "off_colour"))
    shot = photo_of(painted, 8)
    findings = check_photo(shot.photo, image, CANVAS, palette_rgb=palette, brush_mm=BRUSH_MM)
    assert findings.confident
    for kind, mask in zip(("too_dark", "too_light", "off_colour"), masks):
        hits = [f for f in findings.regions if f.region.kind == kind and (f.region.mask & mask).any()]
        assert hits, f"{kind} not found"
        assert hits[0].region.color in range(1, len(palette) + 1)
        assert f"mix {hits[0].region.color}" in hits[0].advice
    # Nothing but the three mistakes is reported.
    assert all(any((f.region.mask & m).any() for m in masks) for f in findings.regions)


def test_the_same_input_gives_the_same_findings(stroke_target):
    image, palette = stroke_target
    painted, _ = _painted(image, 4, ("too_dark",))
    shot = photo_of(painted, 9)
    first = check_photo(shot.photo, image, CANVAS, palette_rgb=palette, brush_mm=BRUSH_MM).to_json()
    second = check_photo(shot.photo.copy(), image.copy(), CANVAS, palette_rgb=palette, brush_mm=BRUSH_MM).to_json()
    first.pop("seconds"), second.pop("seconds")
    assert first == second and first["regions"]


def test_corners_given_by_hand_are_used_and_checked(stroke_target):
    image, palette = stroke_target
    shot = photo_of(image, 21)
    findings = check_photo(shot.photo, image, CANVAS, palette_rgb=palette, corners=shot.corners[[2, 0, 3, 1]])
    np.testing.assert_allclose(findings.corners, shot.corners)  # put in order
    assert findings.confident and findings.regions == []
    with pytest.raises(ValueError, match="inside the"):
        check_photo(shot.photo, image, CANVAS, corners=[[0, 0], [5000, 0], [5000, 400], [0, 400]])
    with pytest.raises(ValueError, match="four"):
        check_photo(shot.photo, image, CANVAS, corners=[1, 2, 3])
    with pytest.raises(ValueError, match="enclose"):
        check_photo(shot.photo, image, CANVAS, corners=[[10, 10], [12, 10], [12, 12], [10, 12]])


def test_bad_inputs_get_a_clear_message_and_never_regions(stroke_target):
    import cv2

    from engine.check.synthetic_scene import table_texture

    image, palette = stroke_target
    with pytest.raises(ValueError, match="too small"):
        check_photo(np.zeros((100, 150, 3), np.uint8), image, CANVAS)
    with pytest.raises(ValueError, match="megapixels"):
        check_photo(np.broadcast_to(np.uint8(0), (12000, 11000, 3)), image, CANVAS)
    with pytest.raises(ValueError, match="target"):
        check_photo(np.zeros((480, 640, 3), np.uint8), np.zeros((0, 3)), CANVAS)
    with pytest.raises(ValueError, match="shapes differ"):
        check_photo(np.zeros((480, 640, 3), np.uint8), image, (30, 40, "cm"))
    # No canvas at all: not confident, nothing reported, a message to act on.
    table = (table_texture(PHOTO_SIZE, 6.0, np.random.default_rng(2)) ** (1 / 2.2) * 255).astype(np.uint8)
    nothing = check_photo(table, image, CANVAS, palette_rgb=palette)
    assert not nothing.confident and nothing.regions == [] and "corners" in nothing.message
    # A blank canvas and a different painting: found, but not compared region by region.
    blank = check_photo(photo_of(np.full_like(image, 245), 5).photo, image, CANVAS, palette_rgb=palette)
    assert blank.regions == [] and "blank" in blank.message
    # A canvas only a couple of hundred px across: too little to compare.
    far = cv2.resize(photo_of(image, 5).photo, (352, 264), interpolation=cv2.INTER_AREA)
    small = check_photo(far, image, CANVAS, palette_rgb=palette)
    assert not small.confident and small.regions == [] and "too small to check" in small.message
    other = np.ascontiguousarray(np.rot90(image, 2))
    different = check_photo(photo_of(other, 6).photo, image, CANVAS, palette_rgb=palette)
    assert different.regions == [] and "target" in different.message


def test_boxes_are_in_the_targets_px_when_the_comparison_runs_on_a_smaller_copy(stroke_target, monkeypatch):
    import engine.check.pipeline as pipeline

    image, palette = stroke_target
    painted, masks = _painted(image, 3, ("too_dark",))
    shot = photo_of(painted, 8)
    monkeypatch.setattr(pipeline, "WORK_SIDE", 64)  # the 128 px target compared at 64 px
    findings = check_photo(shot.photo, image, CANVAS, palette_rgb=palette, brush_mm=BRUSH_MM)
    assert findings.rectified.shape[:2] == (48, 64) and findings.target_shape == image.shape[:2]
    dark = [f.region for f in findings.regions if f.region.kind == "too_dark"]
    assert dark
    x0, y0, x1, y1 = dark[0].bbox
    ys, xs = np.nonzero(masks[0])
    # The box covers the planted blob's centre in the target's own px.
    assert x0 <= xs.mean() <= x1 and y0 <= ys.mean() <= y1 and x1 <= image.shape[1] and y1 <= image.shape[0]
    assert findings.picture().shape[1] >= 800
