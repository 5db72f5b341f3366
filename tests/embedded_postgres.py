"""A real, throw-away PostgreSQL server for the test run: pytest-postgresql's executor on Debian's ``postgresql``.

pytest-postgresql (``PostgreSQLExecutor``) runs ``pg_ctl initdb/start/stop`` with a
password (``initdb --auth=password``: every connection, TCP or socket, must give it, as on
a real server; workers and ./run's processes get it through ``DATABASE_URL``). Data, log
and socket live in a temporary directory removed at :meth:`EmbeddedPostgres.stop`.

The one part kept by hand is :func:`_as_server_user`. ``pg_ctl`` refuses root, and the
executor has no way to start it as another user (measured with pytest-postgresql 10.0.0
as root: ``pg_ctl initdb`` exits 1, "pg_ctl: cannot be run as root"). A wrapper script as
``executable`` is not enough either: the executor writes the password to a 0600 root-owned
``NamedTemporaryFile`` that ``initdb`` running as ``postgres`` cannot read. So while the
executor starts or stops the server, this process runs as the ``postgres`` system user
the package creates (real and effective ids; root stays the saved id to come back).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import tempfile
from pathlib import Path

from tests.net import free_port


def postgres_bindir() -> Path:
    """The newest ``/usr/lib/postgresql/N/bin`` (Debian), else the directory of ``pg_ctl`` on the PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    if not pg_ctl:
        raise RuntimeError("PostgreSQL is not installed: ./test installs Debian's postgresql with apt")
    return Path(pg_ctl).parent



@contextlib.contextmanager
def _as_server_user(user: pwd.struct_passwd | None):
    """Run the block as ``user`` (real and effective ids, no extra groups), then as root again."""
    if user is None:
        yield
        return
    groups, cwd = os.getgroups(), os.getcwd()
    os.setgroups([])
    os.setresgid(user.pw_gid, user.pw_gid, 0)
    os.setresuid(user.pw_uid, user.pw_uid, 0)  # saved id 0: lets us come back below
    try:
        os.chdir("/")  # the server user may not read the checkout (postgres checks its working directory)
        yield
    finally:
        os.setresuid(0, 0, 0)
        os.setresgid(0, 0, 0)
        os.setgroups(groups)
        os.chdir(cwd)


class EmbeddedPostgres:
    """``start()`` → a server on 127.0.0.1:``port`` for user ``postgres`` with ``password``."""

    user = "postgres"

    def __init__(self, password: str | None = None):
        self.port = free_port()
        self.password = password or secrets.token_urlsafe(12) + "/:@%"  # characters a URL must quote
        self.directory: Path | None = None
        self.executor = None
        self._run_as = pwd.getpwnam("postgres") if os.geteuid() == 0 else None

    def start(self, timeout: int = 60) -> "EmbeddedPostgres":
        from pytest_postgresql.executors import PostgreSQLExecutor

        self.directory = Path(tempfile.mkdtemp(prefix="painting-pg-"))
        if self._run_as:
            os.chown(self.directory, self._run_as.pw_uid, self._run_as.pw_gid)
        self.executor = PostgreSQLExecutor(
            executable=str(postgres_bindir() / "pg_ctl"), host="127.0.0.1", port=self.port,
            datadir=str(self.directory / "data"), unixsocketdir=str(self.directory),
            logfile=str(self.directory / "postgres.log"), startparams="-w", dbname="painting",
            user=self.user, password=self.password, timeout=timeout,
            # Durability is pointless for a database that is thrown away: no fsync makes tests faster.
            postgres_options="-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                             "-c max_connections=200 -c listen_addresses=127.0.0.1",
        )
        try:
            with _as_server_user(self._run_as):
                self.executor.start()
        except BaseException:
            self.stop()
            raise
        return self

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
        """Fast shutdown (``pg_ctl stop -m fast`` ends open connections too), then remove the directory."""
        if self.executor is not None and (self.directory / "data" / "postmaster.pid").exists():
            with _as_server_user(self._run_as):
                self.executor.stop()
        self.executor = None
        if self.directory:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None
