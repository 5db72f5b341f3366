"""``manage.py serve``: the whole app in one command (what ``./run`` starts).

Starts the web server (gunicorn on HOST:PORT), two RQ workers and, when ``REDIS_URL`` is
unset, this install's own embedded ``redis-server`` (data and unix socket under
``var/redis``, see :mod:`studio.embedded_redis`). One worker is for paintings (the
``transfer`` queue, then short jobs when it has none), the other only for short jobs
(thumbnails, lesson PDFs), so a new project's thumbnail never waits behind a 15-minute
painting. Everything this command creates belongs to its install: Redis's socket, and
gunicorn's control socket under ``var/run`` (gunicorn's default, ``~/.gunicorn``, would be
shared by every install of the same user). Two checkouts can run side by side on two ports.

Ctrl-C or SIGTERM stops every child it started; a worker or an embedded redis-server that
dies is started again (Redis on the same socket). Children also die if this process is
killed outright (``studio.processes.die_with_parent``), and a worker's work-horse dies
with its worker, so nothing is left running.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from studio.embedded_redis import MAX_SOCKET_PATH, EmbeddedRedis
from studio.processes import die_with_parent, prepare_die_with_parent

WORKERS = {  # name: queues, in the order each worker takes them
    "painting worker": ("transfer", "default"),
    "short-jobs worker": ("default",),
}


class Command(BaseCommand):
    help = "Run the web server, two RQ workers and (without REDIS_URL) this install's Redis; Ctrl-C stops all."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
        parser.add_argument("--web-workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 2)))

    def handle(self, host, port, web_workers, **options):
        self.children: dict[str, subprocess.Popen] = {}
        self.stopping = False
        redis = None
        env = dict(os.environ)
        if not os.environ.get("REDIS_URL"):
            redis = self._embedded_redis()
            env["REDIS_URL"] = redis.url
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._request_stop)
        commands = {
            "web": [
                sys.executable, "-m", "gunicorn", "painting_site.wsgi", "--bind", f"{host}:{port}",
                "--workers", str(web_workers), "--threads", "4", "--timeout", "120",
                "--access-logfile", "-", "--graceful-timeout", "5", *self._control_socket(),
            ],
            **{name: [sys.executable, "manage.py", "rqworker", *queues] for name, queues in WORKERS.items()},
        }
        try:
            for name, command in commands.items():
                self._start(name, command, env)
            self.stdout.write(self.style.SUCCESS(f"Painting Assistant is running on http://{host}:{port}/ — Ctrl-C to stop."))
            while not self.stopping:
                time.sleep(0.5)
                if redis is not None and not self.stopping:
                    self._keep_redis_running(redis)
                for name, child in list(self.children.items()):
                    if child.poll() is None or self.stopping:
                        continue
                    if name in WORKERS:
                        self.stderr.write(f"the {name} exited ({child.returncode}); restarting it")
                        time.sleep(2)
                        self._start(name, commands[name], env)
                    else:
                        self.stderr.write(f"the {name} server exited ({child.returncode}); stopping")
                        self.stopping = True
        finally:
            self._stop_children()
            if redis:
                redis.stop()
        return None

    def _embedded_redis(self) -> EmbeddedRedis:
        """This install's Redis: started now, or the one an earlier run left on our socket."""
        redis = EmbeddedRedis(settings.VAR_DIR / "redis")
        if redis.answers():  # the socket is ours by its path: left by an earlier run that was killed
            self.stdout.write(f"using the redis-server already on {redis.url} (left by an earlier run)")
            return redis
        redis.start()
        self.stdout.write(f"embedded redis-server on {redis.url} (data in {redis.directory})")
        return redis

    def _control_socket(self) -> list[str]:
        path = settings.VAR_DIR.absolute() / "run" / "gunicorn.ctl"
        if len(os.fsencode(path)) > MAX_SOCKET_PATH:
            return ["--no-control-socket"]  # too long for a unix socket: better none than a shared one
        path.parent.mkdir(parents=True, exist_ok=True)
        return ["--control-socket", str(path)]

    def _keep_redis_running(self, redis: EmbeddedRedis) -> None:
        if redis.process is None and redis.answers():
            return  # adopted from an earlier run: not ours to watch while it answers
        try:
            if redis.restart_if_dead():
                self.stderr.write(f"the embedded redis-server had exited; restarted it on {redis.url}")
        except RuntimeError as error:  # e.g. it cannot start yet: tried again next round
            self.stderr.write(f"could not restart the embedded redis-server: {error}")

    def _start(self, name, command, env):
        parent_pid = os.getpid()
        prepare_die_with_parent()
        # A session of their own: the terminal's Ctrl-C reaches only us, and we stop them in order.
        # If we are killed outright (no chance to stop them), the kernel sends them SIGTERM.
        self.children[name] = subprocess.Popen(
            command, env=env, start_new_session=True, cwd=settings.BASE_DIR,
            preexec_fn=lambda: die_with_parent(signal.SIGTERM, parent_pid=parent_pid),
        )

    def _request_stop(self, signum, frame):
        self.stopping = True

    def _stop_children(self):
        alive = [c for c in self.children.values() if c.poll() is None]
        # SIGTERM twice: RQ's first is a warm shutdown (waits for the job), its second a cold one.
        for attempt in range(2):
            for child in alive:
                _signal_group(child, signal.SIGTERM)
            alive = _wait_all(alive, 5.0)
        for child in alive:
            _signal_group(child, signal.SIGKILL)
        _wait_all(alive, 5.0)


def _signal_group(child, sig):
    try:
        os.killpg(child.pid, sig)
    except ProcessLookupError:
        pass


def _wait_all(children, timeout):
    deadline = time.monotonic() + timeout
    for child in children:
        try:
            child.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
    return [c for c in children if c.poll() is None]
