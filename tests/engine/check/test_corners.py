import cv2
import numpy as np
import pytest

from engine.check.corners import find_canvas, rectify
from engine.check.geometry import target_to_photo
from tests.engine.check.conftest import PHOTO_SIZE, photo_of


def _error(found, true) -> float:
    """Largest corner distance as a share of the canvas's diagonal."""
    return float(np.linalg.norm(found - true, axis=1).max() / np.linalg.norm(true[2] - true[0]))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_corners_of_synthetic_photos_are_recovered_within_half_a_percent_of_the_diagonal(stroke_target, seed):
    image, _ = stroke_target
    shot = photo_of(image, seed)  # tilted ≤ 20°, turned ≤ 15°, things on the table, tinted light, JPEG
    found = find_canvas(shot.photo, target=image)
    assert found.confident, found.reason
    assert _error(found.corners, shot.corners) < 0.005


def test_without_a_target_the_edges_alone_find_the_canvas(stroke_target):
    shot = photo_of(stroke_target[0], 4)
    found = find_canvas(shot.photo)
    assert found.confident
    assert _error(found.corners, shot.corners) < 0.01


def test_a_table_without_a_canvas_is_not_a_confident_canvas():
    from engine.check.synthetic_scene import table_texture

    rng = np.random.default_rng(5)
    table = table_texture(PHOTO_SIZE, 6.0, rng)
    photo = (np.clip(table, 0, 1) ** (1 / 2.2) * 255).astype(np.uint8)
    found = find_canvas(photo)
    assert not found.confident
    assert found.reason


def test_rectify_undoes_a_known_homography():
    rng = np.random.default_rng(0)
    target = cv2.resize(rng.integers(0, 255, (12, 16, 3)).astype(np.uint8), (128, 96), interpolation=cv2.INTER_NEAREST)
    corners = np.array([[110.0, 60.0], [520.0, 95.0], [480.0, 420.0], [90.0, 380.0]])
    homography = target_to_photo(corners, target.shape)
    photo = cv2.warpPerspective(target, homography, PHOTO_SIZE, flags=cv2.INTER_LINEAR)
    back = rectify(photo, corners, target.shape).astype(int)
    inner = (slice(4, -4), slice(4, -4))
    # Block edges blur a little through two resamplings; everywhere else it is the target.
    assert np.median(np.abs(back[inner] - target[inner])) <= 2
    assert np.mean(np.abs(back[inner] - target[inner])) < 8
