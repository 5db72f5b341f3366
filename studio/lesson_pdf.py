"""The printable lesson plan as a PDF, rendered by WeasyPrint from the print page's HTML.

Each paper size is rendered once per generation and kept as a lesson file
(``lesson-a4.pdf``, ``lesson-letter.pdf``): later downloads are served from storage, so
the web workers are not tied up re-rendering. Renaming the project forgets the stored
PDFs (:func:`forget_pdfs`), since the title is printed on them.

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
    """The generation's lesson PDF for ``paper`` as a stored file, rendered on first use."""
    name = pdf_name(paper)
    existing = generation.lesson_files.filter(name=name).first()
    if existing:
        return existing.file
    pdf = render_pdf(generation, paper)
    record = LessonFile(generation=generation, name=name)
    record.file.save(name, ContentFile(pdf, name=name), save=False)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:  # a parallel request stored it first: keep theirs
        record.file.storage.delete(record.file.name)
        return generation.lesson_files.get(name=name).file
    return record.file


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
