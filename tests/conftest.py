"""Fixtures shared by every test package."""

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the checkout (sample photos and styles); skip when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present beside the checkout")
    return SHARED_DATA


def pytest_configure(config):
    """Test-wide settings that must hold before any storage is used."""
    from django.conf import settings

    # Hashing passwords with PBKDF2 makes every login in tests slow; tests prove nothing about it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Templates use {% static %}; the manifest exists only after collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# --- The database: SQLite by default, a real PostgreSQL with TEST_DATABASE=postgresql (./test runs both).

def using_postgresql() -> bool:
    return os.environ.get("TEST_DATABASE", "sqlite").lower() in ("postgresql", "postgres")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(tmp_path_factory):
    """Point the test database at this run's own SQLite file, or at PostgreSQL.

    pytest-django calls this before it creates the test database. ``TEST_DATABASE=sqlite``
    (the default) uses a file of this run's own, whatever ``DATABASE_URL`` says: parallel
    runs in one checkout never share (and corrupt) one file. ``TEST_DATABASE=postgresql``
    uses the server ``DATABASE_URL`` names when it is a PostgreSQL one (pytest-django makes
    its ``test_<name>`` database there, and the password travels to every process the tests
    start), else a throw-away server of its own, password-protected as well.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if using_postgresql():
        server = None
        if database["ENGINE"] != "django.db.backends.postgresql":
            from tests.embedded_postgres import EmbeddedPostgres

            server = EmbeddedPostgres().start()
            database.update(server.django_settings())
            database["TEST"]["NAME"] = "test_painting"
            _forget_connection_wrapper()  # made for SQLite at start-up; the next use makes a PostgreSQL one
        yield
        if server is not None:
            from django.db import connections

            connections.close_all()
            server.stop()
    else:
        if database["ENGINE"] != "django.db.backends.sqlite3":  # DATABASE_URL names a server: not for this run
            database.update(_sqlite_settings())
            _forget_connection_wrapper()
        database["TEST"]["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")
        yield


def _sqlite_settings() -> dict:
    """The keys that make a server's database settings the SQLite ones settings use without DATABASE_URL."""
    return {
        "ENGINE": "django.db.backends.sqlite3", "NAME": "", "USER": "", "PASSWORD": "", "HOST": "", "PORT": "",
        "CONN_MAX_AGE": 0, "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                                        "transaction_mode": "IMMEDIATE", "timeout": 20},
    }


def _forget_connection_wrapper():
    from django.db import connections

    try:
        del connections["default"]
    except AttributeError:  # none made yet
        pass


def database_url() -> str:
    """The DATABASE_URL of the test database, for worker processes started by the tests
    (with its password: a real server asks for it)."""
    from urllib.parse import quote

    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"], safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"


def pytest_collection_modifyitems(config, items):
    """On PostgreSQL run only the tests marked ``postgresql``: those whose outcome depends on
    the database (row locks, conditional UPDATEs, transactions around the queue, migrations).
    The rest already ran on SQLite and would prove nothing new there."""
    if not using_postgresql():
        return
    keep = [item for item in items if item.get_closest_marker("postgresql")]
    drop = [item for item in items if not item.get_closest_marker("postgresql")]
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
