"""Project thumbnails: queueing the job that makes one (web side), and the one way to make a thumbnail.

:func:`start_thumbnail` queues the thumbnail of a new (or re-photographed) project; one missed
while the queue was down is queued again by :func:`queue_missing_thumbnails`, which the
workers' sweep runs (a GET writes nothing). The job itself runs in a worker
(:mod:`studio.thumbnail_jobs`); :func:`make_thumbnail_image` is shared by that job and the
styles' thumbnails (:mod:`studio.styles`).

Workers may run on other machines: files are read and written only through Django's
storage API (``field.open()``, ``field.save()``), never through local paths.
"""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image

from studio import jobqueue
from studio.models import Job, Project

THUMBNAIL_SIZE = (360, 360)  # px: the box a project's thumbnail fits in
# The worker's entry point, by dotted path: RQ stores this string with every queued job,
# so it stays as it is while jobs may be waiting (see studio.thumbnail_jobs).
MAKE_PROJECT_THUMBNAIL = "studio.thumbnail_jobs.make_project_thumbnail"


def start_thumbnail(project: Project) -> Job | None:
    """Queue the thumbnail of ``project``; None (and no row) while the queue is unreachable.

    A project works without its thumbnail: :func:`queue_missing_thumbnails` (run by every
    worker as it heartbeats) tries again, so the thumbnail is made once the queue is back.
    """
    try:
        jobqueue.check_available("default")
        with transaction.atomic():
            job = Job.objects.create(owner=project.owner, project=project, kind="thumbnail", queue="default")
            jobqueue.enqueue_on_commit(
                job, MAKE_PROJECT_THUMBNAIL, args=(str(project.pk),),
                undo=lambda: Job.objects.filter(pk=job.pk).delete(),
            )
    except jobqueue.QueueUnavailable:
        return None
    return job


def queue_missing_thumbnails(limit: int = 50) -> int:
    """Queue the thumbnail of up to ``limit`` projects that have none and no job making one
    (created while the queue was down); returns how many were queued.

    Run by the workers' sweep (:class:`studio.processes.Worker`), not by pages: a GET
    writes nothing. Two workers sweeping at once may both queue one project; the second
    thumbnail replaces the first (:func:`studio.thumbnail_jobs.make_project_thumbnail`), so
    that race is harmless.
    """
    queued = 0
    for project in Project.objects.filter(thumbnail="").exclude(jobs__kind="thumbnail")[:limit]:
        if start_thumbnail(project) is None:
            break  # the queue is down again: the next sweep tries
        queued += 1
    return queued


def make_thumbnail_image(field, size=THUMBNAIL_SIZE) -> ContentFile:
    """A JPEG thumbnail (fits in ``size``, px) of an image stored in a file field."""
    with field.open("rb") as source:
        image = Image.open(source)
        image.draft("RGB", size)  # JPEG: decode at reduced scale, much faster
        image = image.convert("RGB")
        image.thumbnail(size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88)
    return ContentFile(buffer.getvalue(), name="thumbnail.jpg")
