import numpy as np

from engine.check.compare import Region
from engine.check.findings import KIND_COLOURS, Finding, Findings, findings_picture


def _region(kind, x0, y0, x1, y1, color=3):
    mask = np.zeros((60, 80), bool)
    mask[y0:y1, x0:x1] = True
    return Region(kind, mask, (x0, y0, x1, y1), 12.5, 14.2, -11.3, np.zeros(3), np.zeros(3), color)


def test_to_json_has_the_documented_keys_and_plain_types():
    findings = Findings(np.array([[1.5, 2.0], [100, 2], [100, 80], [1, 80]]), True,
                        [Finding(_region("too_dark", 5, 5, 20, 20), "lighten it"),
                         Finding(_region("off_colour", 40, 30, 70, 50, None), "repaint it")], seconds=0.4567)
    payload = findings.to_json()
    assert set(payload) == {"corners", "confident", "regions", "message", "seconds"}
    assert payload["corners"][0] == [1.5, 2.0] and payload["confident"] is True and payload["seconds"] == 0.457
    first = payload["regions"][0]
    assert set(first) == {"bbox", "kind", "area_cm2", "delta_e", "delta_l", "color", "advice"}
    assert first["bbox"] == [5, 5, 20, 20] and first["kind"] == "too_dark" and first["color"] == 3
    assert payload["regions"][1]["color"] is None
    assert all(type(v) is int for v in first["bbox"]) and type(first["delta_l"]) is float


def test_the_picture_outlines_each_region_in_its_kinds_colour():
    rectified = np.full((60, 80, 3), 128, np.uint8)
    regions = [_region("too_dark", 5, 5, 30, 30), _region("too_light", 45, 30, 75, 55)]
    picture = findings_picture(rectified, regions)
    assert max(picture.shape[:2]) >= 800  # small targets are enlarged so outlines and numbers read
    for colour in (KIND_COLOURS["too_dark"], KIND_COLOURS["too_light"]):
        assert (np.abs(picture.astype(int) - colour).sum(axis=2) < 30).sum() > 500
    assert (findings_picture(rectified, []) == 128).all()
