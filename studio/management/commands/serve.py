"""``manage.py serve``: the whole app in one command (what ``./run`` starts).

Starts the web server (gunicorn on HOST:PORT), one RQ worker for every queue and, when
``REDIS_URL`` is unset, an embedded real ``redis-server`` with its data under ``var/redis``.
Ctrl-C or SIGTERM stops every child it started; a worker that dies is restarted.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from studio.embedded_redis import EmbeddedRedis, free_port

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
            redis_port = EMBEDDED_REDIS_PORT if _port_free(EMBEDDED_REDIS_PORT) else free_port()
            redis = EmbeddedRedis(settings.VAR_DIR / "redis", port=redis_port).start()
            env["REDIS_URL"] = redis.url
            self.stdout.write(f"embedded redis-server {redis.url} (data in {redis.directory})")
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

    def _start(self, name, command, env):
        # A session of their own: the terminal's Ctrl-C reaches only us, and we stop them in order.
        self.children[name] = subprocess.Popen(command, env=env, start_new_session=True, cwd=settings.BASE_DIR)

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
