"""The printable lesson plan as a PDF, rendered by WeasyPrint from the print page's HTML.

WeasyPrint fetches the page's images and stylesheet through :class:`StorageFetcher`,
which reads this generation's files from Django storage and static files from the
finders: nothing goes over the network, and no other user's file can be reached.
"""

from __future__ import annotations

import mimetypes
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.urls import Resolver404, resolve


def render_pdf(html: str, generation, base_url: str, paper: str = "A4") -> bytes:
    """PDF bytes of the print page's ``html``; ``paper`` is a CSS page size (A4, letter)."""
    from PIL import ImageFile
    from weasyprint import CSS, HTML

    # Importing WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process;
    # our own images are never truncated, and uploads must stay strict: switch it back.
    ImageFile.LOAD_TRUNCATED_IMAGES = False

    page = CSS(string=f"@page {{ size: {paper}; margin: 14mm; }}")
    return HTML(string=html, base_url=base_url, url_fetcher=storage_fetcher(generation)).write_pdf(stylesheets=[page])


def storage_fetcher(generation):
    """A WeasyPrint URL fetcher that serves only ``generation``'s files and static files."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # imported on use: heavy

    class StorageFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = unquote(urlsplit(url).path)
            body = _static(path) if path.startswith("/static/") else _generation_file(generation, path)
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})

    return StorageFetcher(allowed_protocols=("http", "https", "data"))


def _static(path: str) -> bytes:
    found = finders.find(path.removeprefix("/static/"))
    if not found:
        raise ValueError(f"no static file {path}")
    with open(found, "rb") as handle:
        return handle.read()


def _generation_file(generation, path: str) -> bytes:
    from studio.views import generations as views

    try:
        match = resolve(path)
    except Resolver404:
        raise ValueError(f"not a file of this lesson: {path}") from None
    field = None
    if match.func is views.generation_file and str(match.kwargs.get("pk")) == str(generation.pk):
        field = views.generation_field(generation, match.kwargs["name"])
    if not field:
        raise ValueError(f"not a file of this lesson: {path}")
    with field.open("rb") as handle:
        return handle.read()
