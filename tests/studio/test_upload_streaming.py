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
