"""Colour-space conversions and CIEDE2000 against published and library values."""

import numpy as np
import pytest

from engine.color.spaces import (
    delta_e_ciede2000,
    delta_e_space_to_lab,
    hsv_to_rgb,
    lab_to_delta_e_space,
    lab_to_rgb,
    luma,
    mean_palette_delta_e,
    oklab_to_rgb,
    rgb_to_lab,
    rgb_to_oklab,
    rgb_to_yiq,
    to_uint8,
    unique_colors,
    yiq_to_rgb,
)

# Pairs and expected ΔE00 from Sharma, Wu & Dalal (2005), table 1.
SHARMA = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 3.1571, -77.2803), (50.0, 0.0, -82.7485), 2.8615),
    ((50.0, 2.5, 0.0), (50.0, 0.0, -2.5), 4.3065),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((22.7233, 20.0904, -46.694), (23.0331, 14.973, -42.5619), 2.0373),
    ((2.0776, 0.0795, -1.135), (0.9033, -0.0636, -0.5514), 0.9082),
]


@pytest.mark.parametrize("lab1, lab2, expected", SHARMA)
def test_ciede2000_matches_sharma_table(lab1, lab2, expected):
    assert delta_e_ciede2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert delta_e_ciede2000(lab2, lab1) == pytest.approx(expected, abs=1e-4)


def test_lab_matches_scikit_image_and_round_trips():
    from skimage.color import rgb2lab

    rgb = np.random.default_rng(0).integers(0, 256, (500, 3), dtype=np.uint8)
    lab = rgb_to_lab(rgb)
    np.testing.assert_allclose(lab, rgb2lab(rgb[None])[0], atol=0.02)
    np.testing.assert_array_equal(to_uint8(lab_to_rgb(lab)), rgb)
    np.testing.assert_array_equal(to_uint8(oklab_to_rgb(rgb_to_oklab(rgb))), rgb)
    assert rgb_to_oklab(np.array([255, 255, 255], np.uint8))[0] == pytest.approx(1.0, abs=1e-6)


def test_delta_e_space_tracks_ciede2000_for_small_steps():
    rng = np.random.default_rng(1)
    lab = rgb_to_lab(rng.integers(0, 256, (2000, 3), dtype=np.uint8))
    np.testing.assert_allclose(delta_e_space_to_lab(lab_to_delta_e_space(lab)), lab, atol=1e-3)
    moved = lab + rng.normal(0, 0.7, lab.shape)
    euclid = np.linalg.norm(lab_to_delta_e_space(moved) - lab_to_delta_e_space(lab), axis=1)
    ratio = euclid / delta_e_ciede2000(lab, moved)
    assert 0.9 < np.median(ratio) < 1.1  # plain CIELAB distance is ~1.6× off here


def test_unique_colors_and_mean_delta_e():
    image = np.array([[[1, 2, 3], [4, 5, 6]], [[1, 2, 3], [1, 2, 3]]], dtype=np.uint8)
    colors, counts, inverse = unique_colors(image)
    assert colors.tolist() == [[1, 2, 3], [4, 5, 6]] and counts.tolist() == [3, 1]
    np.testing.assert_array_equal(colors[inverse], image)
    assert mean_palette_delta_e(image, colors) == 0.0
    assert mean_palette_delta_e(image, colors[:1]) == pytest.approx(
        float(delta_e_ciede2000(rgb_to_lab(colors[0]), rgb_to_lab(colors[1]))) / 4
    )


def test_yiq_round_trips_and_luma_is_its_y():
    rgb = np.random.default_rng(2).integers(0, 256, (500, 3), dtype=np.uint8)
    yiq = rgb_to_yiq(rgb)
    np.testing.assert_array_equal(to_uint8(yiq_to_rgb(yiq)), rgb)
    np.testing.assert_allclose(luma(rgb), yiq[:, 0], atol=1e-6)
    np.testing.assert_allclose(luma(rgb), rgb @ [0.299, 0.587, 0.114] / 255.0, atol=1e-6)
    grey = np.array([[0, 0, 0], [128, 128, 128], [255, 255, 255]], np.uint8)
    np.testing.assert_allclose(rgb_to_yiq(grey)[:, 1:], 0.0, atol=1e-6)  # no chroma in greys
    with pytest.raises(ValueError, match="3 channels"):
        luma(np.zeros((4, 2)))


def test_hsv_matches_colorsys():
    import colorsys

    hsv = np.random.default_rng(3).random((300, 3))
    expected = np.array([colorsys.hsv_to_rgb(*row) for row in hsv])
    np.testing.assert_allclose(hsv_to_rgb(hsv), expected, atol=1e-12)


def test_hsv_hue_wraps_a_full_turn():
    # skimage's hsv2rgb, which hsv_to_rgb wraps, takes hues in [0, 1) only
    hsv = np.random.default_rng(4).random((50, 3))
    turned = hsv + np.array([[-1.0, 0, 0]]) * np.arange(-2, 3).repeat(10)[:, None]
    np.testing.assert_allclose(hsv_to_rgb(turned), hsv_to_rgb(hsv), atol=1e-9)
