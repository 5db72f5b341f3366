"""The plan's JSON: it validates, and broken plans are refused with a clear message."""

import json

import pytest

from engine.plan.model import validate_plan


def test_plan_json_validates_and_broken_plans_are_refused(planned):
    payload = json.loads(json.dumps(planned.plan.to_json()))
    validate_plan(payload)
    assert payload["layers"][0]["strokes"][0]["points"]
    broken = [
        ("version", lambda p: p.update(version=99)),
        ("color must be a palette number", lambda p: p["layers"][0]["strokes"][0].update(color=len(p["palette"]) + 1)),
        ("width must be positive", lambda p: p["layers"][0]["strokes"][0].update(width=0)),
        ("at least one point", lambda p: p["layers"][0]["strokes"][0].update(points=[])),
        ("finite", lambda p: p["layers"][0]["strokes"][0].update(points=[[1.0, float("nan")]])),
        ("index must be 0", lambda p: p["layers"][0].update(index=3)),
        ("unit", lambda p: p["canvas"].update(unit="px")),
        ("rgb", lambda p: p["palette"][0].update(rgb=[0, 0, 300])),
    ]
    for message, breaks in broken:
        copy = json.loads(json.dumps(payload))
        breaks(copy)
        with pytest.raises(ValueError, match=message):
            validate_plan(copy)
