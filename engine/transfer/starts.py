"""Where the optimisation starts: the photo, the original's noisy photo, or a matched photo.

The matched start gives L-BFGS a head start on the style terms, which dominate the
original objective at the photo (its loss there is ~30× the final one): the photo's
colours are moved to the style's mean and covariance (an affine map, so the picture
stays intact), and the style's own fine texture (what a Gaussian blur removes) is laid
over it. Measured at 128 px on puppy + paint1 with real weights: 150 L-BFGS iterations
end at 1.62 from this start against 1.70 from the photo.
"""

from __future__ import annotations

import numpy as np

from engine.errors import InputError

STARTS = ("photo", "noisy", "matched")
DETAIL_SIGMA = 1.0  # px: the blur that separates the style's fine texture from its layout


def photo_start(photo: np.ndarray, style: np.ndarray, *, kind: str = "photo",
                noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """The starting image for an optimisation.

    Parameters
    ----------
    photo : (H, W, 3) float32 array in [0, 1]
        The content at the size being optimised.
    style : (h, w, 3) float32 array in [0, 1]
        The style image at that scale (any size; tiled or cropped to the photo's).
    kind : {"photo", "noisy", "matched"}
        ``noisy`` adds uniform noise of ±``noise`` (the original recipe); ``matched``
        see the module docstring.
    noise : float
        Noise range for ``noisy``, 0–1.
    seed : int
        Seed of the noise.

    Returns
    -------
    (1, H, W, 3) float32 array in [0, 1]
    """
    if kind not in STARTS:
        raise InputError(f"start must be one of {', '.join(STARTS)}; got {kind!r}.")
    if kind == "matched":
        start = match_colours(photo, style) + fine_texture(style, photo.shape[:2])
    elif kind == "noisy" and noise:
        rng = np.random.default_rng(seed)
        start = photo + rng.uniform(-noise, noise, photo.shape).astype(np.float32)
    else:
        start = photo
    return np.clip(start, 0.0, 1.0).astype(np.float32)[None]


def match_colours(image: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """``image`` (H×W×3, [0, 1]) with the colour mean and covariance of ``reference``.

    An affine colour map through the Cholesky factors of both covariances; returns a
    float32 H×W×3 array, not clipped.
    """
    a, b = image.reshape(-1, 3).astype(np.float64), reference.reshape(-1, 3).astype(np.float64)
    mean_a, mean_b = a.mean(0), b.mean(0)
    ridge = 1e-5 * np.eye(3)  # flat or grey pictures have singular covariances
    chol_a = np.linalg.cholesky(np.cov((a - mean_a).T) + ridge)
    chol_b = np.linalg.cholesky(np.cov((b - mean_b).T) + ridge)
    mapped = (a - mean_a) @ (chol_b @ np.linalg.inv(chol_a)).T + mean_b
    return mapped.reshape(image.shape).astype(np.float32)


def fine_texture(style: np.ndarray, shape: tuple[int, int], sigma: float = DETAIL_SIGMA) -> np.ndarray:
    """The style's detail (style − its Gaussian blur), tiled or cropped to ``shape`` (H, W)."""
    from scipy import ndimage

    detail = style - ndimage.gaussian_filter(style, (sigma, sigma, 0))
    height, width = shape
    reps = (-(-height // detail.shape[0]), -(-width // detail.shape[1]), 1)
    tiled = np.tile(detail, reps)
    top = (tiled.shape[0] - height) // 2
    left = (tiled.shape[1] - width) // 2
    return tiled[top:top + height, left:left + width].astype(np.float32)
