"""The stroke plan in the studio: its own progress stage, plan steps and the time-lapse on the
generation and print pages; generations made before plans (or before sub-steps) still display."""

import json

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from studio.models import Generation, Job, LessonFile
from tests.studio.conftest import give_lesson, image_bytes


def pages(generation):
    return (generation.get_absolute_url(), reverse("studio:lesson-print", args=[generation.pk]))


@pytest.mark.django_db
def test_a_finished_generation_shows_its_plan_steps_and_the_timelapse(alice_client, alice, make_painted):
    generation = make_painted(alice, level="intermediate")
    assert generation.timings.get("plan", 0) > 0  # the planner ran as its own stage
    lesson = generation.lesson
    plan = json.loads(LessonFile.objects.get(generation=generation, name="plan.json").file.read())
    assert len(plan["layers"]) == len(lesson["steps"]) == lesson["plan"]["layers"] >= 2
    for url in pages(generation):
        page = alice_client.get(url).content.decode()
        assert page.count('<article class="step ') == len(plan["layers"])
        for step in lesson["steps"]:
            assert f"{step['brush_mm']:g} mm brush" in page
    detail = alice_client.get(generation.get_absolute_url()).content.decode()
    assert f'data-plan-url="{reverse("studio:generation-file", args=[generation.pk, "plan.json"])}"' in detail
    timelapse = alice_client.get(reverse("studio:generation-file", args=[generation.pk, "timelapse.webp"]))
    assert timelapse.status_code == 200 and timelapse["Content-Type"] == "image/webp"


@pytest.mark.django_db
def test_a_generation_made_before_plans_still_displays(alice_client, alice, make_project):
    project = make_project(alice, title="Old one")
    job = Job.objects.create(owner=alice, project=project, kind="generation", queue="transfer",
                             status=Job.Status.SUCCEEDED)
    generation = Generation(project=project, job=job)
    generation.result.save("r.png", ContentFile(image_bytes(format="PNG"), name="r.png"), save=False)
    generation.save()
    give_lesson(generation, ("#203040", "#c0a080"), ((1, (1,)), (2, (2,))))  # no "plan", no stroke maps
    for url in pages(generation):
        response = alice_client.get(url)
        page = response.content.decode()
        assert response.status_code == 200 and "Step 2" in page
        assert "timelapse" not in page and "stroke-map" not in page and 'class="substep"' not in page
        assert reverse("studio:paint-along", args=[generation.pk]) not in page
