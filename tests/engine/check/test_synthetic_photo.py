import numpy as np

from engine.check.corners import rectify
from engine.color.spaces import delta_e_ciede2000, rgb_to_lab
from tests.engine.check.conftest import PHOTO_SIZE, photo_of


def test_the_true_corners_cut_the_painted_canvas_back_out_of_the_photo():
    # A canvas of four flat quarters: after rectifying with the generator's corners each
    # quarter is back in place (its colour cast aside), to within a pixel or two at the edges.
    canvas = np.zeros((96, 128, 3), np.uint8)
    canvas[:48, :64], canvas[:48, 64:], canvas[48:, :64], canvas[48:, 64:] = (200, 40, 40), (40, 160, 40), \
        (40, 40, 200), (230, 220, 60)
    shot = photo_of(canvas, 7, cast=0.0, light_variation=0.0)
    assert shot.photo.shape == (PHOTO_SIZE[1], PHOTO_SIZE[0], 3) and shot.jpeg[:2] == b"\xff\xd8"
    assert ((shot.corners > 0) & (shot.corners < PHOTO_SIZE)).all()
    back = rectify(shot.photo, shot.corners, canvas.shape)
    inner = np.ones(canvas.shape[:2], bool)
    inner[:3], inner[-3:], inner[:, :3], inner[:, -3:] = False, False, False, False
    inner[45:51], inner[:, 61:67] = False, False  # the quarters' borders
    error = delta_e_ciede2000(rgb_to_lab(back), rgb_to_lab(canvas))
    assert np.median(error[inner]) < 12  # a tone curve, saturation and weave remain; no other colour
    assert np.percentile(error[inner], 95) < 20
    # Red top left, green top right, blue bottom left: the corners are in the painting's order.
    assert [int(np.argmax(back[y, x])) for y, x in ((20, 30), (20, 100), (70, 30))] == [0, 1, 2]
    assert -20 <= shot.params["roll_deg"] <= 20 and 0 <= shot.params["tilt_deg"] <= 20
