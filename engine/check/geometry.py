"""Corner order and the homography between a target's pixels and a photo's.

A canvas's corners are always given top-left, top-right, bottom-right, bottom-left in
photo px (clockwise on screen), and a target's outer pixel edges (±0.5 px around its
pixel centres) meet them.
"""

from __future__ import annotations

import cv2
import numpy as np


def order_corners(points) -> np.ndarray:
    """Four points as top-left, top-right, bottom-right, bottom-left (clockwise on screen).

    Parameters
    ----------
    points : array_like, shape (4, 2) or (N, 4, 2)
        ``(x, y)`` px of convex quadrilaterals turned less than 45°.

    Returns
    -------
    ndarray, same shape, float64
    """
    points = np.asarray(points, dtype=np.float64)
    quads = points.reshape(-1, 4, 2)
    centre = quads.mean(axis=1, keepdims=True)
    angle = np.arctan2(quads[..., 1] - centre[..., 1], quads[..., 0] - centre[..., 0])
    clockwise = np.take_along_axis(quads, np.argsort(angle, axis=1)[..., None], axis=1)
    first = np.argmin(clockwise.sum(axis=2), axis=1)
    index = (first[:, None] + np.arange(4)[None, :]) % 4
    return np.take_along_axis(clockwise, index[..., None], axis=1).reshape(points.shape)


def target_to_photo(corners, target_shape) -> np.ndarray:
    """Homography from target px to photo px for a canvas with these ``corners``.

    Parameters
    ----------
    corners : array_like, shape (4, 2)
        Top-left, top-right, bottom-right, bottom-left in photo px.
    target_shape : tuple of int
        ``(height, width)`` of the target in px; its outer edges (±0.5 px around the
        pixel centres) meet the corners.

    Returns
    -------
    ndarray, shape (3, 3), float64
    """
    height, width = target_shape[:2]
    edges = np.array([[-0.5, -0.5], [width - 0.5, -0.5], [width - 0.5, height - 0.5], [-0.5, height - 0.5]])
    return cv2.getPerspectiveTransform(edges.astype(np.float32), np.asarray(corners, dtype=np.float32))
