import numpy as np
import pytest

from engine.check.palette import MAX_INFERRED_COLORS, target_labels


def test_with_the_plans_palette_each_pixel_gets_its_paint_and_bare_canvas_none():
    palette = np.array([[200, 30, 30], [20, 40, 160]], np.uint8)
    target = np.full((4, 6, 3), 255, np.uint8)  # bare canvas
    target[:2, :3] = palette[1]
    target[2:, 3:] = palette[0] + 1  # one level off: still that paint
    labels = target_labels(target, palette)
    assert labels[0, 0] == 1 and labels[3, 5] == 0 and labels[0, 5] == -1


def test_without_a_palette_a_few_colours_are_numbered_by_share_and_many_name_no_paint():
    target = np.zeros((10, 10, 3), np.uint8)
    target[:, :7] = (10, 200, 10)  # 70 %: colour 1
    labels = target_labels(target, None, shape=(5, 5))
    assert labels.shape == (5, 5) and labels[0, 0] == 0 and labels[0, 4] == 1
    noisy = np.random.default_rng(0).integers(0, 255, (20, 20, 3)).astype(np.uint8)
    assert len(np.unique(noisy.reshape(-1, 3), axis=0)) > MAX_INFERRED_COLORS
    assert target_labels(noisy, None) is None
    with pytest.raises(ValueError, match="no colours"):
        target_labels(target, np.zeros((0, 3), np.uint8))
