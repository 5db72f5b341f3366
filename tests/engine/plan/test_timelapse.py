"""Time-lapse frames: bare canvas first, one frame per sampled stroke, the finished render last."""

import numpy as np
import pytest

from engine.plan.model import Plan, PlanLayer, make_stroke
from engine.plan.render import labels_to_rgb, render_plan
from engine.plan.timelapse import timelapse_frames


def test_frames_run_from_the_bare_canvas_to_the_final_render():
    palette = np.array([(240, 236, 225), (180, 40, 40), (40, 70, 160)], np.uint8)
    block_in = PlanLayer(0, 20.0, 30.0, [make_stroke([[0, y], [40, y]], 30.0, 1) for y in (5, 25)])
    details = PlanLayer(1, 4.0, 6.0, [make_stroke([[5 + 4 * k, 5], [5 + 4 * k, 25]], 6.0, 2 + k % 2)
                                      for k in range(8)])
    plan = Plan((30, 40), (8.0, 6.0, "cm"), palette, [block_in, details])
    frames = timelapse_frames(plan, max_frames=100, long_side=64)
    assert len(frames) == 1 + 2 + 8  # few strokes: every one gets its frame
    assert frames[0].shape == (30, 40, 3) and (frames[0] == 255).all()
    np.testing.assert_array_equal(frames[-1], labels_to_rgb(render_plan(plan).final, palette))
    assert all(not np.array_equal(a, b) for a, b in zip(frames, frames[1:]))  # each stroke shows
    few = timelapse_frames(plan, max_frames=4, long_side=20)
    assert len(few) <= 5 and few[-1].shape == (15, 20, 3)
    np.testing.assert_array_equal(few[-1], frames[-1][::2, ::2])
    with pytest.raises(ValueError, match="max_frames"):
        timelapse_frames(plan, max_frames=0)
