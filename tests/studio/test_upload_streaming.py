"""An oversized upload is refused while it streams: at most the limit is ever buffered."""

import pytest
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.urls import reverse

from studio.models import Project
from tests.studio.conftest import image_bytes, upload

pytestmark = pytest.mark.django_db


class MeasuringHandler(TemporaryFileUploadHandler):
    """Django's own temporary-file handler, noting how many bytes reached it."""

    received = []

    def receive_data_chunk(self, raw_data, start):
        MeasuringHandler.received.append(len(raw_data))
        return super().receive_data_chunk(raw_data, start)


@pytest.fixture
def small_limit(settings):
    settings.PAINTING_MAX_UPLOAD_BYTES = 200_000
    settings.FILE_UPLOAD_HANDLERS = ["studio.uploads.SizeLimitUploadHandler", f"{__name__}.MeasuringHandler"]
    MeasuringHandler.received.clear()
    return settings.PAINTING_MAX_UPLOAD_BYTES


def test_an_oversized_photo_is_dropped_as_it_arrives_with_a_clear_message(alice_client, small_limit):
    body = image_bytes(size=(64, 64)) + b"\0" * (5 * small_limit)  # a 1 MB "photo"
    response = alice_client.post(reverse("studio:project-create"), {"title": "Big", "photo": upload(body)})
    page = response.content.decode()
    assert response.status_code == 200 and not Project.objects.exists()
    assert "The file is 1.0 MB; the limit is" in page  # the real size, though it was never kept
    assert sum(MeasuringHandler.received) <= small_limit  # the rest was never buffered


def test_a_photo_under_the_limit_passes_through_whole(alice_client, small_limit):
    body = image_bytes(size=(320, 240))
    response = alice_client.post(reverse("studio:project-create"), {"title": "Fine", "photo": upload(body)})
    assert response.status_code == 302 and Project.objects.get().title == "Fine"
    assert sum(MeasuringHandler.received) == len(body)


def test_a_refused_upload_leaves_no_temporary_file(alice_client, settings, tmp_path):
    """Past FILE_UPLOAD_MAX_MEMORY_SIZE the bytes kept go to a temporary file: a refused
    upload must not leave it on disk, nor open in the web process (gunicorn kept 140 MB
    of them after 10 refused uploads), even before the garbage collector runs."""
    import gc
    import os

    settings.PAINTING_MAX_UPLOAD_BYTES = 200_000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 50_000  # what was kept goes to a temporary file
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    os.mkdir(settings.FILE_UPLOAD_TEMP_DIR)
    body = image_bytes(size=(64, 64)) + b"\0" * 1_000_000
    gc.disable()  # request, parser and handlers refer to each other: only a collection would free them
    try:
        response = alice_client.post(reverse("studio:project-create"), {"title": "Big", "photo": upload(body)})
        assert response.status_code == 200 and "the limit is" in response.content.decode()
        assert os.listdir(settings.FILE_UPLOAD_TEMP_DIR) == []
        open_files = [os.readlink(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")
                      if os.path.exists(f"/proc/self/fd/{fd}")]
        assert not [name for name in open_files if name.startswith(settings.FILE_UPLOAD_TEMP_DIR)]
    finally:
        gc.enable()
    assert not Project.objects.exists()
