"""The original project's recipe, kept exactly as its code ran, as the baseline to beat.

Its images were read with OpenCV, centre-cropped to a square and resized to 400×400 with
bilinear interpolation (no antialiasing), both the photo and the style; the image started
as the photo plus uniform noise in ±0.2 and took 2000 Adam steps (learning rate 0.03),
clipped to [0, 1] after each, on the objective of :mod:`engine.transfer.losses`. The
``original`` preset runs this; ``python -m engine bench reproduce`` checks it against the
original's published loss log.
"""

from __future__ import annotations

import numpy as np

SIZE = 400
STEPS = 2000
LEARNING_RATE = 0.03
NOISE_RANGE = 0.2


def centre_square(image: np.ndarray, size: int = SIZE) -> np.ndarray:
    """The largest centred square of ``image`` resized to ``size``×``size``, as the original did.

    Parameters
    ----------
    image : (H, W, 3) uint8 array
        RGB picture.
    size : int
        Side of the result in pixels.

    Returns
    -------
    (size, size, 3) uint8 array
        Bilinear without antialiasing (OpenCV's ``INTER_LINEAR``, which TensorFlow's
        half-pixel-centred bilinear resize matches).
    """
    from keras import ops

    square = centre_crop(image).astype(np.float32)
    resized = ops.image.resize(square, (size, size), interpolation="bilinear", antialias=False)
    return np.clip(np.round(np.asarray(resized)), 0, 255).astype(np.uint8)


def centre_crop(image: np.ndarray) -> np.ndarray:
    """The largest centred square of an (H, W, …) array (a view, not resized)."""
    height, width = image.shape[:2]
    side = min(height, width)
    top, left = (height - side) // 2, (width - side) // 2
    return image[top:top + side, left:left + side]
