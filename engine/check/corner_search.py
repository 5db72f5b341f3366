"""The search behind :func:`engine.check.corners.find_canvas`, on a photo reduced to ~1000 px.

Candidates are quadrilaterals of Hough lines; each is scored by how much of its sides are
colour steps (:func:`side_support`), the best few also by their likeness to the target;
the winner's sides are re-fitted to the strongest edge along them and, when the target
has something to align to, the whole is aligned to the target with ECC.
"""

from __future__ import annotations

import cv2
import numpy as np

from engine.check.geometry import order_corners, target_to_photo

#: Sides more than this many degrees off horizontal/vertical are not searched
#: (rotation ≤ 15° plus the skew of a ≤ 20° perspective, with room to spare).
MAX_SIDE_ANGLE = 35.0
#: A side counts as seen when at least this share of it is a colour step.
MIN_SIDE_SUPPORT = 0.35

#: Colour difference (CIELAB ΔE*ab) across a side that counts as a step.
STEP_DELTA_E = 8.0
#: Hough lines considered per direction (roughly horizontal, roughly vertical), and kept
#: after ranking them by the length of colour step along them.
LINES_CONSIDERED, LINES_PER_DIRECTION = 100, 18
#: Of those, kept for their Hough votes alone.
BY_VOTES = 6
#: Candidates compared with the target.
COMPARED_WITH_TARGET = 60


def best_quadrilateral(small: np.ndarray, target=None):
    """``(corners 4×2, confidence 0–1, reason)`` of the canvas in ``small``, or None."""
    height, width = small.shape[:2]
    lab = cv2.cvtColor(small.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
    smooth = cv2.GaussianBlur(lab, (0, 0), 1.0)
    horizontal, vertical = (_strongest_steps(smooth, lines) for lines in _lines(small))
    quads = _candidates(horizontal, vertical, (height, width), target)
    if len(quads) == 0:
        return None
    support = side_support(smooth, quads)
    # Sides that are colour steps, all four; then the larger (a busy painting has
    # rectangles of steps inside it, the canvas is the one around them) and the likelier.
    d1, d2 = quads[:, 2] - quads[:, 0], quads[:, 3] - quads[:, 1]
    area = np.abs(d1[:, 0] * d2[:, 1] - d1[:, 1] * d2[:, 0]) / 2 / (height * width)
    score = support.mean(axis=1) + 0.5 * np.minimum(support.min(axis=1), MIN_SIDE_SUPPORT) + 0.4 * np.sqrt(area)
    order = np.argsort(-score)[:COMPARED_WITH_TARGET]
    if target is not None:
        template = _structure(_reduced(target, 96))
        likeness = np.array([_likeness(small, quads[i], template) for i in order])
        score[order] += 0.8 * np.clip(likeness, 0, None)
        order = order[np.argsort(-score[order])]
    corners = quads[order[0]]
    for window in (8.0, 4.0):
        corners = refit_sides(smooth, corners, window)
    final = side_support(smooth, corners[None])[0]
    if target is not None and final.min() < MIN_SIDE_SUPPORT:
        # Only when the edges are unclear: ECC fits the painting's own small departures
        # from the target too, which costs more at the corners than clear edges do.
        corners = align_to_target(small, corners, target)
        final = side_support(smooth, corners[None])[0]
    likeness = _likeness(small, corners, _structure(_reduced(target, 96))) if target is not None else 0.0
    confidence = float(np.clip((final.mean() - 0.3) / 0.4, 0, 1) * np.clip(final.min() / MIN_SIDE_SUPPORT, 0, 1))
    confidence = max(confidence, float(np.clip((likeness - 0.3) / 0.3, 0, 1)) * np.clip(final.mean() / 0.4, 0, 1))
    return corners, confidence, _doubt(corners, final, (height, width))


def _doubt(corners, support, shape) -> str:
    height, width = shape
    margin = 0.003 * max(height, width)
    if (corners < -margin).any() or (corners[:, 0] > width - 1 + margin).any() or (corners[:, 1] > height - 1 + margin).any():
        return "the canvas runs off the edge of the photo: step back so all four corners show."
    if cv2.contourArea(corners.astype(np.float32)) < 0.03 * height * width:
        return "the canvas is too small in the photo: come closer so it fills most of the picture."
    if support.min() < MIN_SIDE_SUPPORT:
        return "the canvas's edges are unclear (a side blends into the background or is covered)."
    return ""


def _lines(small: np.ndarray):
    """Hough lines ``(rho, theta)`` of roughly horizontal and roughly vertical edges."""
    lab8 = cv2.cvtColor(small, cv2.COLOR_RGB2LAB)
    # A strong blur first: steps survive it, fine texture (grain, weave, thin mat lines) does not.
    lab8 = cv2.GaussianBlur(lab8, (0, 0), 3.0)
    edges = np.zeros(small.shape[:2], np.uint8)
    for channel in range(3):
        edges |= cv2.Canny(lab8[..., channel], 8, 20, L2gradient=True)
    votes = max(20, int(0.1 * min(small.shape[:2])))
    found = cv2.HoughLines(edges, 1, np.pi / 360, votes)
    if found is None:
        return np.zeros((0, 2)), np.zeros((0, 2))
    lines = found[:, 0, :].astype(np.float64)  # strongest first
    rho, theta = lines[:, 0], lines[:, 1]
    flip = theta > np.pi / 2 + np.deg2rad(MAX_SIDE_ANGLE)  # near-vertical lines with θ near π
    theta = np.where(flip, theta - np.pi, theta)
    rho = np.where(flip, -rho, rho)
    limit = np.deg2rad(MAX_SIDE_ANGLE)
    horizontal = np.abs(theta - np.pi / 2) <= limit
    vertical = np.abs(theta) <= limit
    return (_distinct(np.column_stack([rho, theta])[horizontal]),
            _distinct(np.column_stack([rho, theta])[vertical]))


def _distinct(lines: np.ndarray) -> np.ndarray:
    kept = []
    for rho, theta in lines:
        if all(abs(rho - r) > 6 or abs(theta - t) > np.deg2rad(3) for r, t in kept):
            kept.append((rho, theta))
            if len(kept) == LINES_CONSIDERED:
                break
    return np.array(kept).reshape(-1, 2)


def _strongest_steps(smooth_lab: np.ndarray, lines: np.ndarray, spacing: float = 4.0) -> np.ndarray:
    """The lines along which the colour steps for the longest stretch, best first.

    Hough votes count edge pixels, and a cutting mat's grid or wood grain gives long lines
    of them with the same colour on both sides; a canvas's side is a step."""
    if len(lines) <= 2:
        return lines
    height, width = smooth_lab.shape[:2]
    reach = np.hypot(height, width)
    along = np.arange(-reach, reach, spacing)
    cos, sin = np.cos(lines[:, 1]), np.sin(lines[:, 1])
    foot = np.stack([lines[:, 0] * cos, lines[:, 0] * sin], axis=-1)  # L×2
    direction = np.stack([-sin, cos], axis=-1)
    normal = np.stack([cos, sin], axis=-1)
    points = foot[:, None, :] + direction[:, None, :] * along[None, :, None]  # L×T×2
    seen = ((points[..., 0] >= 8) & (points[..., 0] < width - 8) & (points[..., 1] >= 8) & (points[..., 1] < height - 8))
    offsets = np.array([3.0, 5.0, 7.0])
    ahead = _sample(smooth_lab, points[:, :, None, :] + normal[:, None, None, :] * offsets[None, None, :, None]).mean(axis=2)
    behind = _sample(smooth_lab, points[:, :, None, :] - normal[:, None, None, :] * offsets[None, None, :, None]).mean(axis=2)
    steps = ((np.linalg.norm(ahead - behind, axis=-1) > STEP_DELTA_E) & seen).astype(np.uint8)
    # A side is one long run of steps (gaps of a few samples bridged: a brush across it,
    # a paint matching the table); a line through the painting crosses many short ones.
    steps = cv2.morphologyEx(steps, cv2.MORPH_CLOSE, np.ones((1, 3), np.uint8))
    order = np.argsort(-_longest_run(steps.astype(bool)), kind="stable")
    # The strongest few by Hough votes stay too: a side whose step is weak (a shadow, a
    # side of the canvas painted like its face) is still a long straight edge.
    keep = list(range(min(BY_VOTES, len(lines))))
    keep += [int(i) for i in order if int(i) not in keep][: LINES_PER_DIRECTION - len(keep)]
    return lines[keep]


def _longest_run(flags: np.ndarray) -> np.ndarray:
    """Length of the longest run of True in each row of a 2-D bool array."""
    counts = np.cumsum(flags, axis=1)
    base = np.maximum.accumulate(np.where(flags, 0, counts), axis=1)
    return (counts - base).max(axis=1)


def _intersect(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Intersections of lines ``a`` and ``b`` (…×2 arrays of rho, theta), …×2."""
    cos_a, sin_a, cos_b, sin_b = np.cos(a[..., 1]), np.sin(a[..., 1]), np.cos(b[..., 1]), np.sin(b[..., 1])
    det = cos_a * sin_b - sin_a * cos_b
    det = np.where(np.abs(det) < 1e-9, 1e-9, det)
    x = (a[..., 0] * sin_b - b[..., 0] * sin_a) / det
    y = (cos_a * b[..., 0] - cos_b * a[..., 0]) / det
    return np.stack([x, y], axis=-1)


def _candidates(horizontal, vertical, shape, target) -> np.ndarray:
    """Every plausible quadrilateral of two horizontal and two vertical lines, N×4×2."""
    height, width = shape
    if len(horizontal) < 2 or len(vertical) < 2:
        return np.zeros((0, 4, 2))
    i, j = np.triu_indices(len(horizontal), 1)
    k, m = np.triu_indices(len(vertical), 1)
    pairs_h = np.stack([horizontal[i], horizontal[j]], axis=1)  # P×2×2
    pairs_v = np.stack([vertical[k], vertical[m]], axis=1)
    ph = np.repeat(pairs_h, len(pairs_v), axis=0)
    pv = np.tile(pairs_v, (len(pairs_h), 1, 1))
    corners = np.stack([_intersect(ph[:, 0], pv[:, 0]), _intersect(ph[:, 0], pv[:, 1]),
                        _intersect(ph[:, 1], pv[:, 1]), _intersect(ph[:, 1], pv[:, 0])], axis=1)
    margin = 0.05 * max(height, width)
    inside = ((corners[..., 0] > -margin) & (corners[..., 0] < width + margin)
              & (corners[..., 1] > -margin) & (corners[..., 1] < height + margin)).all(axis=1)
    corners = corners[inside]
    if len(corners) == 0:
        return corners
    corners = order_corners(corners)
    edges = np.roll(corners, -1, axis=1) - corners
    cross = edges[:, :, 0] * np.roll(edges, -1, axis=1)[:, :, 1] - edges[:, :, 1] * np.roll(edges, -1, axis=1)[:, :, 0]
    lengths = np.linalg.norm(edges, axis=2)
    area = 0.5 * np.abs((corners[:, :, 0] * np.roll(corners[:, :, 1], -1, axis=1)
                         - np.roll(corners[:, :, 0], -1, axis=1) * corners[:, :, 1]).sum(axis=1))
    keep = (cross > 0).all(axis=1) & (area > 0.03 * height * width) & (lengths.min(axis=1) > 0.1 * min(height, width))
    if target is not None:
        # Under ≤ 20° of perspective the mean width / mean height stays within ~40 % of the canvas's.
        aspect = (lengths[:, 0] + lengths[:, 2]) / np.maximum(lengths[:, 1] + lengths[:, 3], 1e-6)
        wanted = target.shape[1] / target.shape[0]
        keep &= np.abs(np.log(aspect / wanted)) < np.log(1.45)
    return corners[keep]


def side_support(smooth_lab: np.ndarray, quads: np.ndarray, samples: int = 24) -> np.ndarray:
    """Share of each side of each quadrilateral along which the colour steps across it.

    Parameters
    ----------
    smooth_lab : ndarray, shape (H, W, 3), float32
        The photo in CIELAB, lightly blurred.
    quads : ndarray, shape (N, 4, 2)
        Corners in order around each quadrilateral.
    samples : int
        Points per side (the ends, near the corners, are left out).

    Returns
    -------
    ndarray, shape (N, 4), float
        0–1 per side: samples whose colours 3–7 px inside and outside differ by more
        than :data:`STEP_DELTA_E`.
    """
    start, end = quads, np.roll(quads, -1, axis=1)
    along = np.linspace(0.08, 0.92, samples)
    points = start[:, :, None, :] + (end - start)[:, :, None, :] * along[None, None, :, None]  # N×4×S×2
    direction = (end - start) / np.maximum(np.linalg.norm(end - start, axis=2, keepdims=True), 1e-9)
    outward = np.stack([direction[..., 1], -direction[..., 0]], axis=-1)  # clockwise order: left of travel is out
    offsets = np.array([3.0, 5.0, 7.0])
    outside = points[:, :, :, None, :] + outward[:, :, None, None, :] * offsets[None, None, None, :, None]
    inside = points[:, :, :, None, :] - outward[:, :, None, None, :] * offsets[None, None, None, :, None]
    colours_out = _sample(smooth_lab, outside).mean(axis=3)
    colours_in = _sample(smooth_lab, inside).mean(axis=3)
    step = np.linalg.norm(colours_out - colours_in, axis=-1)
    return (step > STEP_DELTA_E).mean(axis=2)


def _sample(image: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Bilinear samples of ``image`` at ``points`` (…×2 x, y), …×C."""
    flat = points.reshape(-1, 2).astype(np.float32)
    count = len(flat)
    rows = -(-count // 1024)  # remap's maps must stay under 32767 px a side: fold them into rows
    grid = np.zeros((rows * 1024, 2), np.float32)
    grid[:count] = flat
    grid = grid.reshape(rows, 1024, 2)
    values = cv2.remap(image, grid[..., 0], grid[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return values.reshape(-1, image.shape[2])[:count].reshape(*points.shape[:-1], image.shape[2])


def refit_sides(smooth_lab: np.ndarray, corners: np.ndarray, window: float, samples: int = 64) -> np.ndarray:
    """Move each side onto the strongest colour step within ``window`` px of it, then
    intersect the four fitted lines."""
    lines = []
    for side in range(4):
        a, b = corners[side], corners[(side + 1) % 4]
        direction = (b - a) / max(np.linalg.norm(b - a), 1e-9)
        outward = np.array([direction[1], -direction[0]])
        points = a + (b - a) * np.linspace(0.06, 0.94, samples)[:, None]
        shifts = np.arange(-window, window + 0.25, 0.5)
        ahead = _sample(smooth_lab, points[:, None, :] + outward * (shifts[None, :, None] + 1.5))
        behind = _sample(smooth_lab, points[:, None, :] + outward * (shifts[None, :, None] - 1.5))
        strength = np.linalg.norm(ahead - behind, axis=-1)  # samples × shifts
        # The innermost clear step, not simply the strongest: where the canvas's side shows
        # beside its face there are two steps, and the painted face is the inner one.
        peak = strength.max(axis=1, keepdims=True)
        local_max = np.zeros_like(strength, bool)
        local_max[:, 1:-1] = (strength[:, 1:-1] >= strength[:, :-2]) & (strength[:, 1:-1] >= strength[:, 2:])
        clear = local_max & (strength >= 0.5 * peak) & (strength > STEP_DELTA_E)
        best = np.where(clear.any(axis=1), clear.argmax(axis=1), strength.argmax(axis=1))
        inner = np.clip(best, 1, len(shifts) - 2)
        left, centre, right = (strength[np.arange(samples), inner + d] for d in (-1, 0, 1))
        curvature = left - 2 * centre + right
        offset = np.where(curvature < 0, 0.5 * (left - right) / np.where(curvature < 0, curvature, -1), 0.0)
        found = points + outward * (shifts[inner] + 0.5 * np.clip(offset, -1, 1))[:, None]
        good = strength.max(axis=1) > STEP_DELTA_E
        if good.sum() < 6:
            lines.append(None)
            continue
        vx, vy, x0, y0 = cv2.fitLine(found[good].astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
        lines.append((np.array([x0, y0]), np.array([vx, vy])))
    refined = corners.copy()
    for i in range(4):
        before, after = lines[(i - 1) % 4], lines[i]
        if before is None or after is None:
            continue
        (p, u), (q, v) = before, after
        matrix = np.array([[u[0], -v[0]], [u[1], -v[1]]])
        if abs(np.linalg.det(matrix)) < 1e-6:
            continue
        t = np.linalg.solve(matrix, q - p)
        refined[i] = p + t[0] * u
    # A re-fit that jumps far (to another edge) is not a refinement.
    return refined if np.abs(refined - corners).max() <= 2 * window else corners


def _reduced(image: np.ndarray, long_side: int) -> np.ndarray:
    scale = long_side / max(image.shape[:2])
    size = (max(8, round(image.shape[1] * scale)), max(8, round(image.shape[0] * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def _structure(image: np.ndarray) -> np.ndarray:
    """Lightness with slow changes (uneven light) taken out, float32."""
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32)
    return grey - cv2.GaussianBlur(grey, (0, 0), max(image.shape[:2]) / 8)


def _rectified(small, corners, shape):
    homography = target_to_photo(corners, shape)
    return cv2.warpPerspective(small, homography, (shape[1], shape[0]), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                               borderMode=cv2.BORDER_REPLICATE)


def _likeness(small, corners, template) -> float:
    """ECC correlation (-1…1) of the canvas inside ``corners`` with the target's structure."""
    seen = _structure(_rectified(small, corners, template.shape))
    if template.std() < 1e-3 or seen.std() < 1e-3:
        return 0.0
    return float(cv2.computeECC(template, seen))


def align_to_target(small: np.ndarray, corners: np.ndarray, target: np.ndarray, long_side: int = 200) -> np.ndarray:
    """Corners moved so the canvas lines up with the target (ECC homography), if that
    clearly improves the match and moves no corner by more than 3 % of the diagonal."""
    template = _structure(_reduced(target, long_side))
    if template.std() < 2.0:  # a (nearly) blank target has nothing to align to
        return corners
    shape = template.shape
    seen = _structure(_rectified(small, corners, shape))
    before = float(cv2.computeECC(template, seen)) if seen.std() > 1e-3 else 0.0
    warp = np.eye(3, dtype=np.float32)
    criteria = (cv2.TERM_CRITERIA_COUNT | cv2.TERM_CRITERIA_EPS, 60, 1e-5)
    try:
        after, warp = cv2.findTransformECC(template, seen, warp, cv2.MOTION_HOMOGRAPHY, criteria, None, 3)
    except cv2.error:
        return corners
    height, width = shape
    edges = np.array([[-0.5, -0.5], [width - 0.5, -0.5], [width - 0.5, height - 0.5], [-0.5, height - 0.5]])
    moved = cv2.perspectiveTransform(edges[None].astype(np.float64), warp.astype(np.float64))[0]
    aligned = cv2.perspectiveTransform(moved[None], target_to_photo(corners, shape))[0]
    diagonal = np.linalg.norm(corners[2] - corners[0])
    if after < max(0.3, before + 0.02) or np.abs(aligned - corners).max() > 0.03 * diagonal:
        return corners
    return aligned
