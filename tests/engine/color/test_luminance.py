"""Luminance helpers: Rec. 601 luma in grey, matched spread, and chroma kept from the photo."""

import numpy as np

from engine.color.luminance import grey, matched_grey, with_chroma_of


def test_grey_is_rec_601_luma_and_the_chroma_comes_from_the_photo():
    colours = np.array([[[0.7, 0.35, 0.3], [0.2, 0.6, 0.9], [0.5, 0.5, 0.5]]])  # chroma kept in gamut at luma ½
    expected = colours @ np.array([0.299, 0.587, 0.114])
    g = grey(colours)
    assert g.shape == colours.shape
    np.testing.assert_allclose(g, np.repeat(expected[..., None], 3, axis=-1), atol=1e-6)

    style = np.random.default_rng(0).random((8, 8, 3))
    matched = matched_grey(style, grey(colours))[..., 0]
    assert abs(matched.mean() - expected.mean()) < 1e-6 and abs(matched.std() - expected.std()) < 1e-6

    photo = (colours * 255).astype(np.uint8)
    result = np.full_like(photo, 128)
    mixed = with_chroma_of(result, photo).astype(float) / 255
    # Luma of the result, I and Q of the photo (up to the rounding to uint8).
    np.testing.assert_allclose(grey(mixed)[..., 0], 128 / 255, atol=3 / 255)
    yiq = np.array([[0.596, -0.274, -0.322], [0.211, -0.523, 0.312]])
    np.testing.assert_allclose(mixed @ yiq.T, (photo / 255) @ yiq.T, atol=3 / 255)
