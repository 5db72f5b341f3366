"""RQ forks a child per job: the web process and the worker's parent must never load TensorFlow."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_web_and_worker_parent_never_import_tensorflow():
    code = (
        "import os, sys, django;"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'painting_site.settings'); django.setup();"
        "import painting_site.urls, studio.thumbnail_jobs, studio.generation_jobs, studio.canvas_check_jobs, studio.lesson_pdf_jobs;"
        "import studio.processes, studio.admin, engine.transfer.stylize;"
        "import studio.generations; from studio.generation_status import preset_choices; preset_choices(512);"
        "print(sorted(m for m in ('tensorflow', 'keras', 'jax', 'torch') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_worker_closes_its_database_connections_before_each_fork(transactional_db, redis_server, monkeypatch):
    """The parent uses the ORM (stop callbacks, reconciling rows): a connection the forked
    work-horse inherited would be shared by two processes (TLS PostgreSQL breaks first)."""
    import django_rq
    from django.db import connection
    from rq.worker import Worker as RQWorker

    from studio.models import Job
    from studio.processes import Worker

    open_at_fork = []
    monkeypatch.setattr(RQWorker, "fork_work_horse", lambda self, job, queue: open_at_fork.append(connection.connection))
    worker = Worker([django_rq.get_queue("default")], connection=django_rq.get_connection("default"))
    Job.objects.exists()  # the parent has used the ORM
    assert connection.connection is not None
    worker.fork_work_horse(None, None)
    assert open_at_fork == [None]
