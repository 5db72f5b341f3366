"""With the queue's redis-server stopped, no action answers 500 and none leaves a half-saved row.

Each test points RQ at a real redis-server of its own and stops it, as a crash would;
some start it again on the same port (its data saved on shutdown, as ./run's is) to
check what happens when the queue comes back.
"""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse

import django_rq
from studio import generations, jobqueue, thumbnails
from studio.models import Generation, Job, Project
from tests.studio.conftest import TINY, generation_files, image_bytes, run_worker_burst, upload

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]

MESSAGE = "The painting queue is not available right now; nothing was started. Try again in a minute."


@pytest.fixture
def project(alice, make_project):
    return make_project(alice, title="Harbour", size=(160, 120))


def test_start_painting_with_the_queue_down_saves_nothing(alice_client, project, styles, queue_server):
    queue_server.stop()
    response = alice_client.post(
        reverse("studio:generation-create", args=[project.pk]),
        {**TINY, "style": styles[0].pk, "custom_style": upload(image_bytes(), "style.jpg")},
    )
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert not Generation.objects.exists() and not Job.objects.exists()
    assert not default_storage.exists(f"users/{project.owner_id}/generations")  # no style file kept


def test_a_queue_failing_at_commit_takes_back_the_saved_rows(project, styles, queue_server):
    """Redis answers the check, then dies before the transaction commits."""
    with pytest.raises(jobqueue.QueueUnavailable):
        with transaction.atomic():
            generation = generations.start_generation(project, style=styles[0], **TINY)
            queue_server.stop()
    assert not Generation.objects.exists() and not Job.objects.exists()
    assert generation_files(generation) == []


def test_new_project_with_the_queue_down_works_and_gets_its_thumbnail_later(alice_client, queue_server):
    queue_server.stop()
    response = alice_client.post(
        reverse("studio:project-create"), {"title": "Dog", "photo": upload(image_bytes(size=(900, 600)))}, follow=True
    )
    assert response.status_code == 200
    assert "thumbnail will be made when the painting queue is available again" in response.content.decode()
    project = Project.objects.get()
    assert project.photo and not project.thumbnail and not Job.objects.exists()
    assert alice_client.get(reverse("studio:project-list")).status_code == 200  # still down: no row, no error
    assert not Job.objects.exists()

    queue_server.start()
    assert alice_client.get(project.get_absolute_url()).status_code == 200
    assert not Job.objects.exists()  # a page view writes nothing: the workers' sweep asks again
    from studio.processes import Worker

    Worker([django_rq.get_queue("default")], connection=django_rq.get_connection("default"))._sweep_jobs()
    assert thumbnails.queue_missing_thumbnails() == 0  # queued once, not again
    job = Job.objects.get(kind="thumbnail")
    run_worker_burst()
    job.refresh_from_db()
    project.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and default_storage.exists(project.thumbnail.name)


def test_cancel_with_the_queue_down_and_the_left_over_rq_job_does_nothing(alice_client, project, styles, queue_server):
    generation = generations.start_generation(project, style=styles[0], **TINY)
    queue_server.stop()
    response = alice_client.post(reverse("studio:generation-cancel", args=[generation.pk]))
    assert response.status_code == 302
    generation.job.refresh_from_db()
    assert generation.job.status == Job.Status.CANCELLED

    queue_server.start()  # the queued RQ job is still there: a worker takes it and stops at once
    assert django_rq.get_queue("transfer").job_ids == [generation.job.rq_job_id]
    run_worker_burst(("transfer",))
    generation.refresh_from_db()
    generation.job.refresh_from_db()
    assert generation.job.status == Job.Status.CANCELLED and not generation.result
    assert generation_files(generation) == []


def test_delete_generation_and_project_with_the_queue_down(alice_client, project, make_project, styles, queue_server):
    generation = generations.start_generation(project, style=styles[0], **TINY)
    other_project = make_project(project.owner, title="Second")
    other = generations.start_generation(other_project, style=styles[0], **TINY)
    queue_server.stop()

    response = alice_client.post(reverse("studio:generation-delete", args=[generation.pk]))
    assert response.status_code == 302
    assert not Generation.objects.filter(pk=generation.pk).exists()
    assert not Job.objects.filter(pk=generation.job.pk).exists()
    response = alice_client.post(reverse("studio:project-delete", args=[other_project.pk]))
    assert response.status_code == 302
    assert not Project.objects.filter(pk=other_project.pk).exists() and not Job.objects.filter(project=other_project).exists()

    queue_server.start()  # both RQ jobs are still queued: they find no row and write nothing
    run_worker_burst(("transfer",))
    assert generation_files(generation) == [] and generation_files(other) == []
    assert django_rq.get_queue("transfer").job_ids == []


def test_retry_with_the_queue_down_changes_nothing(alice_client, project, styles, queue_server):
    generation = generations.start_generation(project, style=styles[0], **TINY)
    generation.preview.save("p.jpg", ContentFile(image_bytes(), name="p.jpg"))
    Job.objects.filter(pk=generation.job.pk).update(status=Job.Status.FAILED, message="out of memory")
    queue_server.stop()
    response = alice_client.post(reverse("studio:generation-retry", args=[generation.pk]), follow=True)
    assert response.status_code == 200 and MESSAGE in response.content.decode()
    generation.refresh_from_db()
    generation.job.refresh_from_db()
    assert generation.job.status == Job.Status.FAILED and generation.job.message == "out of memory"
    assert generation.preview and default_storage.exists(generation.preview.name)


def test_pages_and_status_answer_with_the_queue_down(alice_client, project, styles, queue_server):
    generation = generations.start_generation(project, style=styles[0], **TINY)
    queue_server.stop()
    for url in (project.get_absolute_url(), generation.get_absolute_url(), reverse("studio:project-list"),
                reverse("studio:generation-status", args=[generation.pk])):
        assert alice_client.get(url).status_code == 200, url
    assert alice_client.get(reverse("healthz")).status_code == 503
