"""Project thumbnails: made by a worker from the stored photo, and again when the queue is back.

Workers may run on other machines: files are read and written only through Django's
storage API (``field.open()``, ``field.save()``), never through local paths.
"""

from __future__ import annotations

import io
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image

from studio import jobqueue
from studio.models import Job, Project

logger = logging.getLogger(__name__)

THUMBNAIL_SIZE = (360, 360)


def start_thumbnail(project: Project) -> Job | None:
    """Queue the thumbnail of ``project``; None (and no row) while the queue is unreachable.

    A project works without its thumbnail: :func:`ensure_thumbnails` tries again when a
    page shows it, so the thumbnail is made once the queue is back.
    """
    try:
        jobqueue.check_available("default")
        with transaction.atomic():
            job = Job.objects.create(owner=project.owner, project=project, kind="thumbnail", queue="default")
            jobqueue.enqueue_on_commit(
                job, "studio.thumbnail_jobs.make_project_thumbnail", args=(str(project.pk),),
                undo=lambda: Job.objects.filter(pk=job.pk).delete(),
            )
    except jobqueue.QueueUnavailable:
        return None
    return job


def ensure_thumbnails(projects) -> None:
    """Queue the thumbnail of each project that has none and no job making one."""
    for project in projects:
        if not project.thumbnail and not project.jobs.filter(kind="thumbnail").exists():
            if start_thumbnail(project) is None:
                return  # the queue is still down: the next page view tries again


def make_thumbnail_image(field, size=THUMBNAIL_SIZE) -> ContentFile:
    """A JPEG thumbnail (fits in ``size``) of an image stored in a file field."""
    with field.open("rb") as source:
        image = Image.open(source)
        image.draft("RGB", size)  # JPEG: decode at reduced scale, much faster
        image = image.convert("RGB")
        image.thumbnail(size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88)
    return ContentFile(buffer.getvalue(), name="thumbnail.jpg")


@jobqueue.reported(stage="thumbnail", failure="Could not make the thumbnail: {error}")
def make_project_thumbnail(reporter, project_id: str) -> None:
    """The job: make the thumbnail of a project's photo."""
    project = Project.objects.get(pk=project_id)
    thumbnail = make_thumbnail_image(project.photo)
    old = project.thumbnail.name if project.thumbnail else None
    project.thumbnail.save(thumbnail.name, thumbnail, save=False)
    try:
        with reporter.owned():  # only while this run holds the job
            if not Project.objects.filter(pk=project.pk).update(thumbnail=project.thumbnail.name):
                raise jobqueue.Cancelled()  # deleted meanwhile
    except BaseException:
        project.thumbnail.storage.delete(project.thumbnail.name)
        raise
    if old:
        project.thumbnail.storage.delete(old)
