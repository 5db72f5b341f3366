"""Transfer time estimates: every preset has one, and it grows with the size."""

import pytest

from engine.transfer.presets import PRESETS
from engine.transfer.timing import estimate_seconds


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_every_preset_has_an_estimate_that_grows_with_the_size(preset):
    times = [estimate_seconds(preset, size) for size in (64, 128, 256)]
    assert 0 < times[0] < times[1] < times[2]
    assert estimate_seconds(preset, 128, device="gpu") < times[1]
