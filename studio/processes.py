"""Workers that survive faults, and no process that outlives the one that started it.

Settings select :class:`Worker` for ``manage.py rqworker`` (``RQ["WORKER_CLASS"]``). Over
RQ's forking worker it:

- ends a job's work-horse when the worker process ends. RQ forks a work-horse per job in
  a process group of its own, so a worker killed with SIGKILL (or a cold shutdown that
  never reaches the horse) used to leave the painting running as an orphan. On Linux the
  kernel sends a signal to a process when its parent dies (``prctl(PR_SET_PDEATHSIG)``);
  elsewhere a thread notices the new parent id. The job's row then ends when its lease
  runs out (:func:`studio.jobqueue.reconcile`);
- ends the row of a job whose work-horse it saw die (killed, out of memory) at once: it
  waited for that process, so no run of that RQ job can be alive (no lease to wait for);
- closes its database connections before each fork: the parent may have used the ORM
  (stop callbacks, the sweep below) and a connection shared by two processes breaks
  (TLS PostgreSQL first);
- heartbeats at least every ``WORKER_HEARTBEAT_SECONDS``, idle or busy, and registers
  itself again when Redis forgot it (restarted empty), so ``/healthz`` counts live workers
  by their heartbeats; a Redis that stops answering while a job runs does not end the
  job (its row, not Redis, is the truth);
- reconciles every active job row as it heartbeats (:func:`studio.jobqueue.reconcile_all`),
  so a row whose run vanished ends within a lease even when no page looks at it, and queues
  the thumbnails of projects created while the queue was down
  (:func:`studio.thumbnails.queue_missing_thumbnails`).
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import threading
import time

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import worker_registration
from rq.worker import Worker as RQWorker

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_libc = None

logger = logging.getLogger(__name__)


def _prctl():
    """libc's prctl, loaded once (before any fork: no dlopen in a forked child)."""
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc.prctl


def prepare_die_with_parent() -> None:
    """Load what :func:`die_with_parent` needs before forking (a child calls it before exec)."""
    if sys.platform.startswith("linux"):
        _prctl()


def die_with_parent(sig: int = signal.SIGKILL, parent_pid: int | None = None) -> None:
    """Have this process receive ``sig`` when its parent dies (call it in the child).

    ``parent_pid`` is the parent as the caller knew it before forking: if it is already
    gone the signal is sent at once (the kernel only watches from the call on).
    """
    expected = parent_pid or os.getppid()
    if sys.platform.startswith("linux"):
        if _prctl()(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    else:
        def watch():
            while os.getppid() == expected:
                time.sleep(1.0)
            os.kill(os.getpid(), sig)

        threading.Thread(target=watch, name="die-with-parent", daemon=True).start()
    if os.getppid() != expected:
        os.kill(os.getpid(), sig)


class Worker(RQWorker):
    """RQ's forking worker, for jobs whose rows must tell the truth (see the module)."""

    def __init__(self, *args, **kwargs):
        from django.conf import settings

        super().__init__(*args, **kwargs)
        beat = max(1, int(float(settings.WORKER_HEARTBEAT_SECONDS)))
        # RQ heartbeats an idle worker when its blocking wait (worker_ttl - 15 s) ends, a busy
        # one every job_monitoring_interval: both at most `beat` apart.
        self.worker_ttl = min(self.worker_ttl, beat + 15)
        self.job_monitoring_interval = min(self.job_monitoring_interval, beat)
        self.max_connection_wait_time = beat  # back within a heartbeat of Redis returning (RQ: up to 60 s)
        self._sweep_every = beat
        self._last_sweep = 0.0

    def fork_work_horse(self, job, queue):
        from django.db import connections

        connections.close_all()  # the horse opens its own; a shared connection breaks both
        prepare_die_with_parent()
        self._worker_pid = os.getpid()  # read by the child after the fork
        return super().fork_work_horse(job, queue)

    def main_work_horse(self, job, queue):
        from studio.job_runs import mark_work_horse

        die_with_parent(signal.SIGKILL, parent_pid=self._worker_pid)
        mark_work_horse()
        return super().main_work_horse(job, queue)

    def handle_work_horse_killed(self, job, retpid, ret_val, rusage):
        super().handle_work_horse_killed(job, retpid, ret_val, rusage)
        from studio.jobqueue import end_run_of_dead_horse

        signal_name = f" (signal {os.WTERMSIG(ret_val)})" if ret_val and os.WIFSIGNALED(ret_val) else ""
        try:
            end_run_of_dead_horse(job.args[0], job.id, f"its process ended unexpectedly{signal_name}")
        except Exception:  # the row's lease ends it anyway
            logger.exception("could not end the row of job %s after its work-horse died", job.id)

    def heartbeat(self, timeout=None, pipeline=None):
        super().heartbeat(timeout, pipeline)
        if pipeline is None and not self.is_horse:
            self._register_if_forgotten()
            self._sweep_jobs()

    def maintain_heartbeats(self, job, execution):
        try:
            super().maintain_heartbeats(job, execution)
        except (RedisConnectionError, RedisTimeoutError) as error:
            # The work-horse needs no Redis while it works: let it finish; its row is the truth.
            self.log.warning("Worker %s: Redis does not answer (%s); job %s goes on", self.name, error, job.id)
            return
        self._register_if_forgotten()
        self._sweep_jobs()

    def _register_if_forgotten(self):
        """Register again after Redis lost this worker (restarted empty, or its key expired)."""
        try:
            known = self.connection.sismember(worker_registration.REDIS_WORKER_KEYS, self.key)
            if known and self.connection.hexists(self.key, "birth"):
                return
            with self.connection.pipeline() as pipeline:
                pipeline.hset(self.key, mapping=self.serialize())
                pipeline.expire(self.key, self.worker_ttl + 60)
                worker_registration.register(self, pipeline)
                pipeline.execute()
            self.log.info("Worker %s: registered again (Redis had forgotten it)", self.name)
        except RedisError as error:
            self.log.warning("Worker %s: could not register again: %s", self.name, error)

    def _sweep_jobs(self):
        if time.monotonic() - self._last_sweep < self._sweep_every:
            return
        self._last_sweep = time.monotonic()
        from django.db import connections

        from studio.jobqueue import reconcile_all
        from studio.thumbnails import queue_missing_thumbnails

        try:
            reconcile_all()
            queue_missing_thumbnails()
        except Exception:  # never let the sweep take the worker down
            logger.exception("could not sweep the job rows")
        finally:
            connections.close_all()
