"""The bridge between :class:`studio.models.Job` rows and RQ.

- :func:`enqueue` creates the row and hands the job to RQ once the transaction commits
  (a worker must never look for a row that is not there yet);
- :class:`JobReporter` is what a running job uses to report progress and to learn that
  it was cancelled;
- :func:`reconcile` repairs rows whose worker vanished (killed hard, Redis flushed),
  so nothing shows "running" forever;
- :func:`cancel` stops a queued or running job.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import django_rq
from django.db import transaction
from django.utils import timezone
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job as RQJob
from rq.job import JobStatus as RQStatus
from rq.worker import Worker

from studio.models import Job

logger = logging.getLogger(__name__)

# A row may exist a moment before its RQ job does (enqueued on commit).
ENQUEUE_GRACE = timedelta(seconds=60)
# A job just taken by a worker may not name its worker yet, and a worker's key lives
# ~90 s past its last heartbeat: only call a worker dead after this long without news.
WORKER_GRACE = timedelta(seconds=30)


def enqueue(func: str, *, owner, kind: str, queue: str = "default", project=None, args=()) -> Job:
    """Create a Job row and enqueue ``func(job_id, *args)`` after the transaction commits."""
    job = Job.objects.create(owner=owner, project=project, kind=kind, queue=queue)
    return enqueue_existing(job, func, args)


def enqueue_existing(job: Job, func: str, args=()) -> Job:
    """Enqueue ``func(job_id, *args)`` for an existing row (a new generation, a retry), after commit."""
    job_id = str(job.pk)

    def send():
        django_rq.get_queue(job.queue).enqueue(
            func, job_id, *args, job_id=job_id, result_ttl=3600, failure_ttl=7 * 86400
        )

    transaction.on_commit(send)
    return job


def reset_for_retry(job: Job) -> Job:
    """Put a finished job back in the queued state, keeping its id (and so its URLs)."""
    job.status = Job.Status.QUEUED
    job.progress = 0.0
    job.stage = ""
    job.message = ""
    job.cancel_requested = False
    job.started_at = job.finished_at = job.heartbeat_at = None
    job.save()
    _delete_rq_job(job)
    return job


class Cancelled(Exception):
    """Raised inside a job when its row asks it to stop."""


class JobReporter:
    """Progress reporting from inside a job function, throttled to one write per ``interval`` s."""

    def __init__(self, job_id, interval: float = 1.0):
        self.job = Job(pk=job_id)  # no query: the row may be gone (project deleted meanwhile)
        self.interval = interval
        self._last_write = 0.0

    def start(self, stage: str = "") -> None:
        """Mark the row running; raises :class:`Cancelled` if it was cancelled while queued."""
        now = timezone.now()
        started = Job.objects.filter(pk=self.job.pk, status=Job.Status.QUEUED, cancel_requested=False).update(
            status=Job.Status.RUNNING, stage=stage, started_at=now, heartbeat_at=now, message=""
        )
        if not started:
            raise Cancelled()

    def update(self, progress: float, stage: str | None = None, message: str | None = None, force: bool = False) -> bool:
        """Record progress (0–1). Returns False when the user asked to cancel."""
        if not force and time.monotonic() - self._last_write < self.interval:
            return True
        self._last_write = time.monotonic()
        fields = {"progress": max(0.0, min(1.0, float(progress))), "heartbeat_at": timezone.now()}
        if stage is not None:
            fields["stage"] = stage
        if message is not None:
            fields["message"] = message
        Job.objects.filter(pk=self.job.pk).update(**fields)
        return not self.cancel_requested()

    def cancel_requested(self) -> bool:
        return Job.objects.filter(pk=self.job.pk, cancel_requested=True).exists()

    def check_cancelled(self) -> None:
        if self.cancel_requested():
            raise Cancelled()

    def finish(self, status: str, message: str = "") -> None:
        fields = {"status": status, "finished_at": timezone.now(), "message": message}
        if status == Job.Status.SUCCEEDED:
            fields["progress"] = 1.0
        Job.objects.filter(pk=self.job.pk).update(**fields)


def _connection(queue: str):
    return django_rq.get_connection(queue)


def _fetch(job: Job) -> RQJob | None:
    try:
        return RQJob.fetch(str(job.pk), connection=_connection(job.queue))
    except NoSuchJobError:
        return None


def _delete_rq_job(job: Job) -> None:
    rq_job = _fetch(job)
    if rq_job is not None:
        rq_job.delete()


def _failure_reason(rq_job: RQJob) -> str:
    text = (rq_job.exc_info or "").strip()
    if "JobTimeoutException" in text:
        return "The job took longer than its time limit and was stopped."
    last = text.splitlines()[-1] if text else ""
    return f"The job failed: {last}" if last else "The job failed."


def reconcile(job: Job) -> Job:
    """Bring an active row in line with RQ (and the workers' heartbeats). Returns the row."""
    if not job.is_active:
        return job
    try:
        rq_job = _fetch(job)
        rq_status = rq_job.get_status() if rq_job is not None else None
        worker_alive = True
        if rq_status == RQStatus.STARTED and rq_job.worker_name:
            worker_alive = Worker.find_by_key(
                Worker.redis_worker_namespace_prefix + rq_job.worker_name, connection=_connection(job.queue)
            ) is not None
    except Exception:  # Redis down: say nothing new rather than guess
        logger.warning("cannot reach Redis to reconcile job %s", job.pk, exc_info=True)
        return job

    job.refresh_from_db()
    if not job.is_active:
        return job
    verdict = None
    if rq_job is None:
        if timezone.now() - job.created_at > ENQUEUE_GRACE:
            verdict = (Job.Status.FAILED, "The queue lost this job (Redis was restarted or emptied). Retry it.")
    elif rq_status == RQStatus.FAILED:
        verdict = (Job.Status.FAILED, _failure_reason(rq_job))
    elif rq_status in (RQStatus.STOPPED, RQStatus.CANCELED):
        verdict = (Job.Status.CANCELLED, "Cancelled.")
    elif rq_status == RQStatus.FINISHED:
        verdict = (Job.Status.FAILED, "The job ended without recording a result.")
    elif rq_status == RQStatus.STARTED and not worker_alive and _silent_for(job) > WORKER_GRACE:
        verdict = (Job.Status.FAILED, "The worker running this job stopped unexpectedly. Retry it.")
    if verdict:
        status, message = verdict
        updated = Job.objects.filter(pk=job.pk, status__in=Job.ACTIVE).update(
            status=status, message=message, finished_at=timezone.now()
        )
        if updated:
            logger.warning("job %s reconciled with RQ: %s", job.pk, message)
        job.refresh_from_db()
    return job


def _silent_for(job: Job) -> timedelta:
    """Time since the job's last sign of life (progress report, start or creation)."""
    return timezone.now() - (job.heartbeat_at or job.started_at or job.created_at)


def cancel(job: Job) -> Job:
    """Cancel a queued job at once; ask a running one to stop at its next progress report."""
    if not job.is_active:
        return job
    Job.objects.filter(pk=job.pk).update(cancel_requested=True)
    rq_job = _fetch(job)
    if rq_job is None or rq_job.get_status() in (RQStatus.QUEUED, RQStatus.DEFERRED, RQStatus.SCHEDULED, None):
        if rq_job is not None:
            try:
                rq_job.cancel()
            except InvalidJobOperation:
                pass
        Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
            status=Job.Status.CANCELLED, message="Cancelled.", finished_at=timezone.now()
        )
    job.refresh_from_db()
    return job


def live_worker_count() -> int:
    return Worker.count(connection=_connection("default"))
