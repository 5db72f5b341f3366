"""``manage.py serve``: the whole app in one command (what ``./run`` starts).

Starts the web server (gunicorn on HOST:PORT), one RQ worker for every queue and, when
``REDIS_URL`` is unset, an embedded real ``redis-server`` with its data under ``var/redis``.
Ctrl-C or SIGTERM stops every child it started; a worker or an embedded redis-server that
dies is started again (Redis on the same port). Children also die if this process is
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

from studio.embedded_redis import EmbeddedRedis, free_port
from studio.processes import die_with_parent

EMBEDDED_REDIS_PORT = 6380  # matches settings' default REDIS_URL, so `manage.py rqworker` finds it


class Command(BaseCommand):
    help = "Run the web server, an RQ worker and (without REDIS_URL) an embedded Redis; Ctrl-C stops all."

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
            redis, env["REDIS_URL"] = self._embedded_redis()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._request_stop)
        commands = {
            "web": [
                sys.executable, "-m", "gunicorn", "painting_site.wsgi", "--bind", f"{host}:{port}",
                "--workers", str(web_workers), "--threads", "4", "--timeout", "120",
                "--access-logfile", "-", "--graceful-timeout", "5",
            ],
            "worker": [sys.executable, "manage.py", "rqworker", *settings.RQ_QUEUES.keys()],
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
                    if name == "worker":
                        self.stderr.write(f"the worker exited ({child.returncode}); restarting it")
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

    def _embedded_redis(self) -> tuple[EmbeddedRedis | None, str]:
        """(the server we started or None, its REDIS_URL)."""
        redis = EmbeddedRedis(settings.VAR_DIR / "redis", port=EMBEDDED_REDIS_PORT)
        if not _port_free(EMBEDDED_REDIS_PORT):
            if redis.answers():  # e.g. one left by an earlier run: use it, do not fork off another port
                self.stdout.write(f"using the redis-server already on {redis.url} (not started by this command)")
                return None, redis.url
            redis = EmbeddedRedis(settings.VAR_DIR / "redis", port=free_port())
            self.stderr.write(
                f"port {EMBEDDED_REDIS_PORT} is taken: embedded redis-server on {redis.url}; "
                f"start other workers with REDIS_URL={redis.url}"
            )
        redis.start()
        self.stdout.write(f"embedded redis-server {redis.url} (data in {redis.directory})")
        return redis, redis.url

    def _keep_redis_running(self, redis: EmbeddedRedis) -> None:
        try:
            if redis.restart_if_dead():
                self.stderr.write(f"the embedded redis-server had exited; restarted it on {redis.url}")
        except RuntimeError as error:  # e.g. the port is taken meanwhile: tried again next round
            self.stderr.write(f"could not restart the embedded redis-server: {error}")

    def _start(self, name, command, env):
        parent_pid = os.getpid()
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


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True
