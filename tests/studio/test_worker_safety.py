"""RQ forks a child per job: the web process and the worker's parent must never load TensorFlow."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_web_and_worker_parent_never_import_tensorflow():
    code = (
        "import os, sys, django;"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'painting_site.settings'); django.setup();"
        "import painting_site.urls, studio.thumbnail_jobs, studio.generation_jobs, studio.processes, studio.admin, engine.transfer.stylize;"
        "from studio.generation_jobs import estimate_seconds; estimate_seconds('standard', 512);"
        "print(sorted(m for m in ('tensorflow', 'keras', 'jax', 'torch') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
