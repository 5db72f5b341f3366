"""Background jobs against a real Redis and a real RQ worker (burst mode)."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from rq.job import Job as RQJob

import django_rq
from studio import jobqueue, thumbnail_jobs
from studio.models import Job, Project
from tests.studio.conftest import image_bytes, run_worker_burst, upload

pytestmark = pytest.mark.django_db(transaction=True)


def test_thumbnail_job_runs_end_to_end(alice_client):
    response = alice_client.post(
        reverse("studio:project-create"), {"title": "Dog", "photo": upload(image_bytes(size=(1200, 800)))}
    )
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED and job.queue == "default"
    # Enqueued after commit, under the row's own id.
    assert django_rq.get_queue("default").job_ids == [str(job.pk)]

    run_worker_burst()

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.progress == 1.0
    assert job.started_at and job.finished_at >= job.started_at
    project = Project.objects.get()
    assert project.thumbnail and default_storage.exists(project.thumbnail.name)
    with default_storage.open(project.thumbnail.name) as handle:
        thumbnail = Image.open(handle)
        assert max(thumbnail.size) == 360 and thumbnail.size[0] > thumbnail.size[1]
    status = alice_client.get(reverse("studio:job-status", args=[job.pk])).json()
    assert status["status"] == "succeeded" and status["progress"] == 1.0
    served = alice_client.get(reverse("studio:project-thumbnail", args=[project.pk]))
    assert served.status_code == 200


def test_job_timeouts_are_set_per_queue():
    assert django_rq.get_queue("default")._default_timeout >= 600
    assert django_rq.get_queue("transfer")._default_timeout >= 3600


def test_cancel_a_queued_job(alice, make_project):
    project = make_project(alice)
    job = thumbnail_jobs.start_thumbnail(project)
    jobqueue.cancel(job)
    assert job.status == Job.Status.CANCELLED
    run_worker_burst()  # nothing left to run
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED


def test_a_job_that_fails_records_why(alice, make_project):
    project = make_project(alice, thumbnail=False)
    default_storage.delete(project.photo.name)  # the job will not find its input
    job = thumbnail_jobs.start_thumbnail(project)
    run_worker_burst()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "Could not make the thumbnail" in job.message


def test_reconcile_marks_a_job_whose_worker_died_as_failed(alice, make_project):
    """A worker killed hard leaves its job 'started' in RQ: the row must not stay running."""
    project = make_project(alice)
    job = thumbnail_jobs.start_thumbnail(project)
    connection = django_rq.get_connection("default")
    rq_job = RQJob.fetch(str(job.pk), connection=connection)
    # What a killed worker leaves behind: the job started by a worker whose key has expired.
    rq_job.set_status("started")
    connection.hset(rq_job.key, "worker_name", "gone-worker")
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now())
    job.refresh_from_db()
    jobqueue.reconcile(job)
    assert job.status == Job.Status.RUNNING  # heard from moments ago: not yet declared dead
    silent = timezone.now() - jobqueue.WORKER_GRACE * 2
    Job.objects.filter(pk=job.pk).update(heartbeat_at=silent)
    job.refresh_from_db()
    jobqueue.reconcile(job)
    assert job.status == Job.Status.FAILED
    assert "worker" in job.message and "stopped unexpectedly" in job.message


def test_reconcile_marks_a_job_lost_by_redis(alice, make_project):
    project = make_project(alice)
    job = Job.objects.create(owner=alice, project=project, kind="thumbnail")
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - jobqueue.ENQUEUE_GRACE * 2)
    job.refresh_from_db()
    jobqueue.reconcile(job)
    assert job.status == Job.Status.FAILED and "lost" in job.message


def test_reconcile_waits_while_a_just_started_job_names_no_worker_yet(alice, make_project):
    project = make_project(alice)
    job = thumbnail_jobs.start_thumbnail(project)
    RQJob.fetch(str(job.pk), connection=django_rq.get_connection("default")).set_status("started")
    jobqueue.reconcile(job)
    assert job.status == Job.Status.QUEUED


def test_reconcile_leaves_a_fresh_queued_job_alone(alice, make_project):
    project = make_project(alice)
    job = thumbnail_jobs.start_thumbnail(project)
    jobqueue.reconcile(job)
    assert job.status == Job.Status.QUEUED
