"""Pictures and plans shared by the plan tests (``tests/engine/plan/test_*.py``).

``photo_like`` and ``planned`` are session-wide: a plan takes a while to make and the
tests only read it. ``test_outputs.py`` has its own, smaller ``planned``.
"""

import numpy as np
import pytest

from engine.lesson.palette import extract
from engine.plan.outputs import plan_picture
from engine.plan.render import stroke_footprint

PAINTS = np.array([(240, 236, 225), (180, 40, 40), (40, 70, 160), (230, 190, 40)], dtype=np.uint8)


def flat_strokes_picture(size=(120, 160)):
    """A cream ground with three broad flat strokes of known colours, painted with the
    plan's own brush footprint (so the picture is exactly reachable)."""
    picture = np.empty(size + (3,), dtype=np.uint8)
    picture[...] = PAINTS[0]
    strokes = [
        ([[15, 30], [80, 35], [140, 25]], 22, 1),
        ([[40, 100], [60, 60], [70, 15]], 18, 2),
        ([[100, 90], [150, 100]], 26, 3),
    ]
    scale = size[1] / 160
    for points, width, index in strokes:
        top, left, mask = stroke_footprint(np.array(points, float) * scale, width * scale, size)
        picture[top : top + mask.shape[0], left : left + mask.shape[1]][mask] = PAINTS[index]
    return picture


@pytest.fixture(scope="session")
def photo_like():
    """A 96×128 gradient photo with a red disc and a little noise."""
    rng = np.random.default_rng(5)
    yy, xx = np.mgrid[0:96, 0:128] / 96.0
    image = np.stack([0.3 + 0.5 * xx, 0.4 + 0.3 * yy, 0.8 - 0.4 * xx * yy], axis=2)
    disc = (yy - 0.5) ** 2 + (xx - 0.7) ** 2 < 0.08
    image[disc] = (0.85, 0.3, 0.2)
    image += rng.normal(0, 0.02, image.shape)
    return np.clip(image * 255, 0, 255).astype(np.uint8)


@pytest.fixture(scope="session")
def planned(photo_like):
    """``photo_like`` planned with its own 12 colours on a 40×30 cm canvas (shared: read, never changed)."""
    return plan_picture(photo_like, extract(photo_like, 12).rgb, canvas=(40, 30, "cm"))
