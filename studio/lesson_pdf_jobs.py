"""The lesson PDF job, run by an RQ worker: render the print page with WeasyPrint and store it (worker side).

:func:`render_pdf_job` renders one paper size of a generation's lesson plan (asked for by
:func:`studio.lesson_pdf.request_pdf`) and keeps it as a lesson file (``lesson-a4.pdf``,
``lesson-letter.pdf``, :func:`studio.lessons.pdf_name`); a render that was already under way
when its lesson changed (renamed project, new recipes, a retry) stores nothing.

WeasyPrint fetches the page's images and stylesheets through :func:`storage_fetcher`,
which reads this generation's files (and its project's photo) from Django storage and
static files from the static storage: hashed names after ``collectstatic`` in production,
the finders in development. Nothing goes over the network and no other user's file can
be reached. Every resource that fails to load is an error, never a silently plainer PDF.
WeasyPrint is imported inside the job, never in the web process or the worker's parent.

:mod:`studio.lesson_pdf` (web side) queues it by the dotted path
:data:`studio.lesson_pdf.RENDER_PDF`; RQ stores that path with every queued job, so renaming
this module or :func:`render_pdf_job` strands the renders already waiting. Renders queued
before this module existed name ``studio.lesson_pdf.render_pdf_job``, which that module
still answers.
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
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve

from studio.lessons import PAPER_SIZES, generation_field, lesson_context, pdf_name, stored_pdf
from studio.models import Generation, GenerationMixing, Job, LessonFile

logger = logging.getLogger(__name__)

BASE_URL = "http://lesson.invalid/"  # any absolute URL: the fetcher serves every path itself


def render_pdf_job(generation_id: str, paper: str) -> None:
    """The job: render the lesson PDF and store it, unless the lesson changed meanwhile."""
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
