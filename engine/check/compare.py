"""Compare a light-corrected canvas with its target at the brush's scale, in CIELAB.

No painting matches its target pixel for pixel, so both are first blurred to the scale of
the step's brush (a Gaussian of half its width): what is left is what the painter could
have done differently with that brush. Lightness differences (ΔL*) and colour differences
with the lightness taken out (CIEDE2000 between the painted colour at the target's L* and
the target's colour) are scored against what a painter would repaint — a step of a
ten-step value scale (:data:`LIGHTNESS_STEP` L*) or a clearly different paint
(:data:`COLOUR_STEP` ΔE00) — and grown by hysteresis from the clear cores; thin seams
along the target's edges (a shifted edge, not a wrong paint) are opened away, regions
smaller than :data:`MIN_AREA_CM2` (or a few brush widths across) dropped, and a margin
along the canvas's edges ignored (the photo's edges are the least certain).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from skimage.filters import apply_hysteresis_threshold

from engine.color.spaces import delta_e_ciede2000, linear_to_srgb, rgb_to_lab

#: Kinds of region, in the order they are scored.
KINDS = ("too_dark", "too_light", "off_colour")
#: L* difference a painter repaints for: one step of a ten-step value scale is 10.
LIGHTNESS_STEP = 7.0
#: Colour difference (ΔE00, lightness left out) a painter repaints for.
COLOUR_STEP = 8.0
#: Where the scores start a region (times the step) and how far it grows (times the step).
CORE, REACH = 1.3, 0.75
#: How far (in brush widths) an edge may be placed off before it counts as a mistake.
PLACEMENT_SLACK = 0.75
#: Smallest region reported, cm² of canvas.
MIN_AREA_CM2 = 6.0
#: Canvas edge left out, as a share of the shorter side.
EDGE_MARGIN = 0.02


@dataclass
class Region:
    """One area to fix: ``kind`` (one of :data:`KINDS`), ``mask`` H×W bool on the compared
    picture (the rectified photo's px), ``bbox`` (x0, y0, x1, y1) target px (x1, y1 past
    the last column and row; the mask's box, scaled when the target is larger),
    ``area_cm2``, mean ``delta_e`` (CIEDE2000) and ``delta_l`` (L*, negative = too dark),
    mean colours ``painted_lab`` and ``target_lab``, ``color`` the palette number whose
    paint belongs there (None when unknown or bare canvas)."""

    kind: str
    mask: np.ndarray = field(repr=False)
    bbox: tuple[int, int, int, int]
    area_cm2: float
    delta_e: float
    delta_l: float
    painted_lab: np.ndarray = field(repr=False)
    target_lab: np.ndarray = field(repr=False)
    color: int | None = None


@dataclass
class Comparison:
    """Per-pixel maps at the brush's scale (``painted_lab``, ``target_lab`` H×W×3,
    ``delta_e``, ``delta_l``, ``delta_colour`` H×W) and the regions found in them."""

    painted_lab: np.ndarray = field(repr=False)
    target_lab: np.ndarray = field(repr=False)
    delta_e: np.ndarray = field(repr=False)
    delta_l: np.ndarray = field(repr=False)
    delta_colour: np.ndarray = field(repr=False)
    regions: list[Region]


def compare(corrected_linear: np.ndarray, target_linear: np.ndarray, *, brush_px: float, cm_per_px: float,
            target_labels: np.ndarray | None = None) -> Comparison:
    """Regions where the painted canvas differs from its target as a painter would fix.

    Parameters
    ----------
    corrected_linear : ndarray, shape (H, W, 3), float
        The rectified, light-corrected photo, linear RGB 0–1.
    target_linear : ndarray, shape (H, W, 3), float
        The target, linear RGB 0–1.
    brush_px : float > 0
        Width of the step's brush in target px.
    cm_per_px : float > 0
        Canvas length of one target px, cm.
    target_labels : ndarray, shape (H, W), int, optional
        Palette index (0-based) of each target pixel, -1 where no palette colour belongs
        (bare canvas); gives each region its ``color``.

    Returns
    -------
    Comparison
        Regions largest first.
    """
    height, width = target_linear.shape[:2]
    sigma = max(1.0, brush_px / 2)
    painted = rgb_to_lab(linear_to_srgb(cv2.GaussianBlur(corrected_linear.astype(np.float32), (0, 0), sigma)))
    target = rgb_to_lab(linear_to_srgb(cv2.GaussianBlur(target_linear.astype(np.float32), (0, 0), sigma)))
    delta_l = painted[..., 0] - target[..., 0]
    delta_e = delta_e_ciede2000(painted, target)
    reach = max(1, round(PLACEMENT_SLACK * brush_px))
    # An edge placed a brush width off is a matter of placement, not of paint: a pixel is
    # too dark only if it is darker than the target anywhere within that reach, and so on.
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * reach + 1,) * 2)
    target_l = target[..., 0].astype(np.float32)
    darker = cv2.erode(target_l, disc, borderType=cv2.BORDER_REPLICATE) - painted[..., 0]
    lighter = painted[..., 0] - cv2.dilate(target_l, disc, borderType=cv2.BORDER_REPLICATE)
    delta_colour = _nearest_colour_difference(painted, target, reach)
    scores = np.stack([darker / LIGHTNESS_STEP, lighter / LIGHTNESS_STEP, delta_colour / COLOUR_STEP])
    kind_of = scores.argmax(axis=0)
    margin = max(1, round(EDGE_MARGIN * min(height, width)))
    inside = np.zeros((height, width), bool)
    inside[margin:-margin, margin:-margin] = True
    opening = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * round(0.4 * brush_px) + 1,) * 2)
    joining = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * max(2, round(brush_px)) + 1,) * 2)
    min_pixels = max(MIN_AREA_CM2 / cm_per_px ** 2, (1.5 * brush_px) ** 2)
    regions = []
    for index, kind in enumerate(KINDS):  # three kinds, each a whole-image operation
        score = np.where((kind_of == index) & inside, scores[index], 0.0)
        mask = apply_hysteresis_threshold(score, REACH, CORE)
        mask = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, opening)
        # Pieces of one mistake split by the placement allowance are one region to fix.
        joined = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, joining)
        count, labels = cv2.connectedComponents(joined, connectivity=8)
        areas = np.bincount(labels[mask > 0], minlength=count)
        for label in np.flatnonzero(areas[1:] >= min_pixels) + 1:
            regions.append(_region(kind, (labels == label) & (mask > 0), painted, target, delta_e, delta_l,
                                   cm_per_px, target_labels))
    regions.sort(key=lambda region: -region.area_cm2)
    return Comparison(painted, target, delta_e, delta_l, delta_colour, regions)


def _nearest_colour_difference(painted: np.ndarray, target: np.ndarray, reach: int) -> np.ndarray:
    """Per pixel, the smallest colour difference (lightness left out) between the painted
    colour and the target's within ``reach`` px: CIELAB Δa*b* divided by CIEDE2000's
    chroma weight 1 + 0.045 C*, over 17 shifts (the centre, 8 directions at half and at
    full reach)."""
    height, width = painted.shape[:2]
    chroma = np.hypot(target[..., 1], target[..., 2])
    ab = np.concatenate([target[..., 1:], (1 + 0.045 * chroma)[..., None]], axis=-1).astype(np.float32)
    angles = np.arange(8) * np.pi / 4
    shifts = [(0.0, 0.0)] + [(f * reach * np.cos(a), f * reach * np.sin(a)) for f in (0.5, 1.0) for a in angles]
    best = np.full((height, width), np.inf, np.float32)
    for dx, dy in shifts:  # 17 whole-image shifts
        moved = cv2.warpAffine(ab, np.float32([[1, 0, dx], [0, 1, dy]]), (width, height), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)
        difference = np.hypot(painted[..., 1] - moved[..., 0], painted[..., 2] - moved[..., 1]) / moved[..., 2]
        np.minimum(best, difference, out=best)
    return best


def _region(kind, mask, painted, target, delta_e, delta_l, cm_per_px, target_labels) -> Region:
    x, y, w, h = cv2.boundingRect(mask.astype(np.uint8))
    color = None
    if target_labels is not None:
        labels = target_labels[mask]
        labels = labels[labels >= 0]
        # The paint that belongs there: the target's commonest colour under the region,
        # unless most of it is bare canvas.
        if labels.size * 2 >= mask.sum():
            color = int(np.bincount(labels).argmax()) + 1
    return Region(
        kind=kind, mask=mask, bbox=(x, y, x + w, y + h), area_cm2=round(float(mask.sum()) * cm_per_px ** 2, 1),
        delta_e=round(float(delta_e[mask].mean()), 1), delta_l=round(float(delta_l[mask].mean()), 1),
        painted_lab=painted[mask].mean(axis=0), target_lab=target[mask].mean(axis=0), color=color,
    )
