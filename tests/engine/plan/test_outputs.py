"""What a plan is shown as: stroke maps, the time-lapse and the ``plan`` command."""

import io
import json
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from engine.lesson.palette import extract
from engine.plan.outputs import plan_picture, stroke_map_name
from engine.plan.render import labels_to_rgb
from engine.plan.timelapse import MAX_BYTES, encode_timelapse, timelapse_frames


@pytest.fixture(scope="module")
def planned():
    yy, xx = np.mgrid[0:72, 0:96] / 72.0
    image = np.stack([0.2 + 0.6 * xx, 0.3 + 0.4 * yy, 0.5 + 0.0 * xx], axis=2)
    image[(yy - 0.5) ** 2 + (xx - 0.6) ** 2 < 0.06] = (0.9, 0.8, 0.1)
    picture = (image * 255).astype(np.uint8)
    return plan_picture(picture, extract(picture, 8).rgb, canvas=(40, 30, "cm"))


def test_stroke_maps_draw_every_stroke_with_its_colour_number_and_direction(planned):
    files = planned.files(timelapse=False)
    ns = {"svg": "http://www.w3.org/2000/svg"}
    for layer in planned.plan.layers:
        root = ET.fromstring(files[stroke_map_name(layer.index)])
        numbers = [t.text for t in root.iterfind(".//svg:text", ns)]
        assert numbers == [str(s.color) for s in layer.strokes]
        groups = root.findall("svg:g", ns)
        bands = [e for e in groups[0]]
        assert len(bands) == len(layer.strokes)
        assert groups[1].get("marker-end") == "url(#arrow)"
        assert len(list(groups[1])) == sum(len(s.points) > 1 for s in layer.strokes)
        assert root.find(".//svg:marker", ns) is not None


def test_timelapse_shows_the_painting_being_painted_within_limits(planned):
    frames = timelapse_frames(planned.plan, max_frames=30, long_side=64)
    assert len(frames) <= 31 and (frames[0] == 255).all()  # bare canvas first
    data = encode_timelapse(frames, seconds=8.0)
    assert len(data) <= MAX_BYTES
    animation = Image.open(io.BytesIO(data))
    assert animation.format == "WEBP" and animation.n_frames == len(frames)
    animation.seek(animation.n_frames - 1)
    animation.load()  # frame timing is read as the frame is decoded
    assert animation.info["timestamp"] + animation.info["duration"] <= 15000
    # The last frame is the finished canvas (lossy WebP: close, not exact).
    final = labels_to_rgb(planned.final, planned.plan.palette_rgb)
    rows = (np.arange(frames[-1].shape[0]) * final.shape[0] / frames[-1].shape[0]).astype(int)
    cols = (np.arange(frames[-1].shape[1]) * final.shape[1] / frames[-1].shape[1]).astype(int)
    np.testing.assert_array_equal(frames[-1], final[np.ix_(rows, cols)])
    with pytest.raises(ValueError, match="at most 15"):
        encode_timelapse(frames, seconds=20.0)


def test_plan_command_writes_every_file_and_prints_measures(tmp_path, capsys):
    from engine.cli import main
    from engine.imageio import save_image

    rng = np.random.default_rng(0)
    picture = np.kron(rng.integers(0, 255, (6, 8, 3)), np.ones((12, 12, 1))).astype(np.uint8)
    save_image(tmp_path / "in.png", picture)
    assert main(["plan", str(tmp_path / "in.png"), "-o", str(tmp_path / "out"), "--canvas", "16x12in",
                 "--colors", "6", "--level", "beginner", "--json"]) == 0
    measures = json.loads(capsys.readouterr().out)
    for key in ("plan_delta_e", "quantized_delta_e", "strokes", "strokes_per_layer", "strokes_per_100_cm2",
                "seconds", "peak_rss_mb", "brushes_mm", "level", "substeps", "block_in_colors", "longest_stroke_cm",
                "painting_minutes"):
        assert key in measures
    assert measures["level"] == "beginner" and measures["block_in_colors"] <= 6
    assert measures["strokes_per_100_cm2"] <= 25 and measures["longest_stroke_cm"] <= 15
    plan = json.loads((tmp_path / "out" / "plan.json").read_text())
    assert [s["key"] for s in measures["substeps"]] == [
        f"{i + 1:02d}-{j + 1:02d}" for i, layer in enumerate(plan["layers"]) for j in range(len(layer["substeps"]))]
    for step in measures["substeps"]:
        assert (tmp_path / "out" / step["image"]).is_file() and step["minutes"] > 0
    assert measures["painting_minutes"] >= sum(step["minutes"] for step in measures["substeps"])
    names = {p.name for p in (tmp_path / "out").iterdir()}
    assert {"plan.json", "final.png", "timelapse.webp", "substeps"} <= names
    layers = len(measures["strokes_per_layer"])
    assert {f"layer-{i:02d}.png" for i in range(1, layers + 1)} <= names
    assert sum(bool(re.fullmatch(r"stroke-map-\d\d\.svg", n)) for n in names) == layers
    with Image.open(tmp_path / "out" / "final.png") as final:
        assert final.size == (96, 72)
    assert main(["plan", str(tmp_path / "missing.png"), "-o", str(tmp_path / "x")]) == 2
    assert main(["plan", str(tmp_path / "in.png"), "-o", str(tmp_path / "x"), "--canvas", "big"]) == 2
    assert main(["plan", str(tmp_path / "in.png"), "-o", str(tmp_path / "x"), "--budget", "0.5"]) == 2
    assert "cannot cover this canvas" in capsys.readouterr().err


def test_bench_plan_reports_every_level_beside_the_palette_limit_over_a_folder_and_a_synthetic_set(tmp_path, capsys):
    from engine.cli import main
    from engine.imageio import save_image

    rng = np.random.default_rng(3)
    save_image(tmp_path / "a.png", np.kron(rng.integers(0, 255, (4, 6, 3)), np.ones((16, 16, 1))).astype(np.uint8))
    assert main(["bench", "plan", "--images", str(tmp_path), "--synthetic", "1", "--size", "64",
                 "--levels", "beginner,detailed", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [(r["level"], r["set"]) for r in report["images"]] == [
        ("beginner", "photos"), ("beginner", "synthetic"), ("detailed", "photos"), ("detailed", "synthetic")]
    for level in ("beginner", "detailed"):
        result = report["levels"][level]
        photos = result["sets"]["photos"]
        assert photos["plan_delta_e"] >= photos["quantized_delta_e"]  # no plan beats each pixel's nearest paint
        assert result["sets"]["synthetic"]["quantized_delta_e"] == 0.0  # synthetic paintings use their palette
        assert set(result["targets"]) == {"budget", "ratio", "block_in_le_6_mixes", "strokes_le_15_cm",
                                          "cpu_seconds_le_10"}
    assert report["levels"]["beginner"]["strokes_per_100_cm2_max"] <= 25
    assert main(["bench", "plan", "--images", str(tmp_path), "--levels", "expert"]) == 2
