"""Django settings for Painting Assistant, read from the environment.

Everything a deployment changes comes from environment variables (see README):
``SECRET_KEY``, ``DEBUG``, ``ALLOWED_HOSTS``, ``DATABASE_URL``, ``REDIS_URL``, ``HTTPS``,
``MEDIA_ROOT`` or the ``AWS_*`` variables for S3-compatible media storage, ``SENDFILE``,
``EMAIL_*``. With none set, the site runs locally on SQLite and a Redis under ``var/``;
``SECRET_KEY`` is required unless ``DEBUG=1`` (./run passes the key it keeps in var/).
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from studio.embedded_redis import socket_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _local_secret_key() -> str:
    """A key generated once and kept under var/, for development (DEBUG=1) and test runs."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "").strip()
if not SECRET_KEY:
    # Several web hosts each generating their own key would break each other's sessions
    # and reset links: production must say which key. ./run passes its var/secret_key.
    if not DEBUG and "PYTEST_VERSION" not in os.environ:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to the same long random value on every host "
            "(./run does this for you from var/secret_key; for other commands on this machine: "
            "export SECRET_KEY=$(cat var/secret_key)), or set DEBUG=1 for development."
        )
    SECRET_KEY = _local_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "studio",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_rq",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "studio.views.errors.BrandedMethodNotAllowed",
]
CSRF_FAILURE_VIEW = "studio.views.errors.csrf_failure"

ROOT_URLCONF = "painting_site.urls"
WSGI_APPLICATION = "painting_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database: SQLite under var/ unless DATABASE_URL says otherwise (PostgreSQL via psycopg).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite creates its file but not its folder: a fresh checkout has no var/ yet.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # The worker writes progress while the web process reads: WAL lets both proceed.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not memory, so a live server and worker processes could share a test database;
    # pytest (tests/conftest.py) gives each run a file of its own instead.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "studio.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "studio:project-list"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files: collected under var/static and served by WhiteNoise.
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]

# --- Media: never under a public URL; studio.views.files serves them after an ownership check.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
# How protected files leave the server: "" (Django streams them), "x-accel-redirect"
# (nginx, internal location SENDFILE_PREFIX mapped to MEDIA_ROOT) or "x-sendfile" (Apache).
SENDFILE = os.environ.get("SENDFILE", "").strip().lower()
SENDFILE_PREFIX = os.environ.get("SENDFILE_PREFIX", "/protected-media/")

# --- Upload rules (see studio.uploads).
PAINTING_MAX_UPLOAD_BYTES = int(os.environ.get("PAINTING_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
PAINTING_MAX_PIXELS = int(os.environ.get("PAINTING_MAX_PIXELS", 40_000_000))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The first handler drops a file's bytes past PAINTING_MAX_UPLOAD_BYTES as they arrive.
FILE_UPLOAD_HANDLERS = [
    "studio.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Redis and RQ: a "default" queue for quick jobs, "transfer" for style transfer.
# Without REDIS_URL: this install's own embedded Redis, on a unix socket under VAR_DIR/redis
# (./run starts it; `manage.py rqworker` finds it the same way).
REDIS_URL = os.environ.get("REDIS_URL") or socket_url(VAR_DIR / "redis")
RQ_QUEUES = {
    "default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": int(os.environ.get("RQ_DEFAULT_TIMEOUT", 600))},
    "transfer": {
        "URL": REDIS_URL,
        # Style transfer at large sizes on a CPU takes many minutes; RQ's default is 180 s.
        "DEFAULT_TIMEOUT": int(os.environ.get("RQ_TRANSFER_TIMEOUT", 4 * 3600)),
    },
}
# The worker class ends a job's work-horse when the worker dies, heartbeats and reconciles
# job rows (studio/processes.py).
RQ = {"COMMIT_MODE": "on_db_commit", "WORKER_CLASS": "studio.processes.Worker"}
RQ_SHOW_ADMIN_LINK = True
# --- Jobs (studio.jobqueue, studio.job_runs): a running job belongs to the work-horse running
# it for JOB_LEASE_SECONDS after its last renewal (renewed every sixth of that); a queued one may
# take ENQUEUE_GRACE_SECONDS to reach Redis; workers heartbeat every WORKER_HEARTBEAT_SECONDS
# and count as live for twice that. A row whose work-horse died ends within one lease.
JOB_LEASE_SECONDS = float(os.environ.get("PAINTING_JOB_LEASE_SECONDS", 60))
ENQUEUE_GRACE_SECONDS = float(os.environ.get("PAINTING_ENQUEUE_GRACE_SECONDS", 60))
WORKER_HEARTBEAT_SECONDS = float(os.environ.get("PAINTING_WORKER_HEARTBEAT_SECONDS", 30))

# --- E-mail: the console in development, SMTP when EMAIL_HOST is set.
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 587))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Painting Assistant <noreply@localhost>")

# --- HTTPS: behind a TLS-terminating proxy set HTTPS=1 (what `check --deploy` expects).
if env_bool("HTTPS", False):
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31_536_000))
    # Both reach beyond this site (every subdomain; browsers' built-in lists, slow to
    # leave): opt-in only, and `check --deploy` is told the choice is deliberate.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
    SILENCED_SYSTEM_CHECKS = [
        *(["security.W005"] if not SECURE_HSTS_INCLUDE_SUBDOMAINS else []),
        *(["security.W021"] if not SECURE_HSTS_PRELOAD else []),
    ]
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django": {"level": "INFO"}, "weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
