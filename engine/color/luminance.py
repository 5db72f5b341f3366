"""Luminance-only style transfer (Gatys et al. 2016, "Preserving color in neural artistic style transfer").

The optimiser works on grey images (the photo's luminance and the style's, matched
to the photo's mean and spread); the result's luminance is then recombined with the
photo's chroma. YIQ (:func:`engine.color.spaces.rgb_to_yiq`) keeps both conversions
linear and cheap.
"""

from __future__ import annotations

import numpy as np

from engine.color.spaces import RGB_TO_YIQ, luma, rgb_to_yiq, yiq_to_rgb

__all__ = ["RGB_TO_YIQ", "grey", "matched_grey", "with_chroma_of"]


def grey(image: np.ndarray) -> np.ndarray:
    """Grey image carrying ``image``'s luminance.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3), float in [0, 1]
        sRGB picture.

    Returns
    -------
    ndarray, shape (H, W, 3), float in [0, 1]
        The luma (Y of YIQ) repeated in the three channels.
    """
    return np.repeat(luma(image)[..., None], 3, axis=-1)


def matched_grey(style: np.ndarray, photo_grey: np.ndarray) -> np.ndarray:
    """The style's luminance shifted and stretched to the photo's mean and spread.

    Parameters
    ----------
    style : ndarray, shape (H1, W1, 3), float in [0, 1]
        Style picture.
    photo_grey : ndarray, shape (H2, W2, 3), float in [0, 1]
        The photo's :func:`grey` image.

    Returns
    -------
    ndarray, shape (H1, W1, 3), float in [0, 1]
        Grey style whose luma has the photo's mean and standard deviation (clipped).
    """
    y = luma(style)
    target = photo_grey[..., 0]
    y = (y - y.mean()) / max(float(y.std()), 1e-6) * target.std() + target.mean()
    return np.repeat(np.clip(y, 0.0, 1.0)[..., None], 3, axis=-1)


def with_chroma_of(result: np.ndarray, photo: np.ndarray) -> np.ndarray:
    """``result``'s luminance with ``photo``'s chroma.

    Parameters
    ----------
    result, photo : ndarray, shape (H, W, 3), uint8
        The stylised picture and the photo, same shape.

    Returns
    -------
    ndarray, shape (H, W, 3), uint8
        Y of ``result``, I and Q of ``photo``, back in sRGB.
    """
    # float32 throughout, as for the images the optimiser works on
    yiq = rgb_to_yiq(photo.astype(np.float32) / 255.0)
    yiq[..., 0] = luma(result.astype(np.float32) / 255.0)
    return np.round(yiq_to_rgb(yiq) * 255.0).astype(np.uint8)
