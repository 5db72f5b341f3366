"""Another user gets 404 for every project page, file and job-status URL of someone else.

The test walks *every* URL pattern of the studio app: a new pattern with an id in it
fails here until it is added to OBJECT_ARGUMENTS, so privacy is checked by construction.
"""

import pytest
from django.urls import URLPattern, URLResolver, reverse

from studio import urls as studio_urls
from studio.models import Job, Project

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
    return {"project": project, "job": job}


# URL name → (object kind, extra kwargs) for the URLs that name an object.
OBJECT_ARGUMENTS = {
    "project-detail": "project",
    "project-rename": "project",
    "project-delete": "project",
    "project-photo": "project",
    "project-thumbnail": "project",
    "job-status": "job",
    "job-cancel": "job",
}


def object_urls(objects):
    for pattern in all_patterns():
        if not pattern.pattern.converters:
            continue
        assert pattern.name in OBJECT_ARGUMENTS, f"add {pattern.name} to the privacy test"
        kind = OBJECT_ARGUMENTS[pattern.name]
        yield pattern.name, reverse(f"studio:{pattern.name}", kwargs={"pk": objects[kind].pk})


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
    assert Job.objects.get().cancel_requested is False


def test_every_object_url_needs_login(client, alices_objects):
    for name, url in object_urls(alices_objects):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, name


def test_no_media_url_is_public(client, alices_objects, settings):
    photo = alices_objects["project"].photo.name
    assert client.get("/media/" + photo).status_code == 404
    assert client.get("/" + photo).status_code in (302, 404)
