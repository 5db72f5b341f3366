"""Background jobs against a real Redis and a real RQ worker (burst mode): runs, leases, reconcile."""

import time
import uuid
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.db import transaction
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from rq.job import Job as RQJob
from rq.utils import utcformat

import django_rq
from studio import jobqueue, thumbnails
from studio.models import Job, Project
from tests.studio.conftest import image_bytes, run_worker_burst, upload

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]


def test_thumbnail_job_runs_end_to_end(alice_client):
    response = alice_client.post(
        reverse("studio:project-create"), {"title": "Dog", "photo": upload(image_bytes(size=(1200, 800)))}
    )
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED and job.queue == "default"
    # Enqueued after commit, as a run of its own (an RQ job id the row names).
    assert job.rq_job_id and django_rq.get_queue("default").job_ids == [job.rq_job_id]

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
    job = thumbnails.start_thumbnail(project)
    jobqueue.cancel(job)
    assert job.status == Job.Status.CANCELLED
    run_worker_burst()  # nothing left to run
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED


def test_a_job_that_fails_records_why(alice, make_project):
    project = make_project(alice, thumbnail=False)
    default_storage.delete(project.photo.name)  # the job will not find its input
    job = thumbnails.start_thumbnail(project)
    run_worker_burst()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "Could not make the thumbnail" in job.message


def _running(job, lease_left: float, **fields):
    """The row as a run that started 30 s ago leaves it, its lease ending ``lease_left`` s from now."""
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, started_at=now - timedelta(seconds=30), heartbeat_at=now - timedelta(seconds=1),
        run_token=uuid.uuid4(), lease_expires_at=now + timedelta(seconds=lease_left), **fields,
    )
    job.refresh_from_db()
    return job


def test_a_running_row_ends_only_when_its_lease_runs_out(alice, make_project):
    """RQ's word does not end a running row (after a retry it once failed the live run): the lease does."""
    job = _running(thumbnails.start_thumbnail(make_project(alice)), lease_left=30)
    rq_job = RQJob.fetch(job.rq_job_id, connection=django_rq.get_connection("default"))
    rq_job.set_status("failed")  # e.g. RQ's clean-up declared it abandoned
    assert jobqueue.reconcile(job).status == Job.Status.RUNNING
    django_rq.get_connection("default").flushdb()  # Redis restarted empty
    assert jobqueue.reconcile(job).status == Job.Status.RUNNING

    _running(job, lease_left=-1)  # no renewal for a whole lease: its work-horse is gone
    job = jobqueue.reconcile(job)
    assert job.status == Job.Status.FAILED and job.message == jobqueue.WORKER_LOST and job.lease_expires_at is None
    job.refresh_from_db()
    assert job.finished_at is not None


def test_a_page_shows_a_vanished_run_ended_without_writing_and_the_sweep_saves_it(alice_client, alice, make_project):
    """GETs never write: the status a page polls says failed once the lease ran out, the row
    stays as it was until the workers' sweep (or a POST on it) saves the same verdict."""
    job = _running(thumbnails.start_thumbnail(make_project(alice)), lease_left=-1)
    shown = alice_client.get(reverse("studio:job-status", args=[job.pk])).json()
    assert shown["status"] == "failed" and shown["message"] == jobqueue.WORKER_LOST
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and job.finished_at is None  # nothing written by the page
    assert jobqueue.reconcile_all() == 1  # what a worker does as it heartbeats
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.message == jobqueue.WORKER_LOST


def test_a_cancelled_running_row_whose_run_vanished_ends_cancelled(alice, make_project):
    job = _running(thumbnails.start_thumbnail(make_project(alice)), lease_left=-1, cancel_requested=True)
    assert jobqueue.reconcile(job).status == Job.Status.CANCELLED


def test_a_queued_row_lost_by_redis_ends_failed_after_the_grace_from_its_enqueue(alice, make_project, settings):
    job = thumbnails.start_thumbnail(make_project(alice))
    django_rq.get_connection("default").flushdb()
    # A retried row is old, but its run was enqueued a moment ago: it may not have reached Redis yet.
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert jobqueue.reconcile(job).status == Job.Status.QUEUED
    Job.objects.filter(pk=job.pk).update(enqueued_at=timezone.now() - jobqueue.enqueue_grace() * 2)
    job = jobqueue.reconcile(job)
    assert job.status == Job.Status.FAILED and job.message == jobqueue.QUEUE_LOST


def test_a_queued_row_whose_worker_died_before_the_run_began_ends_failed(alice, make_project):
    job = thumbnails.start_thumbnail(make_project(alice))
    rq_job = RQJob.fetch(job.rq_job_id, connection=django_rq.get_connection("default"))
    rq_job.set_status("started")
    django_rq.get_connection("default").hset(rq_job.key, "started_at", utcformat(datetime.now(dt_timezone.utc)))
    Job.objects.filter(pk=job.pk).update(enqueued_at=timezone.now() - jobqueue.enqueue_grace() * 2)
    assert jobqueue.reconcile(job).status == Job.Status.QUEUED  # taken a moment ago: its run is starting
    long_ago = datetime.now(dt_timezone.utc) - jobqueue.enqueue_grace() * 2
    django_rq.get_connection("default").hset(rq_job.key, "started_at", utcformat(long_ago))
    job = jobqueue.reconcile(job)
    assert job.status == Job.Status.FAILED and job.message == jobqueue.NEVER_STARTED


def test_reconcile_leaves_a_fresh_queued_job_alone(alice, make_project):
    project = make_project(alice)
    job = thumbnails.start_thumbnail(project)
    jobqueue.reconcile(job)
    assert job.status == Job.Status.QUEUED


def test_an_earlier_runs_rq_job_never_starts_the_row_again(alice, make_project):
    """After a Retry the previous run's RQ job (a Redis dump restored, a requeue) finds the row not its own."""
    project = make_project(alice, thumbnail=False)
    job = thumbnails.start_thumbnail(project)
    old = RQJob.fetch(job.rq_job_id, connection=django_rq.get_connection("default"))
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, message=jobqueue.WORKER_LOST)
    job.refresh_from_db()
    with transaction.atomic():
        jobqueue.reset_for_retry(job)
        jobqueue.enqueue_on_commit(job, "studio.thumbnail_jobs.make_project_thumbnail", args=(str(project.pk),))
    assert job.rq_job_id != old.id
    django_rq.get_queue("default").remove(job.rq_job_id)  # only the old RQ job is left to run
    django_rq.get_queue("default").enqueue_job(old)
    run_worker_burst()
    job.refresh_from_db()
    project.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.started_at is None and not project.thumbnail


def test_a_job_some_run_holds_is_never_reset_for_retry(alice, make_project):
    job = _running(thumbnails.start_thumbnail(make_project(alice)), lease_left=30)
    with pytest.raises(jobqueue.Refused):
        jobqueue.reset_for_retry(job)
    assert Job.objects.get(pk=job.pk).status == Job.Status.RUNNING


def test_a_run_that_lost_its_row_writes_nothing(alice, make_project):
    from studio.job_runs import JobReporter, LeaseLost

    job = thumbnails.start_thumbnail(make_project(alice))
    reporter = JobReporter(job.pk, job.rq_job_id)
    reporter.start("thumbnail")
    try:
        assert reporter.update(0.5, force=True)
        # Its lease ran out, the row was failed and retried: a second run holds it now.
        Job.objects.filter(pk=job.pk).update(run_token=uuid.uuid4())
        with pytest.raises(LeaseLost):
            reporter.update(0.9, force=True)
        with pytest.raises(LeaseLost):
            with reporter.owned():
                pass
        assert reporter.finish(Job.Status.SUCCEEDED) is False
    finally:
        reporter.stop_keeping()
    job.refresh_from_db()
    assert job.progress == 0.5 and job.status == Job.Status.RUNNING


def test_the_lease_keeper_renews_while_the_run_is_silent(alice, make_project, settings):
    from studio.job_runs import JobReporter

    settings.JOB_LEASE_SECONDS = 1.2  # renewed every 0.2 s
    job = thumbnails.start_thumbnail(make_project(alice))
    reporter = JobReporter(job.pk, job.rq_job_id)
    reporter.start("thumbnail")
    try:
        first = Job.objects.get(pk=job.pk).lease_expires_at
        time.sleep(1.0)  # no report at all, as in a long engine call
        assert Job.objects.get(pk=job.pk).lease_expires_at > first
        assert jobqueue.reconcile(job).status == Job.Status.RUNNING
    finally:
        reporter.stop_keeping()


def test_retry_is_not_troubled_by_what_rq_left_of_a_killed_run(alice_client, alice, make_project, styles):
    """A killed worker leaves its RQ job started, with an execution RQ no longer has
    ("Execution … not found in Redis" when that RQ job is deleted): Retry must still work."""
    from rq.executions import Execution, ExecutionRegistry

    from studio import generations
    from tests.studio.conftest import TINY

    generation = generations.start_generation(make_project(alice), style=styles[0], **TINY)
    connection = django_rq.get_connection("transfer")
    rq_job = RQJob.fetch(generation.job.rq_job_id, connection=connection)
    rq_job.set_status("started")
    with connection.pipeline() as pipeline:
        ExecutionRegistry(rq_job.id, connection=connection).add(Execution("gone", rq_job.id, connection), 60, pipeline)
        pipeline.execute()
    with pytest.raises(ValueError, match="not found in Redis"):
        RQJob.fetch(rq_job.id, connection=connection).delete()  # what Retry used to do: HTTP 500
    _running(generation.job, lease_left=-1)
    response = alice_client.post(reverse("studio:generation-retry", args=[generation.pk]))
    assert response.status_code == 302
    job = Job.objects.get(pk=generation.job.pk)
    assert job.status == Job.Status.QUEUED and job.rq_job_id != rq_job.id
    assert django_rq.get_queue("transfer").job_ids == [job.rq_job_id]


def test_a_work_horse_its_worker_saw_die_ends_its_row_at_once(alice, make_project):
    job = _running(thumbnails.start_thumbnail(make_project(alice)), lease_left=60)
    assert not jobqueue.end_run_of_dead_horse(job.pk, "another-rq-job", "signal 9")  # not the run holding it
    assert Job.objects.get(pk=job.pk).status == Job.Status.RUNNING
    assert jobqueue.end_run_of_dead_horse(job.pk, job.rq_job_id, "signal 9")
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.message == jobqueue.WORKER_LOST

    queued = thumbnails.start_thumbnail(make_project(alice, title="Second"))  # died before taking its row
    assert jobqueue.end_run_of_dead_horse(queued.pk, queued.rq_job_id, "signal 9")
    assert Job.objects.get(pk=queued.pk).message == jobqueue.NEVER_STARTED
