"""Small synthetic canvases and photos of them, shared by the check tests."""

import numpy as np
import pytest

#: Canvas of the test targets (4:3, like the targets).
CANVAS = (40.0, 30.0, "cm")
#: Photo size for the tests: small, so each check takes a fraction of a second.
PHOTO_SIZE = (640, 480)


def blocky_target(seed: int, shape=(96, 128), colours: int = 6) -> np.ndarray:
    """A palette-coloured target: blocks of a few colours, like a plan's layer."""
    rng = np.random.default_rng(seed)
    palette = rng.integers(30, 230, (colours, 3)).astype(np.uint8)
    blocks = rng.integers(0, colours, (shape[0] // 16, shape[1] // 16))
    labels = np.kron(blocks, np.ones((16, 16), int))
    return palette[labels], palette


def photo_of(painted: np.ndarray, seed: int, **options):
    from engine.check.synthetic_photo import photograph

    return photograph(painted, canvas_cm=CANVAS[:2], rng=np.random.default_rng(seed), size=PHOTO_SIZE, **options)


@pytest.fixture(scope="session")
def stroke_target():
    """A synthetic stroke painting (few exact colours) as a target, with its palette."""
    from engine.color.spaces import unique_colors
    from engine.strokes.synth import paint

    image = paint((96, 128), seed=11, grid_scale=14).image
    colours, counts, _ = unique_colors(image)
    return image, colours[np.argsort(-counts, kind="stable")]
