import numpy as np
import pytest

from engine.strokes.render import STROKE_KINDS, render_stroke


@pytest.mark.parametrize("kind", STROKE_KINDS)
def test_every_kind_covers_about_its_length_times_width(kind):
    footprint = render_stroke(kind, (50, 50), 60, 20, 0.0, (100, 100), rng=np.random.default_rng(1))
    mask = footprint.mask
    area = mask.sum()
    # Between a thin sliver and the full bounding rectangle of 60×20 (plus wobble).
    assert 0.25 * 60 * 20 < area < 1.15 * 60 * 20
    ys, xs = np.nonzero(mask)
    assert np.ptp(xs) > np.ptp(ys)  # angle 0: the brush travels along x


def test_rotation_by_90_degrees_turns_the_stroke_upright():
    rng = np.random.default_rng(2)
    footprint = render_stroke("flat", (50, 50), 70, 14, 90.0, (100, 100), rng=rng)
    ys, xs = np.nonzero(footprint.mask)
    assert np.ptp(ys) > 3 * np.ptp(xs)


def test_footprint_is_clipped_to_the_canvas_and_placed_by_its_box():
    footprint = render_stroke("round", (2, 95), 40, 20, 30.0, (64, 100), rng=np.random.default_rng(3))
    rows, cols = footprint.window
    assert rows.start >= 0 and cols.start >= 0 and rows.stop <= 64 and cols.stop <= 100
    canvas = np.zeros((64, 100), bool)
    canvas[rows, cols] = footprint.mask
    assert canvas[:10, 80:].any() and not canvas[40:, :50].any()


def test_stroke_off_the_canvas_returns_none():
    assert render_stroke("flat", (-500, -500), 40, 10, 0.0, (64, 64), rng=np.random.default_rng(0)) is None


def test_same_generator_state_gives_the_same_stroke_and_texture_varies():
    a = render_stroke("dry", (40, 40), 60, 24, 33.0, (80, 80), rng=np.random.default_rng(7), texture=True)
    b = render_stroke("dry", (40, 40), 60, 24, 33.0, (80, 80), rng=np.random.default_rng(7), texture=True)
    np.testing.assert_array_equal(a.alpha, b.alpha)
    assert a.shade is not None and a.shade[a.mask].std() > 0.02


def test_tapered_stroke_is_wider_where_the_brush_lands():
    footprint = render_stroke("tapered", (50, 50), 80, 24, 0.0, (100, 100), rng=np.random.default_rng(4),
                              roughness=0.0)
    widths = footprint.mask.sum(axis=0)
    columns = np.flatnonzero(widths)
    first, last = columns[: len(columns) // 3], columns[-len(columns) // 3 :]
    assert widths[first].mean() > 2 * widths[last].mean()


@pytest.mark.parametrize("bad", [dict(kind="splat"), dict(length=0), dict(width=-3)])
def test_bad_parameters_raise_value_error(bad):
    args = dict(kind="flat", length=30, width=10)
    args.update(bad)
    with pytest.raises(ValueError):
        render_stroke(args["kind"], (10, 10), args["length"], args["width"], 0.0, (20, 20),
                      rng=np.random.default_rng(0))
