"""Installs and their processes: two checkouts side by side each with their own Redis,
workers and gunicorn control socket; Ctrl-C on ./run's `serve` leaves no process behind;
its embedded redis-server comes back on its own socket. Real processes throughout.

(A worker killed with SIGKILL takes its work-horse with it: tests/studio/test_faults.py
checks that in every trial that kills one.)
"""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import redis
from rq.job import Job as RQJob
from rq.worker import Worker

from studio import thumbnails
from studio.embedded_redis import EmbeddedRedis, socket_url
from studio.models import Job
from tests.conftest import database_url, using_postgresql
from tests.net import free_port

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
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")



def health(port: int) -> dict | None:
    import json

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return json.loads(response.read())
    except OSError:
        return None


def serve(var: Path, media: Path) -> tuple[subprocess.Popen, int]:
    """``./run``'s last step for a checkout whose var/ is ``var``: no REDIS_URL, its own Redis."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(VAR_DIR=str(var), MEDIA_ROOT=str(media), DATABASE_URL=database_url(), PAINTING_VGG19_WEIGHTS="random",
               PAINTING_WORKER_HEARTBEAT_SECONDS="2")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port), "--web-workers", "1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return process, port


@pytest.mark.slow
@pytest.mark.skipif(using_postgresql(), reason="installs do not depend on the database: run once, on SQLite")
@pytest.mark.django_db(transaction=True)
def test_two_installs_side_by_side_each_do_their_own_jobs_and_ctrl_c_leaves_nothing(
    tmp_path, settings, alice, make_project
):
    installs = {name: tmp_path / name / "var" for name in ("first", "second")}
    started = {name: serve(var, settings.MEDIA_ROOT) for name, var in installs.items()}
    try:
        for name, (process, port) in started.items():
            # A web server, a Redis and two workers (paintings; short jobs) each, all live.
            wait_for(lambda: (health(port) or {}).get("workers") == 2, 120, f"the {name} install to be up")
        urls = {name: socket_url(var / "redis") for name, var in installs.items()}
        assert len(set(urls.values())) == 2 and all((var / "redis" / "redis.sock").exists() for var in installs.values())
        assert all((var / "run" / "gunicorn.ctl").exists() for var in installs.values())  # not ~/.gunicorn

        jobs = {}
        for name, url in urls.items():  # three thumbnails queued through each install's own Redis
            settings.RQ_QUEUES = {queue: {**config, "URL": url} for queue, config in settings.RQ_QUEUES.items()}
            jobs[name] = [thumbnails.start_thumbnail(make_project(alice, thumbnail=False)) for _ in range(3)]
        every_job = [job for queued in jobs.values() for job in queued]
        wait_for(lambda: all(Job.objects.get(pk=j.pk).status == Job.Status.SUCCEEDED for j in every_job), 60,
                 "every thumbnail to be made")
        for name, url in urls.items():
            connection = redis.Redis.from_url(url)
            own_workers = {worker.name for worker in Worker.all(connection=connection)}
            assert len(own_workers) == 2
            for job in jobs[name]:  # done by a worker of this install, known to this install's Redis only
                assert RQJob.fetch(job.rq_job_id, connection=connection).worker_name in own_workers
            for other in (j for other_name, queued in jobs.items() if other_name != name for j in queued):
                assert not RQJob.exists(other.rq_job_id, connection=connection)
    finally:
        processes = {name: [process.pid, *descendants(process.pid)] for name, (process, _) in started.items()}
        for process, _ in started.values():
            process.send_signal(signal.SIGINT)  # Ctrl-C
        for process, _ in started.values():
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    for name, pids in processes.items():
        assert len(pids) >= 6, f"{name}: serve, gunicorn (2), two workers and redis-server: {pids}"
        wait_for(lambda: not any(alive(pid) for pid in pids), 10, f"every process the {name} install started to end")


def test_an_embedded_redis_that_dies_comes_back_on_the_same_socket(tmp_path):
    server = EmbeddedRedis(tmp_path / "redis").start()
    try:
        url = server.url
        assert server.restart_if_dead() is False  # running: left alone
        server.process.kill()
        server.process.wait()
        assert not server.answers()
        assert server.restart_if_dead() is True
        assert server.url == url and server.answers()
    finally:
        server.stop()


def test_a_var_folder_too_deep_for_a_unix_socket_gets_one_of_its_own_elsewhere(tmp_path):
    from studio.embedded_redis import MAX_SOCKET_PATH, socket_path

    deep, other = tmp_path / ("d" * 60) / ("e" * 60) / "redis", tmp_path / ("d" * 60) / ("f" * 60) / "redis"
    assert socket_path(tmp_path / "redis") == tmp_path / "redis" / "redis.sock"
    assert len(str(socket_path(deep))) <= MAX_SOCKET_PATH and socket_path(deep) == socket_path(deep)
    assert socket_path(deep) != socket_path(other)
