"""Upload rules: each refusal with a real file of that kind; accepted files are normalised."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from studio.uploads import normalise_upload
from tests.studio.conftest import image_bytes, upload


def refused(data, name="file.jpg", content_type="image/jpeg"):
    with pytest.raises(ValidationError) as info:
        normalise_upload(upload(data, name, content_type))
    return info.value


def png_header_only(width, height) -> bytes:
    """A valid PNG signature + IHDR announcing a huge size, with a tiny IDAT: a decompression bomb."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def test_empty_file_is_refused():
    assert refused(b"").code == "empty"


def test_truncated_jpeg_is_refused_even_after_weasyprint_was_imported():
    import weasyprint.images  # noqa: F401  (its import turns Pillow's LOAD_TRUNCATED_IMAGES on)
    from PIL import ImageFile

    # Set off once at start-up (StudioConfig.ready), after WeasyPrint's import: no flipping per request.
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False

    # Random-looking content so the truncation cuts real scan data.
    noisy = Image.effect_noise((400, 300), 80).convert("RGB")
    buffer = io.BytesIO()
    noisy.save(buffer, format="JPEG")
    data = buffer.getvalue()
    assert refused(data[: len(data) // 2]).code == "truncated"


def test_large_photos_are_stored_at_most_2048_px_on_the_long_side():
    normalised = normalise_upload(upload(image_bytes(size=(3000, 2000))))
    stored = Image.open(normalised.content)
    assert stored.size == (normalised.width, normalised.height) == (2048, 1365)
    small = normalise_upload(upload(image_bytes(size=(640, 480))))
    assert (small.width, small.height) == (640, 480)  # never enlarged


@pytest.mark.parametrize(
    "data, name, content_type",
    [
        (b"<!doctype html><html><body><img src=x onerror=alert(1)></body></html>", "photo.jpg", "image/jpeg"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" width="500" height="500"><rect width="500" height="500"/></svg>',
         "drawing.svg", "image/svg+xml"),
        (b"just some text that claims to be a png\n" * 20, "notes.png", "image/png"),
    ],
    ids=["html", "svg", "text"],
)
def test_non_images_are_refused_whatever_their_name(data, name, content_type):
    assert refused(data, name, content_type).code == "not_image"


def test_file_over_20_mb_is_refused(settings):
    big = image_bytes(size=(64, 64)) + b"\0" * (settings.PAINTING_MAX_UPLOAD_BYTES + 1)
    error = refused(big)
    assert error.code == "too_large"
    assert "the limit is 20 MB" in error.messages[0]


def test_decompression_bomb_is_refused_from_the_header(monkeypatch):
    def never_decode(self, *args, **kwargs):  # proves the pixels are never decoded
        raise AssertionError("decoded a decompression bomb")

    monkeypatch.setattr(Image.Image, "load", never_decode)
    error = refused(png_header_only(9000, 9000), "bomb.png", "image/png")
    assert error.code == "too_many_pixels"
    assert "81 megapixels" in error.messages[0]


def test_huge_header_beyond_pillows_own_limit_is_refused():
    error = refused(png_header_only(100_000, 100_000), "bomb.png", "image/png")
    assert error.code == "too_many_pixels"


def test_sides_under_64_px_are_refused():
    assert refused(image_bytes(size=(63, 400))).code == "too_small"


def test_aspect_ratio_beyond_8_to_1_is_refused():
    assert refused(image_bytes(size=(900, 100), format="PNG"), "strip.png").code == "aspect"
    normalise_upload(upload(image_bytes(size=(800, 100), format="PNG"), "ok.png"))  # exactly 8:1 is fine


def decode(normalised):
    return Image.open(io.BytesIO(normalised.content.read()))


@pytest.mark.parametrize(
    "mode, format, color",
    [
        ("CMYK", "JPEG", (0, 255, 255, 0)),
        ("P", "GIF", 3),
        ("L", "PNG", 128),
        ("I;16", "PNG", 40000),
        ("RGBA", "PNG", (255, 0, 0, 0)),
        ("RGB", "WEBP", (10, 20, 30)),
        ("RGB", "BMP", (10, 20, 30)),
        ("RGB", "TIFF", (10, 20, 30)),
    ],
)
def test_any_mode_is_normalised_to_8_bit_rgb(mode, format, color):
    normalised = normalise_upload(upload(image_bytes(size=(120, 90), mode=mode, format=format, color=color), "x.bin"))
    image = decode(normalised)
    assert image.mode == "RGB" and image.size == (120, 90)
    assert normalised.content.name.endswith((".png", ".jpg"))
    if mode == "RGBA":  # fully transparent red composites to white
        assert image.getpixel((5, 5)) == (255, 255, 255)
    if mode == "I;16":  # 16-bit scaled, not clipped: 40000/65535 of full scale
        assert abs(image.getpixel((5, 5))[0] - round(40000 / 65535 * 255)) <= 1


def test_exif_orientation_is_applied_and_metadata_dropped():
    image = Image.new("RGB", (200, 100), (255, 0, 0))
    image.paste((0, 0, 255), (0, 0, 100, 100))  # left half blue
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise for display
    exif[0x010F] = "SecretCam"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, quality=95)
    normalised = normalise_upload(upload(buffer.getvalue()))
    result = decode(normalised)
    assert result.size == (100, 200)
    red, green, blue = result.getpixel((50, 20))  # the blue half is now on top
    assert blue > 200 and red < 60
    assert not result.getexif()
    assert b"SecretCam" not in normalised.content.read()


def test_gif_keeps_first_frame():
    frames = [Image.new("P", (100, 100), i) for i in (1, 2)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:])
    assert decode(normalise_upload(upload(buffer.getvalue(), "anim.gif"))).size == (100, 100)
