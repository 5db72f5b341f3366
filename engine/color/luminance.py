"""Luminance-only style transfer (Gatys et al. 2016, "Preserving color in neural artistic style transfer").

The optimiser works on grey images (the photo's luminance and the style's, matched
to the photo's mean and spread); the result's luminance is then recombined with the
photo's chroma. YIQ keeps both conversions linear and cheap.
"""

from __future__ import annotations

import numpy as np

RGB_TO_YIQ = np.array([[0.299, 0.587, 0.114],
                       [0.596, -0.274, -0.322],
                       [0.211, -0.523, 0.312]], dtype=np.float32)
YIQ_TO_RGB = np.linalg.inv(RGB_TO_YIQ).astype(np.float32)


def grey(image: np.ndarray) -> np.ndarray:
    """H×W×3 grey image (float, [0, 1]) carrying ``image``'s luminance (Y of YIQ)."""
    y = image @ RGB_TO_YIQ[0]
    return np.repeat(y[..., None], 3, axis=-1)


def matched_grey(style: np.ndarray, photo_grey: np.ndarray) -> np.ndarray:
    """The style's luminance shifted and stretched to the photo's mean and spread."""
    y = style @ RGB_TO_YIQ[0]
    target = photo_grey[..., 0]
    y = (y - y.mean()) / max(float(y.std()), 1e-6) * target.std() + target.mean()
    return np.repeat(np.clip(y, 0.0, 1.0)[..., None], 3, axis=-1)


def with_chroma_of(result: np.ndarray, photo: np.ndarray) -> np.ndarray:
    """uint8 RGB with ``result``'s luminance and ``photo``'s chroma (same shapes, uint8)."""
    yiq = (photo.astype(np.float32) / 255.0) @ RGB_TO_YIQ.T
    yiq[..., 0] = (result.astype(np.float32) / 255.0) @ RGB_TO_YIQ[0]
    rgb = np.clip(yiq @ YIQ_TO_RGB.T, 0.0, 1.0)
    return np.round(rgb * 255.0).astype(np.uint8)
