"""Undo the light of a canvas photo: colour cast, uneven light and the camera's tone curve.

In linear light a photographed paint is the paint times the light falling on it, per
channel, and the camera bends the result by a tone curve. So, per channel c,
``log photo_c = field_c(x, y) + γ_c · log target_c``: ``field_c`` a smooth surface (a
polynomial of degree 2 in x and y: gradient, fall-off, a lamp's glow, the cast) and
``γ_c`` the tone curve's slope (held near 1). It is fitted against the target by
iteratively reweighted least squares with Tukey's biweight, so the areas the painter got
wrong — up to a third of the canvas — get no weight and do not drag the fit; edges of
the target's colour areas, where a painting never matches pixel for pixel, are left out
too. The corrected photo is then in the target's own colours wherever it was painted right.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from engine.color.spaces import srgb_to_linear

#: Added before taking logarithms of linear RGB, so near-black paint does not dominate.
LOG_FLOOR = 0.02
#: Weight that holds the tone-curve slope γ near 1 (in units of fitted samples).
SLOPE_PRIOR = 0.05
#: Fitted on a grid this many cells on its longer side.
FIT_SIDE = 64


@dataclass
class LightFit:
    """The fitted light: ``corrected`` H×W×3 float32 linear RGB (the photo as if lit like
    the target), ``coefficients`` 3×6 polynomial terms per channel, ``slopes`` γ per
    channel, ``inliers`` the share of fitted samples given full weight, ``cast`` the
    mean gain per channel (R, G, B; 1 = none)."""

    corrected: np.ndarray
    coefficients: np.ndarray
    slopes: np.ndarray
    inliers: float
    cast: np.ndarray


def _basis(xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Polynomial terms of degree ≤ 2 in x, y ∈ [-1, 1]: …×6."""
    return np.stack([np.ones_like(xs), xs, ys, xs * xs, xs * ys, ys * ys], axis=-1)


def _grid(height: int, width: int):
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float64)
    return 2 * (xs + 0.5) / width - 1, 2 * (ys + 0.5) / height - 1


def fit_light(photo_linear: np.ndarray, target_linear: np.ndarray, *, brush_px: float = 2.0,
              iterations: int = 12) -> LightFit:
    """Fit and undo the light of a rectified canvas photo against its target.

    Parameters
    ----------
    photo_linear : ndarray, shape (H, W, 3), float
        The rectified photo in linear RGB (0–1).
    target_linear : ndarray, shape (H, W, 3), float
        The target in linear RGB (0–1), same size.
    brush_px : float
        Brush width in px: both are blurred to about this scale before fitting, and the
        target's edges are left out over this width.
    iterations : int
        Reweighting rounds.

    Returns
    -------
    LightFit
    """
    height, width = photo_linear.shape[:2]
    sigma = max(1.0, brush_px / 2)
    scale = min(1.0, FIT_SIDE / max(height, width))
    size = (max(4, round(width * scale)), max(4, round(height * scale)))
    photo_small = cv2.resize(cv2.GaussianBlur(photo_linear.astype(np.float32), (0, 0), sigma), size,
                             interpolation=cv2.INTER_AREA)
    target_blur = cv2.GaussianBlur(target_linear.astype(np.float32), (0, 0), sigma)
    target_small = cv2.resize(target_blur, size, interpolation=cv2.INTER_AREA)
    # Leave out cells near the target's colour edges: a painting never matches there.
    edge = cv2.resize(_edge_strength(target_linear, sigma), size, interpolation=cv2.INTER_AREA)
    usable = edge < max(0.02, np.quantile(edge, 0.6))
    xs, ys = _grid(size[1], size[0])
    basis = _basis(xs, ys)[usable]  # M×6
    observed = np.log(photo_small[usable] + LOG_FLOOR)  # M×3
    expected = np.log(target_small[usable] + LOG_FLOOR)
    weights = np.ones(len(basis))
    coefficients, slopes = np.zeros((3, 6)), np.ones(3)
    for _ in range(iterations):
        coefficients, slopes = _weighted_fit(basis, observed, expected, weights)
        residual = observed - basis @ coefficients.T - expected * slopes
        weights = _tukey(np.sqrt((residual ** 2).mean(axis=1)))
    xs, ys = _grid(height, width)
    field_ = _basis(xs.astype(np.float32), ys.astype(np.float32)) @ coefficients.T.astype(np.float32)
    # A slope far from 1 would be a tone curve no camera has (a target of one colour leaves
    # it unfixed): keep it in a camera's range, and the exponent where exp() is finite.
    slopes = np.clip(slopes, 0.5, 2.0)
    exponent = (np.log(photo_linear.astype(np.float32) + LOG_FLOOR) - field_) / slopes.astype(np.float32)
    corrected = np.exp(np.clip(exponent, -12.0, 1.0))
    corrected = np.clip(corrected - LOG_FLOOR, 0, 1).astype(np.float32)
    cast = np.exp(coefficients[:, 0])
    return LightFit(corrected, coefficients, slopes, float((weights > 0.5).mean()), cast)


def linear(image) -> np.ndarray:
    """uint8 sRGB → float32 linear RGB (a table look-up: the conversion of
    :func:`engine.color.spaces.srgb_to_linear`, done once per level)."""
    table = srgb_to_linear(np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, axis=1))[:, 0].astype(np.float32)
    return table[np.asarray(image, dtype=np.uint8)]


def _edge_strength(target_linear: np.ndarray, sigma: float) -> np.ndarray:
    grey = np.log(target_linear.astype(np.float32).mean(axis=2) + LOG_FLOOR)
    grey = cv2.GaussianBlur(grey, (0, 0), sigma)
    gx, gy = cv2.Sobel(grey, cv2.CV_32F, 1, 0), cv2.Sobel(grey, cv2.CV_32F, 0, 1)
    return np.sqrt(gx * gx + gy * gy)


def _weighted_fit(basis, observed, expected, weights):
    """Per channel: least squares of ``observed ≈ basis·β + γ·expected``, γ pulled to 1."""
    coefficients, slopes = np.zeros((3, basis.shape[1])), np.ones(3)
    root = np.sqrt(weights)[:, None]
    prior = np.sqrt(SLOPE_PRIOR * weights.sum())
    for channel in range(3):  # three small solves, not a loop over pixels
        design = np.column_stack([basis, expected[:, channel]]) * root
        values = observed[:, channel] * root[:, 0]
        design = np.vstack([design, np.r_[np.zeros(basis.shape[1]), prior]])
        values = np.r_[values, prior]
        # Normal equations: a 7×7 solve (lstsq's SVD of the tall matrix costs 30× more).
        solution = np.linalg.solve(design.T @ design + 1e-9 * np.eye(design.shape[1]), design.T @ values)
        coefficients[channel], slopes[channel] = solution[:-1], solution[-1]
    return coefficients, slopes


def _tukey(size: np.ndarray, tuning: float = 4.685) -> np.ndarray:
    """Tukey's biweight for residual sizes (≥ 0) scaled by their median."""
    spread = 1.4826 * np.median(size)
    scaled = size / (tuning * max(spread, 0.01))
    return np.where(np.abs(scaled) < 1, (1 - scaled ** 2) ** 2, 0.0)
