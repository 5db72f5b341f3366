"""Functions RQ workers run. Each takes the Job row's id first and reports through it.

Workers may run on other machines: files are read and written only through Django's
storage API (``field.open()``, ``field.save()``), never through local paths.
"""

from __future__ import annotations

import io
import logging

from django.core.files.base import ContentFile
from PIL import Image

from studio.models import Job, Project
from studio.queueing import Cancelled, JobReporter

logger = logging.getLogger(__name__)

THUMBNAIL_SIZE = (360, 360)


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


def project_thumbnail(job_id: str, project_id: str) -> None:
    """Make the thumbnail of a project's photo."""
    reporter = JobReporter(job_id)
    try:
        reporter.start(stage="thumbnail")
        project = Project.objects.get(pk=project_id)
        thumbnail = make_thumbnail_image(project.photo)
        old = project.thumbnail.name if project.thumbnail else None
        project.thumbnail.save(thumbnail.name, thumbnail, save=False)
        Project.objects.filter(pk=project.pk).update(thumbnail=project.thumbnail.name)
        if old:
            project.thumbnail.storage.delete(old)
        reporter.finish(Job.Status.SUCCEEDED)
    except Cancelled:
        reporter.finish(Job.Status.CANCELLED, "Cancelled.")
    except Project.DoesNotExist:
        reporter.finish(Job.Status.CANCELLED, "The project was deleted.")
    except Exception as error:
        logger.exception("thumbnail job %s failed", job_id)
        reporter.finish(Job.Status.FAILED, f"Could not make the thumbnail: {error}")
        raise
