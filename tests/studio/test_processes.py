"""No process is left behind: a killed worker's work-horse, ./run's children after Ctrl-C,
and ./run's embedded redis-server comes back on its own port. Real processes throughout."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import django_rq
import pytest

from studio.embedded_redis import EmbeddedRedis
from tests.conftest import database_url

ROOT = Path(__file__).resolve().parents[2]


def alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def descendants(pid: int) -> list[int]:
    result = []
    for child in children(pid):
        result += [child, *descendants(child)]
    return result


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def environment(redis_url: str, **extra) -> dict:
    env = dict(os.environ, REDIS_URL=redis_url, DATABASE_URL=database_url(), PAINTING_VGG19_WEIGHTS="random")
    env.update(extra)
    return env


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_with_sigkill_takes_its_work_horse_with_it(redis_server):
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "rqworker", "default"],
        cwd=ROOT, env=environment(redis_server.url), start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        # A job that runs for two minutes unless its process is ended.
        django_rq.get_queue("default", commit_mode="auto").enqueue("time.sleep", 120)
        horse = wait_for(lambda: children(worker.pid), 60, "the worker to fork a work-horse")[0]
        worker.kill()  # SIGKILL: the worker gets no chance to stop its horse itself
        worker.wait()
        wait_for(lambda: not alive(horse), 10, f"the work-horse {horse} to end with its worker")
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_ctrl_c_on_serve_leaves_no_process_behind(redis_server, tmp_path):
    port = _free_port()
    serve = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port), "--web-workers", "1"],
        cwd=ROOT, env=environment(redis_server.url, VAR_DIR=str(tmp_path), MEDIA_ROOT=str(tmp_path / "media")),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        def web_answers():
            try:
                return urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).status == 200
            except OSError:
                return False

        wait_for(web_answers, 90, "the web server and a worker")
        django_rq.get_queue("default", commit_mode="auto").enqueue("time.sleep", 120)  # busy worker
        def horse_running():
            workers = [pid for pid in children(serve.pid) if b"rqworker" in Path(f"/proc/{pid}/cmdline").read_bytes()]
            return workers and children(workers[0])

        wait_for(horse_running, 60, "a work-horse under the worker")
        started = descendants(serve.pid)
        serve.send_signal(signal.SIGINT)  # Ctrl-C
        serve.wait(timeout=60)
        wait_for(lambda: not any(alive(pid) for pid in started), 10, "every process serve started to end")
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()


def test_an_embedded_redis_that_dies_comes_back_on_the_same_port(tmp_path):
    server = EmbeddedRedis(tmp_path / "redis").start()
    try:
        port = server.port
        assert server.restart_if_dead() is False  # running: left alone
        server.process.kill()
        server.process.wait()
        assert not server.answers()
        assert server.restart_if_dead() is True
        assert server.port == port and server.answers()
    finally:
        server.stop()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_deleting_a_running_painting_stops_its_work_horse_at_once(alice_client, alice, make_project, styles, redis_server, settings):
    from django.core.files.storage import default_storage
    from django.urls import reverse
    from rq.job import Job as RQJob

    from studio import generation_jobs
    from studio.models import Job
    from studio.models.generations import generation_folder

    project = make_project(alice, size=(320, 240))
    generation = generation_jobs.start_generation(
        project, style=styles[0], preset="standard", output_size=384, style_strength=1.0, palette_colors=6,
        canvas="40x30cm", seed=1,
    )
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "rqworker", "transfer"], cwd=ROOT, start_new_session=True,
        env=environment(redis_server.url, MEDIA_ROOT=str(settings.MEDIA_ROOT)),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        def painting():
            job = Job.objects.get(pk=generation.job.pk)
            return job.status == Job.Status.RUNNING and job.progress > 0
        wait_for(painting, 120, "the painting to start")
        horse = children(worker.pid)[0]
        response = alice_client.post(reverse("studio:generation-delete", args=[generation.pk]))
        assert response.status_code == 302
        wait_for(lambda: not alive(horse), 10, "the work-horse to be stopped")
        rq_job = RQJob.fetch(str(generation.job.pk), connection=django_rq.get_connection("transfer"))
        wait_for(lambda: rq_job.get_status(refresh=True) == "stopped", 10, "RQ to record the stop")

        def folder_empty():
            try:
                return default_storage.listdir(generation_folder(generation))[1] == []
            except FileNotFoundError:
                return True
        wait_for(folder_empty, 10, "the generation's files to be removed")
        assert worker.poll() is None  # the worker itself carries on
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
