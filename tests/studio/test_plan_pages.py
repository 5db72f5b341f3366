"""The stroke plan in the studio: its own progress stage, plan steps with stroke maps and the
time-lapse on the generation and print pages; generations made before plans still display."""

import json

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from studio import generation_jobs
from studio.models import Generation, Job, LessonFile
from tests.studio.conftest import give_lesson, image_bytes, run_worker_burst

TINY = {"preset": "quick", "output_size": 96, "style_strength": 1.0, "palette_colors": 6, "canvas": "40x30cm", "seed": 3}


def pages(generation):
    return (generation.get_absolute_url(), reverse("studio:lesson-print", args=[generation.pk]))


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_finished_generation_shows_plan_steps_stroke_maps_and_the_timelapse(alice_client, alice, make_project,
                                                                             styles):
    project = make_project(alice, title="Puppy", size=(160, 120))
    generation = generation_jobs.start_generation(project, style=styles[0], **TINY)
    run_worker_burst(("transfer",))
    generation.refresh_from_db()
    generation.job.refresh_from_db()
    assert generation.job.status == Job.Status.SUCCEEDED, generation.job.message
    assert generation.timings.get("plan", 0) > 0  # the planner ran as its own stage
    lesson = generation.lesson
    plan = json.loads(LessonFile.objects.get(generation=generation, name="plan.json").file.read())
    assert len(plan["layers"]) == len(lesson["steps"]) == lesson["plan"]["layers"] >= 2

    timelapse = reverse("studio:generation-file", args=[generation.pk, "timelapse.webp"])
    for url in pages(generation):
        page = alice_client.get(url).content.decode()
        assert f'src="{timelapse}"' in page
        assert page.count('class="step plan-step"') == len(plan["layers"])
        for step in lesson["steps"]:
            assert reverse("studio:generation-file", args=[generation.pk, step["stroke_map"]]) in page
            assert f"{step['brush_mm']:g} mm brush" in page
    served = alice_client.get(timelapse)
    assert served.status_code == 200 and served["Content-Type"] == "image/webp"
    stroke_map = alice_client.get(reverse("studio:generation-file", args=[generation.pk, "stroke-map-01.svg"]))
    assert stroke_map["Content-Type"] == "image/svg+xml" and b"marker" in b"".join(stroke_map.streaming_content)


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
        assert "timelapse" not in page and "stroke-map" not in page and "plan-step" not in page
