"""The thumbnail job, run by an RQ worker: make a project's thumbnail from its stored photo (worker side).

:mod:`studio.thumbnails` (web side) queues it by the dotted path
:data:`studio.thumbnails.MAKE_PROJECT_THUMBNAIL`; RQ stores that path with every queued job,
so renaming this module or :func:`make_project_thumbnail` strands the jobs already waiting.
"""

from __future__ import annotations

from studio import jobqueue
from studio.models import Project
from studio.thumbnails import make_thumbnail_image


@jobqueue.reported(stage="thumbnail", failure="Could not make the thumbnail: {error}")
def make_project_thumbnail(reporter, project_id: str) -> None:
    """The job: make the thumbnail of a project's photo (it replaces any earlier one)."""
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
