"""Check a photo of a canvas against its target: find, rectify, undo the light, compare.

:func:`check_photo` is the one entry point for the command line and the studio. Given
user-dragged corners it skips the search (and trusts them). It refuses what is no input
(an empty or tiny photo, a target that is no picture) with an ``InputError``; what it
cannot check with confidence (no canvas found, a blank canvas, another painting) comes
back as :class:`~engine.check.findings.Findings` with no regions and a message.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import cv2
import numpy as np

from engine.check.advice import sentence
from engine.check.compare import compare
from engine.check.corners import find_canvas, rectify
from engine.check.findings import Finding, Findings
from engine.check.geometry import order_corners
from engine.check.light import fit_light, linear
from engine.check.palette import target_labels
from engine.errors import InputError
from engine.imageio import as_rgb_uint8
from engine.lesson.grid import as_canvas

#: Shortest side of a photo that can show a canvas well enough to check, px.
MIN_PHOTO_SIDE = 240
#: Largest photo accepted, megapixels (larger arrays are refused before any work).
MAX_PHOTO_MEGAPIXELS = 120
#: The comparison runs on the target reduced to at most this many px on its longer side,
#: and to no more than ¾ of the px the canvas spans in the photo.
WORK_SIDE = 512
#: A canvas spanning fewer photo px than this on its longer side is too small to compare.
MIN_CANVAS_PX = 200
#: Default brush when the step's is not known: this share of the canvas's longer side.
DEFAULT_BRUSH_SHARE = 1 / 60
#: Above this share of the canvas differing, the photo is not of this step's painting.
MAX_DIFFERING_SHARE = 0.35
#: Below this correlation of brush-scale lightness with the target, likewise.
MIN_LIGHTNESS_CORRELATION = 0.3
#: Below this detail (L* standard deviation at the brush's scale, light taken out) a
#: canvas is blank.
BLANK_DETAIL = 2.0
STAGES = ("corners", "rectify", "light", "compare")


def check_photo(photo, target, canvas=(40.0, 30.0, "cm"), *, palette_rgb=None, brush_mm: float | None = None,
                corners=None, progress: Callable[[int, int, str], None] | None = None) -> Findings:
    """Compare a photo of the painter's canvas with what it should look like now.

    Parameters
    ----------
    photo : array_like, shape (H, W, 3)
        The photo (anything :func:`engine.imageio.as_rgb_uint8` takes), EXIF orientation
        already applied; 240 px to 120 MP.
    target : array_like, shape (h, w, 3)
        What the canvas should look like (a plan's ``layer-NN.png`` or ``final.png``).
    canvas : str or tuple
        Canvas size, ``"40x30cm"`` or ``(40, 30, "cm")``; its aspect must be the target's.
    palette_rgb : array_like, shape (K, 3), uint8, optional
        The plan's palette: colour number n is row n - 1. Without it the target's own
        colours are numbered by share when there are few (as the lesson numbers them),
        else regions get no colour number.
    brush_mm : float, optional
        Width of the step's brush on the canvas (the plan layer's ``brush_mm``); the
        comparison's scale. Default: 1/60 of the canvas's longer side.
    corners : array_like, shape (4, 2), optional
        The canvas's corners in photo px (top-left, top-right, bottom-right, bottom-left),
        e.g. dragged by the user; they are trusted and the search is skipped.
    progress : callable, optional
        Called as ``progress(done, total, stage)`` after each stage.

    Returns
    -------
    Findings

    Raises
    ------
    InputError
        For a photo or target that is no picture, a photo too small or too large, a
        canvas whose aspect is not the target's, or corners that are no quadrilateral
        inside the photo.
    """
    started = time.perf_counter()
    width_cm, height_cm, unit = as_canvas(canvas)
    if unit == "in":
        width_cm, height_cm = width_cm * 2.54, height_cm * 2.54
    target = as_rgb_uint8(target, min_side=16, name="target")
    photo = _checked_photo(photo)
    if abs(np.log((width_cm / height_cm) / (target.shape[1] / target.shape[0]))) > np.log(1.1):
        raise InputError(f"the canvas is {width_cm:g}x{height_cm:g} cm but the target is {target.shape[1]}x"
                         f"{target.shape[0]} px: their shapes differ (give the canvas the plan was made for).")
    done = _progress(progress)
    if corners is None:
        found = find_canvas(photo, target=_reduced(target, WORK_SIDE))
        corners, confident, message = found.corners, found.confident, found.reason
    else:
        corners, confident, message = checked_corners(corners, photo.shape), True, ""
    done("corners")
    # Compare at no finer a scale than the photo shows the canvas (upsampled photo pixels
    # would only add the camera's blur and JPEG blocks as differences).
    seen_px = max(np.linalg.norm(np.diff(np.vstack([corners, corners[:1]]), axis=0), axis=1))
    work = _reduced(target, min(WORK_SIDE, int(0.75 * seen_px)))
    scale = work.shape[1] / target.shape[1]
    cm_per_px = float(np.sqrt(width_cm * height_cm / (work.shape[0] * work.shape[1])))
    brush_px = (brush_mm / 10 if brush_mm else DEFAULT_BRUSH_SHARE * max(width_cm, height_cm)) / cm_per_px
    if not confident:
        message = f"{message} Drag the four corners onto the canvas's corners and check again."
    elif seen_px < MIN_CANVAS_PX:
        confident = False
        message = (f"the canvas is only {seen_px:.0f} px across in the photo: too small to check. "
                   "Take the photo closer or at a higher resolution.")
    rectified = rectify(photo, corners, work.shape)
    done("rectify")
    findings = Findings(corners, confident, [], message, rectified, target.shape[:2])
    if not confident:
        return _finish(findings, started)
    lit = fit_light(linear(rectified), linear(work), brush_px=brush_px)
    done("light")
    labels = target_labels(target, palette_rgb, work.shape[:2])
    comparison = compare(lit.corrected, linear(work), brush_px=brush_px, cm_per_px=cm_per_px, target_labels=labels)
    done("compare")
    findings.details = {"light_inliers": round(lit.inliers, 3), "cast": [round(float(g), 3) for g in lit.cast],
                        "brush_px": round(float(brush_px), 2)}
    doubt = _not_this_painting(comparison, rectified, work, brush_px)
    if doubt:
        findings.message = doubt
        return _finish(findings, started)
    for region in comparison.regions:
        advice = sentence(region.kind, region.mask, region.target_lab, region.painted_lab, region.color)
        if scale != 1:  # report boxes in the target's own px
            x0, y0, x1, y1 = region.bbox
            region.bbox = (int(np.floor(x0 / scale)), int(np.floor(y0 / scale)),
                           min(target.shape[1], int(np.ceil(x1 / scale))), min(target.shape[0], int(np.ceil(y1 / scale))))
        findings.regions.append(Finding(region, advice))
    return _finish(findings, started)


def _progress(callback):
    count = [0]

    def done(stage):
        count[0] += 1
        if callback is not None:
            callback(count[0], len(STAGES), stage)

    return done


def _finish(findings: Findings, started: float) -> Findings:
    findings.seconds = time.perf_counter() - started
    return findings


def _checked_photo(photo) -> np.ndarray:
    array = np.asarray(photo)
    if array.ndim >= 2 and array.shape[0] * array.shape[1] > MAX_PHOTO_MEGAPIXELS * 1e6:
        raise InputError(f"the photo is {array.shape[1]}x{array.shape[0]} px, more than {MAX_PHOTO_MEGAPIXELS} "
                         "megapixels: send a smaller copy (12 MP is plenty).")
    photo = as_rgb_uint8(array, name="photo")
    if min(photo.shape[:2]) < MIN_PHOTO_SIDE:
        raise InputError(f"the photo is {photo.shape[1]}x{photo.shape[0]} px: too small to see the canvas; "
                         f"each side must be at least {MIN_PHOTO_SIDE} px.")
    return photo


def checked_corners(corners, shape) -> np.ndarray:
    """Corners given by hand, put in order, or an ``InputError`` saying what is wrong.

    Parameters
    ----------
    corners : array_like, shape (4, 2)
        ``(x, y)`` photo px, in any order.
    shape : tuple of int
        ``(height, width)`` of the photo in px.

    Returns
    -------
    ndarray, shape (4, 2), float64
        Top-left, top-right, bottom-right, bottom-left; they may lie up to 5 % of the
        photo's longer side outside it, and must enclose a convex shape of at least 1 %
        of the photo.
    """
    try:
        points = np.asarray(corners, dtype=np.float64).reshape(4, 2)
    except (TypeError, ValueError):
        raise InputError("corners must be four (x, y) points in photo px.") from None
    height, width = shape[:2]
    slack = 0.05 * max(height, width)
    if (not np.isfinite(points).all() or (points < -slack).any() or (points[:, 0] > width + slack).any()
            or (points[:, 1] > height + slack).any()):
        raise InputError(f"corners must lie inside the {width}x{height} px photo.")
    ordered = order_corners(points)
    area = cv2.contourArea(ordered.astype(np.float32))
    if not cv2.isContourConvex(ordered.astype(np.float32)) or area < 0.01 * height * width:
        raise InputError("the four corners must enclose the canvas (a convex shape of at least 1 % of the photo).")
    return ordered


def _reduced(image: np.ndarray, long_side: int) -> np.ndarray:
    if max(image.shape[:2]) <= long_side:
        return image
    scale = long_side / max(image.shape[:2])
    size = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def _detail(image: np.ndarray, brush_px: float) -> float:
    """How much a picture varies at the brush's scale once slow changes (light) are taken
    out: the standard deviation of its lightness, 0–100 scale."""
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32) * (100 / 255)
    fine = cv2.GaussianBlur(grey, (0, 0), max(1.0, brush_px / 2))
    return float((fine - cv2.GaussianBlur(grey, (0, 0), max(image.shape[:2]) / 8)).std())


def _not_this_painting(comparison, rectified, work, brush_px) -> str:
    """A message when the canvas is not (a version of) this target, else ""."""
    differing = sum(region.mask.sum() for region in comparison.regions) / comparison.delta_e.size
    painted_l, target_l = comparison.painted_lab[..., 0], comparison.target_lab[..., 0]
    if target_l.std() > 5:
        if _detail(rectified, brush_px) < BLANK_DETAIL < _detail(work, brush_px):
            return ("the canvas in the photo looks blank: nothing to compare with this step yet "
                    "(or the photo shows something else).")
        correlation = float(np.corrcoef(painted_l.ravel(), target_l.ravel())[0, 1])
        if correlation < MIN_LIGHTNESS_CORRELATION:
            return ("the canvas in the photo does not look like this step's target: is it the right painting and "
                    "step? If the corners are wrong, drag them onto the canvas's corners.")
    if differing > MAX_DIFFERING_SHARE:
        return (f"{differing:.0%} of the canvas differs from this step's target: check that it is the right step; "
                "if the corners are wrong, drag them onto the canvas's corners.")
    return ""
