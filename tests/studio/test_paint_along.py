"""The paint-along page, progress marks, re-planning at another level, and the lesson pages
showing one mix at a time (lessons made by the worker's own code, without style transfer)."""

import json

import pytest
from django.urls import reverse

from studio import generations, jobqueue
from studio.models import Job, LessonFile, PaintAlongProgress
from tests.studio.conftest import run_worker_burst


def page_url(generation, step=None):
    return reverse("studio:paint-along", args=[generation.pk]) + (f"?step={step}" if step else "")


def mark_url(generation):
    return reverse("studio:paint-along-mark", args=[generation.pk])


@pytest.fixture
def painted(alice, make_painted):
    return make_painted(alice)


@pytest.mark.postgresql  # progress is one row per user and generation, kept by a unique constraint
@pytest.mark.django_db
def test_one_sub_step_at_a_time_and_done_is_kept_so_a_visit_resumes_there(alice_client, alice, painted):
    substeps = painted.lesson_substeps()
    assert len(substeps) >= 3
    first, second = substeps[0], substeps[1]
    page = alice_client.get(page_url(painted)).content.decode()
    image = reverse("studio:generation-file", args=[painted.pk, first["image"]])
    assert f'src="{image}"' in page and f"Sub-step <span data-position>1</span> of {len(substeps)}" in page
    assert page.count('data-substep="') == len(substeps)
    assert f'href="?step={second["key"]}"' in page  # next, without a script

    answer = alice_client.post(mark_url(painted), {"key": first["key"], "done": "on"},
                               HTTP_ACCEPT="application/json")
    assert answer.json() == {"done": [first["key"]], "current": second["key"]}
    page = alice_client.get(page_url(painted)).content.decode()  # a return visit resumes at the next one
    assert f'value="{second["key"]}" data-key' in page and "<span data-done-count>1</span>" in page

    # Without a script: the form posts and is sent back to the page, at the sub-step it left.
    response = alice_client.post(mark_url(painted), {"key": first["key"], "done": ""})
    assert response.status_code == 302 and response["Location"].endswith(f"?step={first['key']}")
    assert PaintAlongProgress.objects.get(user=alice, generation=painted).done == []


@pytest.mark.django_db
def test_another_user_gets_404_and_nothing_is_saved(client, bob, painted):
    client.force_login(bob)
    key = painted.lesson_substeps()[0]["key"]
    assert client.get(page_url(painted)).status_code == 404
    assert client.post(mark_url(painted), {"key": key, "done": "on"}).status_code == 404
    assert client.post(reverse("studio:generation-replan", args=[painted.pk]), {"level": "detailed"}).status_code == 404
    assert not PaintAlongProgress.objects.exists()
    painted.refresh_from_db()
    assert painted.level == "beginner"


@pytest.mark.django_db
def test_marks_for_sub_steps_the_lesson_does_not_have_are_refused(alice_client, painted):
    assert alice_client.post(mark_url(painted), {"key": "99-99", "done": "on"}).status_code == 404
    assert alice_client.post(mark_url(painted), {"key": "../../x", "done": "on"}).status_code == 400
    assert alice_client.get(mark_url(painted)).status_code == 405
    assert not PaintAlongProgress.objects.exists()


@pytest.mark.django_db
def test_the_lesson_pages_show_every_sub_step_with_its_picture_mix_and_minutes(alice_client, painted):
    lesson = painted.lesson
    substeps = painted.lesson_substeps()
    for url in (painted.get_absolute_url(), reverse("studio:lesson-print", args=[painted.pk])):
        page = alice_client.get(url).content.decode()
        assert page.count('<li class="substep"') == len(substeps)
        for sub in substeps:
            assert reverse("studio:generation-file", args=[painted.pk, sub["image"]]) in page
        assert f"{lesson['plan']['level_label']} lesson" in page
    detail = alice_client.get(painted.get_absolute_url()).content.decode()
    assert page_url(painted) in detail and 'data-plan-url="' in detail  # paint along; the time-lapse player
    # Every picture the pages name is stored and served to its owner.
    for sub in substeps:
        response = alice_client.get(reverse("studio:generation-file", args=[painted.pk, sub["image"]]))
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert not LessonFile.objects.filter(generation=painted, name__startswith="stroke-map").exists()


@pytest.mark.django_db
def test_a_painting_cropped_to_the_canvas_says_so_and_can_be_downloaded_whole(alice_client, alice, make_painted):
    square = make_painted(alice, size=(96, 96))  # a square painting on a 40x30 canvas loses its top and bottom
    canvas = square.lesson["canvas"]
    assert canvas["margins_px"]["top"] > 0 and canvas["fit_image"] == "fit.png"
    page = alice_client.get(square.get_absolute_url()).content.decode()
    assert "leaves out" in page and reverse("studio:generation-file", args=[square.pk, "fit.png"]) in page
    download = alice_client.get(reverse("studio:generation-file", args=[square.pk, "result"]) + "?download=1")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]


@pytest.mark.django_db(transaction=True)
def test_re_planning_keeps_the_painting_and_replaces_the_lesson_and_its_marks(alice_client, alice, painted):
    painting = painted.result.name
    first = painted.lesson_substeps()[0]["key"]
    alice_client.post(mark_url(painted), {"key": first, "done": "on"})
    assert alice_client.post(reverse("studio:generation-replan", args=[painted.pk]),
                             {"level": "detailed"}).status_code == 302
    painted.job.refresh_from_db()
    assert painted.job.status == Job.Status.QUEUED and painted.job.queue == "default"
    assert not PaintAlongProgress.objects.exists() and not LessonFile.objects.filter(generation=painted).exists()
    run_worker_burst(("default",))  # a real RQ worker runs the lesson only
    painted.refresh_from_db()
    painted.job.refresh_from_db()
    assert painted.job.status == Job.Status.SUCCEEDED, painted.job.message
    assert painted.result.name == painting and painted.level == "detailed"
    assert painted.lesson["plan"]["level"] == "detailed"
    plan = json.loads(LessonFile.objects.get(generation=painted, name="plan.json").file.read())
    assert plan["level"] == "detailed"


@pytest.mark.django_db(transaction=True)
def test_re_planning_is_refused_while_it_runs_or_without_a_painting(alice_client, alice, painted):
    with pytest.raises(jobqueue.Refused, match="still in progress"):
        Job.objects.filter(pk=painted.job.pk).update(status=Job.Status.RUNNING)
        painted.job.refresh_from_db()
        generations.replan_generation(painted, "detailed")
    Job.objects.filter(pk=painted.job.pk).update(status=Job.Status.FAILED)
    painted.job.refresh_from_db()
    painted.result = ""
    painted.save()
    with pytest.raises(jobqueue.Refused, match="no painting"):
        generations.replan_generation(painted, "detailed")
    response = alice_client.post(reverse("studio:generation-replan", args=[painted.pk]), {"level": "expert"},
                                 follow=True)
    assert "Choose a lesson level" in response.content.decode()
