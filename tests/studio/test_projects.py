"""Project pages: list, create (with upload rules), detail, rename, delete."""

import pytest
from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage
from django.urls import reverse

from studio.models import Job, Project
from tests.studio.conftest import image_bytes, upload

pytestmark = pytest.mark.django_db


def create(client, title="Puppy", data=None, name="puppy.jpg"):
    return client.post(
        reverse("studio:project-create"),
        {"title": title, "photo": upload(data if data is not None else image_bytes(), name)},
    )


def test_anonymous_users_are_sent_to_login(client):
    for url in (reverse("studio:project-list"), reverse("studio:project-create")):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_landing_and_auth_pages_are_public(client):
    for name in ("home", "login", "signup", "password_reset"):
        assert client.get(reverse(name)).status_code == 200


def test_create_stores_a_normalised_photo_under_a_generated_name(alice_client, alice):
    response = create(alice_client, data=image_bytes(size=(300, 200), mode="CMYK", color=(0, 0, 0, 0)), name="My Holiday.jpg")
    project = Project.objects.get()
    assert response.status_code == 302 and response.url == project.get_absolute_url()
    assert project.owner == alice and project.title == "Puppy"
    assert project.photo_label == "My Holiday.jpg"
    assert "Holiday" not in project.photo.name and project.photo.name.startswith(f"users/{alice.pk}/photos/")
    assert (project.photo_width, project.photo_height) == (300, 200)
    assert default_storage.exists(project.photo.name)
    # The thumbnail is queued, not made inline.
    assert not project.thumbnail
    assert Job.objects.get().kind == "thumbnail"


def test_a_refused_upload_shows_the_error_and_stores_nothing(alice_client, settings):
    response = create(alice_client, data=b"<html>not an image</html>", name="x.jpg")
    assert response.status_code == 200
    assert "not an image we can read" in response.content.decode()
    assert not Project.objects.exists() and not Job.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_list_is_newest_first_paginated_and_only_mine(alice_client, alice, bob, make_project):
    for index in range(14):
        make_project(alice, title=f"Mine {index}", thumbnail=False)
    make_project(bob, title="Bob's secret")
    first = alice_client.get(reverse("studio:project-list")).content.decode()
    assert "Mine 13" in first and "Mine 2" in first and "Mine 1<" not in first
    assert "Bob&#x27;s secret" not in first and "Bob's secret" not in first
    second = alice_client.get(reverse("studio:project-list") + "?page=2").content.decode()
    assert "Mine 1<" in second and "Mine 0" in second


def test_rename(alice_client, alice):
    create(alice_client)
    project = Project.objects.get()
    response = alice_client.post(reverse("studio:project-rename", args=[project.pk]), {"title": "Sunny puppy"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title == "Sunny puppy"


def test_delete_removes_rows_and_files(alice_client, django_capture_on_commit_callbacks):
    create(alice_client)
    project = Project.objects.get()
    photo_name = project.photo.name
    assert default_storage.exists(photo_name)
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("studio:project-delete", args=[project.pk]))
    assert response.status_code == 302
    assert not Project.objects.exists() and not Job.objects.exists()
    assert not default_storage.exists(photo_name)


def test_detail_serves_photo_to_owner(alice_client):
    create(alice_client)
    project = Project.objects.get()
    page = alice_client.get(project.get_absolute_url())
    assert page.status_code == 200 and "Thumbnail" not in page.content.decode()  # no second copy of the photo
    listing = alice_client.get(reverse("studio:project-list")).content.decode()
    assert "Preparing thumbnail" in listing and reverse("studio:job-status", args=[Job.objects.get().pk]) in listing
    photo = alice_client.get(reverse("studio:project-photo", args=[project.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert b"".join(photo.streaming_content)[:2] == b"\xff\xd8"
    assert photo["X-Content-Type-Options"] == "nosniff"


def test_sendfile_mode_hands_the_file_to_nginx(alice_client, settings):
    create(alice_client)
    project = Project.objects.get()
    settings.SENDFILE = "x-accel-redirect"
    response = alice_client.get(reverse("studio:project-photo", args=[project.pk]))
    assert response["X-Accel-Redirect"] == "/protected-media/" + project.photo.name
    assert response.content == b""


class NoLocalPaths(FileSystemStorage):
    """Storage without file paths, as S3 is (its files are still readable here)."""

    def path(self, name):
        raise NotImplementedError("This backend doesn't support absolute paths.")

    def _open(self, name, mode="rb"):
        return File(open(FileSystemStorage.path(self, name), mode))


def test_x_sendfile_names_local_files_and_streams_the_rest(alice_client, settings):
    from studio.checks import sendfile_needs_files_on_disk

    create(alice_client)
    project = Project.objects.get()
    settings.SENDFILE = "x-sendfile"
    url = reverse("studio:project-photo", args=[project.pk])
    response = alice_client.get(url)
    assert response["X-Sendfile"] == project.photo.path and response.content == b""
    assert sendfile_needs_files_on_disk(None) == []

    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "tests.studio.test_projects.NoLocalPaths", "OPTIONS": {"location": str(settings.MEDIA_ROOT)}}}
    response = alice_client.get(url)  # no path to hand over: Django streams the file (no 500)
    assert response.status_code == 200 and "X-Sendfile" not in response
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert [w.id for w in sendfile_needs_files_on_disk(None)] == ["studio.W001"]


def test_titles_lose_control_and_bidi_override_characters(alice_client):
    create(alice_client, title="Har\u202ebour\x1b at\tdawn \u200b👩\u200d🎨")
    project = Project.objects.get()
    assert project.title == "Harbour at dawn 👩\u200d🎨"  # the emoji's joiner stays
    response = alice_client.post(reverse("studio:project-rename", args=[project.pk]), {"title": "\u202e\u2066 \x07"})
    assert response.status_code == 200 and "Give the project a title" in response.content.decode()
    project.refresh_from_db()
    assert project.title == "Harbour at dawn 👩\u200d🎨"


def test_a_failed_thumbnail_offers_a_retry_that_queues_it_again(alice_client, alice, make_project):
    project = make_project(alice, thumbnail=False)
    Job.objects.create(owner=alice, project=project, kind="thumbnail", queue="default",
                       status=Job.Status.FAILED, message="Could not make the thumbnail: broken")
    page = alice_client.get(project.get_absolute_url()).content.decode()
    retry_url = reverse("studio:project-thumbnail-retry", args=[project.pk])
    assert "could not be made" in page and f'action="{retry_url}"' in page and "Try again" in page
    assert "open the project to try again" in alice_client.get(reverse("studio:project-list")).content.decode()

    assert alice_client.post(retry_url).status_code == 302
    job = Job.objects.get(project=project, kind="thumbnail")
    assert job.status == Job.Status.QUEUED  # the failed one is gone, a new one waits for a worker
    assert "could not be made" not in alice_client.get(project.get_absolute_url()).content.decode()


def test_nobody_else_can_retry_my_thumbnail(client, bob, alice, make_project):
    project = make_project(alice, thumbnail=False)
    client.force_login(bob)
    assert client.post(reverse("studio:project-thumbnail-retry", args=[project.pk])).status_code == 404
