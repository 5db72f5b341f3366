"""Phone photos of a painted canvas, made from a 3-D scene, with the canvas's true corners.

The canvas is a box of real size (``canvas`` cm, 0.3–2.5 cm deep) lying on a table among
other things (books, a phone, brushes, jars, paint tubes, a palette; sometimes a brush
across the canvas's edge), on wood, a cutting mat with grid lines or cloth, with the
canvas's shadow. A pinhole camera (60–72° wide, like a phone's main lens) looks at it from
up to ``max_tilt`` degrees off square and turned up to ``max_roll`` degrees; the light
has a colour cast and falls off smoothly (up to ± ``light_variation`` across the canvas,
each channel a little differently, as under a window and a lamp together); the camera
blurs, adds shot and read noise, applies a tone curve and a saturation boost, and saves a
JPEG. Nothing here knows how :mod:`engine.check.corners` or :mod:`engine.check.light`
work: the photos are a world for the detector to face, not its mirror image.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image

from engine.check.synthetic_painting import smooth_noise
from engine.color.spaces import linear_to_srgb, srgb_to_linear


@dataclass
class SyntheticPhoto:
    """``photo`` H×W×3 uint8 (the decoded JPEG), ``corners`` 4×2 float64: the painted
    face's top-left, top-right, bottom-right and bottom-left in photo px, ``params`` the
    scene's settings (JSON-able), ``jpeg`` the file's bytes."""

    photo: np.ndarray = field(repr=False)
    corners: np.ndarray
    params: dict
    jpeg: bytes = field(default=b"", repr=False)


def photograph(
    painted,
    *,
    canvas_cm: tuple[float, float],
    rng: np.random.Generator,
    size: tuple[int, int] = (4000, 3000),
    max_tilt: float = 20.0,
    max_roll: float = 15.0,
    fill: tuple[float, float] = (0.45, 0.8),
    light_variation: float = 0.2,
    cast: float = 0.25,
    objects: int | None = None,
) -> SyntheticPhoto:
    """Photograph a painted canvas lying on a table.

    Parameters
    ----------
    painted : ndarray, shape (h, w, 3), uint8
        The painted face of the canvas (its aspect ratio is the canvas's).
    canvas_cm : tuple of float
        ``(width, height)`` of the canvas in cm.
    rng : numpy.random.Generator
        Source of every random choice.
    size : tuple of int
        ``(width, height)`` of the photo in px (4000×3000 is a 12 MP phone photo).
    max_tilt, max_roll : float
        Largest angle of the camera off square to the canvas (perspective) and turned about
        its axis (rotation), in degrees.
    fill : tuple of float
        Range of the canvas's longer side as a share of the photo's matching side.
    light_variation : float
        Largest relative change of the light across the canvas (0.2 = ±20 %).
    cast : float
        Largest log-gain of the red/blue colour cast (0.25 ≈ ±28 %).
    objects : int, optional
        Other things on the table (default 2–7).

    Returns
    -------
    SyntheticPhoto
    """
    width_px, height_px = size
    canvas_w, canvas_h = canvas_cm
    depth = rng.uniform(0.3, 2.5)
    hfov = np.deg2rad(rng.uniform(60, 72))
    focal = width_px / 2 / np.tan(hfov / 2)
    camera = np.array([[focal, 0, width_px / 2 - 0.5], [0, focal, height_px / 2 - 0.5], [0, 0, 1]])
    tilt, roll = rng.uniform(0, max_tilt), rng.uniform(-max_roll, max_roll)
    for _attempt in range(50):
        rotation, centre = _camera_pose(canvas_w, canvas_h, depth, focal, size, tilt, roll, fill, rng)
        face = _plane_homography(camera, rotation, centre, -depth)
        corners = _project(face, np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * (canvas_w / 2, canvas_h / 2))
        margin = 0.02 * width_px
        if (corners.min(axis=0) > margin).all() and (corners < (width_px - margin, height_px - margin)).all():
            break
        fill = (fill[0] * 0.95, fill[1] * 0.95)
    table = _plane_homography(camera, rotation, centre, 0.0)
    scene = _render_scene(painted, canvas_w, canvas_h, depth, table, face, camera, rotation, centre, size, rng,
                          objects)
    lit, light = _light(scene, corners, size, light_variation, cast, rng)
    photo, jpeg, camera_params = _camera_pipeline(lit, corners, rng)
    params = {"tilt_deg": round(float(tilt), 2), "roll_deg": round(float(roll), 2), "depth_cm": round(float(depth), 2),
              "hfov_deg": round(float(np.rad2deg(hfov)), 1), **light, **camera_params}
    return SyntheticPhoto(photo, corners, params, jpeg)


def _camera_pose(canvas_w, canvas_h, depth, focal, size, tilt, roll, fill, rng):
    width_px, height_px = size
    share = rng.uniform(*fill)
    distance = focal * max(canvas_w / (share * width_px), canvas_h / (share * height_px))
    azimuth = rng.uniform(0, 2 * np.pi)
    tilt_rotation = cv2.Rodrigues(np.deg2rad(tilt) * np.array([np.cos(azimuth), np.sin(azimuth), 0.0]))[0]
    roll_rotation = cv2.Rodrigues(np.array([0.0, 0.0, np.deg2rad(roll)]))[0]
    rotation = roll_rotation @ tilt_rotation  # world → camera; world z points into the table
    aim = np.array([rng.uniform(-0.12, 0.12) * canvas_w, rng.uniform(-0.12, 0.12) * canvas_h, -depth])
    centre = aim - distance * rotation.T @ np.array([0.0, 0.0, 1.0])
    return rotation, centre


def _plane_homography(camera, rotation, centre, z):
    """World plane ``z`` (cm; the table is 0, the canvas's face ``-depth``) → photo px."""
    translation = -rotation @ centre
    return camera @ np.column_stack([rotation[:, 0], rotation[:, 1], z * rotation[:, 2] + translation])


def _project(homography, points):
    points = np.asarray(points, dtype=np.float64)
    mapped = np.column_stack([points, np.ones(len(points))]) @ homography.T
    return mapped[:, :2] / mapped[:, 2:]


def _raster(extent, pixels_per_cm):
    """World → raster px for a raster covering ``extent`` = (x0, y0, x1, y1) cm."""
    x0, y0, _, _ = extent
    return np.array([[pixels_per_cm, 0, -x0 * pixels_per_cm - 0.5], [0, pixels_per_cm, -y0 * pixels_per_cm - 0.5],
                     [0, 0, 1]])


def _render_scene(painted, canvas_w, canvas_h, depth, table, face, camera, rotation, centre, size, rng, objects):
    from engine.check.synthetic_scene import draw_objects, table_texture

    width_px, height_px = size
    seen = _project(np.linalg.inv(table), [[0, 0], [width_px, 0], [width_px, height_px], [0, height_px]])
    extent = (*seen.min(axis=0), *seen.max(axis=0))
    pixels_per_cm = min(20.0, 0.8 * max(width_px, height_px) / max(extent[2] - extent[0], extent[3] - extent[1]))
    to_raster = _raster(extent, pixels_per_cm)
    raster_size = (int(np.ceil((extent[2] - extent[0]) * pixels_per_cm)), int(np.ceil((extent[3] - extent[1]) * pixels_per_cm)))
    ground = table_texture(raster_size, pixels_per_cm, rng)
    footprint = _project(to_raster, np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * (canvas_w / 2, canvas_h / 2))
    # The canvas's shadow: soft, a little to one side.
    shadow = np.zeros(ground.shape[:2], np.float32)
    offset = rng.uniform(-1, 1, 2) * depth * pixels_per_cm * 1.5
    cv2.fillPoly(shadow, [np.round(footprint + offset).astype(np.int32)], 1.0)
    shadow = cv2.GaussianBlur(shadow, (0, 0), max(1.0, depth * pixels_per_cm))
    ground *= (1 - rng.uniform(0.25, 0.5) * shadow)[..., None]
    overlay = draw_objects(ground, footprint, pixels_per_cm, rng, objects)
    photo = cv2.warpPerspective(ground, table @ np.linalg.inv(to_raster), size, flags=cv2.INTER_LINEAR,
                                borderMode=cv2.BORDER_REFLECT)
    _draw_sides(photo, painted, canvas_w, canvas_h, depth, table, face, camera, rotation, centre, rng)
    face_long = int(min(3200, max(size) * 0.9))
    face_size = (face_long, max(2, round(face_long * canvas_h / canvas_w))) if canvas_w >= canvas_h \
        else (max(2, round(face_long * canvas_w / canvas_h)), face_long)
    to_linear = srgb_to_linear(np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, axis=1))[:, 0].astype(np.float32)
    face_image = to_linear[cv2.resize(painted, face_size, interpolation=cv2.INTER_LINEAR)]
    # Canvas weave and the relief of brush marks catch the light a little.
    yy, xx = np.mgrid[0 : face_size[1], 0 : face_size[0]].astype(np.float32)
    period = face_size[0] / canvas_w * rng.uniform(0.04, 0.08)
    weave = 1 + 0.02 * np.sin(2 * np.pi * xx / period) * np.sin(2 * np.pi * yy / period)
    relief = 1 + 0.03 * smooth_noise(face_size[::-1], face_size[0] / canvas_w * 0.3, rng)
    face_image *= (weave * relief)[..., None]
    face_pixels = face_size[0] / canvas_w
    to_face = _raster((-canvas_w / 2, -canvas_h / 2, 0, 0), face_pixels)
    warp = face @ np.linalg.inv(to_face)
    warped = cv2.warpPerspective(face_image, warp, size, flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.ones(face_size[::-1], np.float32), warp, size, flags=cv2.INTER_LINEAR)[..., None]
    photo = photo * (1 - mask) + warped * mask
    if overlay is not None:  # things lying across the canvas's edge, on top of it
        colours, alpha = overlay
        lifted = face @ np.linalg.inv(to_raster)
        colours = cv2.warpPerspective(colours, lifted, size, flags=cv2.INTER_LINEAR)
        alpha = cv2.warpPerspective(alpha, lifted, size, flags=cv2.INTER_LINEAR)[..., None]
        photo = photo * (1 - alpha) + colours * alpha
    return photo


def _draw_sides(photo, painted, canvas_w, canvas_h, depth, table, face, camera, rotation, centre, rng):
    """The canvas's four sides (those facing away end up under the face)."""
    choice = rng.integers(3)
    if choice == 0:
        colour = np.array([0.85, 0.84, 0.8])  # primed, unpainted
    elif choice == 1:
        colour = np.array([0.03, 0.03, 0.03])  # painted black
    else:
        colour = srgb_to_linear(painted[[0, -1], :].reshape(-1, 3).mean(axis=0) / 255.0)  # painting wraps round
    top = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * (canvas_w / 2, canvas_h / 2)
    upper, lower = _project(face, top), _project(table, top)
    camera_centre = centre
    for i in range(4):
        j = (i + 1) % 4
        quad = np.array([upper[i], upper[j], lower[j], lower[i]])
        # Sides lit from one direction: a fixed shade per side.
        normal = np.array([*(top[i] + top[j]) / 2, 0.0])
        facing = float(np.dot(normal / np.linalg.norm(normal), camera_centre / np.linalg.norm(camera_centre)))
        shade = 0.55 + 0.3 * (i % 2) + 0.1 * facing
        x0, y0 = np.maximum(np.floor(quad.min(axis=0)).astype(int) - 1, 0)
        x1, y1 = np.minimum(np.ceil(quad.max(axis=0)).astype(int) + 2, photo.shape[1::-1])
        if x1 <= x0 or y1 <= y0:
            continue
        mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
        cv2.fillPoly(mask, [np.round((quad - (x0, y0)) * 16).astype(np.int32)], 255, lineType=cv2.LINE_AA, shift=4)
        alpha = (mask.astype(np.float32) / 255.0)[..., None]
        box = photo[y0:y1, x0:x1]
        box[...] = box * (1 - alpha) + (colour * shade).astype(np.float32) * alpha


def _light(scene, corners, size, variation, cast, rng):
    """Smooth light over the photo: a gradient, a fall-off and a lamp's glow, per channel."""
    width_px, height_px = size
    yy, xx = np.mgrid[0:height_px:8, 0:width_px:8].astype(np.float32)
    xs, ys = xx / width_px - 0.5, yy / height_px - 0.5
    angle = rng.uniform(0, 2 * np.pi)
    lamp = rng.uniform(-0.6, 0.6, 2)
    base = (1 + rng.uniform(0.3, 1) * (np.cos(angle) * xs + np.sin(angle) * ys)
            - rng.uniform(0, 0.6) * (xs ** 2 + ys ** 2)
            + rng.uniform(0, 0.5) * np.exp(-((xs - lamp[0]) ** 2 + (ys - lamp[1]) ** 2) / 0.15))
    # Scale the field so it spans ±variation (drawn up to the maximum) over the canvas.
    inside = np.zeros(base.shape, np.uint8)
    cv2.fillPoly(inside, [np.round(corners / 8).astype(np.int32)], 1)
    low, high = base[inside > 0].min(), base[inside > 0].max()
    wanted = rng.uniform(0.5, 1.0) * variation
    base = 1 + (base - (low + high) / 2) / max(high - low, 1e-6) * 2 * wanted
    warm = rng.uniform(-cast, cast)
    tint = np.exp(np.array([warm, rng.uniform(-0.3, 0.3) * cast, -warm]))
    channel_slopes = rng.uniform(-0.05, 0.05, 3)  # mixed light: each channel falls off a little differently
    field_ = np.stack([base * tint[c] * (1 + channel_slopes[c] * (np.cos(angle + 1) * xs + np.sin(angle + 1) * ys))
                       for c in range(3)], axis=-1)
    field_ = cv2.resize(field_, size, interpolation=cv2.INTER_LINEAR)
    return scene * field_, {"light_variation": round(float(wanted), 3), "tint": [round(float(t), 3) for t in tint]}


def _camera_pipeline(linear, corners, rng):
    """Exposure, blur, noise, tone curve, saturation, JPEG."""
    inside = np.zeros(linear.shape[:2], np.uint8)
    cv2.fillPoly(inside, [np.round(corners).astype(np.int32)], 1)
    sample = linear[::4, ::4][inside[::4, ::4] > 0]
    exposure = rng.uniform(0.7, 0.95) / max(float(np.percentile(sample.max(axis=1), 98)), 1e-6)
    image = cv2.GaussianBlur(linear, (0, 0), rng.uniform(0.5, 1.2))
    image *= exposure
    gain, read = rng.uniform(0.0002, 0.001), rng.uniform(0.001, 0.004)
    noise = rng.standard_normal(image.shape, dtype=np.float32)
    noise = cv2.GaussianBlur(noise, (0, 0), 0.7)
    spread = np.clip(image, 0, None)
    spread *= gain * 1.8 ** 2  # demosaicking correlates neighbours (the blur) at the same strength
    spread += (1.8 * read) ** 2
    noise *= np.sqrt(spread, out=spread)
    image += noise
    # The sRGB curve and a contrast S-curve through one table of 4096 steps (exact to well
    # under one 8-bit level).
    contrast = rng.uniform(0, 0.3)
    curve = linear_to_srgb(np.linspace(0, 1, 4096))
    curve = ((1 - contrast) * curve + contrast * (3 * curve ** 2 - 2 * curve ** 3)).astype(np.float32)
    np.clip(image, 0, 1, out=image)
    image *= 4095
    encoded = curve[image.astype(np.int16)]
    saturation = rng.uniform(0.95, 1.15)
    grey = encoded.mean(axis=-1, keepdims=True)
    encoded -= grey
    encoded *= saturation
    encoded += grey
    np.clip(encoded, 0, 1, out=encoded)
    quality = int(rng.integers(75, 96))
    buffer = io.BytesIO()
    Image.fromarray((encoded * 255 + 0.5).astype(np.uint8)).save(buffer, format="JPEG", quality=quality)
    photo = np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))
    return photo, buffer.getvalue(), {"exposure": round(float(exposure), 3), "contrast": round(float(contrast), 3),
                   "saturation": round(float(saturation), 3), "jpeg_quality": quality}
