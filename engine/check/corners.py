"""Find the painted rectangle in a phone photo and rectify it to the target's size.

The canvas's four sides are long straight step edges: colour changes across them (paint
inside, table or the canvas's side outside) along most of their length. So: straight
lines from OpenCV's Hough transform on Canny edges, two roughly horizontal and two
roughly vertical ones make a candidate quadrilateral, and each candidate is scored by the
share of its sides where the colour just inside differs from the colour just outside
(a grid line on a cutting mat or wood grain has the same colour on both sides; a book
has only its own outline; a busy painting has rectangles of steps inside it, so larger
candidates are preferred). When the target is known, its aspect ratio rules out the
wrong shapes and the best candidates are compared with it. Each side of the winner is
then re-fitted to the innermost clear step along it (where the canvas's side shows
beside its face, the face is the inner step); only when a side stays unclear is the
whole aligned to the target with OpenCV's ECC. The result says how sure it is; the
studio lets the user drag the corners when it is not.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from engine.check.corner_search import best_quadrilateral
from engine.check.geometry import target_to_photo

#: Longer side of the reduced photo the search runs on, px.
WORK_SIDE = 1000
#: Confidence (0–1) below which the corners are reported as uncertain.
MIN_CONFIDENCE = 0.5


@dataclass
class CanvasCorners:
    """Where the canvas is: ``corners`` 4×2 float64 (top-left, top-right, bottom-right,
    bottom-left; photo px), ``confidence`` 0–1, ``confident`` (the corners can be trusted),
    ``reason`` (why not, in words; "" when confident)."""

    corners: np.ndarray
    confidence: float
    confident: bool
    reason: str = ""


def rectify(photo, corners, target_shape) -> np.ndarray:
    """The canvas cut out of the photo and squared to the target's size.

    Parameters
    ----------
    photo : ndarray, shape (H, W, 3), uint8
        The photo.
    corners : array_like, shape (4, 2)
        The canvas's corners in photo px (top-left, top-right, bottom-right, bottom-left).
    target_shape : tuple of int
        ``(height, width)`` of the result in px.

    Returns
    -------
    ndarray, shape (height, width, 3), uint8
        Photo pixels averaged over each target pixel's footprint (the photo is first
        reduced with area averaging, so a 12 MP photo does not alias).
    """
    height, width = target_shape[:2]
    corners = np.asarray(corners, dtype=np.float64)
    span = max(np.linalg.norm(corners[1] - corners[0]), np.linalg.norm(corners[2] - corners[3])) / width
    scale = min(1.0, 2.0 / max(span, 1e-6))  # keep about 2 photo px per target px, then warp
    if scale < 1.0:
        photo = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        corners = (corners + 0.5) * scale - 0.5
    homography = target_to_photo(corners, (height, width))
    return cv2.warpPerspective(photo, homography, (width, height), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                               borderMode=cv2.BORDER_REPLICATE)


def find_canvas(photo, *, target=None, work_side: int = WORK_SIDE) -> CanvasCorners:
    """The four corners of the painted canvas in a photo.

    Parameters
    ----------
    photo : ndarray, shape (H, W, 3), uint8
        A photo of the canvas (perspective up to ~20°, turned up to ~15°, other things
        around it).
    target : ndarray, shape (h, w, 3), uint8, optional
        What the canvas should look like: its aspect ratio and content single out the
        canvas among other rectangles and put the corners on the painted face.
    work_side : int
        Longer side in px of the reduced photo searched.

    Returns
    -------
    CanvasCorners
        Corners in the photo's px; ``confident`` False (with a reason) when no quadrilateral
        has clear colour steps on all four sides.
    """
    height, width = photo.shape[:2]
    scale = min(1.0, work_side / max(height, width))
    small = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else photo
    found = best_quadrilateral(small, target)
    if found is None:
        whole = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float64)
        return CanvasCorners(whole, 0.0, False, "no canvas found: no four straight edges enclose a painted area.")
    corners, confidence, reason = found
    corners = (corners + 0.5) / scale - 0.5
    return CanvasCorners(corners, round(float(confidence), 3), confidence >= MIN_CONFIDENCE and not reason, reason)
