"""``python -m engine check`` and ``python -m engine bench check``."""

import json

import numpy as np

from tests.engine.check.conftest import photo_of


def _plan_folder(tmp_path, image, palette):
    """A plan folder as ``python -m engine plan`` leaves it: layer-01.png, final.png, plan.json."""
    from engine.imageio import save_image

    folder = tmp_path / "plan"
    save_image(folder / "layer-01.png", image)
    save_image(folder / "final.png", image)
    plan = {"version": 1, "picture": {"width": image.shape[1], "height": image.shape[0]},
            "canvas": {"width": 40.0, "height": 30.0, "unit": "cm"},
            "palette": [{"number": i + 1, "rgb": [int(v) for v in rgb]} for i, rgb in enumerate(palette)],
            "layers": [{"index": 0, "brush_mm": 8.0, "width_px": 2.6, "strokes": []}]}
    (folder / "plan.json").write_text(json.dumps(plan))
    return folder


def test_check_writes_its_pictures_and_prints_the_documented_json(tmp_path, capsys, stroke_target):
    from engine.cli import main
    from engine.imageio import load_image, save_image

    image, palette = stroke_target
    folder = _plan_folder(tmp_path, image, palette)
    shot = photo_of(image, 21)
    (tmp_path / "photo.jpg").write_bytes(shot.jpeg)
    assert main(["check", str(tmp_path / "photo.jpg"), "--target", str(folder / "layer-01.png"),
                 "-o", str(tmp_path / "out"), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) == {"corners", "confident", "regions", "message", "seconds"}
    assert payload["confident"] is True and payload["regions"] == []
    assert np.abs(np.array(payload["corners"]) - shot.corners).max() < 3
    assert load_image(tmp_path / "out" / "rectified.png").shape == image.shape
    assert max(load_image(tmp_path / "out" / "findings.png").shape[:2]) >= 800
    # Corners by hand, the way the studio's "drag them" fix passes them.
    corners = ",".join(f"{v:.1f}" for v in shot.corners.ravel())
    assert main(["check", str(tmp_path / "photo.jpg"), "--target", str(folder / "final.png"), "-o",
                 str(tmp_path / "again"), "--corners", corners, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["confident"] is True
    # A plan made for a canvas of another shape (`plan` keeps the picture's): the target's shape wins.
    plan = json.loads((folder / "plan.json").read_text())
    plan["canvas"]["height"] = 40.0
    (folder / "plan.json").write_text(json.dumps(plan))
    assert main(["check", str(tmp_path / "photo.jpg"), "--target", str(folder / "final.png"), "-o",
                 str(tmp_path / "again"), "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["confident"] is True and "checking it as 40x30 cm" in captured.err
    # Bad input: a message and exit status 2, never a traceback.
    save_image(tmp_path / "tiny.png", np.zeros((20, 30, 3), np.uint8))
    (tmp_path / "broken.jpg").write_bytes(b"not a jpeg")
    for argv in (["check", str(tmp_path / "photo.jpg"), "--target", str(tmp_path / "missing.png")],
                 ["check", str(tmp_path / "broken.jpg"), "--target", str(folder / "final.png")],
                 ["check", str(tmp_path / "tiny.png"), "--target", str(folder / "final.png")],
                 ["check", str(tmp_path / "photo.jpg"), "--target", str(folder / "final.png"), "--corners", "1,2,3"],
                 ["check", str(tmp_path / "photo.jpg"), "--target", str(folder / "final.png"), "--canvas", "huge"]):
        assert main(argv + ["-o", str(tmp_path / "x")]) == 2
        assert "error:" in capsys.readouterr().err


def test_check_says_so_when_the_photo_shows_no_canvas(tmp_path, capsys, stroke_target):
    from engine.check.synthetic_scene import table_texture
    from engine.cli import main
    from engine.imageio import save_image

    image, _ = stroke_target
    save_image(tmp_path / "target.png", image)
    table = (table_texture((640, 480), 6.0, np.random.default_rng(2)) ** (1 / 2.2) * 255).astype(np.uint8)
    save_image(tmp_path / "table.png", table)
    assert main(["check", str(tmp_path / "table.png"), "--target", str(tmp_path / "target.png"),
                 "-o", str(tmp_path / "out"), "--json"]) == 0
    captured = capsys.readouterr()
    payload = json.loads(captured.out)
    assert payload["confident"] is False and payload["regions"] == [] and "corners" in payload["message"]
    assert "note:" in captured.err


def test_bench_check_reports_every_figure(tmp_path, capsys):
    from engine.cli import main

    # Synthetic paintings only (planning targets from pictures is the slow part the real run does).
    assert main(["bench", "check", "--limit", "0", "--count", "2", "--size", "96", "--megapixels", "0.3",
                 "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert len(report["photos"]) == 2
    total = report["total"]
    for key in ("corner_error_mean", "corner_error_max", "corner_error_within_1_5_percent", "recall",
                "false_regions_per_clean_canvas", "false_regions_per_photo", "seconds_max", "cpu_seconds_max"):
        assert key in total
    assert total["clean_canvases"] == 1 and total["planted"] == 1  # photo 0 is clean, photo 1 has one mistake
    assert main(["bench", "check", "--images", str(tmp_path), "--count", "1"]) == 2  # no pictures to plan
