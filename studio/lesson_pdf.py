"""The printable lesson plan as a PDF: asking a worker for it, and forgetting stale ones (web side).

Each paper size is rendered once per generation, by a worker on the short-jobs queue
(:mod:`studio.lesson_pdf_jobs`, asked for by :func:`request_pdf` when the first download
finds none), and kept as a lesson file that downloads serve from storage
(:func:`studio.lessons.stored_pdf`): a web request never reads the lesson's pictures (S3 in
production) to render one. Renaming the project or changing its recipes forgets the stored
PDFs (:func:`forget_pdfs`), since the title and the recipes are printed on them. This
module never imports the worker side (see :func:`__getattr__`).
"""

from __future__ import annotations

import logging

from redis.exceptions import RedisError

from studio.lessons import PAPER_SIZES, pdf_name
from studio.models import LessonFile

logger = logging.getLogger(__name__)

# The worker's entry point, by dotted path: RQ stores this string with every queued job,
# so it stays as it is while jobs may be waiting (see studio.lesson_pdf_jobs).
RENDER_PDF = "studio.lesson_pdf_jobs.render_pdf_job"


def paper_from(value: str | None) -> str:
    """The paper key for a ``?paper=`` value; A4 unless ``letter`` is asked for."""
    return "letter" if (value or "").strip().lower() == "letter" else "a4"


def _render_job_id(generation, paper: str) -> str:
    return f"lesson-pdf-{generation.pk}-{paper}"


def request_pdf(generation, paper: str) -> str:
    """Have a worker render the PDF unless one is at it already. Returns ``"rendering"``,
    ``"failed"`` (the last render failed; :func:`retry_pdf` asks again) or ``"queue-down"``."""
    import django_rq
    from rq.exceptions import NoSuchJobError
    from rq.job import Job as RQJob

    job_id = _render_job_id(generation, paper)
    try:
        connection = django_rq.get_connection("default")
        try:
            status = RQJob.fetch(job_id, connection=connection).get_status()
        except NoSuchJobError:
            status = None
        if status == "failed":
            return "failed"
        if status not in ("queued", "started", "deferred", "scheduled"):
            django_rq.get_queue("default", commit_mode="auto").enqueue(
                RENDER_PDF, str(generation.pk), paper, job_id=job_id, result_ttl=60, failure_ttl=600)
    except RedisError as error:
        logger.warning("cannot queue the lesson PDF of %s: %s", generation.pk, error)
        return "queue-down"
    return "rendering"


def retry_pdf(generation, paper: str) -> str:
    """Forget a failed render and ask for a new one (see :func:`request_pdf`)."""
    import django_rq
    from rq.job import Job as RQJob

    try:
        RQJob(_render_job_id(generation, paper), connection=django_rq.get_connection("default")).delete()
    except (RedisError, ValueError) as error:
        logger.warning("cannot forget the failed lesson PDF of %s: %s", generation.pk, error)
    return request_pdf(generation, paper)


def forget_pdfs(generations) -> None:
    """Drop stored PDFs of these generations (their files go with the rows, on commit)."""
    LessonFile.objects.filter(generation__in=generations, name__in=[pdf_name(p) for p in PAPER_SIZES]).delete()


def __getattr__(name: str):
    """``studio.lesson_pdf.render_pdf_job``: the path RQ stored with renders queued before the
    job moved to :mod:`studio.lesson_pdf_jobs`; a worker that runs one finds the job there.
    Looked up only then, so the web process never imports the worker side."""
    if name == "render_pdf_job":
        from studio.lesson_pdf_jobs import render_pdf_job

        return render_pdf_job
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
