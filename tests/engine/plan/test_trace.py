"""Paint errors, gain maps and tracing: a stroke of a paint follows the band that asks for it."""

import numpy as np

from engine.color.spaces import delta_e_ciede2000, rgb_to_lab
from engine.plan.trace import GainGrid, paint_errors, trace_strokes

WHITE, RED = (250, 250, 245), (190, 40, 40)


def test_a_traced_stroke_follows_a_red_band_on_a_white_picture():
    picture = np.empty((40, 64, 3), np.uint8)
    picture[...] = WHITE
    picture[16:25] = RED  # rows 16–24: a horizontal band 9 px high
    palette = np.array([WHITE, RED], np.uint8)
    errors = paint_errors(picture, palette)
    assert errors.shape == (2, 40, 64) and errors.dtype == np.float32
    pixels = picture.reshape(-1, 3)
    expected = delta_e_ciede2000(rgb_to_lab(pixels), rgb_to_lab(np.broadcast_to(palette[1], pixels.shape)))
    np.testing.assert_allclose(errors[1], expected.reshape(40, 64), rtol=1e-5, atol=1e-4)
    assert errors[0, 20, 5] > 10 and errors[1, 20, 5] < 1e-3  # red pays in the band only

    grid = GainGrid(errors, width=8.0)
    grid.update(errors[0])  # the canvas as painted white all over
    paths, estimate = trace_strokes(grid, np.array([20.0]), np.array([32.0]), np.array([1]), 8.0,
                                    max_points=30, keep_gain=1.0)
    path = paths[0]  # (x, y)
    assert len(path) >= 8 and estimate[0] > 0
    assert (np.abs(path[:, 1] - 20.0) <= 4.5).all(), "the stroke stays in the band"
    assert np.ptp(path[:, 0]) >= 40, "and runs along it both ways from the seed"
