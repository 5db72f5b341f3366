"""Background jobs: a :class:`studio.models.Job` row in the database, an RQ job in Redis.

The row is the truth pages read; RQ only carries the work. Web side:

- :func:`enqueue_on_commit` hands a job to RQ once its row is committed; when Redis
  cannot take it, the caller's ``undo`` removes what was saved and :class:`QueueUnavailable`
  tells the user that nothing was started;
- :func:`cancel` and :func:`discard` (before a delete) work with Redis down: the row
  says so and the worker obeys the row; a started job is stopped through RQ when it can be;
- :func:`reconcile` repairs rows whose worker vanished (killed hard, Redis emptied).

Worker side, :func:`reported` turns a function into a job that reports through its row:
one status ladder (queued → running → succeeded / failed / cancelled) for every kind of job.
"""

from __future__ import annotations

import functools
import logging
import time
from datetime import timedelta

import django_rq
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone
from redis.exceptions import RedisError
from rq.command import send_stop_job_command
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
QUEUE_UNAVAILABLE = "The painting queue is not available right now; nothing was started. Try again in a minute."


class Refused(Exception):
    """An action that changed nothing; its text is for the user."""


class QueueUnavailable(Refused):
    def __init__(self, message: str = QUEUE_UNAVAILABLE):
        super().__init__(message)


def _connection(queue: str):
    return django_rq.get_connection(queue)


def check_available(queue: str = "default") -> None:
    """Raise :class:`QueueUnavailable` unless Redis answers (before saving anything)."""
    try:
        _connection(queue).ping()
    except RedisError as error:
        logger.warning("Redis for queue %s does not answer: %s", queue, error)
        raise QueueUnavailable() from error


def enqueue_on_commit(job: Job, func: str, args=(), *, undo=None, on_stopped: str | None = None, meta=None) -> Job:
    """Enqueue ``func(job_id, *args)`` under the row's id once the transaction commits.

    A worker must never look for a row that is not there yet, hence "on commit". If Redis
    refuses at that moment the row is already committed: ``undo()`` (run in its own
    transaction) takes back what was saved, and :class:`QueueUnavailable` is raised from
    the ``atomic`` block's exit. ``on_stopped`` names a function RQ calls after a stop
    (``f(rq_job, connection)``, which finds ``meta`` in ``rq_job.meta``).
    """
    from rq import Callback

    def send():
        try:
            django_rq.get_queue(job.queue, commit_mode="auto").enqueue(
                func, str(job.pk), *args, job_id=str(job.pk), result_ttl=3600, failure_ttl=7 * 86400,
                on_stopped=Callback(on_stopped) if on_stopped else None, meta=meta or {},
            )
        except RedisError as error:
            logger.warning("could not enqueue job %s: %s", job.pk, error)
            if undo is not None:
                with transaction.atomic():
                    undo()
            raise QueueUnavailable() from error

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
    rq_job = _fetch(job)  # the previous run's record: RQ refuses a second job under one id
    if rq_job is not None:
        rq_job.delete()
    return job


def _fetch(job: Job) -> RQJob | None:
    try:
        return RQJob.fetch(str(job.pk), connection=_connection(job.queue))
    except NoSuchJobError:
        return None


# --- Stopping: these work with Redis down, because the worker obeys the row.

def cancel(job: Job) -> Job:
    """Cancel a queued job at once; ask a running one to stop at its next progress report."""
    if not job.is_active:
        return job
    Job.objects.filter(pk=job.pk).update(cancel_requested=True)
    try:
        rq_job = _fetch(job)
        if rq_job is not None and rq_job.get_status() in (RQStatus.QUEUED, RQStatus.DEFERRED, RQStatus.SCHEDULED):
            rq_job.cancel()
    except (RedisError, InvalidJobOperation) as error:
        # A queued RQ job left behind finds its row cancelled when a worker takes it.
        logger.warning("could not reach RQ to cancel job %s (the row stops it): %s", job.pk, error)
    Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
        status=Job.Status.CANCELLED, message="Cancelled.", finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def discard(job: Job) -> None:
    """Before deleting ``job``'s row: cancel it, and stop it through RQ once the delete commits.

    A deleted row is a cancelled job for the worker (:meth:`JobReporter.cancel_requested`);
    the stop command ends a started job at once instead of at its next progress report.
    """
    was_active = job.is_active
    cancel(job)
    job_id, queue = str(job.pk), job.queue

    def stop_in_rq():
        try:
            connection = _connection(queue)
            rq_job = RQJob.fetch(job_id, connection=connection)
            if was_active and rq_job.get_status() == RQStatus.STARTED:
                send_stop_job_command(connection, job_id)
            else:
                rq_job.delete()
        except NoSuchJobError:
            pass
        except (RedisError, InvalidJobOperation) as error:
            logger.warning("could not reach RQ to stop job %s (the worker will find no row): %s", job_id, error)

    transaction.on_commit(stop_in_rq)


# --- Keeping rows honest when a worker or Redis lost a job.

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
    except RedisError:  # Redis down: say nothing new rather than guess
        logger.warning("cannot reach Redis to reconcile job %s", job.pk)
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


def live_worker_count() -> int:
    return Worker.count(connection=_connection("default"))


# --- Inside a worker.

class Cancelled(Exception):
    """Raised inside a job when its row asks it to stop (or is gone)."""


class JobReporter:
    """Progress reporting from inside a job function, throttled to one write per ``interval`` s."""

    def __init__(self, job_id, interval: float = 1.0):
        self.job = Job(pk=job_id)  # no query: the row may be gone (deleted meanwhile)
        self.interval = interval
        self._last_write = 0.0

    def start(self, stage: str = "") -> None:
        """Mark the row running; raises :class:`Cancelled` if it was cancelled (or deleted) while queued."""
        now = timezone.now()
        started = Job.objects.filter(pk=self.job.pk, status=Job.Status.QUEUED, cancel_requested=False).update(
            status=Job.Status.RUNNING, stage=stage, started_at=now, heartbeat_at=now, message=""
        )
        if not started:
            raise Cancelled()

    def update(self, progress: float, stage: str | None = None, message: str | None = None, force: bool = False) -> bool:
        """Record progress (0–1). Returns False when the job should stop."""
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
        """True when the user cancelled, or deleted the row: a deleted job is a cancelled job."""
        return not Job.objects.filter(pk=self.job.pk, cancel_requested=False).exists()

    def check_cancelled(self) -> None:
        if self.cancel_requested():
            raise Cancelled()

    def finish(self, status: str, message: str = "") -> None:
        fields = {"status": status, "finished_at": timezone.now(), "message": message}
        if status == Job.Status.SUCCEEDED:
            fields["progress"] = 1.0
        Job.objects.filter(pk=self.job.pk).update(**fields)


def reported(stage: str = "", failure: str = "{kind}: {error}"):
    """Decorate ``func(reporter, *args)`` into an RQ job function ``(job_id, *args)``.

    The one status ladder: the row goes running, then succeeded; cancelled when the user
    cancels or a row the job needs is deleted meanwhile; failed with a message otherwise
    (a ``ValueError`` is the engine's word on bad input and is shown as it is; anything
    else is formatted with ``failure`` and re-raised so RQ records the traceback too).
    """

    def decorate(func):
        @functools.wraps(func)
        def run(job_id, *args):
            reporter = JobReporter(job_id)
            try:
                reporter.start(stage=stage)
                func(reporter, *args)
                reporter.finish(Job.Status.SUCCEEDED)
            except Cancelled:
                reporter.finish(Job.Status.CANCELLED, "Cancelled.")
            except ObjectDoesNotExist:
                reporter.finish(Job.Status.CANCELLED, "Deleted while it ran.")
            except ValueError as error:
                reporter.finish(Job.Status.FAILED, str(error))
            except Exception as error:
                logger.exception("job %s (%s) failed", job_id, func.__name__)
                reporter.finish(Job.Status.FAILED, failure.format(kind=error.__class__.__name__, error=error))
                raise

        return run

    return decorate
