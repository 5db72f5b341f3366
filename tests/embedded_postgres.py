"""A real, throw-away PostgreSQL server for the test run (Debian's ``postgresql`` package).

``initdb`` and ``postgres`` refuse to run as root, so when the tests run as root (CI, a
fresh Debian) the server runs as the ``postgres`` system user that the package creates.
Data and socket live in a temporary directory that is removed at :meth:`stop`. TCP
connections need the user's password, as on a real server: everything the tests start
(workers, ./run's processes) reaches it through a ``DATABASE_URL`` that must carry it.
pytest-postgresql does the same job but cannot drop root privileges, hence these few lines.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from tests.net import free_port


def postgres_bindir() -> Path:
    """The newest ``/usr/lib/postgresql/N/bin`` (Debian), else the directory of ``initdb`` on the PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if not initdb:
        raise RuntimeError("PostgreSQL is not installed: ./test installs Debian's postgresql with apt")
    return Path(initdb).parent



class EmbeddedPostgres:
    """``start()`` → a server on 127.0.0.1:``port`` for user ``postgres`` with ``password``."""

    user = "postgres"

    def __init__(self, password: str | None = None):
        self.port = free_port()
        self.password = password or secrets.token_urlsafe(12) + "/:@%"  # characters a URL must quote
        self.directory: Path | None = None
        self.process: subprocess.Popen | None = None
        self._run_as = None
        if os.geteuid() == 0:
            self._run_as = pwd.getpwnam("postgres")

    def _popen(self, args, **kwargs):
        if self._run_as:
            kwargs.update(user=self._run_as.pw_uid, group=self._run_as.pw_gid, extra_groups=[])
        return subprocess.Popen(args, stdin=subprocess.DEVNULL, cwd=self.directory, **kwargs)

    def start(self, timeout: float = 30.0) -> "EmbeddedPostgres":
        bindir = postgres_bindir()
        self.directory = Path(tempfile.mkdtemp(prefix="painting-pg-"))
        if self._run_as:
            os.chown(self.directory, self._run_as.pw_uid, self._run_as.pw_gid)
        data = self.directory / "data"
        log = self.directory / "initdb.log"
        password_file = self.directory / "password"
        password_file.write_text(self.password + "\n")
        if self._run_as:
            os.chown(password_file, self._run_as.pw_uid, self._run_as.pw_gid)
        with open(log, "wb") as out:
            initdb = self._popen(
                [str(bindir / "initdb"), "-D", str(data), "-U", self.user, "--auth-local=trust",
                 "--auth-host=scram-sha-256", f"--pwfile={password_file}", "-E", "UTF8", "--locale=C", "--no-sync"],
                stdout=out, stderr=subprocess.STDOUT,
            )
            if initdb.wait(timeout=120) != 0:
                raise RuntimeError(f"initdb failed: {log.read_text()[-2000:]}")
        # Durability is pointless for a database that is thrown away: no fsync makes tests faster.
        self.process = self._popen(
            [str(bindir / "postgres"), "-D", str(data), "-p", str(self.port), "-h", "127.0.0.1",
             "-k", str(self.directory), "-c", "fsync=off", "-c", "synchronous_commit=off",
             "-c", "full_page_writes=off", "-c", "max_connections=200"],
            stdout=subprocess.DEVNULL, stderr=open(self.directory / "postgres.log", "wb"),
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"postgres exited: {(self.directory / 'postgres.log').read_text()[-2000:]}")
            if self._answers():
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"postgres did not answer on port {self.port} within {timeout:.0f} s")

    def _answers(self) -> bool:
        import psycopg

        try:
            with psycopg.connect(host="127.0.0.1", port=self.port, user=self.user, password=self.password,
                                 dbname="postgres", connect_timeout=2):
                return True
        except psycopg.OperationalError:
            return False

    def django_settings(self, name: str = "painting") -> dict:
        """Keys for ``settings.DATABASES['default']`` (the test database is ``test_<name>``)."""
        return {
            "ENGINE": "django.db.backends.postgresql", "NAME": name, "USER": self.user, "PASSWORD": self.password,
            "HOST": "127.0.0.1", "PORT": str(self.port), "OPTIONS": {}, "CONN_MAX_AGE": 0,
        }

    def url(self, name: str = "painting") -> str:
        """The ``DATABASE_URL`` of database ``name`` on this server (password quoted)."""
        from urllib.parse import quote

        return f"postgres://{self.user}:{quote(self.password, safe='')}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # "fast" shutdown: ends open connections too
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self.directory:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None
