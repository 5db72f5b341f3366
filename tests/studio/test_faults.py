"""Faults an operator meets, injected into real worker processes on a real Redis.

Workers are real ``studio.processes.Worker`` processes (``tests/studio/fault_worker.py``:
``manage.py rqworker`` with a hook that holds a run at a named stage, so each fault hits a
known moment instead of racing one, and a cheap stand-in for VGG19: the job's life is
what is tested; one trial below runs the real transfer). A generation is started through
the page, held queued (its RQ job taken, its row not yet), painting (style transfer) or
planning (the stroke plan), and then a worker, its work-horse or both are killed, Redis is
stopped or restarted empty, or the web process dies between commit and enqueue.

At every poll of the page's status, as a user's browser polls it:

- no page answers 500;
- at most one run of the painting is alive (runs log their work-horse as they take the row);
- while a run's work-horse is alive the row says "running", never queued, failed or cancelled;

and within a lease (plus a poll) after the fault the row has ended or is truthfully
running; a failed one is retried from its page and the retry paints to the end.
Leases, grace and heartbeats are short here (seconds); production's are 60/60/30 s.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

from studio.embedded_redis import EmbeddedRedis
from studio.models import Generation, Job
from tests.conftest import database_url
from tests.studio.conftest import TINY, generation_files, image_bytes, upload

ROOT = Path(__file__).resolve().parents[2]
LEASE = 2.4  # s: a run renews its lease every 0.4 s
GRACE = 1.5  # s: a queued run may take this long to reach Redis
HEARTBEAT = 1.0  # s: workers heartbeat (and reconcile rows) this often

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
# Every trial runs on SQLite; ./test's PostgreSQL pass runs one of each kind (row locks and
# conditional UPDATEs differ there), marked ``postgresql``, not the whole matrix again.
also_on_postgresql = pytest.mark.postgresql


def alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def wait_for(condition, timeout: float, what: str, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class Install:
    """One install's moving parts: its Redis, its workers, the pause folder of the hooks.

    Shared by the tests of this module where isolation is not the point (a worker that is
    not killed serves them all); each test points the settings at it and flushes its Redis.
    """

    def __init__(self, folder: Path):
        self.folder = folder / "hooks"
        self.folder.mkdir()
        self.media = folder / "media"
        self.redis = EmbeddedRedis(folder / "redis", persist=True).start()
        self.workers: list[subprocess.Popen] = []

    def environment(self) -> dict:
        return dict(
            os.environ, REDIS_URL=self.redis.url, DATABASE_URL=database_url(), MEDIA_ROOT=str(self.media),
            PAINTING_VGG19_WEIGHTS="random", PAINTING_TEST_PAUSE_DIR=str(self.folder), PAINTING_TEST_FAST_TRANSFER="1",
            PAINTING_JOB_LEASE_SECONDS=str(LEASE), PAINTING_ENQUEUE_GRACE_SECONDS=str(GRACE),
            PAINTING_WORKER_HEARTBEAT_SECONDS=str(HEARTBEAT),
        )

    def start_worker(self, *queues: str, **env) -> subprocess.Popen:
        worker = subprocess.Popen(
            [sys.executable, "tests/studio/fault_worker.py", *(queues or ("transfer", "default"))],
            cwd=ROOT, env={**self.environment(), **env}, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=open(self.folder / f"worker-{len(self.workers)}.log", "wb"),
        )
        self.workers.append(worker)
        return worker

    def live_workers(self) -> list[subprocess.Popen]:
        return [worker for worker in self.workers if worker.poll() is None]

    def hold(self, stage: str) -> None:
        (self.folder / f"pause-{stage}").touch()

    def release(self) -> None:
        for name in self.folder.glob("pause-*"):
            name.unlink()

    def reached(self, stage: str, timeout: float = 60) -> dict:
        marker = self.folder / f"reached-{stage}"
        try:
            wait_for(marker.exists, timeout, f"a run to reach {stage}")
        except AssertionError as timed_out:  # say why: the workers' own words
            raise AssertionError(f"{timed_out}; the workers' logs end:\n{self.log_tails()}") from None
        found = json.loads(marker.read_text())
        marker.unlink()
        return found

    def log_tails(self, lines: int = 15) -> str:
        tails = []
        for log in sorted(self.folder.glob("worker-*.log")):
            tails.append(f"--- {log.name}\n" + "\n".join(log.read_text(errors="replace").splitlines()[-lines:]))
        return "\n".join(tails)

    def runs(self, job) -> list[dict]:
        """The runs that took ``job``'s row, each with ``ended`` once it wrote its end."""
        log = self.folder / "runs.log"
        lines = log.read_text().splitlines() if log.exists() else []
        runs = {}
        for entry in map(json.loads, lines):
            if entry["job"] == str(job.pk):
                runs.setdefault(entry["horse"], {"horse": entry["horse"], "ended": None}).update(entry)
        return list(runs.values())

    def painting(self, job) -> list[int]:
        """Work-horses alive that took ``job``'s row and have not ended it."""
        return [run["horse"] for run in self.runs(job) if not run["ended"] and alive(run["horse"])]

    def restart_redis(self, empty: bool) -> None:
        self.redis.stop()  # saves its data on the way out, as a server shut down does
        if empty:
            (self.redis.directory / "dump.rdb").unlink(missing_ok=True)
        self.redis.start()

    def close(self) -> None:
        self.release()
        for worker in self.workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        self.redis.stop()


@pytest.fixture(scope="module")
def shared_install(tmp_path_factory):
    install = Install(tmp_path_factory.mktemp("install"))
    yield install
    install.close()


@pytest.fixture
def install(shared_install, settings):
    """The shared install, its Redis empty, a worker running, the settings pointing at it."""
    shared_install.release()
    if shared_install.redis.process is None or not shared_install.redis.answers():
        shared_install.redis.start()
    import redis

    redis.Redis.from_url(shared_install.redis.url).flushdb()
    settings.MEDIA_ROOT = shared_install.media
    settings.RQ_QUEUES = {name: {**c, "URL": shared_install.redis.url} for name, c in settings.RQ_QUEUES.items()}
    settings.JOB_LEASE_SECONDS, settings.ENQUEUE_GRACE_SECONDS = LEASE, GRACE
    settings.WORKER_HEARTBEAT_SECONDS = HEARTBEAT
    if not shared_install.live_workers():
        shared_install.start_worker()
    yield shared_install
    shared_install.release()


@pytest.fixture
def project(alice, make_project, install):
    return make_project(alice, title="Harbour", size=(160, 120))


@pytest.fixture
def styles(db):
    """One style (the built-in ones render five pictures per test)."""
    from django.core.files.base import ContentFile

    from studio.models import StyleImage
    from tests.studio.conftest import image_bytes

    style = StyleImage(name="Strokes", slug="strokes", is_default=True)
    style.image.save("strokes.png", ContentFile(image_bytes(size=(96, 96), format="PNG"), name="s.png"), save=False)
    style.save()
    return [style]


def start_painting(client, project, style) -> Generation:
    response = client.post(reverse("studio:generation-create", args=[project.pk]), {**TINY, "style": style.pk})
    assert response.status_code == 302, response.status_code
    return Generation.objects.get(project=project)


def watch(client, install, generation, until, timeout: float, what: str) -> dict:
    """Poll the status as the page does, checking the invariants each time, until ``until(status)``."""
    job = generation.job
    url = reverse("studio:generation-status", args=[generation.pk])
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(url)
        assert response.status_code == 200, f"status page answered {response.status_code}"
        status = response.json()
        live = install.painting(job)
        assert len(live) <= 1, f"two runs of one painting at once: work-horses {live}"
        if live:
            assert status["status"] == "running", f"the row says {status['status']} while work-horse {live[0]} paints"
        if until(status):
            return status
        assert time.monotonic() < deadline, (
            f"timed out after {timeout:.0f} s waiting for {what}; last {status}; the workers' logs end:\n{install.log_tails()}")
        time.sleep(0.15)


def ended(status):
    return status["status"] in ("succeeded", "failed", "cancelled")


def retry_to_the_end(client, install, generation) -> None:
    """Retry from the page (no 500) and let the retry paint to the end."""
    install.release()
    response = client.post(reverse("studio:generation-retry", args=[generation.pk]), follow=True)
    assert response.status_code == 200 and "Trying again." in response.content.decode()
    if not install.live_workers():
        install.start_worker()  # what ./run's supervisor does for a worker that died
    status = watch(client, install, generation, ended, 90, "the retry to finish")
    assert status["status"] == "succeeded", f"{status}; the workers' logs end:\n{install.log_tails()}"
    generation.refresh_from_db()
    assert generation.result and generation.lesson and len(generation_files(generation)) > 5


# --- A run killed: its row fails within a lease, and Retry paints it again. ---------------------

@pytest.mark.parametrize("victim, stage", [
    pytest.param("worker", "transfer", marks=also_on_postgresql), ("worker", "plan"),
    ("work-horse", "transfer"), pytest.param("work-horse", "plan", marks=also_on_postgresql),
    ("both", "plan"),
])
def test_a_run_killed_fails_within_a_lease_and_retry_paints_it(alice_client, install, project, styles, victim, stage):
    install.hold(stage)
    generation = start_painting(alice_client, project, styles[0])
    held = install.reached(stage)
    pids = {"worker": [held["worker"]], "work-horse": [held["horse"]], "both": [held["worker"], held["horse"]]}[victim]
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    killed = time.monotonic()
    if victim != "work-horse":
        install.start_worker()  # as ./run's supervisor does; meanwhile the row must tell the truth
    wait_for(lambda: not alive(held["horse"]), 10, "the work-horse to end (with its worker)")
    status = watch(alice_client, install, generation, ended, LEASE + 5, "the row to end")
    assert status["status"] == "failed" and "stopped unexpectedly" in status["message"], status
    if victim == "work-horse":  # its worker saw it die and ended the row: no lease (2.0–2.4 s left) to wait for
        assert time.monotonic() - killed < 1.5
    assert time.monotonic() - killed <= LEASE + 3
    retry_to_the_end(alice_client, install, generation)
    assert len(install.runs(generation.job)) == 2


def test_a_worker_killed_before_the_run_took_its_row(alice_client, install, project, styles):
    """RQ says started, the row still says queued, and nobody will ever run it."""
    install.hold("queued")
    generation = start_painting(alice_client, project, styles[0])
    held = install.reached("queued")
    os.kill(held["worker"], signal.SIGKILL)
    install.start_worker()
    wait_for(lambda: not alive(held["horse"]), 10, "the work-horse to end with its worker")
    status = watch(alice_client, install, generation, ended, GRACE + 5, "the row to end")
    assert status["status"] == "failed" and "stopped before it started" in status["message"], status
    retry_to_the_end(alice_client, install, generation)


# --- Redis stopped or restarted empty: a live run goes on; a lost queued one fails, then Retry. -----

def healthz_workers(client) -> int | None:
    response = client.get(reverse("healthz"))
    assert response.status_code in (200, 503)
    return response.json()["workers"] if response.status_code == 200 else None


@pytest.mark.parametrize("empty, stage", [
    pytest.param(True, "transfer", marks=also_on_postgresql), (True, "plan"), (False, "transfer"),
])
def test_a_run_goes_on_through_a_redis_restart_and_healthz_recovers(alice_client, client, install, project, styles,
                                                                    empty, stage):
    install.hold(stage)
    generation = start_painting(alice_client, project, styles[0])
    held = install.reached(stage)
    install.redis.stop()
    assert client.get(reverse("healthz")).status_code == 503  # says Redis is down, and nothing else fails
    time.sleep(LEASE + 1)  # longer than a lease: only a dead run would lose its row
    watch(alice_client, install, generation, lambda s: s["status"] == "running", 5, "the row to say running")
    assert alive(held["horse"])
    install.restart_redis(empty=empty)
    install.release()
    status = watch(alice_client, install, generation, ended, 60, "the run to finish")
    assert status["status"] == "succeeded", status
    assert len(install.runs(generation.job)) == 1
    response = alice_client.post(reverse("studio:generation-retry", args=[generation.pk]), follow=True)
    assert response.status_code == 200 and "This painting has finished" in response.content.decode()
    if not install.live_workers():
        install.start_worker()  # one that lost Redis mid-job may have quit: ./run starts it again
    wait_for(lambda: healthz_workers(client), 4 * HEARTBEAT + 5, "/healthz to count the live worker again")


def stop_workers(install) -> None:
    for worker in install.live_workers():
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


@pytest.mark.parametrize("fault", [pytest.param("redis restarted empty", marks=also_on_postgresql),
                                   "web died before enqueueing"])
def test_a_queued_painting_lost_by_the_queue_fails_and_retry_paints_it(alice_client, install, project, styles,
                                                                        fault, monkeypatch):
    stop_workers(install)  # nobody takes it while the fault happens
    if fault == "web died before enqueueing":  # the rows are committed; the request's process dies there
        with monkeypatch.context() as patch:
            patch.setattr("studio.jobqueue.transaction.on_commit", lambda *args, **kwargs: None)
            generation = start_painting(alice_client, project, styles[0])
    else:
        generation = start_painting(alice_client, project, styles[0])
        install.restart_redis(empty=True)
    status = watch(alice_client, install, generation, ended, GRACE + 5, "the row to end")
    assert status["status"] == "failed" and "lost this job" in status["message"], status
    retry_to_the_end(alice_client, install, generation)


def test_a_queued_painting_waits_through_redis_stopped_a_while(alice_client, install, project, styles):
    stop_workers(install)
    generation = start_painting(alice_client, project, styles[0])
    install.redis.stop()
    time.sleep(GRACE + 1)
    status = watch(alice_client, install, generation, lambda s: True, 1, "a status")
    assert status["status"] == "queued"  # Redis cannot be asked: the row waits, as the job does
    install.restart_redis(empty=False)  # its data (and the job) come back
    time.sleep(GRACE)
    install.start_worker()
    status = watch(alice_client, install, generation, ended, 60, "the painting to finish")
    assert status["status"] == "succeeded", status


# --- What users do meanwhile: delete a running painting; make a project while one paints. --------

@also_on_postgresql
def test_deleting_a_running_painting_stops_its_work_horse_at_once(alice_client, install, project, styles):
    install.hold("plan")
    generation = start_painting(alice_client, project, styles[0])
    held = install.reached("plan")
    assert generation_files(generation)  # the painting is stored already
    response = alice_client.post(reverse("studio:generation-delete", args=[generation.pk]))
    assert response.status_code == 302 and not Generation.objects.filter(pk=generation.pk).exists()
    wait_for(lambda: not alive(held["horse"]), 10, "the work-horse to be stopped")  # held: only the stop ends it
    wait_for(lambda: generation_files(generation) == [], 10, "the painting's files to be removed")
    assert alive(held["worker"])  # the worker itself carries on


def test_a_thumbnail_does_not_wait_behind_a_painting(alice_client, install, project, styles):
    """./run's workers: one for paintings (then short jobs), one for short jobs only."""
    from studio.management.commands.serve import WORKERS

    stop_workers(install)
    for queues in WORKERS.values():
        install.start_worker(*queues)
    install.hold("transfer")
    generation = start_painting(alice_client, project, styles[0])
    install.reached("transfer")
    response = alice_client.post(reverse("studio:project-create"), {"title": "Dog", "photo": upload(image_bytes())})
    assert response.status_code == 302
    thumbnail = Job.objects.get(kind="thumbnail")
    wait_for(lambda: Job.objects.get(pk=thumbnail.pk).status == Job.Status.SUCCEEDED, 30, "the thumbnail")
    assert Job.objects.get(pk=generation.job.pk).status == Job.Status.RUNNING  # the painting is still at it
