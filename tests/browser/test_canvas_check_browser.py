"""A painter checks their canvas in a browser: uploads a (synthetic) photo of it for a step,
sees the findings, drags a corner, checks again and sees the findings again; at desktop
and phone widths nothing overlaps (a real worker process runs the checks)."""

import re

import numpy as np
import pytest
from playwright.sync_api import expect

from studio import check_targets
from studio.models import CanvasCheck
from tests.browser.conftest import log_in, overlapping_boxes

# Every text and control of the check pages (the corner stage's handles lie on its picture on purpose).
PARTS = ("main img, main p, main h1, main h2, main li > span, main figcaption, main summary, main button, main a, "
         "main select, main input, main label")


@pytest.fixture
def lesson(alice, make_painted, lessons_built_once):
    return make_painted(alice)  # the lesson the studio's check tests built, when they ran first


def canvas_photo(generation, key, path):
    """A phone photo of the step's target painted with a too-dark patch; returns its true corners."""
    from engine.check.synthetic_painting import apply_mistake, blob_mask, paint_imperfectly
    from engine.check.synthetic_photo import photograph
    from engine.color.spaces import lab_to_rgb, rgb_to_lab, to_uint8

    target = check_targets.step_target(generation, key).image
    rng = np.random.default_rng(2)
    lab = rgb_to_lab(paint_imperfectly(target, rng=rng, brush_px=3.0).image)
    apply_mistake(lab, blob_mask(target.shape[:2], 0.05, (0.55 * target.shape[1], 0.4 * target.shape[0]), rng),
                  "too_dark", rng)
    shot = photograph(to_uint8(lab_to_rgb(lab)), canvas_cm=(40, 30), rng=np.random.default_rng(5), size=(640, 480))
    path.write_bytes(shot.jpeg)
    return shot.corners


def drag_to(page, handle, stage, x, y, photo_size):
    """Drag a corner handle with the mouse to photo px (x, y)."""
    box, grip = stage.bounding_box(), handle.bounding_box()
    page.mouse.move(grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2)
    page.mouse.down()
    target = (box["x"] + x / photo_size[0] * box["width"], box["y"] + y / photo_size[1] * box["height"])
    page.mouse.move(*target, steps=8)
    page.mouse.up()


def test_check_my_canvas_upload_findings_drag_a_corner_and_check_again(page, lesson, worker_process, tmp_path):
    key = f"{lesson.lesson_steps()[-1].order:02d}"
    corners = canvas_photo(lesson, key, tmp_path / "canvas.jpg")
    log_in(page, "alice")
    page.goto(f"/generations/{lesson.pk}/")
    page.locator(f"#step-{int(key)}").screenshot(path=str(tmp_path / "step-links-desktop.png"))
    page.get_by_role("link", name=f"Check my canvas after step {int(key)}").click()
    expect(page.get_by_label("It should look like")).to_have_value(key)
    page.get_by_label("Photo of your canvas").set_input_files(str(tmp_path / "canvas.jpg"))
    page.screenshot(path=str(tmp_path / "form-desktop.png"), full_page=True)
    assert overlapping_boxes(page, PARTS, ignore=".corner-stage") == []
    page.get_by_role("button", name="Check my canvas").click()

    regions = page.locator(".check-region")
    expect(regions.first).to_be_visible(timeout=90_000)  # the worker ran it; the page reloaded itself
    expect(page.get_by_role("heading", name=re.compile(r"areas? to fix"))).to_be_visible()
    expect(page.locator(".check-region.kind-too_dark").first).to_contain_text(re.compile(r"Mix \d+"))
    page.screenshot(path=str(tmp_path / "check-desktop.png"), full_page=True)
    assert overlapping_boxes(page, PARTS, ignore=".corner-stage") == []

    page.get_by_text("Corners look wrong? Drag them").click()
    stage = page.locator(".corner-stage")
    handles = page.locator(".corner-handle")
    expect(handles).to_have_count(4)
    check = CanvasCheck.objects.get()
    size = (check.photo_width, check.photo_height)
    stage.scroll_into_view_if_needed()
    drag_to(page, handles.nth(0), stage, *corners[0], size)  # the top-left ring onto the true corner
    x1 = float(page.locator("[name=x1]").input_value())
    y1 = float(page.locator("[name=y1]").input_value())
    assert abs(x1 - corners[0][0]) < 2 and abs(y1 - corners[0][1]) < 2
    x2 = float(page.locator("[name=x2]").input_value())
    handles.nth(1).focus()
    page.keyboard.press("ArrowRight")  # and a keyboard nudge of the top-right one, then back
    assert float(page.locator("[name=x2]").input_value()) > x2
    page.keyboard.press("ArrowLeft")
    page.screenshot(path=str(tmp_path / "corners-desktop.png"), full_page=True)
    page.get_by_role("button", name="Check again with these corners").click()

    expect(page.get_by_text("Checking the photo again with your corners.")).to_be_visible()
    expect(regions.first).to_be_visible(timeout=90_000)
    check.refresh_from_db()
    assert abs(check.corners_given[0][0] - corners[0][0]) < 2 and abs(check.corners_given[0][1] - corners[0][1]) < 2
    assert check.findings["corners"][0] == pytest.approx(check.corners_given[0], abs=0.01)
    expect(page.locator(".check-region.kind-too_dark").first).to_be_visible()

    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.reload()
    page.get_by_text("Corners look wrong? Drag them").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert overlapping_boxes(page, PARTS, ignore=".corner-stage") == []
    handles.nth(2).scroll_into_view_if_needed()
    handle = handles.nth(2).bounding_box()
    assert handle["width"] >= 44 and handle["height"] >= 44  # a finger's size
    x3 = float(page.locator("[name=x3]").input_value())
    touch = page.context.new_cdp_session(page)  # a finger drags the bottom-right ring 30 px left
    touch.send("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 1})
    start = {"x": handle["x"] + handle["width"] / 2, "y": handle["y"] + handle["height"] / 2}
    touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [start]})
    for step in range(1, 7):
        touch.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{**start, "x": start["x"] - 5 * step}]})
    touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    shown = stage.bounding_box()["width"]
    assert float(page.locator("[name=x3]").input_value()) == pytest.approx(x3 - 30 * size[0] / shown, abs=3)
    page.screenshot(path=str(tmp_path / "check-phone.png"), full_page=True)

    page.goto(f"/generations/{lesson.pk}/check/?step={key}")  # the form, with this step's earlier check
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert overlapping_boxes(page, PARTS, ignore=".corner-stage") == []
    page.screenshot(path=str(tmp_path / "form-phone.png"), full_page=True)
    page.goto(f"/generations/{lesson.pk}/#checks")
    history = page.locator("#checks .check-card")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text(re.compile(r"\d+ areas? to fix"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("#checks").screenshot(path=str(tmp_path / "history-phone.png"))

    substeps = lesson.lesson_substeps()  # the paint-along page links the mix it shows
    page.goto(f"/generations/{lesson.pk}/paint-along/?step={substeps[0]['key']}")
    link = page.get_by_role("link", name="Check my canvas after this mix")
    expect(link).to_have_attribute("href", re.compile(re.escape(f"?step={substeps[0]['key']}") + "$"))
    page.keyboard.press("ArrowRight")
    expect(link).to_have_attribute("href", re.compile(re.escape(f"?step={substeps[1]['key']}") + "$"))

