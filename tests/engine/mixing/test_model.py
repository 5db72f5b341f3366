"""Subtractive mixing model: measured colours of mixes, not their shapes."""

import numpy as np
import pytest

from engine.color.spaces import rgb_to_lab
from engine.mixing import model
from engine.mixing.paints import DEFAULT_PAINTS, default_paint
from engine.mixing.recipes import mix_recipe

WHITE = default_paint("titanium white")


def hue_degrees(rgb) -> float:
    lab = rgb_to_lab(np.asarray(rgb, dtype=np.uint8))
    return float(np.degrees(np.arctan2(lab[2], lab[1])) % 360)


@pytest.mark.parametrize("blue", ["ultramarine blue", "phthalo blue", "cobalt blue"])
@pytest.mark.parametrize("yellow", ["cadmium yellow light", "cadmium yellow medium"])
def test_yellow_and_blue_make_green(yellow, blue):
    mixed = mix_recipe(f"1 {yellow} + 1 {blue}")
    assert 90.0 < hue_degrees(mixed) < 180.0, mixed
    # Averaging the two colours (mixing light) gives an olive near 100°; pigments, each
    # absorbing what the other reflects, give a clearly greener mix (measured ≈ 130°).
    average = np.round((np.array(default_paint(yellow).rgb) + default_paint(blue).rgb) / 2).astype(np.uint8)
    assert hue_degrees(mixed) > hue_degrees(average) + 15.0


def test_reflectance_reproduces_each_paint():
    rgb = np.array([paint.rgb for paint in DEFAULT_PAINTS], dtype=np.uint8)
    spectra = model.rgb_to_reflectance(rgb)
    assert spectra.shape == (len(rgb), 81)
    assert spectra.min() > 0.0 and spectra.max() < 1.0
    back = np.round(model.reflectance_to_rgb(spectra) * 255)
    assert np.abs(back - rgb).max() <= 1


def test_ks_round_trip_and_dark_paints_keep_precision():
    reflectance = np.array([1e-3, 0.02, 0.3, 0.9, 0.999], dtype=np.float32)
    back = model.ks_to_reflectance(model.reflectance_to_ks(reflectance))
    np.testing.assert_allclose(back, reflectance, rtol=1e-4)


@pytest.mark.parametrize("paint", [p for p in DEFAULT_PAINTS if p.name != "titanium white"], ids=lambda p: p.name)
def test_white_lightens_a_paint_without_turning_its_hue(paint):
    tints = [model.mix_rgb(np.array([paint.rgb, WHITE.rgb], dtype=np.uint8), [1, n]) for n in (1, 2, 3)]
    lightness = [rgb_to_lab(t)[0] for t in tints]
    assert lightness[0] < lightness[1] < lightness[2]
    for lighter, darker in zip(tints[1:], tints[:-1]):
        step = abs((hue_degrees(lighter) - hue_degrees(darker) + 180) % 360 - 180)
        # measured: at most 7.2° (phthalo blue, whose CIELAB hue drifts to cyan), mean 3.5°
        assert step < 8.0, (paint.name, tints)


def test_one_paint_alone_is_its_own_colour():
    for paint in DEFAULT_PAINTS:
        assert tuple(mix_recipe(f"3 {paint.name}")) == pytest.approx(paint.rgb, abs=1)


def test_parts_must_be_positive_and_one_per_paint():
    with pytest.raises(ValueError, match="positive"):
        model.mix_rgb(np.array([WHITE.rgb], dtype=np.uint8), [0])
    with pytest.raises(ValueError, match="one positive number"):
        model.mix_rgb(np.array([WHITE.rgb], dtype=np.uint8), [1, 2])
