"""Migration 0004 keeps every existing lesson: lesson.json moves into Generation.lesson and
the files no page shows leave storage (on SQLite and PostgreSQL alike)."""

import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.studio.conftest import image_bytes

BEFORE, AFTER = ("studio", "0003_paint_sets"), ("studio", "0004_lesson_in_one_place")


def migrate(*targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(list(targets))
    return executor.loader.project_state(list(targets)).apps


@pytest.fixture
def back_to_the_latest_schema():
    yield
    migrate()  # the next tests need every migration, later ones included


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_stored_lessons_move_into_the_generation(settings, tmp_path, back_to_the_latest_schema):
    settings.MEDIA_ROOT = tmp_path / "media"
    apps = migrate(BEFORE)
    User, Project, Job, Generation, LessonFile, PaletteColor = (
        apps.get_model("studio", name) for name in ("User", "Project", "Job", "Generation", "LessonFile", "PaletteColor")
    )
    owner = User.objects.create(username="old-user")
    photo = default_storage.save(f"users/{owner.pk}/photos/p.jpg", ContentFile(image_bytes()))
    project = Project.objects.create(owner=owner, title="Old", photo=photo)
    job = Job.objects.create(owner=owner, project=project, kind="generation", status="succeeded")
    generation = Generation.objects.create(project=project, job=job)
    lesson = {"palette": {"colors": [{"number": 1, "rgb": [1, 2, 3], "hex": "#010203", "name": "~black", "share": 1.0}]},
              "steps": []}
    names = {}
    for name, data in (("lesson.json", json.dumps(lesson).encode()), ("lesson.html", b"<html></html>"),
                       ("picture.png", b"png"), ("sheet.svg", b"<svg/>")):
        path = default_storage.save(f"users/{owner.pk}/generations/{generation.pk}/{name}", ContentFile(data))
        LessonFile.objects.create(generation=generation, name=name, file=path)
        names[name] = path
    PaletteColor.objects.create(generation=generation, number=1, red=1, green=2, blue=3, hex="#010203", name="~black",
                                share=1.0)

    apps = migrate(AFTER)
    Generation, LessonFile = apps.get_model("studio", "Generation"), apps.get_model("studio", "LessonFile")
    assert Generation.objects.get(pk=generation.pk).lesson == lesson
    assert list(LessonFile.objects.values_list("name", flat=True)) == ["sheet.svg"]
    assert default_storage.exists(names["sheet.svg"])
    assert not any(default_storage.exists(names[n]) for n in ("lesson.json", "lesson.html", "picture.png"))
    assert "studio_palettecolor" not in connection.introspection.table_names()
