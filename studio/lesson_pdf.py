"""The printable lesson plan as a PDF, rendered by WeasyPrint from the print page's HTML.

Each paper size is rendered once per generation, by a worker on the short-jobs queue
(:func:`render_pdf_job`, asked for by :func:`request_pdf` when the first download finds
none), and kept as a lesson file (``lesson-a4.pdf``, ``lesson-letter.pdf``) that downloads
serve from storage: a web request never reads the lesson's pictures (S3 in production) to
render one. Renaming the project or changing its recipes forgets the stored PDFs
(:func:`forget_pdfs`), since the title and the recipes are printed on them; a render that
was already under way when its lesson changed stores nothing.

WeasyPrint fetches the page's images and stylesheets through :func:`storage_fetcher`,
which reads this generation's files (and its project's photo) from Django storage and
static files from the static storage: hashed names after ``collectstatic`` in production,
the finders in development. Nothing goes over the network and no other user's file can
be reached. Every resource that fails to load is an error, never a silently plainer PDF.
"""

from __future__ import annotations

import logging
import mimetypes
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from redis.exceptions import RedisError
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve

from studio.lessons import generation_field, lesson_context
from studio.models import LessonFile

logger = logging.getLogger(__name__)

#: ``?paper=`` value → CSS page size.
PAPER_SIZES = {"a4": "A4", "letter": "letter"}
BASE_URL = "http://lesson.invalid/"  # any absolute URL: the fetcher serves every path itself


def paper_from(value: str | None) -> str:
    """The paper key for a ``?paper=`` value; A4 unless ``letter`` is asked for."""
    return "letter" if (value or "").strip().lower() == "letter" else "a4"


def pdf_name(paper: str) -> str:
    return f"lesson-{paper}.pdf"


def stored_pdf(generation, paper: str):
    """The generation's stored lesson PDF for ``paper``, or None while it is not rendered."""
    existing = generation.lesson_files.filter(name=pdf_name(paper)).first()
    return existing.file if existing else None


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
                render_pdf_job, str(generation.pk), paper, job_id=job_id, result_ttl=60, failure_ttl=600)
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


def render_pdf_job(generation_id: str, paper: str) -> None:
    """The job: render the lesson PDF and store it, unless the lesson changed meanwhile."""
    from studio.models import Generation, GenerationMixing, Job

    generation = Generation.objects.select_related("project", "job").filter(pk=generation_id).first()
    if generation is None or generation.job.status != Job.Status.SUCCEEDED or stored_pdf(generation, paper):
        return
    # What the PDF prints, as it was read: a rename, new recipes or a retry meanwhile make it stale.
    printed = (generation.project.title, generation.job.finished_at,
               GenerationMixing.objects.filter(generation=generation).values_list("updated_at", flat=True).first())
    name = pdf_name(paper)
    record = LessonFile(generation=generation, name=name)
    record.file.save(name, ContentFile(render_pdf(generation, paper), name=name), save=False)
    try:
        with transaction.atomic():
            current = Generation.objects.select_for_update().select_related("project", "job").filter(pk=generation_id).first()
            now = current and (current.project.title, current.job.finished_at,
                               GenerationMixing.objects.filter(generation=current).values_list("updated_at", flat=True).first())
            if now != printed:
                raise IntegrityError("the lesson changed while its PDF was rendered")
            record.save()
    except IntegrityError as why:  # stale, deleted, or stored by a parallel render: keep nothing of ours
        logger.info("lesson PDF of %s not stored: %s", generation_id, why)
        record.file.storage.delete(record.file.name)


def forget_pdfs(generations) -> None:
    """Drop stored PDFs of these generations (their files go with the rows, on commit)."""
    LessonFile.objects.filter(generation__in=generations, name__in=[pdf_name(p) for p in PAPER_SIZES]).delete()


def render_html(generation) -> str:
    """The print page's HTML for the PDF: no toolbar, the notice without admin details."""
    return render_to_string("studio/lesson_print.html", {**lesson_context(generation), "for_pdf": True})


def render_pdf(generation, paper: str = "a4") -> bytes:
    """PDF bytes of the lesson plan on ``paper`` (a key of :data:`PAPER_SIZES`).

    Raises ``RuntimeError`` naming the resource when a stylesheet or image cannot be loaded.
    """
    return render_document(generation, paper).write_pdf()


def render_document(generation, paper: str = "a4"):
    """The lesson plan laid out on ``paper`` pages (a ``weasyprint.Document``)."""
    from weasyprint import CSS, HTML

    failures = _FailedResources()
    weasy_logger = logging.getLogger("weasyprint")
    weasy_logger.addHandler(failures)
    try:
        page = CSS(string=f"@page {{ size: {PAPER_SIZES[paper]}; }}")
        html = HTML(string=render_html(generation), base_url=BASE_URL, url_fetcher=storage_fetcher(generation))
        document = html.render(stylesheets=[page])
    finally:
        weasy_logger.removeHandler(failures)
    if failures.messages:
        raise RuntimeError("The lesson PDF is incomplete: " + "; ".join(failures.messages))
    return document


class _FailedResources(logging.Handler):
    """Collects WeasyPrint's errors (it logs a stylesheet or image it could not load and goes on)."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def storage_fetcher(generation):
    """A WeasyPrint URL fetcher that serves only ``generation``'s files and static files."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # imported on use: heavy

    class StorageFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = unquote(urlsplit(url).path)
            static_prefix = urlsplit(settings.STATIC_URL).path
            body = _static(path.removeprefix(static_prefix)) if path.startswith(static_prefix) else _owned_file(generation, path)
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})

    return StorageFetcher(allowed_protocols=("http", "https", "data"))


def _static(name: str) -> bytes:
    """A static file by the name ``{% static %}`` put in the page (hashed after collectstatic)."""
    if staticfiles_storage.exists(name):
        with staticfiles_storage.open(name, "rb") as handle:
            return handle.read()
    found = finders.find(name)  # development: not collected yet
    if not found:
        raise ValueError(f"no static file {name}")
    with open(found, "rb") as handle:
        return handle.read()


def _owned_file(generation, path: str) -> bytes:
    """One of the files this lesson shows: the generation's own, or its project's photo."""
    try:
        match = resolve(path)
    except Resolver404:
        raise ValueError(f"not a file of this lesson: {path}") from None
    field = None
    if match.url_name == "generation-file" and str(match.kwargs.get("pk")) == str(generation.pk):
        field = generation_field(generation, match.kwargs["name"])
    elif match.url_name == "project-photo" and str(match.kwargs.get("pk")) == str(generation.project_id):
        field = generation.project.photo
    if not field:
        raise ValueError(f"not a file of this lesson: {path}")
    with field.open("rb") as handle:
        return handle.read()
