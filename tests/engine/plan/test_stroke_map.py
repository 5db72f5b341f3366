"""Stroke maps: valid SVG with one band, one arrowed line and one colour number per stroke."""

import xml.etree.ElementTree as ET

import numpy as np

from engine.plan.model import PlanLayer, make_stroke
from engine.plan.stroke_map import stroke_map_svg

NS = {"svg": "http://www.w3.org/2000/svg"}


def test_stroke_map_svg_draws_each_stroke_once_in_its_paint_with_its_number():
    palette = np.array([(240, 236, 225), (180, 40, 40), (40, 70, 160)], np.uint8)
    strokes = [make_stroke([[5, 10], [50, 12], [70, 30]], 8.0, 2),
               make_stroke([[20, 40]], 6.0, 3),  # a dab: a disc, no arrow
               make_stroke([[60, 5], [10, 45]], 4.0, 1)]
    layer = PlanLayer(0, 6.0, 8.0, strokes)
    before = np.full((50, 80), -1)
    before[:, :40] = 0
    root = ET.fromstring(stroke_map_svg(layer, (50, 80), palette, labels_before=before))
    assert root.get("viewBox") == "-0.5 -0.5 80 50"
    bands, lines, numbers = root.findall("svg:g", NS)
    assert [e.tag.split("}")[1] for e in bands] == ["path", "circle", "path"]
    colours = [e.get("stroke") or e.get("fill") for e in bands]
    assert colours == ["#{:02x}{:02x}{:02x}".format(*palette[s.color - 1]) for s in strokes]
    assert len(list(lines)) == 2 and lines.get("marker-end") == "url(#arrow)"
    assert [t.text for t in numbers] == ["2", "3", "1"]
    assert [(float(t.get("x")), float(t.get("y"))) for t in numbers] == [tuple(s.points[0]) for s in strokes]
    assert root.find("svg:image", NS) is not None  # the canvas before the layer, faded
