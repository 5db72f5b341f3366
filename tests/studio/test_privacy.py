"""Another user gets 404 for every project page, file and job-status URL of someone else.

The test walks *every* URL pattern of the studio app: a new pattern with an id in it
fails here until it is added to OBJECT_ARGUMENTS, so privacy is checked by construction.
"""

import pytest
from django.urls import URLPattern, URLResolver, reverse

from studio import urls as studio_urls
from django.core.files.base import ContentFile

from studio.models import CanvasCheck, Generation, Job, LessonFile, PaintSet, Project, StyleImage
from tests.studio.conftest import give_lesson, image_bytes

pytestmark = pytest.mark.django_db


def all_patterns(patterns=studio_urls.urlpatterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from all_patterns(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            yield pattern


@pytest.fixture
def alices_objects(alice, make_project):
    """One object of every kind a URL can name, all owned by Alice (extended by later features)."""
    project = make_project(alice, title="Alice's")
    job = Job.objects.create(owner=alice, project=project, kind="thumbnail")
    generation_job = Job.objects.create(owner=alice, project=project, kind="generation", queue="transfer",
                                        status=Job.Status.SUCCEEDED)
    generation = Generation(project=project, job=generation_job)
    generation.result.save("r.png", ContentFile(image_bytes(format="PNG"), name="r.png"), save=False)
    generation.save()
    give_lesson(generation)  # step-01.png and step-01-mask.png
    lesson_file = LessonFile(generation=generation, name="lesson.html")
    lesson_file.file.save("lesson.html", ContentFile(b"<html>secret</html>", name="lesson.html"), save=False)
    lesson_file.save()
    paint_set = PaintSet.objects.create(owner=alice, name="Alice's paints", paints=[
        {"name": "titanium white", "hex": "#f5f2e1"}, {"name": "ivory black", "hex": "#191e20"},
        {"name": "burnt umber", "hex": "#27261f"},
    ])
    check_job = Job.objects.create(owner=alice, project=project, kind="check", status=Job.Status.SUCCEEDED)
    check = CanvasCheck(generation=generation, job=check_job, step_key="01",
                        findings={"corners": [[0, 0], [320, 0], [320, 240], [0, 240]], "confident": True,
                                  "regions": [], "message": "", "seconds": 0.1})
    check.photo.save("canvas.jpg", ContentFile(image_bytes(), name="canvas.jpg"), save=False)
    for name in ("target", "rectified", "picture"):
        getattr(check, name).save(f"{name}.png", ContentFile(image_bytes(format="PNG"), name=f"{name}.png"), save=False)
    check.save()
    return {"project": project, "job": job, "generation": generation, "paint_set": paint_set, "check": check}


# URL name → (object kind, extra kwargs) for the URLs that name an object.
OBJECT_ARGUMENTS = {
    "project-detail": "project",
    "project-rename": "project",
    "project-delete": "project",
    "project-photo": "project",
    "project-thumbnail": "project",
    "project-thumbnail-retry": "project",
    "job-status": "job",
    "job-cancel": "job",
    "generation-create": "project",
    "generation-compare": "project",
    "generation-detail": "generation",
    "generation-status": "generation",
    "generation-cancel": "generation",
    "generation-retry": "generation",
    "generation-delete": "generation",
    "lesson-print": "generation",
    "lesson-pdf": "generation",
    "generation-file": ("generation", ["result", "step-01.png", "step-01-mask.png", "lesson.html"]),
    "generation-paint-set": "generation",
    "generation-replan": "generation",
    "paint-along": "generation",
    "paint-along-mark": "generation",
    "canvas-check-create": "generation",
    "canvas-check": "check",
    "canvas-check-corners": "check",
    "canvas-check-delete": "check",
    "canvas-check-file": ("check", ["photo", "target", "rectified", "findings"]),
    "paint-set-edit": "paint_set",
    "paint-set-delete": "paint_set",
}
# Curated styles are shared by every signed-in user (not private), but still need a login.
SHARED = {"style-image", "style-thumbnail"}


def object_urls(objects):
    for pattern in all_patterns():
        if not pattern.pattern.converters or pattern.name in SHARED:
            continue
        assert pattern.name in OBJECT_ARGUMENTS, f"add {pattern.name} to the privacy test"
        kind, names = OBJECT_ARGUMENTS[pattern.name], [None]
        if isinstance(kind, tuple):
            kind, names = kind
        for name in names:
            kwargs = {"pk": objects[kind].pk, **({"name": name} if name else {})}
            yield pattern.name, reverse(f"studio:{pattern.name}", kwargs=kwargs)


def test_the_owner_reaches_every_file(client, alice, alices_objects):
    client.force_login(alice)
    for url_name, kind in (("generation-file", "generation"), ("canvas-check-file", "check")):
        for name in OBJECT_ARGUMENTS[url_name][1]:
            url = reverse(f"studio:{url_name}", args=[alices_objects[kind].pk, name])
            assert client.get(url).status_code == 200, name


def test_every_object_url_is_404_for_another_user(client, bob, alices_objects):
    client.force_login(bob)
    urls = list(object_urls(alices_objects))
    assert len(urls) >= len(OBJECT_ARGUMENTS)
    for name, url in urls:
        assert client.get(url).status_code in (404, 405), name
        assert client.post(url).status_code == 404, name
    project = alices_objects["project"]
    project.refresh_from_db()
    assert project.title == "Alice's"
    assert Generation.objects.count() == 1 and Project.objects.count() == 1
    assert PaintSet.objects.get().name == "Alice's paints"
    check = CanvasCheck.objects.get()  # neither re-run nor deleted
    assert check.corners_given is None and check.job.status == Job.Status.SUCCEEDED
    assert not Job.objects.filter(cancel_requested=True).exists()


def test_every_object_url_needs_login(client, alices_objects):
    for name, url in object_urls(alices_objects):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, name


def test_no_media_url_is_public(client, alices_objects, settings):
    photo = alices_objects["project"].photo.name
    assert client.get("/media/" + photo).status_code == 404
    assert client.get("/" + photo).status_code in (302, 404)
