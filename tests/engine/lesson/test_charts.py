"""engine.lesson.charts: wedges span their colour's share, narrow ones go unnumbered, swatches fill
columns of 12, text is escaped, and the PNG draws the SVG's layout."""

import math
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from engine.lesson.charts import (
    DONUT_SIZE, INNER_RADIUS, MARGIN, MIN_LABELLED_DEGREES, OUTER_RADIUS, ROW_HEIGHT, ROWS_PER_COLUMN,
    palette_chart_png, palette_chart_svg,
)
from engine.lesson.palette import Palette, PaletteColor

SVG = "{http://www.w3.org/2000/svg}"


def _palette(*entries):
    """Palette of (rgb, share[, name]) in that order, numbered from 1."""
    colours = []
    for number, (rgb, share, *name) in enumerate(entries, start=1):
        hex_ = "#{:02x}{:02x}{:02x}".format(*rgb)
        colours.append(PaletteColor(number, rgb, hex_, name[0] if name else "red", share))
    return Palette(colours)


def _angle(x, y, center):
    """Degrees clockwise from 12 o'clock."""
    return math.degrees(math.atan2(x - center[0], center[1] - y)) % 360


def test_wedges_span_their_share_clockwise_from_twelve_oclock():
    palette = _palette(((20, 20, 20), 0.5), ((200, 40, 40), 0.25), ((240, 230, 200), 0.25))
    root = ET.fromstring(palette_chart_svg(palette))
    height = float(root.get("height"))
    center = (DONUT_SIZE / 2, height / 2)
    spans = []
    for path in root.iter(f"{SVG}path"):
        numbers = [float(v) for v in re.findall(r"-?\d+\.?\d*", path.get("d"))]
        (x0, y0), (x1, y1) = numbers[0:2], numbers[7:9]  # M start, then the outer arc's end
        assert math.hypot(x0 - center[0], y0 - center[1]) == pytest.approx(OUTER_RADIUS, abs=0.01)
        spans.append((round(_angle(x0, y0, center)), round(_angle(x1, y1, center)) or 360))
        large_arc = int(numbers[5])
        assert large_arc == (spans[-1][1] - spans[-1][0] > 180)
    assert spans == [(0, 180), (180, 270), (270, 360)]
    # Numbers on dark paint are white, on light paint black.
    fills = {t.text: t.get("fill") for t in root.iter(f"{SVG}text") if t.get("font-weight") == "bold"}
    assert fills["1"] == "#ffffff" and fills["3"] == "#000000"


def test_a_wedge_too_narrow_for_its_number_is_numbered_only_on_its_swatch():
    narrow_share = 0.9 * MIN_LABELLED_DEGREES / 360
    palette = _palette(((200, 40, 40), 1 - narrow_share), ((40, 40, 200), narrow_share))
    root = ET.fromstring(palette_chart_svg(palette))
    numbers = [t.text for t in root.iter(f"{SVG}text") if t.get("font-weight") == "bold"]
    assert numbers.count("1") == 2 and numbers.count("2") == 1


def test_swatches_fill_columns_of_twelve_and_text_is_escaped():
    rgbs = [(10 * k, 200 - 10 * k, 100) for k in range(13)]
    palette = _palette(*[(rgb, 1 / 13, "salt & <pepper>") for rgb in rgbs])
    svg = palette_chart_svg(palette)
    root = ET.fromstring(svg)  # parses: & and < were escaped
    assert "salt &amp; &lt;pepper&gt;" in svg
    swatches = [r for r in root.iter(f"{SVG}rect") if r.get("stroke") == "#444444"]
    xs = sorted({float(r.get("x")) for r in swatches})
    assert len(swatches) == 13 and len(xs) == 2 and xs[0] == DONUT_SIZE + MARGIN
    assert float(root.get("width")) == DONUT_SIZE + MARGIN + 2 * (xs[1] - xs[0])
    ys = [float(r.get("y")) for r in swatches]
    assert ys[:ROWS_PER_COLUMN] == [MARGIN + i * ROW_HEIGHT for i in range(ROWS_PER_COLUMN)] and ys[12] == MARGIN


def test_the_png_draws_the_svgs_layout_with_the_picture_in_the_hole():
    palette = _palette(((200, 40, 40), 0.5), ((40, 40, 200), 0.5))
    root = ET.fromstring(palette_chart_svg(palette))
    width, height = float(root.get("width")), float(root.get("height"))
    chart = palette_chart_png(palette)
    assert chart.shape == (round(height), round(width), 3) and chart.dtype == np.uint8
    assert palette_chart_png(palette, scale=0.5).shape == (round(height / 2), round(width / 2), 3)
    cx, cy = DONUT_SIZE / 2, height / 2
    ring = (OUTER_RADIUS + INNER_RADIUS) / 2
    # Colour 1 runs from 12 to 6 o'clock through 3, colour 2 back through 9 (their numbers
    # sit at 3 and 9 o'clock: look at half past one and half past seven).
    step = ring / math.sqrt(2)
    np.testing.assert_array_equal(chart[round(cy - step), round(cx + step)], (200, 40, 40))
    np.testing.assert_array_equal(chart[round(cy + step), round(cx - step)], (40, 40, 200))
    np.testing.assert_array_equal(chart[round(cy), round(cx)], (255, 255, 255))  # empty hole
    picture = np.full((30, 50, 3), (10, 160, 90), np.uint8)
    with_picture = palette_chart_png(palette, picture)
    assert np.abs(with_picture[round(cy), round(cx)].astype(int) - (10, 160, 90)).max() <= 2
