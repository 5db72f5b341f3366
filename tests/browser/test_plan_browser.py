"""A painter follows a lesson one mix at a time: the paint-along page by keyboard, "done"
kept across a reload, projector mode, the time-lapse player, and a print page where
nothing overlaps (lessons made by the worker's code on a stored painting)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, overlapping_boxes


@pytest.fixture
def lesson(alice, make_painted):
    return make_painted(alice, level="beginner", size=(200, 150))


def test_paint_along_one_mix_at_a_time_by_keyboard_and_done_survives_a_reload(page, lesson, tmp_path):
    substeps = lesson.lesson_substeps()
    log_in(page, "alice")
    page.goto(f"/generations/{lesson.pk}/paint-along/")
    position = page.locator("[data-position]")
    picture = page.locator("[data-picture]")
    expect(position).to_have_text("1")
    page.keyboard.press("ArrowRight")
    expect(position).to_have_text("2")
    expect(picture).to_have_attribute("src", re.compile(re.escape(substeps[1]["image"]) + "$"))
    expect(page.locator(f'[data-substep="{substeps[1]["key"]}"]')).to_be_visible()
    expect(page.locator(f'[data-substep="{substeps[0]["key"]}"]')).to_be_hidden()
    page.keyboard.press("ArrowLeft")
    expect(position).to_have_text("1")
    page.keyboard.press("d")  # done: on to the next mix
    expect(position).to_have_text("2")
    expect(page.locator("[data-done-count]")).to_have_text("1")
    page.screenshot(path=str(tmp_path / "paint-along-desktop.png"))

    page.goto(f"/generations/{lesson.pk}/paint-along/")  # a return visit resumes where it was left
    expect(position).to_have_text("2")
    expect(page.locator("[data-done-count]")).to_have_text("1")
    page.get_by_role("link", name="← Previous").click()
    expect(page.get_by_role("button", name=re.compile("Done ✓"))).to_be_visible()  # the first is marked done

    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(tmp_path / "paint-along-phone.png"))


def test_projector_mode_shows_only_the_current_mix_as_outlines_on_black(page, lesson):
    substeps = lesson.lesson_substeps()
    log_in(page, "alice")
    page.goto(f"/generations/{lesson.pk}/paint-along/")
    page.get_by_role("button", name="Projector mode").click()
    overlay = page.locator("[data-projector]")
    expect(overlay).to_be_visible()
    svg = overlay.locator("svg")
    expect(svg.locator("path, circle")).not_to_have_count(0)
    colours = svg.evaluate("""s => [...s.querySelectorAll('*')].flatMap(e => ['fill', 'stroke']
        .map(a => e.getAttribute(a)).filter(v => v))""")
    assert set(colours) <= {"#fff", "#000", "none", "#555"}  # outlines and arrows only, no painting
    assert svg.evaluate("s => s.querySelectorAll('image').length") == 0
    inner = svg.evaluate("s => s.querySelectorAll('g[stroke=\"#000\"] > *').length")
    assert inner == substeps[0]["strokes"]  # one outline per stroke of this mix
    transform = svg.locator("g[transform]").get_attribute("transform")
    page.get_by_role("button", name="Larger").click()
    page.get_by_role("button", name="Move right").click()
    assert svg.locator("g[transform]").get_attribute("transform") != transform  # lined up with the canvas
    page.keyboard.press("ArrowRight")
    expect(overlay.locator("[data-projector-label]")).to_contain_text(f"mix {substeps[1]['color']}")
    page.keyboard.press("Escape")
    expect(overlay).to_be_hidden()


def test_another_user_gets_404_on_the_paint_along_page(page, lesson, make_user):
    make_user("mallory")
    log_in(page, "mallory")
    response = page.goto(f"/generations/{lesson.pk}/paint-along/")
    assert response.status == 404


def test_the_timelapse_plays_pauses_and_scrubs(page, lesson):
    log_in(page, "alice")
    page.goto(f"/generations/{lesson.pk}/")
    player = page.locator(".timelapse-player")
    player.scroll_into_view_if_needed()
    expect(player.locator("[data-scrub]")).to_be_visible()
    width = player.locator("canvas").evaluate("c => Math.max(c.width, c.height)")
    assert width >= 512
    strokes = lesson.lesson["plan"]["strokes"]
    expect(player.locator("[data-count]")).to_have_text(re.compile(f"stroke {strokes} of {strokes}"))
    player.locator("[data-scrub]").fill("3")
    expect(player.locator("[data-count]")).to_have_text(re.compile(f"stroke 3 of {strokes}"))
    player.get_by_role("button", name="Play").click()
    page.wait_for_timeout(400)
    player.get_by_role("button", name="Pause").click()
    played = int(re.search(r"stroke (\d+)", player.locator("[data-count]").inner_text()).group(1))
    assert 3 < played <= strokes


def test_the_print_page_has_no_overlapping_boxes(page, lesson, tmp_path):
    log_in(page, "alice")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.emulate_media(media="print")
    page.goto(f"/generations/{lesson.pk}/lesson/")
    for img in page.locator("img").all():
        img.scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")
    overlaps = overlapping_boxes(
        page, "main img, main p, main h1, main h2, main h3, main h4, main li > span, main figcaption, main td")
    page.screenshot(path=str(tmp_path / "print.png"), full_page=True)
    assert overlaps == []


def test_on_a_phone_names_and_recipes_keep_room_to_read(page, lesson):
    """At 390 px, a colour's name and a recipe's words get most of a line on the lesson's page
    and on the print page (a rule order once left recipes 50 px: one word a line)."""
    log_in(page, "alice")
    page.set_viewport_size({"width": 390, "height": 844})
    for url in (f"/generations/{lesson.pk}/", f"/generations/{lesson.pk}/lesson/"):
        page.goto(url)
        widths = page.evaluate("""() => ({
            names: [...document.querySelectorAll('.swatch-name')].map(e => e.getBoundingClientRect().width),
            recipes: [...document.querySelectorAll('.recipe-words')].map(e => e.getBoundingClientRect().width),
            page: document.documentElement.scrollWidth })""")
        assert widths["names"] and widths["recipes"], url
        assert min(widths["names"]) >= 150 and min(widths["recipes"]) >= 150, (url, widths)
        assert widths["page"] <= 390, (url, widths["page"])  # nothing wider than the phone
