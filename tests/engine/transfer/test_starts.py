"""Optimisation starts: the photo's shape and range are kept, and a seed makes them repeatable."""

import numpy as np

from engine.transfer.starts import photo_start


def test_starts_keep_the_photos_shape_and_range_and_are_deterministic():
    rng = np.random.default_rng(0)
    photo = rng.random((12, 16, 3), dtype=np.float32)
    style = rng.random((9, 7, 3), dtype=np.float32)
    for kind, options in (("matched", {}), ("noisy", {"noise": 0.3, "seed": 2})):
        start = photo_start(photo, style, kind=kind, **options)
        assert start.shape == (1, 12, 16, 3) and 0.0 <= start.min() and start.max() <= 1.0
        np.testing.assert_array_equal(start, photo_start(photo, style, kind=kind, **options))
        assert not np.array_equal(start[0], photo)
    assert not np.array_equal(photo_start(photo, style, kind="noisy", noise=0.3, seed=3),
                              photo_start(photo, style, kind="noisy", noise=0.3, seed=2))
