"""Every generation page in every state, the compare page, and the admin for staff."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from studio.models import Generation, Job, StyleImage
from tests.studio.conftest import give_lesson, image_bytes

pytestmark = pytest.mark.django_db



@pytest.fixture
def make_generation(alice, make_project, styles):
    project = make_project(alice, title="Harbour")

    def make(status=Job.Status.QUEUED, progress=0.0, stage="", message="", result=False, **fields):
        job = Job.objects.create(owner=alice, project=project, kind="generation", queue="transfer", status=status,
                                 progress=progress, stage=stage, message=message)
        if status != Job.Status.QUEUED:
            Job.objects.filter(pk=job.pk).update(started_at=timezone.now() - timezone.timedelta(seconds=30))
            job.refresh_from_db()
        generation = Generation(project=project, job=job, style=styles[0], **fields)
        if result:
            generation.result.save("r.png", ContentFile(image_bytes(format="PNG"), name="r.png"), save=False)
        generation.save()
        return generation

    return make


def test_running_page_shows_live_progress(alice_client, make_generation):
    generation = make_generation(Job.Status.RUNNING, progress=0.4, stage="transfer")
    page = alice_client.get(generation.get_absolute_url()).content.decode()
    assert 'data-status-url="%s"' % reverse("studio:generation-status", args=[generation.pk]) in page
    assert "Painting in the style" in page and "40%" in page
    assert ">Cancel<" in page and ">Retry<" not in page


def test_status_json_reports_stage_progress_and_time_left(alice_client, make_generation, redis_server):
    generation = make_generation(Job.Status.RUNNING, progress=0.5, stage="palette")
    from rq.job import Job as RQJob

    import django_rq

    # A live RQ job so reconciliation leaves the row alone.
    RQJob.create("studio.thumbnail_jobs.make_project_thumbnail", id=str(generation.job.pk), connection=django_rq.get_connection("transfer")).save()
    status = alice_client.get(reverse("studio:generation-status", args=[generation.pk])).json()
    assert status["status"] == "running" and status["progress"] == 0.5
    assert status["stage_label"] == "Finding the palette"
    assert 20 <= status["seconds_left"] <= 40  # 30 s elapsed for half the work
    assert status["time_left"] == "less than a minute left"  # the words the page and app.js show


def test_failed_page_shows_the_reason_and_retry(alice_client, make_generation):
    generation = make_generation(Job.Status.FAILED, message="The job failed: out of memory")
    page = alice_client.get(generation.get_absolute_url()).content.decode()
    assert "This painting failed." in page and "out of memory" in page and ">Retry<" in page


def test_cancelled_page_offers_retry(alice_client, make_generation):
    page = alice_client.get(make_generation(Job.Status.CANCELLED).get_absolute_url()).content.decode()
    assert "Cancelled." in page and ">Retry<" in page


def test_project_page_lists_every_generation_newest_first(alice_client, make_generation):
    first = make_generation(Job.Status.SUCCEEDED, result=True, preset="quick")
    second = make_generation(Job.Status.FAILED, preset="fine")
    page = alice_client.get(first.project.get_absolute_url()).content.decode()
    assert page.index(str(second.pk)) < page.index(str(first.pk))
    assert "Fine (for prints)" in page and "Quick preview" in page and "Compare two" in page


def test_lesson_pages_wait_for_success(alice_client, make_generation):
    generation = make_generation(Job.Status.RUNNING)
    assert alice_client.get(reverse("studio:lesson-print", args=[generation.pk])).status_code == 404
    assert alice_client.get(reverse("studio:lesson-pdf", args=[generation.pk])).status_code == 404


def test_compare_shows_two_generations_side_by_side(alice_client, make_generation):
    left = make_generation(Job.Status.SUCCEEDED, result=True, style_strength=0.5)
    right = make_generation(Job.Status.SUCCEEDED, result=True, style_strength=3.0)
    give_lesson(left, palette=("#010203",))
    url = reverse("studio:generation-compare", args=[left.project.pk]) + f"?a={left.pk}&b={right.pk}"
    page = alice_client.get(url).content.decode()
    assert "strength 0.5" in page and "strength 3.0" in page
    assert page.index("strength 0.5") < page.index("strength 3.0")
    assert "#010203" in page


def test_new_generation_page_shows_styles_presets_and_estimates(alice_client, make_generation, styles):
    project = make_generation().project
    page = alice_client.get(reverse("studio:generation-create", args=[project.pk])).content.decode()
    for style in styles:
        assert reverse("studio:style-thumbnail", args=[style.pk]) in page
    assert "Quick preview" in page and "Fine (for prints)" in page and "about " in page
    assert "<details" in page and "Advanced options" in page


def test_staff_admin_lists_styles_and_generations_and_the_rq_dashboard(client, make_user, make_generation, styles):
    make_generation(Job.Status.FAILED, message="boom")
    admin = make_user("boss", is_staff=True, is_superuser=True)
    client.force_login(admin)
    styles_page = client.get(reverse("admin:studio_styleimage_changelist")).content.decode()
    assert reverse("studio:style-thumbnail", args=[styles[0].pk]) in styles_page
    generations_page = client.get(reverse("admin:studio_generation_changelist")).content.decode()
    assert "boom" in generations_page and "alice" in generations_page
    assert client.get("/admin/rq/").status_code == 200


def test_rq_dashboard_is_for_staff_only(alice_client):
    response = alice_client.get("/admin/rq/")
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_admin_actions_make_default_and_retire(client, make_user, styles):
    admin = make_user("boss", is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:studio_styleimage_changelist")
    client.post(url, {"action": "make_default", "_selected_action": [styles[1].pk]})
    assert StyleImage.default() == styles[1]
    client.post(url, {"action": "retire", "_selected_action": [styles[1].pk]})  # refused: it is the default
    assert StyleImage.objects.get(pk=styles[1].pk).active
    client.post(url, {"action": "retire", "_selected_action": [styles[2].pk]})
    assert not StyleImage.objects.get(pk=styles[2].pk).active
    assert styles[2] not in StyleImage.objects.active()


def test_admin_style_upload_follows_the_upload_rules(client, make_user, styles):
    from tests.studio.conftest import upload

    admin = make_user("boss", is_staff=True, is_superuser=True)
    client.force_login(admin)
    add = reverse("admin:studio_styleimage_add")
    bad = client.post(add, {"name": "Bad", "slug": "bad", "image": upload(b"<html></html>", "x.png", "image/png"), "display_order": 5})
    assert "not an image we can read" in bad.content.decode()
    good = client.post(add, {"name": "Mine", "slug": "mine", "display_order": 5, "active": "on",
                             "image": upload(image_bytes(size=(300, 200), mode="CMYK", color=(0, 0, 0, 0)), "s.jpg")})
    assert good.status_code == 302
    style = StyleImage.objects.get(slug="mine")
    assert style.added_by == admin and style.thumbnail and (style.width, style.height) == (300, 200)
