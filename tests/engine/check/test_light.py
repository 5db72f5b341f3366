import numpy as np

from engine.check.light import fit_light, linear
from engine.check.synthetic_painting import blob_mask
from engine.color.spaces import delta_e_ciede2000, linear_to_srgb, rgb_to_lab


def _lit(target_linear, *, cast=(1.3, 1.0, 0.65), variation=0.2, slope=1.1):
    """The target under a strong cast, a ±``variation`` gradient and a tone slope."""
    height, width = target_linear.shape[:2]
    ys, xs = np.mgrid[0:height, 0:width] / np.array([height, width])[:, None, None]
    light = 1 + variation * (xs - 0.5) * 2 * 0.7 + variation * (ys - 0.5) * 2 * 0.3
    return np.clip((target_linear * light[..., None] * np.array(cast)) ** slope, 0, 1)


def _delta_e(a_linear, b_linear):
    return delta_e_ciede2000(rgb_to_lab(linear_to_srgb(a_linear)), rgb_to_lab(linear_to_srgb(b_linear)))


def test_a_perfect_canvas_under_a_strong_cast_and_gradient_comes_back_to_the_target(stroke_target):
    target = linear(stroke_target[0])
    photo = _lit(target)
    assert np.median(_delta_e(photo, target)) > 8  # the cast and light are far from negligible
    fit = fit_light(photo, target, brush_px=2.0)
    assert np.median(_delta_e(fit.corrected, target)) < 1.5
    assert fit.cast[0] > fit.cast[2]  # it saw a warm cast


def test_a_large_mistake_does_not_drag_the_fit(stroke_target):
    target = linear(stroke_target[0])
    mistake = blob_mask(target.shape[:2], 0.15, (40, 50), np.random.default_rng(3))
    painted = target.copy()
    painted[mistake] *= 0.35  # a sixth of the canvas painted far too dark
    fit = fit_light(_lit(painted), target, brush_px=2.0)
    error = _delta_e(fit.corrected, target)
    assert np.median(error[~mistake]) < 1.5  # the rest still comes back right
    lightness = rgb_to_lab(linear_to_srgb(fit.corrected))[..., 0] - rgb_to_lab(linear_to_srgb(target))[..., 0]
    assert np.median(lightness[mistake]) < -10  # and the mistake stays a mistake
    assert 0.6 < fit.inliers < 0.95
