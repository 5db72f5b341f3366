"""Protected files: every file is served by a view that has checked its owner.

Production can hand the transfer to the web server (``SENDFILE=x-accel-redirect`` for
nginx, ``x-sendfile`` for Apache) so Django only checks permissions. ``x-sendfile`` names a
file on this machine's disk, so it is used only for storage that has one; files in other
storage (S3) are streamed by Django (``manage.py check`` warns about that setting).
"""

import mimetypes
import re
import unicodedata
from pathlib import PurePosixPath

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header


def download_name(title: str, suffix: str, *, limit: int = 80) -> str:
    """A file name made from a title: letters, digits, spaces and dashes only, then ``suffix``.

    ``download_name("lesson Harbour/../é 🎨", "a4.pdf")`` → ``"lesson Harbour é-a4.pdf"``:
    no path separators, dots, quotes or control characters reach a user's file system.
    """
    kept = "".join(c if c.isalnum() or c in " -" else " " for c in unicodedata.normalize("NFC", title))
    kept = re.sub(r"\s+", " ", kept).strip(" -")[:limit].strip(" -")
    return f"{kept or 'download'}-{suffix}"


def serve_field(field, *, download_name: str | None = None, as_attachment: bool = False):
    if not field:
        raise Http404("No such file.")
    name = field.name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    filename = download_name or PurePosixPath(name).name
    local_path = _local_path(field) if settings.SENDFILE == "x-sendfile" else None
    if settings.SENDFILE == "x-accel-redirect":
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.SENDFILE_PREFIX.rstrip("/") + "/" + name
    elif local_path:
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = local_path
    else:
        try:
            handle = field.open("rb")
        except (FileNotFoundError, OSError):
            raise Http404("The file is missing from storage.") from None
        response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    # Stored files are only ever pictures: an SVG must not run scripts on our origin.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"
    return response


def _local_path(field) -> str | None:
    """The file's path on this machine, or None for storage without one (S3)."""
    try:
        return field.path
    except NotImplementedError:
        return None
