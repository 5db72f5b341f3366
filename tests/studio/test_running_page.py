"""The running page says what is true at every moment: queued, starting, painting, finished."""

import pytest

from studio.models import Job
from tests.studio.conftest import give_lesson
from tests.studio.test_generation_pages import make_generation  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_a_queued_painting_says_queued_not_started(alice_client, make_generation):
    page = alice_client.get(make_generation(Job.Status.QUEUED).get_absolute_url()).content.decode()
    assert "Queued: waiting for a free worker" in page and " · queued " in page
    assert " · started " not in page
    assert "The painting has not started yet" in page  # a word in the empty preview box
    assert "once it starts" in page and " s left" not in page


def test_a_running_painting_at_0_percent_has_words_in_the_preview_box(alice_client, make_generation):
    page = alice_client.get(make_generation(Job.Status.RUNNING, progress=0.0).get_absolute_url()).content.decode()
    assert "Starting" in page and " · started " in page
    assert "The first preview appears after the first pass" in page


def test_time_left_is_in_words(alice_client, make_generation):
    page = alice_client.get(make_generation(Job.Status.RUNNING, progress=0.5, stage="transfer").get_absolute_url()).content.decode()
    assert "less than a minute left" in page or "min left" in page


def test_a_finished_painting_shows_no_stage(alice_client, make_generation):
    generation = give_lesson(make_generation(Job.Status.SUCCEEDED, result=True, stage="lesson"))
    page = alice_client.get(generation.get_absolute_url()).content.decode()
    assert "Writing the lesson plan" not in page and "data-stage" not in page


def test_a_portrait_photo_says_the_canvas_was_turned(alice_client, make_generation):
    generation = give_lesson(make_generation(Job.Status.SUCCEEDED, result=True, canvas="400x300mm"))
    generation.lesson["canvas"].update(width=30, height=40)  # what the worker stores for a portrait photo
    generation.save(update_fields=["lesson"])
    page = alice_client.get(generation.get_absolute_url()).content.decode()
    assert "The canvas was turned to 30×40 cm (you asked for 400x300mm) to match the portrait photo." in page


def test_the_lesson_sections_follow_the_engines_order(alice_client, make_generation):
    import re

    from engine.lesson.html import SECTIONS

    generation = give_lesson(make_generation(Job.Status.SUCCEEDED, result=True), palette=("#2f4f4f", "#123456"))
    for page in (alice_client.get(generation.get_absolute_url()), alice_client.get(f"/generations/{generation.pk}/lesson/")):
        html = page.content.decode()
        assert re.findall(r'<section class="lesson-section" id="([a-z]+)"', html) == [id_ for id_, _ in SECTIONS]
    assert "colour 1" in html  # names as words, the way lesson.html writes them
