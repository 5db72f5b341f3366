"""``python -m engine bench color``: the figures behind keeping or wrapping each conversion."""

import json

import pytest


def test_bench_color_compares_every_conversion_and_its_figures_still_hold(capsys):
    from engine.cli import main

    assert main(["bench", "color", "--colors", "2000", "--size", "48", "--repeat", "1", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    diff = {}
    for row in rows:
        diff[row["function"]] = max(diff.get(row["function"], 0.0), row["max_abs_diff"])
        assert row["ours_ms"] >= 0 and row["reference_ms"] >= 0
    assert len(rows) == 2 * len(diff) == 28  # every function, on colours and on a picture
    # Wrapped: equal to the library.
    assert diff["delta_e_ciede2000"] == pytest.approx(0.0, abs=1e-12)
    assert diff["hsv_to_rgb"] == pytest.approx(0.0, abs=1e-12)
    # Kept because the library's formula differs (the docstrings say by how much): if a new
    # scikit-image or colour-science agreed, these would be wrapped instead.
    for name in ("rgb_to_lab", "lab_to_rgb", "rgb_to_oklab", "rgb_to_yiq", "yiq_to_rgb f32"):
        assert diff[name] > 1e-5, name
    for name in ("srgb_to_linear", "linear_to_srgb", "luma f32", "to_uint8"):
        assert diff[name] < 1e-6, name  # same values: kept for speed, not for a different formula
