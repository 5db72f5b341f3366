"""Configuration comes from the environment; production settings pass `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    full_env.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120)


def test_production_settings_pass_check_deploy(tmp_path):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-key-0123456789",
        DEBUG="0", HTTPS="1", ALLOWED_HOSTS="paint.example.com",
        DATABASE_URL="postgres://painter:secret@db.example.com:5432/painting",
        REDIS_URL="redis://redis.example.com:6379/1", VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_settings_follow_the_environment(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['HOST'], s.RQ_QUEUES['transfer']['URL'],"
        " s.DEBUG, s.ALLOWED_HOSTS, s.STORAGES['default']['BACKEND'])"
    )
    result = manage(
        "shell", "-v", "0", "-c", code,
        DATABASE_URL="postgres://u:p@pg.internal:5432/db", REDIS_URL="redis://cache.internal:6379/2",
        DEBUG="1", ALLOWED_HOSTS="a.example,b.example", AWS_STORAGE_BUCKET_NAME="paintings", VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql", "pg.internal", "redis://cache.internal:6379/2",
        "True", "['a.example',", "'b.example']", "storages.backends.s3.S3Storage",
    ]


def without_test_env(**env):
    """The environment of a production host: no pytest marker, no inherited SECRET_KEY."""
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "SECRET_KEY")}
    return {k: v for k, v in clean.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))} | env


def test_secret_key_is_required_when_debug_is_off(tmp_path):
    def check(**env):
        return subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=without_test_env(VAR_DIR=str(tmp_path), **env),
                              capture_output=True, text=True, timeout=120)

    refused = check(DEBUG="0")
    assert refused.returncode != 0 and "SECRET_KEY is not set" in refused.stderr
    assert not (tmp_path / "secret_key").exists()  # no key silently made up on a production host
    assert check(DEBUG="0", SECRET_KEY="k" * 50).returncode == 0
    assert check(DEBUG="1").returncode == 0 and (tmp_path / "secret_key").exists()  # development keeps one


def test_hsts_preload_and_subdomains_are_opt_in(tmp_path):
    code = "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS > 0, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"
    base = {"SECRET_KEY": "k" * 50, "DEBUG": "0", "HTTPS": "1", "VAR_DIR": str(tmp_path)}
    default = manage("shell", "-v", "0", "-c", code, **base)
    assert default.stdout.split() == ["True", "False", "False"], default.stderr
    opted = manage("shell", "-v", "0", "-c", code, HSTS_PRELOAD="1", HSTS_INCLUDE_SUBDOMAINS="1", **base)
    assert opted.stdout.split() == ["True", "True", "True"], opted.stderr


def test_migrate_works_in_a_fresh_checkout_with_the_key_set(tmp_path):
    """No var/ yet and SECRET_KEY given (so nothing else creates var/): SQLite's folder is made."""
    var = tmp_path / "fresh" / "var"
    result = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT,
                            env=without_test_env(VAR_DIR=str(var), SECRET_KEY="k" * 50),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (var / "db.sqlite3").stat().st_size > 0
