"""What a check found: the regions to fix, as JSON and as a picture.

:class:`Findings` is what :func:`engine.check.pipeline.check_photo` returns and what the
command line prints with ``--json``; :func:`findings_picture` draws the rectified photo
with each region outlined and numbered, the numbers matching the order of
``Findings.regions`` (largest first).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from engine.check.compare import Region
from engine.color.ink import dark_ink

#: Outline colour of each kind of region (RGB).
KIND_COLOURS = {"too_dark": (20, 90, 255), "too_light": (255, 200, 0), "off_colour": (230, 0, 200)}
#: The findings picture is drawn at least this many px on its longer side (outlines and
#: numbers stay legible on small targets).
MIN_PICTURE_SIDE = 800


@dataclass
class Finding:
    """One region to fix as reported: :class:`~engine.check.compare.Region` plus its
    ``advice`` sentence."""

    region: Region
    advice: str

    def to_json(self) -> dict:
        region = self.region
        return {"bbox": [int(v) for v in region.bbox], "kind": region.kind, "area_cm2": float(region.area_cm2),
                "delta_e": float(region.delta_e), "delta_l": float(region.delta_l),
                "color": None if region.color is None else int(region.color), "advice": self.advice}


@dataclass
class Findings:
    """The result of checking one photo against its target.

    ``corners`` 4×2 photo px (top-left, top-right, bottom-right, bottom-left);
    ``confident`` whether the corners (and so everything after) can be trusted;
    ``regions`` the :class:`Finding` s, largest first (empty when the check could not be
    made); ``message`` a sentence for the painter when something stopped the check or
    casts doubt on it ("" otherwise); ``rectified`` the canvas squared to the target's
    shape (H×W×3 uint8, at most 512 px on its longer side: the size compared);
    ``target_shape`` (H, W) of the target as given; ``seconds`` wall time of the check;
    ``details`` figures for diagnosis (share of the canvas the light fit trusted, the cast's
    gain per channel, the brush width in compared px), not part of the JSON.
    """

    corners: np.ndarray
    confident: bool
    regions: list[Finding]
    message: str = ""
    rectified: np.ndarray | None = field(default=None, repr=False)
    target_shape: tuple[int, int] = (0, 0)
    seconds: float = 0.0
    details: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        """The findings as the command line's ``--json`` prints them.

        Returns
        -------
        dict
            ``corners`` (4 × [x, y] photo px, floats), ``confident`` (bool), ``regions``
            (list of {bbox [x0, y0, x1, y1] target px, kind, area_cm2, delta_e, delta_l,
            color (int or None), advice}), ``message`` (str) and ``seconds`` (float).
        """
        return {
            "corners": [[round(float(x), 2), round(float(y), 2)] for x, y in self.corners],
            "confident": bool(self.confident),
            "regions": [finding.to_json() for finding in self.regions],
            "message": self.message,
            "seconds": round(float(self.seconds), 3),
        }

    def picture(self) -> np.ndarray:
        """:func:`findings_picture` of these findings."""
        return findings_picture(self.rectified, [finding.region for finding in self.regions])


def findings_picture(rectified: np.ndarray, regions: list[Region]) -> np.ndarray:
    """The rectified photo with each region outlined in its kind's colour and numbered.

    Parameters
    ----------
    rectified : ndarray, shape (H, W, 3), uint8
        The canvas squared to the target's size.
    regions : list of Region
        Numbered 1, 2, … in this order.

    Returns
    -------
    ndarray, shape (H', W', 3), uint8
        At least :data:`MIN_PICTURE_SIDE` px on the longer side (scaled up from the target's
        size when smaller).
    """
    height, width = rectified.shape[:2]
    scale = max(1, int(np.ceil(MIN_PICTURE_SIDE / max(height, width))))
    picture = cv2.resize(rectified, (width * scale, height * scale), interpolation=cv2.INTER_CUBIC)
    thickness = max(2, round(max(picture.shape[:2]) / 300))
    for number, region in enumerate(regions, start=1):
        mask = cv2.resize(region.mask.astype(np.uint8), (width * scale, height * scale), interpolation=cv2.INTER_NEAREST)
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        colour = KIND_COLOURS[region.kind]
        cv2.drawContours(picture, contours, -1, (255, 255, 255), thickness + 2, cv2.LINE_AA)  # a halo: visible on any paint
        cv2.drawContours(picture, contours, -1, colour, thickness, cv2.LINE_AA)
        _label(picture, str(number), region, scale, colour)
    return picture


def _label(picture, text, region, scale, colour):
    """The region's number in a filled disc at the top-left of its outline, inside the picture."""
    font, size = cv2.FONT_HERSHEY_SIMPLEX, max(0.6, max(picture.shape[:2]) / 1000)
    (text_w, text_h), _ = cv2.getTextSize(text, font, size, 2)
    radius = int(max(text_w, text_h) * 0.8) + 4
    x0, y0, _, _ = cv2.boundingRect(region.mask.astype(np.uint8))  # the mask's px (bbox is the target's)
    x0, y0 = x0 * scale, y0 * scale
    cx = int(np.clip(x0 + radius, radius, picture.shape[1] - radius - 1))
    cy = int(np.clip(y0 + radius, radius, picture.shape[0] - radius - 1))
    cv2.circle(picture, (cx, cy), radius, colour, -1, cv2.LINE_AA)
    cv2.circle(picture, (cx, cy), radius, (255, 255, 255), 2, cv2.LINE_AA)
    ink = (0, 0, 0) if dark_ink(colour) else (255, 255, 255)
    cv2.putText(picture, text, (cx - text_w // 2, cy + text_h // 2), font, size, ink, 2, cv2.LINE_AA)
