import numpy as np

from engine.check.synthetic_painting import MISTAKE_KINDS, blob_mask, paint_imperfectly
from engine.color.spaces import delta_e_ciede2000, rgb_to_lab


def test_an_imperfect_canvas_stays_close_to_its_target_and_mistakes_are_what_they_say(stroke_target):
    image, _ = stroke_target
    painted = paint_imperfectly(image, rng=np.random.default_rng(0), brush_px=2.5, n_mistakes=3)
    assert len(painted.mistakes) == 3 and {m.kind for m in painted.mistakes} <= set(MISTAKE_KINDS)
    mistaken = np.any([m.mask for m in painted.mistakes], axis=0)
    error = delta_e_ciede2000(rgb_to_lab(painted.image), rgb_to_lab(image))
    assert 1 < np.median(error[~mistaken]) < 6  # never exact, never far (edges shifted aside)
    for mistake in painted.mistakes:
        assert 0.015 < mistake.mask.mean() < 0.065
        assert mistake.delta_e > 7
        if mistake.kind == "too_dark":
            assert mistake.delta_l < -7
        elif mistake.kind == "too_light":
            assert mistake.delta_l > 7
        else:
            assert abs(mistake.delta_l) < 6
    # The same generator state gives the same canvas.
    again = paint_imperfectly(image, rng=np.random.default_rng(0), brush_px=2.5, n_mistakes=3)
    np.testing.assert_array_equal(again.image, painted.image)


def test_a_blob_has_the_asked_share_of_the_picture():
    mask = blob_mask((90, 120), 0.04, (60, 45), np.random.default_rng(1))
    assert abs(mask.mean() - 0.04) < 0.002
    ys, xs = np.nonzero(mask)
    assert abs(xs.mean() - 60) < 15 and abs(ys.mean() - 45) < 15
