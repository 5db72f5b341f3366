"""Lesson plan: canvas sizes, grid, value studies, files, HTML and the command line."""

import io
import json
import re

import numpy as np
import pytest
from PIL import Image

from engine.cli import main
from engine.lesson.grid import draw_grid, fit_to_canvas, nice_spacing, parse_canvas
from engine.imageio import save_image
from engine.lesson.build import build_lesson
from engine.lesson.values import value_study


def picture(height=72, width=96):
    yy, xx = np.mgrid[0:height, 0:width]
    image = np.stack([xx * 255 // width, yy * 255 // height, np.full_like(xx, 90)], axis=2).astype(np.uint8)
    image[(yy - height // 2) ** 2 + (xx - width // 2) ** 2 < (height // 4) ** 2] = (240, 230, 200)
    image[5:15, 5:25] = (20, 20, 30)
    return image


@pytest.mark.parametrize(
    "text, expected",
    [
        ("40x30cm", (40.0, 30.0, "cm")),
        ("16 x 12 in", (16.0, 12.0, "in")),
        ("50×70cm", (50.0, 70.0, "cm")),
        ("20.5X25.5CM", (20.5, 25.5, "cm")),
    ],
)
def test_parse_canvas(text, expected):
    assert parse_canvas(text) == expected


@pytest.mark.parametrize("text", ["40x30", "40cm", "axbcm", "0x30cm", "40x30km", "5000x30cm", ""])
def test_parse_canvas_rejects_with_an_example(text):
    with pytest.raises(ValueError, match="40x30cm"):
        parse_canvas(text)


def test_grid_spacing_and_squares():
    assert nice_spacing(40, 30, "cm") == 5.0
    assert nice_spacing(16, 12, "in") == 2.0
    grid = draw_grid(picture(), "40x30cm", long_side=400)
    assert (grid.spacing, grid.columns, grid.rows) == (5.0, 8, 6)
    grid = draw_grid(picture(), (40, 30, "cm"), spacing=7, long_side=400)
    assert (grid.columns, grid.rows) == (6, 5)  # partial squares at the edges count
    # lines are drawn every spacing × (400 px / 40 cm) = 70 px, after a label margin
    blank = draw_grid(np.full((30, 40, 3), 255, np.uint8), "40x30cm", spacing=10, long_side=400).image
    margin = blank.shape[1] - 400
    column = blank[margin + 150, margin:]
    dark = np.flatnonzero(column.max(axis=1) < 128)
    assert {99, 199, 299}.issubset(set(dark)) and 150 not in dark


def test_fit_to_canvas():
    image = picture(100, 100)
    assert fit_to_canvas(image, 40, 30).shape == (75, 100, 3)
    padded = fit_to_canvas(image, 30, 40, fit="pad")
    assert padded.shape == (133, 100, 3) and (padded[0] == 255).all()
    with pytest.raises(ValueError, match="fit"):
        fit_to_canvas(image, 30, 40, fit="stretch")


def test_value_studies_have_the_asked_levels():
    image = picture()
    for levels in (3, 5):
        study = value_study(image, levels, smoothing=1)
        assert study.levels == levels and len(study.thresholds) == levels - 1
        greys = np.unique(study.image.reshape(-1, 3), axis=0)
        assert len(greys) == levels and (greys[:, 0] == greys[:, 1]).all()
    # darker pixels never get a lighter value than lighter pixels
    study = value_study(image, 3, smoothing=1)
    assert study.labels[10, 10] == 0 and study.labels[36, 48] == 2
    flat = value_study(np.full((10, 10, 3), 60, np.uint8), 5)
    assert flat.levels == 1 and flat.thresholds == []
    with pytest.raises(ValueError, match="levels"):
        value_study(image, 1)


@pytest.fixture(scope="module")
def lesson_and_progress():
    calls = []
    lesson = build_lesson(picture(), max_colors=8, canvas="40x30cm", progress=lambda s, f: calls.append((s, f)))
    return lesson, calls


def test_progress_reports_every_stage_in_order(lesson_and_progress):
    _, calls = lesson_and_progress
    stages = [s for s, _ in calls]
    for stage in ("palette", "steps", "sheet", "values", "grid"):
        assert stage in stages
    fractions = [f for _, f in calls]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and calls[-1] == ("done", 1.0)


def test_lesson_files_are_complete_and_reference_each_other_by_relative_name(lesson_and_progress):
    lesson, _ = lesson_and_progress
    files = lesson.files()
    payload = json.loads(files["lesson.json"])
    canvas = payload["canvas"]
    assert {k: canvas[k] for k in ("width", "height", "unit", "fit")} == {"width": 40.0, "height": 30.0, "unit": "cm",
                                                                        "fit": "crop"}
    # What the fit cut is said, and the picture of it is there when anything was cut.
    cut = canvas["margins_px"]
    assert (canvas["source"]["height"] - cut["top"] - cut["bottom"],
            canvas["source"]["width"] - cut["left"] - cut["right"]) == lesson.picture.shape[:2]
    assert ("fit_image" in canvas) == any(cut.values())
    if any(cut.values()):
        assert canvas["fit_image"] in files
    assert payload["palette"] == lesson.palette.to_json()
    assert payload["grid"]["spacing"] == 5.0 and payload["grid"]["image"] in files
    assert len(payload["steps"]) == len(lesson.steps) >= 1
    for step in payload["steps"]:
        assert {"title", "instruction", "colors", "image", "mask"} <= set(step)
        assert step["image"] in files and step["mask"] in files
    for name in payload["assets"].values():
        assert name in files
    for study in payload["values"]:
        assert study["image"] in files
    assert payload["sheet"]["svg"] in files
    html = files["lesson.html"].decode("utf-8")
    sources = re.findall(r'src="([^"]+)"', html)
    # Relative names inside the lesson's folder (sub-steps have a folder of their own): no root, no "..", no scheme.
    assert sources and all(src in files and ":" not in src and all(part not in ("", ".", "..") for part in src.split("/"))
                           for src in sources)
    assert "page-break-before" in html and "@media print" in html
    for name, content in files.items():
        if name.endswith(".png"):
            Image.open(io.BytesIO(content)).verify()
    step_png = Image.open(io.BytesIO(files[payload["steps"][0]["image"]]))
    assert step_png.size == (lesson.picture.shape[1], lesson.picture.shape[0]) == (96, 72)


def test_write_puts_the_same_bytes_in_a_folder(lesson_and_progress, tmp_path):
    lesson, _ = lesson_and_progress
    lesson.write(tmp_path / "out")
    for name, content in lesson.files().items():
        assert (tmp_path / "out" / name).read_bytes() == content


def test_lesson_accepts_grey_and_rgba_and_refuses_bad_canvas():
    grey = build_lesson(np.tile(np.linspace(0, 1, 40, dtype=np.float32), (30, 1)), canvas=(4, 3, "in"))
    assert grey.picture.shape == (30, 40, 3) and grey.grid.canvas == (4.0, 3.0, "in")
    rgba = np.dstack([picture(30, 40), np.full((30, 40), 255, np.uint8)])
    assert len(build_lesson(rgba, max_colors=4).palette) <= 4
    with pytest.raises(ValueError, match="40x30cm"):
        build_lesson(picture(), canvas="big")
    with pytest.raises(ValueError, match="at least 2 px"):
        build_lesson(np.zeros((1, 50, 3), np.uint8))


def test_cli_palette_json_validates(tmp_path, capsys):
    path = tmp_path / "picture.png"
    save_image(path, picture())
    assert main(["palette", str(path), "--colors", "6", "--json", "-o", str(tmp_path / "chart.svg")]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) == {"colors"} and 1 <= len(payload["colors"]) <= 6
    for color in payload["colors"]:
        assert len(color["rgb"]) == 3 and all(isinstance(v, int) and 0 <= v <= 255 for v in color["rgb"])
        assert re.fullmatch(r"#[0-9a-f]{6}", color["hex"]) and isinstance(color["name"], str)
        assert 0 < color["share"] <= 1
    assert abs(sum(c["share"] for c in payload["colors"]) - 1) < 1e-6
    assert (tmp_path / "chart.svg").read_text().startswith("<svg")


def test_cli_steps_and_lesson_write_their_files(tmp_path, capsys):
    path = tmp_path / "picture.png"
    save_image(path, picture())
    assert main(["steps", str(path), "-o", str(tmp_path / "steps"), "--json", "--colors", "6"]) == 0
    payload = json.loads(capsys.readouterr().out)
    for step in payload["steps"]:
        assert (tmp_path / "steps" / step["image"]).is_file()
        assert all((tmp_path / "steps" / sub["image"]).is_file() for sub in step["substeps"])
    assert main(["lesson", str(path), "-o", str(tmp_path / "lesson"), "--canvas", "16x12in"]) == 0
    lesson = json.loads((tmp_path / "lesson" / "lesson.json").read_text())
    assert lesson["canvas"]["unit"] == "in" and (tmp_path / "lesson" / "lesson.html").is_file()


def test_cli_bad_input_exits_2_with_a_message(tmp_path, capsys):
    assert main(["lesson", str(tmp_path / "missing.png"), "-o", str(tmp_path), "--canvas", "40x30"]) == 2
    assert "40x30cm" in capsys.readouterr().err
    assert main(["palette", str(tmp_path / "missing.png")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_bench_lesson_runs_on_generated_pictures(tmp_path, capsys):
    pytest.importorskip("extcolors")  # a development requirement: the original method
    assert main(["bench", "lesson", "--images", str(tmp_path), "--size", "48", "--limit", "1", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    total = payload["total"]
    for key in ("baseline_seconds", "engine_seconds", "baseline_delta_e", "engine_delta_e",
                "palette_seconds_max", "lesson_seconds_max"):
        assert total[key] >= 0
    assert payload["images"][0]["image"] == "generated-1"


def test_same_picture_same_lesson_files(lesson_and_progress):
    lesson, _ = lesson_and_progress
    again = build_lesson(picture(), max_colors=8, canvas="40x30cm")
    assert again.files() == lesson.files()
