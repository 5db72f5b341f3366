"""Background jobs: a :class:`studio.models.Job` row in the database, an RQ job in Redis per run.

The row is the truth pages read; RQ only carries the work. Each (re)enqueue is a new run
with an RQ job of its own (``Job.rq_job_id``), and the work-horse that starts it holds the
row by a lease (:mod:`studio.job_runs`), so RQ's registries (which disagree with the row
after kills and Redis restarts) never decide which run may write. Web side:

- :func:`enqueue_on_commit` hands a run to RQ once its row is committed; when Redis
  cannot take it, the caller's ``undo`` removes what was saved and :class:`QueueUnavailable`
  tells the user that nothing was started. :func:`reset_for_retry` queues an ended job again;
- :func:`cancel` and :func:`discard` (before a delete) work with Redis down: the row
  says so and the worker obeys the row; a started job is stopped through RQ when it can be;
- :func:`reconcile` ends rows whose run vanished: a running row whose lease ran out (its
  work-horse died with no word), a queued row whose RQ job is gone or will never start.
  Pages call it on what they show; every worker calls :func:`reconcile_all` as it heartbeats.

The ladder, for every kind of job::

    QUEUED ──start (the RQ job the row names; takes the lease)──▶ RUNNING ──▶ SUCCEEDED
      │  │                                                          │ │
      │  └─ reconcile: RQ lost it / it never started ─▶ FAILED ◀────┘ └──▶ CANCELLED
      └─ cancel ─────────────────────────────────────▶ CANCELLED        (the run itself, or
    FAILED / CANCELLED ──Retry (a new RQ job)──▶ QUEUED               reconcile once its lease ran out)
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

import django_rq
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from redis.exceptions import RedisError
from rq.command import send_stop_job_command
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job as RQJob
from rq.job import JobStatus as RQStatus
from rq.worker import Worker

from studio.job_runs import Cancelled, JobReporter, LeaseLost, ServerFailure, lease_length, reported
from studio.models import Job

__all__ = [
    "Cancelled", "JobReporter", "LeaseLost", "QueueUnavailable", "Refused", "ServerFailure", "cancel",
    "check_available", "discard", "end_run_of_dead_horse", "enqueue_on_commit", "live_worker_count", "reconcile",
    "reconcile_all",
    "reported", "reset_for_retry",
]

logger = logging.getLogger(__name__)

QUEUE_UNAVAILABLE = "The painting queue is not available right now; nothing was started. Try again in a minute."
WORKER_LOST = "The worker running this job stopped unexpectedly. Retry it."
QUEUE_LOST = "The queue lost this job (Redis was restarted or emptied). Retry it."
NEVER_STARTED = "The worker that took this job stopped before it started. Retry it."
# What RQ may answer about a run's RQ job after kills and restarts (a missing execution is a ValueError).
RQ_TROUBLE = (RedisError, NoSuchJobError, InvalidJobOperation, ValueError)


class Refused(Exception):
    """An action that changed nothing; its text is for the user."""


class QueueUnavailable(Refused):
    def __init__(self, message: str = QUEUE_UNAVAILABLE):
        super().__init__(message)


def enqueue_grace() -> timedelta:
    """How long a queued run may take to appear in Redis (it is sent on commit)."""
    return timedelta(seconds=float(settings.ENQUEUE_GRACE_SECONDS))


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
    """Make a new run of ``job`` and enqueue ``func(job_id, *args)`` for it once the transaction commits.

    The run gets an RQ job id of its own, recorded on the row now: only that RQ job may
    start it. A worker must never look for a row that is not there yet, hence "on commit".
    If Redis refuses at that moment the row is already committed: ``undo()`` (run in its
    own transaction) takes back what was saved, and :class:`QueueUnavailable` is raised
    from the ``atomic`` block's exit. ``on_stopped`` names a function RQ calls after a stop
    (``f(rq_job, connection)``, which finds ``meta`` in ``rq_job.meta``).
    """
    from rq import Callback

    job.rq_job_id, job.enqueued_at = uuid.uuid4().hex, timezone.now()
    Job.objects.filter(pk=job.pk).update(rq_job_id=job.rq_job_id, enqueued_at=job.enqueued_at)
    rq_job_id = job.rq_job_id

    def send():
        try:
            django_rq.get_queue(job.queue, commit_mode="auto").enqueue(
                func, str(job.pk), *args, job_id=rq_job_id, result_ttl=3600, failure_ttl=7 * 86400,
                on_stopped=Callback(on_stopped) if on_stopped else None, meta={"job": str(job.pk), **(meta or {})},
            )
        except RedisError as error:
            logger.warning("could not enqueue job %s: %s", job.pk, error)
            if undo is not None:
                with transaction.atomic():
                    undo()
            raise QueueUnavailable() from error

    transaction.on_commit(send)
    return job


def reset_for_retry(job: Job, *, queue: str | None = None,
                    ended=(Job.Status.FAILED, Job.Status.CANCELLED)) -> Job:
    """Put an ended job back in the queued state (on ``queue``, else its own), keeping its
    id and URLs. ``ended``: the statuses it may be reset from (failed or cancelled for a
    Retry; a re-plan also starts again from a succeeded job).

    Conditional, so a job some run still holds is never reset: raises :class:`Refused`
    then. The caller enqueues the new run (:func:`enqueue_on_commit`). The previous run's
    RQ job is left to RQ's expiry: it can never start this job again.
    """
    reset = Job.objects.filter(pk=job.pk, status__in=ended).update(
        status=Job.Status.QUEUED, progress=0.0, stage="", message="", cancel_requested=False,
        started_at=None, finished_at=None, heartbeat_at=None, run_token=None, lease_expires_at=None,
        queue=queue or job.queue,
    )
    job.refresh_from_db()
    if not reset:
        raise Refused("This job is still in progress or has finished; it cannot be run again now.")
    return job


def _fetch(job: Job) -> RQJob | None:
    """The RQ job of the row's current run (rows queued before runs existed used the row's id)."""
    try:
        return RQJob.fetch(job.rq_job_id or str(job.pk), connection=_connection(job.queue))
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
    except RQ_TROUBLE as error:
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
    rq_job_id, queue = job.rq_job_id or str(job.pk), job.queue

    def stop_in_rq():
        try:
            connection = _connection(queue)
            rq_job = RQJob.fetch(rq_job_id, connection=connection)
            if was_active and rq_job.get_status() == RQStatus.STARTED:
                send_stop_job_command(connection, rq_job_id)
            else:
                rq_job.delete()
        except NoSuchJobError:
            pass
        except RQ_TROUBLE as error:
            logger.warning("could not reach RQ to stop job %s (the worker will find no row): %s", rq_job_id, error)

    transaction.on_commit(stop_in_rq)


# --- Keeping rows honest when a worker or Redis lost a job.

def _failure_reason(rq_job: RQJob) -> str:
    text = (rq_job.exc_info or "").strip()
    if "JobTimeoutException" in text:
        return "The job took longer than its time limit and was stopped."
    last = text.splitlines()[-1] if text else ""
    return f"The job failed before it started: {last}" if last else "The job failed before it started."


def as_seen(job: Job) -> Job:
    """The row as a page must show it: :func:`reconcile`'s verdict, applied to ``job`` in
    memory only. Pages (GETs) never write; the workers' sweep (every heartbeat) and the
    next Retry, re-plan or new painting save the same verdict."""
    return reconcile(job, save=False)


def reconcile(job: Job, *, save: bool = True) -> Job:
    """End an active row whose run vanished. Returns the row, refreshed (with ``save=False``,
    the verdict is only set on ``job``: see :func:`as_seen`).

    Running: only the lease decides. While a run renews it the row stays running, whatever
    RQ says (after a Redis restart RQ may know nothing of a live run); once it has run out
    no run may write any more (a late one finds the row changed and stops), so the row
    ends: failed, or cancelled if the user had asked. Queued: no run holds the row, so RQ
    is asked whether its job still waits; a job lost by Redis, failed, or started by a
    worker that died before the run began ends the row failed. Each verdict is a
    conditional UPDATE, so a run that starts or reports meanwhile wins.
    """
    job.refresh_from_db()
    if job.status == Job.Status.RUNNING:
        return _end_if_lease_ran_out(job, save)
    if job.status == Job.Status.QUEUED:
        return _end_if_queue_lost_it(job, save)
    return job


def _show_ended(job: Job, status: str, message: str, now) -> Job:
    """The verdict on ``job`` in memory, unsaved (what a page shows until a write saves it)."""
    job.status, job.message, job.finished_at, job.lease_expires_at = status, message, now, None
    return job


def _end_if_lease_ran_out(job: Job, save: bool = True) -> Job:
    now = timezone.now()
    expires = job.lease_expires_at or (job.heartbeat_at or job.started_at or job.created_at) + lease_length()
    if expires >= now:
        return job
    status, message = ((Job.Status.CANCELLED, "Cancelled.") if job.cancel_requested
                       else (Job.Status.FAILED, WORKER_LOST))
    if not save:
        return _show_ended(job, status, message, now)
    ended = Job.objects.filter(  # unless the run renewed its lease since it was read
        pk=job.pk, status=Job.Status.RUNNING, run_token=job.run_token,
        lease_expires_at=job.lease_expires_at, heartbeat_at=job.heartbeat_at,
    ).update(
        status=status, message=message, finished_at=now, lease_expires_at=None,
    )
    if ended:
        logger.warning("job %s: its run's lease ran out at %s: %s", job.pk, expires.isoformat(), message)
    job.refresh_from_db()
    return job


def _end_if_queue_lost_it(job: Job, save: bool = True) -> Job:
    now = timezone.now()
    if now - (job.enqueued_at or job.created_at) <= enqueue_grace():
        return job  # enqueued on commit a moment ago: RQ may not have it yet
    try:
        rq_job = _fetch(job)
        rq_status = rq_job.get_status() if rq_job is not None else None
    except RQ_TROUBLE as error:  # Redis down: the row goes on waiting for its queue
        logger.warning("cannot ask RQ about job %s: %s", job.pk, error)
        return job
    verdict = None
    if rq_job is None:
        verdict = (Job.Status.FAILED, QUEUE_LOST)
    elif rq_status == RQStatus.FAILED:
        verdict = (Job.Status.FAILED, _failure_reason(rq_job))
    elif rq_status in (RQStatus.STOPPED, RQStatus.CANCELED):
        verdict = (Job.Status.CANCELLED, "Cancelled.")
    elif rq_status == RQStatus.FINISHED:
        verdict = (Job.Status.FAILED, "The job ended without recording a result. Retry it.")
    elif rq_status == RQStatus.STARTED and now - (rq_job.started_at or now) > enqueue_grace():
        verdict = (Job.Status.FAILED, NEVER_STARTED)  # a run takes its row within seconds of starting
    if verdict and not save:
        return _show_ended(job, *verdict, now)
    if verdict:
        status, message = verdict
        updated = Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED, rq_job_id=job.rq_job_id).update(
            status=status, message=message, finished_at=now,
        )
        if updated:
            logger.warning("job %s reconciled with RQ: %s", job.pk, message)
        job.refresh_from_db()
    return job


def end_run_of_dead_horse(job_id, rq_job_id: str, how: str) -> bool:
    """The worker saw the work-horse of RQ job ``rq_job_id`` die (it waited for the process):
    end the row now if that run holds it, or never took it, instead of waiting for the lease."""
    now = timezone.now()
    row = Job.objects.filter(pk=job_id, rq_job_id=rq_job_id)
    ended = (
        row.filter(status=Job.Status.RUNNING, cancel_requested=True).update(
            status=Job.Status.CANCELLED, message="Cancelled.", finished_at=now, lease_expires_at=None)
        or row.filter(status=Job.Status.RUNNING).update(
            status=Job.Status.FAILED, message=WORKER_LOST, finished_at=now, lease_expires_at=None)
        or row.filter(status=Job.Status.QUEUED).update(status=Job.Status.FAILED, message=NEVER_STARTED, finished_at=now)
    )
    if ended:
        logger.warning("job %s: the work-horse of RQ job %s died (%s); the row is failed", job_id, rq_job_id, how)
    return bool(ended)


def reconcile_all() -> int:
    """Reconcile every active row (what workers do as they heartbeat); returns how many ended."""
    ended = 0
    for job in Job.objects.active():
        if not reconcile(job).is_active:
            ended += 1
    return ended


def live_worker_count() -> int:
    """Workers that heartbeated lately (a killed worker stays registered in RQ for minutes)."""
    cutoff = timezone.now() - timedelta(seconds=2 * float(settings.WORKER_HEARTBEAT_SECONDS))
    workers = Worker.all(connection=_connection("default"))
    return sum(1 for worker in workers if worker.last_heartbeat and worker.last_heartbeat >= cutoff)
