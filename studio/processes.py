"""No process outlives the one that started it: RQ work-horses, and ``./run``'s children.

RQ forks a work-horse per job and puts it in a process group of its own, so a worker
killed with SIGKILL (or a cold shutdown that never reaches the horse) used to leave the
painting running as an orphan, outside anyone's control. On Linux the kernel can send a
signal to a process when its parent dies (``prctl(PR_SET_PDEATHSIG)``); elsewhere a
thread notices the new parent id. The horse's job is then found dead by RQ (failed,
with a Retry button on the page) or by :func:`studio.jobqueue.reconcile`.

Settings select :class:`Worker` for ``manage.py rqworker`` (``RQ["WORKER_CLASS"]``).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

from rq.worker import Worker as RQWorker

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(sig: int = signal.SIGKILL, parent_pid: int | None = None) -> None:
    """Have this process receive ``sig`` when its parent dies (call it in the child).

    ``parent_pid`` is the parent as the caller knew it before forking: if it is already
    gone the signal is sent at once (the kernel only watches from the call on).
    """
    expected = parent_pid or os.getppid()
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
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
    """RQ's forking worker whose work-horse ends when the worker process ends."""

    def fork_work_horse(self, job, queue):
        self._worker_pid = os.getpid()  # read by the child after the fork
        return super().fork_work_horse(job, queue)

    def main_work_horse(self, job, queue):
        die_with_parent(signal.SIGKILL, parent_pid=self._worker_pid)
        return super().main_work_horse(job, queue)
