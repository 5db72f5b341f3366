"""Inside a worker: one run of a job, holding its row by a lease, and reporting through it.

A job's row is written by at most one run at any moment, whatever RQ's registries say
after kills and Redis restarts. The run that starts is the one whose RQ job the row names
(``Job.rq_job_id``, new at every enqueue): :meth:`JobReporter.start` moves the row from
queued to running with a conditional UPDATE that sets a fresh ``run_token`` and a lease.
Every later write of the run is conditional on that token and on the row still running:
progress (:meth:`JobReporter.update`), results written to other rows (inside
:meth:`JobReporter.owned`) and the end (:meth:`JobReporter.finish`). A thread renews the
lease while the run works, even through long engine calls that report nothing; once a
renewal finds the row no longer its own (reconciled as failed after the lease ran out,
then retried), the run stops at once: a forked work-horse exits on the spot, elsewhere
the next report raises :class:`LeaseLost`.

:func:`reported` turns a function into an RQ job with one status ladder for every kind of
job (queued → running → succeeded / failed / cancelled). An :class:`engine.errors.InputError`
is the user's mistake: its message is shown and nothing is logged as an error. Anything
else is a bug or a fault of the server: logged with its traceback, recorded as failed on
the row *and* re-raised so that RQ records the failure too.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from rq import get_current_job
from rq.timeouts import JobTimeoutException

from engine.errors import InputError
from studio.models import Job

logger = logging.getLogger(__name__)

TIME_LIMIT = "The job took longer than its time limit and was stopped."
BUG = ("An error on our side stopped this job ({kind}); it was logged for the site's administrator. "
       "Retry it, and tell the administrator if it happens again.")

_in_work_horse = False


def mark_work_horse() -> None:
    """Called by the worker in each forked work-horse: a run that loses its lease there exits."""
    global _in_work_horse
    _in_work_horse = True


def lease_length() -> timedelta:
    return timedelta(seconds=float(settings.JOB_LEASE_SECONDS))


class Cancelled(Exception):
    """Raised inside a job when its row asks it to stop (or is gone)."""


class LeaseLost(Exception):
    """This run does not (or no longer) hold its job's row: it must stop and write nothing."""


class ServerFailure(Exception):
    """A known fault of this server, not of the user's input (e.g. model weights missing):
    its message is shown on the row, and it is logged and recorded by RQ like a bug."""


class JobReporter:
    """One run's hold on its job row: start, progress (throttled), owned writes, finish."""

    def __init__(self, job_id, rq_job_id: str, interval: float = 1.0):
        self.job = Job(pk=job_id)  # no query: the row may be gone (deleted meanwhile)
        self.rq_job_id = str(rq_job_id)
        self.token: uuid.UUID | None = None
        self.interval = interval
        self.lost = False
        self._last_write = 0.0
        self._keeper: _LeaseKeeper | None = None

    def _held(self):
        return Job.objects.filter(pk=self.job.pk, run_token=self.token, status=Job.Status.RUNNING)

    def start(self, stage: str = "") -> None:
        """Take the queued row for this run. Raises :class:`LeaseLost` when the row is not
        queued for this RQ job (cancelled, deleted, retried as another run, started already)."""
        token, now = uuid.uuid4(), timezone.now()
        # Rows queued before runs had their own RQ job were enqueued under the row's id.
        this_run = Job.objects.filter(rq_job_id=self.rq_job_id) | Job.objects.filter(rq_job_id="", pk=self.rq_job_id)
        started = this_run.filter(pk=self.job.pk, status=Job.Status.QUEUED, cancel_requested=False).update(
            status=Job.Status.RUNNING, stage=stage, started_at=now, heartbeat_at=now, message="",
            run_token=token, lease_expires_at=now + lease_length(),
        )
        if not started:
            raise LeaseLost(f"RQ job {self.rq_job_id} is not the queued run of job {self.job.pk}")
        self.token = token
        self._keeper = _LeaseKeeper(self)
        self._keeper.start()

    def renew(self) -> bool:
        """Extend the lease; False when the row is no longer this run's."""
        now = timezone.now()
        return bool(self._held().update(heartbeat_at=now, lease_expires_at=now + lease_length()))

    def update(self, progress: float, stage: str | None = None, message: str | None = None, force: bool = False) -> bool:
        """Record progress (0–1). Returns False when the job should stop (cancelled or deleted);
        raises :class:`LeaseLost` when another run owns the row now."""
        if self.lost:
            raise LeaseLost(f"job {self.job.pk} lost its lease")
        if not force and time.monotonic() - self._last_write < self.interval:
            return True
        self._last_write = time.monotonic()
        now = timezone.now()
        fields = {"progress": max(0.0, min(1.0, float(progress))), "heartbeat_at": now,
                  "lease_expires_at": now + lease_length()}
        if stage is not None:
            fields["stage"] = stage
        if message is not None:
            fields["message"] = message
        if not self._held().update(**fields):
            self._not_held()
        return not self.cancel_requested()

    def _not_held(self):
        if not Job.objects.filter(pk=self.job.pk).exists():
            raise Cancelled()  # deleted meanwhile: a deleted job is a cancelled job
        self.lost = True
        raise LeaseLost(f"job {self.job.pk} lost its lease")

    @contextmanager
    def owned(self):
        """A transaction in which this run holds its row (renewed and locked until commit):
        every write of the run's results to other rows goes inside one."""
        with transaction.atomic():
            if self.lost or not self.renew():
                self._not_held()
            yield

    def cancel_requested(self) -> bool:
        """True when the user cancelled, or deleted the row: a deleted job is a cancelled job."""
        return not Job.objects.filter(pk=self.job.pk, cancel_requested=False).exists()

    def check_cancelled(self) -> None:
        if self.lost:
            raise LeaseLost(f"job {self.job.pk} lost its lease")
        if self.cancel_requested():
            raise Cancelled()

    def finish(self, status: str, message: str = "") -> bool:
        """End the run with ``status``; False when the row was no longer this run's."""
        self.stop_keeping()
        fields = {"status": status, "finished_at": timezone.now(), "message": message, "lease_expires_at": None}
        if status == Job.Status.SUCCEEDED:
            fields["progress"] = 1.0
        return bool(self._held().update(**fields))

    def stop_keeping(self) -> None:
        if self._keeper is not None:
            self._keeper.stop()
            self._keeper = None

    def lease_lost(self) -> None:
        """Called by the lease keeper: stop this run at once."""
        self.lost = True
        logger.error("job %s: its row is no longer this run's (failed after the lease ran out, then retried?); "
                     "stopping this run now", self.job.pk)
        if _in_work_horse:
            os._exit(75)  # the work-horse ends here; RQ records its RQ job as failed


class _LeaseKeeper(threading.Thread):
    """Renews a run's lease every sixth of its length, whatever the run is busy with."""

    def __init__(self, reporter: JobReporter):
        super().__init__(name=f"lease-{reporter.job.pk}", daemon=True)
        self.reporter = reporter
        self.every = max(0.2, lease_length().total_seconds() / 6)
        self._stopping = threading.Event()

    def run(self):
        try:
            while not self._stopping.wait(self.every):
                try:
                    held = self.reporter.renew()
                except DatabaseError as error:  # the database is away: try again; the lease may run out
                    logger.warning("job %s: could not renew its lease: %s", self.reporter.job.pk, error)
                    continue
                if not held and not self._stopping.is_set():
                    if Job.objects.filter(pk=self.reporter.job.pk).exists():
                        self.reporter.lease_lost()
                    return  # a deleted row: the run's next report finds it gone and cleans up
        finally:
            connection.close()  # this thread's own connection

    def stop(self):
        self._stopping.set()
        if threading.current_thread() is not self:
            self.join(timeout=30)


def reported(stage: str = "", failure: str = BUG):
    """Decorate ``func(reporter, *args)`` into an RQ job function ``(job_id, *args)``.

    The one status ladder: the row goes running, then succeeded; cancelled when the user
    cancels or a row the job needs is deleted meanwhile; failed with the message of an
    :class:`~engine.errors.InputError` (the user's mistake) or of a :class:`ServerFailure`,
    or with ``failure`` formatted with ``kind`` and ``error`` for any other exception,
    which is logged with its traceback and re-raised so RQ records it as failed too. A run
    that does not hold its row (:class:`LeaseLost`) writes nothing at all.
    """

    def decorate(func):
        @functools.wraps(func)
        def run(job_id, *args):
            rq_job = get_current_job()
            reporter = JobReporter(job_id, rq_job.id if rq_job is not None else str(job_id))
            try:
                reporter.start(stage=stage)
            except LeaseLost as why:
                logger.info("job %s not started: %s (cancelled, deleted, or run again as another RQ job)", job_id, why)
                return
            try:
                func(reporter, *args)
            except LeaseLost:
                logger.warning("job %s (%s) stopped without writing: its row is another run's now", job_id, func.__name__)
            except Cancelled:
                reporter.finish(Job.Status.CANCELLED, "Cancelled.")
            except ObjectDoesNotExist:
                reporter.finish(Job.Status.CANCELLED, "Deleted while it ran.")
            except InputError as error:
                logger.info("job %s (%s) refused its input: %s", job_id, func.__name__, error)
                reporter.finish(Job.Status.FAILED, str(error))
            except JobTimeoutException:
                logger.warning("job %s (%s) ran past its time limit", job_id, func.__name__)
                reporter.finish(Job.Status.FAILED, TIME_LIMIT)
                raise
            except ServerFailure as error:
                logger.exception("job %s (%s) failed", job_id, func.__name__)
                reporter.finish(Job.Status.FAILED, str(error))
                raise
            except Exception as error:
                logger.exception("job %s (%s) failed", job_id, func.__name__)
                reporter.finish(Job.Status.FAILED, failure.format(kind=error.__class__.__name__, error=error))
                raise
            else:
                if not reporter.finish(Job.Status.SUCCEEDED):
                    logger.warning("job %s (%s) finished after losing its row to another run", job_id, func.__name__)
            finally:
                reporter.stop_keeping()

        return run

    return decorate
