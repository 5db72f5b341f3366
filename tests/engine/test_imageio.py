"""engine.imageio: what callers have becomes H×W×3 uint8 RGB, files keep their pixels, bad arrays are refused."""

import io

import numpy as np
import pytest
from PIL import Image

from engine.imageio import (
    as_rgb_uint8, encode_compact_png, encode_indexed_png, encode_jpeg, encode_png, load_image, pil_to_rgb_array,
    resize, resize_long_side, save_image,
)


def _decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_grey_float_uint16_and_bool_arrays_become_rgb_uint8():
    grey = np.array([[0, 128], [255, 7]], np.uint8)
    rgb = as_rgb_uint8(grey)
    assert rgb.shape == (2, 2, 3) and rgb.dtype == np.uint8
    np.testing.assert_array_equal(rgb, np.repeat(grey[:, :, None], 3, axis=2))
    np.testing.assert_array_equal(as_rgb_uint8(grey[:, :, None]), rgb)
    # Floats are [0, 1], clipped and rounded; uint16 spans 0–65535; bool is black or white.
    np.testing.assert_array_equal(as_rgb_uint8(np.array([[-0.2, 0.5, 1.0, 1.5]]))[0, :, 0], [0, 128, 255, 255])
    np.testing.assert_array_equal(as_rgb_uint8(np.array([[0, 32896, 65535]], np.uint16))[0, :, 0], [0, 128, 255])
    np.testing.assert_array_equal(as_rgb_uint8(np.array([[True, False]]))[0, :, 0], [255, 0])


def test_transparency_is_composited_over_white():
    rgba = np.array([[[200, 0, 0, 255], [200, 0, 0, 0], [0, 0, 0, 128]]], np.uint8)
    np.testing.assert_array_equal(as_rgb_uint8(rgba)[0], [[200, 0, 0], [255, 255, 255], [127, 127, 127]])
    grey_alpha = np.array([[[0.0, 0.25]]])  # black at a quarter opacity
    np.testing.assert_array_equal(as_rgb_uint8(grey_alpha)[0, 0], [191, 191, 191])


def test_a_ready_array_is_returned_as_is_and_a_strided_one_made_contiguous():
    rgb = np.zeros((4, 5, 3), np.uint8)
    assert as_rgb_uint8(rgb) is rgb
    strided = np.zeros((4, 10, 3), np.uint8)[:, ::2]
    out = as_rgb_uint8(strided)
    assert out.flags["C_CONTIGUOUS"] and out.shape == (4, 5, 3)


@pytest.mark.parametrize("array, message", [
    (np.zeros((0, 4, 3), np.uint8), "empty"),
    (np.zeros((4, 4, 5), np.uint8), "shape"),
    (np.zeros((4, 4, 3, 1), np.uint8), "shape"),
    (np.zeros((4, 4), np.int64), "dtype int64"),
    (np.full((4, 4), np.nan), "NaN"),
    (np.zeros((4, 2, 3), np.uint8), "2×4 px; each side must be at least 3"),
])
def test_what_cannot_be_an_image_is_refused_with_a_message(array, message):
    with pytest.raises(ValueError, match=message):
        as_rgb_uint8(array, min_side=3, name="photo")


def test_an_error_names_the_array():
    with pytest.raises(ValueError, match="^style image is empty"):
        as_rgb_uint8([], name="style image")


def test_saved_files_load_back_with_their_pixels(tmp_path):
    rgb = np.random.default_rng(0).integers(0, 256, (6, 9, 3), dtype=np.uint8)
    path = save_image(tmp_path / "deep" / "folder" / "a.png", rgb)
    np.testing.assert_array_equal(load_image(path), rgb)
    # Masks are written black and white, 16-bit grey keeps its 16 bits.
    mask = np.eye(4, dtype=bool)
    np.testing.assert_array_equal(np.asarray(Image.open(save_image(tmp_path / "m.png", mask))), mask * 255)
    index = np.array([[0, 300], [65535, 12]], np.uint16)
    np.testing.assert_array_equal(np.asarray(Image.open(save_image(tmp_path / "i.png", index))), index)


def test_loading_applies_exif_orientation_and_scales_16_bit_grey(tmp_path):
    picture = Image.new("RGB", (30, 20), (10, 200, 30))
    exif = picture.getexif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    picture.save(tmp_path / "turned.jpg", exif=exif)
    assert load_image(tmp_path / "turned.jpg").shape == (30, 20, 3)

    grey16 = Image.fromarray(np.array([[0, 65535], [32768, 1000]], np.uint16))
    grey16.save(tmp_path / "g16.png")
    loaded = load_image(tmp_path / "g16.png")
    np.testing.assert_array_equal(loaded[:, :, 0], [[0, 255], [128, 4]])  # scaled, not clipped at 255


def test_palette_transparency_is_composited_over_white():
    palette = Image.new("P", (2, 1))
    palette.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    palette.putpixel((1, 0), 1)
    palette.info["transparency"] = 1
    np.testing.assert_array_equal(pil_to_rgb_array(palette)[0], [[255, 0, 0], [255, 255, 255]])


def test_compact_pngs_decode_to_the_same_pixels_and_use_a_palette_when_they_can():
    paints = np.array([[250, 120, 10], [0, 0, 0], [30, 90, 200], [240, 240, 230], [120, 10, 60]], np.uint8)
    few = paints[np.random.default_rng(2).integers(0, len(paints), (64, 64))]
    data = encode_compact_png(few)
    assert _decode(data).mode == "P"
    np.testing.assert_array_equal(np.asarray(_decode(data).convert("RGB")), few)
    assert len(data) < len(encode_png(few))

    many = np.random.default_rng(1).integers(0, 256, (32, 32, 3), dtype=np.uint8)  # ~1000 colours
    assert _decode(encode_compact_png(many)).mode == "RGB"
    np.testing.assert_array_equal(np.asarray(_decode(encode_compact_png(many))), many)

    mask = np.eye(5, dtype=bool)
    assert _decode(encode_compact_png(mask)).mode == "1"
    np.testing.assert_array_equal(np.asarray(_decode(encode_compact_png(mask))), mask)


def test_an_indexed_png_paints_each_label_its_colour():
    labels = np.array([[0, 1, 2], [2, 1, 0]])
    colors = np.array([[255, 0, 0], [0, 255, 0], [0, 0, 255]], np.uint8)
    np.testing.assert_array_equal(np.asarray(_decode(encode_indexed_png(labels, colors)).convert("RGB")),
                                  colors[labels])


def test_jpeg_keeps_a_smooth_picture_close_and_quality_trades_size():
    y, x = np.mgrid[:48, :64]
    smooth = np.stack([x * 4, y * 5, (x + y) * 2], axis=-1).astype(np.uint8)
    decoded = np.asarray(_decode(encode_jpeg(smooth)))
    assert decoded.shape == smooth.shape and np.abs(decoded.astype(int) - smooth).mean() < 3
    assert len(encode_jpeg(smooth, quality=20)) < len(encode_jpeg(smooth, quality=95))


def test_resizing_keeps_the_aspect_ratio_and_takes_width_then_height():
    picture = np.zeros((30, 60, 3), np.uint8)
    assert resize_long_side(picture, 20).shape == (10, 20, 3)
    assert resize_long_side(np.zeros((60, 30, 3), np.uint8), 20).shape == (20, 10, 3)
    assert resize_long_side(np.zeros((1, 100, 3), np.uint8), 10).shape == (1, 10, 3)  # never 0 px
    assert resize(picture, (15, 7)).shape == (7, 15, 3)
    assert resize(picture, (60, 30)) is picture
    flat = np.full((30, 60, 3), 77, np.uint8)
    np.testing.assert_array_equal(resize(flat, (17, 9)), 77)
