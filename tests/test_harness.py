"""The test harness itself: ./test on a real, password-protected PostgreSQL named by DATABASE_URL.

(./test's own PostgreSQL pass runs on a throw-away server that asks for a password too, so
every test that starts a worker or ./run's processes hands that password on.)
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_suite_runs_on_the_password_protected_postgresql_database_url_names():
    import psycopg

    from tests.embedded_postgres import EmbeddedPostgres

    server = EmbeddedPostgres().start()
    try:
        env = dict(os.environ, DATABASE_URL=server.url("painting"), TEST_DATABASE="postgresql")
        test = "tests/studio/test_faults.py::test_deleting_a_running_painting_stops_its_work_horse_at_once"
        result = subprocess.run(  # a worker process on that database; --reuse-db leaves its test database
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--reuse-db", test],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
        )
        assert result.returncode == 0 and "1 passed" in result.stdout, result.stdout[-3000:] + result.stderr[-2000:]
        with psycopg.connect(host="127.0.0.1", port=server.port, user=server.user, password=server.password,
                             dbname="postgres") as connection:
            names = {row[0] for row in connection.execute("SELECT datname FROM pg_database")}
        assert "test_painting" in names  # pytest-django made it on that server, not on one of its own
    finally:
        server.stop()
