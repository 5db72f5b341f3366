"""Validation and normalisation of uploaded images (photos and private style images).

Decided by decoding, never by file name or Content-Type. The pixel count is read from
the header *before* anything is decoded, so decompression bombs are refused unopened.
What passes is re-encoded as 8-bit RGB without metadata (EXIF orientation applied) and
no larger than :data:`MAX_STORED_SIDE` on its long side: the engine never paints larger.

A file over the byte limit is refused while it streams in: :class:`SizeLimitUploadHandler`
(first in ``FILE_UPLOAD_HANDLERS``) stops passing its bytes on once the limit is passed,
so at most the limit is ever buffered, and hands the form a :class:`RefusedUpload` that
carries the file's real size for the message. What the next handlers kept of a refused
file (a temporary file past ``FILE_UPLOAD_MAX_MEMORY_SIZE``) is removed there and then: the
request, its parser and its handlers refer to each other, so waiting for them to be
freed left it open and on disk until a garbage collection.

Pillow's process-wide ``LOAD_TRUNCATED_IMAGES`` is set off once at start-up
(``studio.apps.strict_pillow``), so a truncated file fails to decode here.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from PIL import Image, ImageOps, UnidentifiedImageError

from engine.imageio import pil_to_rgb_array

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "BMP", "TIFF", "GIF")  # JPEG covers MPO (camera multi-picture)
LOSSLESS_FORMATS = {"PNG", "BMP", "TIFF", "GIF"}
MIN_SIDE = 64
MAX_ASPECT = 8.0
ACCEPTED_TEXT = "JPEG, PNG, WebP, BMP, TIFF or GIF"
MAX_STORED_SIDE = 2048  # px, long side: the largest painting the form allows


class RefusedUpload(UploadedFile):
    """Stands in for a file that was over the byte limit: no content, its real ``size``."""

    def __init__(self, name, content_type, size):
        super().__init__(io.BytesIO(b""), name=name, content_type=content_type, size=size)
        self.refused_too_large = True


class SizeLimitUploadHandler(FileUploadHandler):
    """Passes a file's bytes on to the next handler until ``PAINTING_MAX_UPLOAD_BYTES``,
    then drops the rest as it arrives and completes the file as a :class:`RefusedUpload`."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        return raw_data if self.received <= settings.PAINTING_MAX_UPLOAD_BYTES else None

    def file_complete(self, file_size):
        if self.received <= settings.PAINTING_MAX_UPLOAD_BYTES:
            return None  # the next handler's file is the upload
        for handler in self.request.upload_handlers:
            if handler is not self and getattr(handler, "file", None) is not None:
                handler.upload_interrupted()  # Django's temporary-file handler deletes its file
                handler.file.close()
                del handler.file  # nothing for the parser to close again
        return RefusedUpload(self.file_name, self.content_type, self.received)


@dataclass
class NormalisedImage:
    content: ContentFile  # named "<random>.png|.jpg"
    width: int
    height: int
    source_format: str


def normalise_upload(upload) -> NormalisedImage:
    """Check an uploaded file against the upload rules and return it normalised.

    Raises ``ValidationError`` with a message a user can act on; nothing is stored here.
    """
    max_bytes = settings.PAINTING_MAX_UPLOAD_BYTES
    max_pixels = settings.PAINTING_MAX_PIXELS
    size = getattr(upload, "size", None)
    if not size:
        raise ValidationError("The file is empty. Choose a photo (%s)." % ACCEPTED_TEXT, code="empty")
    if size > max_bytes or getattr(upload, "refused_too_large", False):
        raise ValidationError(
            "The file is %(size)s; the limit is %(limit)s. Export a smaller JPEG and try again.",
            code="too_large",
            params={"size": f"{size / 2**20:.1f} MB", "limit": f"{max_bytes / 2**20:g} MB"},
        )
    upload.seek(0)
    data = upload.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(ACCEPTED_FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(max_pixels) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise ValidationError(
            "This file is not an image we can read. Upload a %s photo." % ACCEPTED_TEXT, code="not_image"
        ) from None
    width, height = image.size  # from the header: nothing is decoded yet
    if width * height > max_pixels:
        raise _too_many_pixels(max_pixels, width, height)
    if min(width, height) < MIN_SIDE:
        raise ValidationError(
            "The image is %(w)d×%(h)d px; each side must be at least %(min)d px.",
            code="too_small",
            params={"w": width, "h": height, "min": MIN_SIDE},
        )
    if max(width, height) / min(width, height) > MAX_ASPECT:
        raise ValidationError(
            "The image is %(w)d×%(h)d px, a very long strip; the longer side may be at most 8 times the shorter.",
            code="aspect",
            params={"w": width, "h": height},
        )
    source_format = image.format
    try:
        image.seek(0)  # GIF/TIFF: first frame only
        image.load()
        image = ImageOps.exif_transpose(image)
        rgb = _at_most(pil_to_rgb_array(image), MAX_STORED_SIDE)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(
            "The image file is damaged or incomplete (truncated). Upload the original file again.",
            code="truncated",
        ) from None
    return NormalisedImage(_encode(rgb, source_format), rgb.shape[1], rgb.shape[0], source_format)


def _at_most(rgb: np.ndarray, long_side: int) -> np.ndarray:
    """RGB (H, W, 3) uint8 scaled down (never up) so its longer side is at most ``long_side`` px."""
    height, width = rgb.shape[:2]
    if max(width, height) <= long_side:
        return rgb
    scale = long_side / max(width, height)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return np.asarray(Image.fromarray(rgb).resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0))


def _too_many_pixels(max_pixels, width=None, height=None):
    size = f" is {width}×{height} px ({width * height / 1e6:.0f} megapixels);" if width else " has too many pixels;"
    return ValidationError(
        f"The image{size} the limit is {max_pixels / 1e6:.0f} megapixels. Resize it and try again.",
        code="too_many_pixels",
    )


def _encode(rgb, source_format: str) -> ContentFile:
    """PNG for lossless sources, high-quality JPEG for the rest; no metadata either way."""
    buffer = io.BytesIO()
    image = Image.fromarray(rgb)
    if source_format in LOSSLESS_FORMATS:
        image.save(buffer, format="PNG", optimize=False, compress_level=6)
        name = "image.png"
    else:
        image.save(buffer, format="JPEG", quality=95, subsampling=0)
        name = "image.jpg"
    return ContentFile(buffer.getvalue(), name=name)
