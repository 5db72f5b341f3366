"""A user watches their painting being painted and follows it brush by brush (tiny size)."""

import re

from playwright.sync_api import expect

from tests.browser.test_studio_browser import new_project, start_painting, watch_progress


def loaded(locator) -> bool:
    locator.scroll_into_view_if_needed()
    expect(locator).to_have_js_property("complete", True)
    return locator.evaluate("img => img.naturalWidth") > 0


def test_a_finished_painting_shows_its_timelapse_and_plan_steps(page, sign_up, shared_data, worker_process,
                                                                styles, tmp_path):
    sign_up("planner")
    new_project(page, shared_data)
    start_painting(page, preset="Quick preview", size="96")  # 96 px on 40 cm: two brushes
    watch_progress(page)
    expect(page.locator("#plan-timelapse")).to_be_attached(timeout=60_000)

    assert loaded(page.locator("#plan-timelapse"))
    steps = page.locator(".plan-step")
    assert steps.count() >= 2
    expect(steps.first.locator(".plan-brush")).to_have_text(re.compile(r"\d+ mm brush · \d+ strokes"))
    for i in range(steps.count()):
        assert loaded(steps.nth(i).locator(".stroke-map img"))
    page.screenshot(path=str(tmp_path / "plan-steps.png"), full_page=True)

    page.get_by_role("link", name="Print the lesson plan").click()
    assert loaded(page.locator("#plan-timelapse"))
    assert page.locator(".plan-step .stroke-map img").count() == steps.count()
    page.screenshot(path=str(tmp_path / "plan-print.png"), full_page=True)
