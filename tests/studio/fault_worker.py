"""``manage.py rqworker`` for the fault tests, with test-only hooks installed before it forks.

Run as ``python tests/studio/fault_worker.py QUEUE...`` from the repository root; it is the
real worker class (``studio.processes.Worker``) on a real Redis and database, forking a
real work-horse per job. Two hooks, inherited by every work-horse:

- ``PAINTING_TEST_PAUSE_DIR``: when a run first reports a stage named by a file
  ``pause-<stage>`` in that folder, it writes ``reached-<stage>`` (its work-horse's and
  worker's pids, JSON) and waits while the pause file exists, still holding and renewing its
  lease: a fault is injected while the run is in a known state instead of racing it.
  ``pause-queued`` holds a work-horse that has its RQ job but has not taken the row yet.
  Every run that takes its row, and its end, is logged to ``runs.log`` in that folder;
- ``PAINTING_TEST_FAST_TRANSFER=1``: style transfer is a few cheap steps instead of VGG19
  (what these tests check is the job's life, not the painting: a TensorFlow import per
  work-horse would cost ~10 s a run; real transfers run in real workers in tests/browser).
  The lesson, its files and its recipes are the real ones.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "painting_site.settings")


def pause_at_stages(pause_dir: Path) -> None:
    from studio import job_runs

    original = job_runs.JobReporter.update

    def update(self, progress, stage=None, message=None, force=False):
        keep_going = original(self, progress, stage, message, force)
        seen = self.__dict__.setdefault("_stages_seen", set())
        if stage and stage not in seen:
            seen.add(stage)
            hold = pause_dir / f"pause-{stage}"
            if hold.exists():
                reached = {"horse": os.getpid(), "worker": os.getppid(), "job": str(self.job.pk)}
                (pause_dir / f"reached-{stage}.tmp").write_text(json.dumps(reached))
                (pause_dir / f"reached-{stage}.tmp").rename(pause_dir / f"reached-{stage}")
                while hold.exists():
                    time.sleep(0.05)
        return keep_going

    job_runs.JobReporter.update = update


def log_runs(runs_log: Path) -> None:
    """Append every run that takes its row (work-horse pid, job, time), and its end, to ``runs_log``."""
    from studio import job_runs

    original = job_runs.JobReporter.start

    def start(self, stage=""):
        if (runs_log.parent / "pause-queued").exists():  # the RQ job is taken, the row still queued
            (runs_log.parent / "reached-queued").write_text(json.dumps({"horse": os.getpid(), "worker": os.getppid()}))
            while (runs_log.parent / "pause-queued").exists():
                time.sleep(0.05)
        original(self, stage)
        with open(runs_log, "a") as log:
            log.write(json.dumps({"horse": os.getpid(), "job": str(self.job.pk), "at": time.time()}) + "\n")

    original_finish = job_runs.JobReporter.finish

    def finish(self, status, message=""):
        done = original_finish(self, status, message)
        with open(runs_log, "a") as log:
            log.write(json.dumps({"horse": os.getpid(), "job": str(self.job.pk), "ended": status}) + "\n")
        return done

    job_runs.JobReporter.start = start
    job_runs.JobReporter.finish = finish


def fast_transfer() -> None:
    import numpy as np

    from engine import imageio
    from engine.transfer import stylize

    def run_transfer(content, style, settings=None, progress=None):
        content = imageio.as_rgb_uint8(content, min_side=stylize.MIN_SIDE, name="content image")
        width, height = stylize._fit(content.shape, settings.size)
        image = imageio.resize(content, (width, height))
        steps = 12
        for step in range(1, steps + 1):
            time.sleep(0.02)
            update = stylize.TransferProgress(step=step, total=steps, loss=1.0 / step, optimised_size=(width, height),
                                              preview=image if step % 4 == 0 else None)
            if progress is not None and progress(update) is False:
                raise stylize.TransferCancelled(f"cancelled at step {step}")
        painted = np.clip(image.astype(np.int16) // 32 * 32 + 16, 0, 255).astype(np.uint8)
        return stylize.TransferResult(image=painted, steps=steps, seconds=0.3, content_loss=0.0, style_loss=0.0,
                                      total_loss=0.0, weights="fault tests (no VGG19)", device="cpu", settings=settings)

    stylize.run_transfer = run_transfer


def main(queues: list[str]) -> None:
    import django

    django.setup()
    if os.environ.get("PAINTING_TEST_PAUSE_DIR"):
        pause_dir = Path(os.environ["PAINTING_TEST_PAUSE_DIR"])
        pause_at_stages(pause_dir)
        log_runs(pause_dir / "runs.log")
    if os.environ.get("PAINTING_TEST_FAST_TRANSFER") == "1":
        fast_transfer()
        # Imported and warmed once here, not in every work-horse (each run would pay ~2 s).
        import engine.lesson.build  # noqa: F401
        from engine.mixing.paints import DEFAULT_PAINTS
        from engine.mixing.recipes import recipes_for

        recipes_for([(128, 128, 128)], DEFAULT_PAINTS)
    from django.core.management import call_command

    call_command("rqworker", *queues)


if __name__ == "__main__":
    main(sys.argv[1:])
