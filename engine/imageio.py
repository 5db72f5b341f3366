"""Reading, writing and normalising image arrays.

Every engine function takes and returns ``H×W×3`` ``uint8`` RGB arrays; this module
turns what callers actually have (files, greyscale or RGBA arrays, floats in [0, 1])
into that, and refuses what cannot be an image with a ``ValueError`` a user can act on.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from engine.errors import InputError


def as_rgb_uint8(image, *, min_side: int = 1, name: str = "image") -> np.ndarray:
    """The picture as a contiguous RGB uint8 array, whatever array a caller has.

    Parameters
    ----------
    image : array_like, shape (H, W), (H, W, 1), (H, W, 2), (H, W, 3) or (H, W, 4)
        Grey, grey + alpha, RGB or RGBA. uint8 is taken as 0–255, uint16 as 0–65535,
        floats as [0, 1] (clipped), bool as black/white; alpha is composited over white.
    min_side : int, optional
        Shortest side accepted, in pixels.
    name : str, optional
        What to call the array in error messages.

    Returns
    -------
    ndarray, shape (H, W, 3), uint8
        RGB in 0–255 (``image`` itself when it already is one and contiguous).

    Raises
    ------
    ValueError
        For an empty array, another shape or dtype, NaN or infinite values, or a side
        shorter than ``min_side``; the message says what is accepted.
    """
    array = np.asarray(image)
    if array.size == 0:
        raise InputError(f"{name} is empty (shape {array.shape}).")
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (2, 3, 4)):
        raise ValueError(
            f"{name} must be H×W (grey), H×W×3 (RGB) or H×W×4 (RGBA); got shape {array.shape}."
        )
    array = _to_unit_float_or_uint8(array, name)
    if array.ndim == 2:
        array = np.repeat(array[:, :, None], 3, axis=2)
    elif array.shape[2] in (2, 4):
        array = _composite_over_white(array)
    height, width = array.shape[:2]
    if min(height, width) < min_side:
        raise InputError(f"{name} is {width}×{height} px; each side must be at least {min_side} px.")
    if array.dtype != np.uint8:
        array = np.round(np.clip(array, 0.0, 1.0) * 255.0).astype(np.uint8)
    return np.ascontiguousarray(array)


def _to_unit_float_or_uint8(array: np.ndarray, name: str) -> np.ndarray:
    if array.dtype == np.uint8:
        return array
    if array.dtype == np.uint16:
        return array.astype(np.float32) / 65535.0
    if array.dtype == np.bool_:
        return array.astype(np.uint8) * 255
    if np.issubdtype(array.dtype, np.floating):
        if not np.all(np.isfinite(array)):
            raise InputError(f"{name} contains NaN or infinite values.")
        return array.astype(np.float32)
    raise ValueError(
        f"{name} has dtype {array.dtype}; use uint8 (0–255), uint16 or floats in [0, 1]."
    )


def _composite_over_white(array: np.ndarray) -> np.ndarray:
    colour, alpha = array[:, :, :-1], array[:, :, -1:]
    if array.dtype == np.uint8:
        colour = colour.astype(np.float32) / 255.0
        alpha = alpha.astype(np.float32) / 255.0
    composited = colour * alpha + (1.0 - alpha)
    if composited.shape[2] == 1:
        composited = np.repeat(composited, 3, axis=2)
    return composited


def load_image(path: str | Path) -> np.ndarray:
    """Read an image file as RGB.

    Parameters
    ----------
    path : str or Path
        Any file Pillow reads (PNG, JPEG, WebP, TIFF, …); the first frame is used.

    Returns
    -------
    ndarray, shape (H, W, 3), uint8
        RGB in 0–255 with the EXIF orientation applied and alpha composited over white.
    """
    with Image.open(path) as img:
        img.seek(0)
        img = ImageOps.exif_transpose(img)
        return pil_to_rgb_array(img)


def pil_to_rgb_array(img: Image.Image) -> np.ndarray:
    """Any Pillow image (CMYK, 16-bit, palette, LA, RGBA, …) as RGB.

    Parameters
    ----------
    img : PIL.Image.Image
        The image; transparency is composited over white, 16/32-bit grey is scaled
        (Pillow's own conversion would clip it).

    Returns
    -------
    ndarray, shape (H, W, 3), uint8
        RGB in 0–255 (a copy).
    """
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(background, rgba)
    elif img.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16/32-bit greyscale: Pillow's convert("L") clips instead of scaling.
        array = np.asarray(img, dtype=np.float64)
        peak = 65535.0 if array.max(initial=0) <= 65535 else float(array.max())
        return as_rgb_uint8((array / peak).astype(np.float32))
    return np.asarray(img.convert("RGB"), dtype=np.uint8).copy()


def save_image(path: str | Path, image: np.ndarray) -> Path:
    """Write an image file; the format follows the suffix.

    Parameters
    ----------
    path : str or Path
        Where to write (folders are created).
    image : ndarray, shape (H, W, 3) or (H, W)
        RGB (any dtype :func:`as_rgb_uint8` takes), 8- or 16-bit grey, or a bool mask.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(_for_pillow(image)).save(path)
    return path


def encode_png(image: np.ndarray) -> bytes:
    """PNG bytes of an image array.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3) or (H, W)
        RGB (any dtype :func:`as_rgb_uint8` takes), 8- or 16-bit grey, or a bool mask
        (black/white).

    Returns
    -------
    bytes
        The PNG file.
    """
    buffer = io.BytesIO()
    Image.fromarray(_for_pillow(image)).save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def encode_compact_png(image: np.ndarray) -> bytes:
    """PNG bytes, small and quick: 1-bit for masks, 8-bit palette for ≤ 256 colours.

    Most lesson and plan images are painted with a palette only, so an indexed PNG is a
    third of the size of an RGB one and faster to write; other images use fast deflate.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3) uint8, or (H, W) bool
        RGB picture or mask.

    Returns
    -------
    bytes
        The PNG file (decodes to the same pixels).
    """
    from engine.color.spaces import unique_colors

    buffer = io.BytesIO()
    image = np.asarray(image)
    if image.dtype == np.bool_:
        Image.fromarray(image).save(buffer, format="PNG")
        return buffer.getvalue()
    colors, _, inverse = unique_colors(image)
    if len(colors) <= 256:
        return encode_indexed_png(inverse, colors)
    Image.fromarray(image).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def encode_indexed_png(labels: np.ndarray, colors: np.ndarray) -> bytes:
    """PNG bytes of a label image with its colour table.

    Parameters
    ----------
    labels : ndarray, shape (H, W), int in [0, K)
        Index into ``colors`` per pixel.
    colors : ndarray, shape (K, 3), uint8
        The colours, K ≤ 256.

    Returns
    -------
    bytes
        An 8-bit palette PNG.
    """
    buffer = io.BytesIO()
    indexed = Image.fromarray(np.asarray(labels, dtype=np.uint8), mode="L").convert("P")
    indexed.putpalette(np.asarray(colors, dtype=np.uint8).ravel().tolist())
    indexed.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def encode_jpeg(image: np.ndarray, quality: int = 92) -> bytes:
    """JPEG bytes of a picture (for previews, where PNG would be needlessly large).

    Parameters
    ----------
    image : array_like
        Any array :func:`as_rgb_uint8` takes.
    quality : int, optional
        JPEG quality, 1–95.

    Returns
    -------
    bytes
        The JPEG file.
    """
    buffer = io.BytesIO()
    Image.fromarray(as_rgb_uint8(image)).save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def _for_pillow(image: np.ndarray) -> np.ndarray:
    array = np.asarray(image)
    if array.dtype == np.bool_:
        return array.astype(np.uint8) * 255
    if array.dtype == np.uint16 and array.ndim == 2:
        return array
    return as_rgb_uint8(array) if array.ndim == 3 else np.asarray(array, dtype=np.uint8)


def resize_long_side(image: np.ndarray, long_side: int) -> np.ndarray:
    """Resize so the longer side has ``long_side`` pixels, keeping the aspect ratio.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3), uint8
        The picture.
    long_side : int ≥ 1
        Length of the longer side afterwards, in pixels.

    Returns
    -------
    ndarray, shape (H', W', 3), uint8
        Lanczos-resampled picture, max(H', W') = ``long_side`` (each side at least 1).
    """
    height, width = image.shape[:2]
    scale = long_side / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return resize(image, size)


def resize(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Resize a picture to an exact size with Lanczos filtering.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3), uint8
        The picture.
    size : tuple of int
        ``(width, height)`` in pixels (Pillow's order).

    Returns
    -------
    ndarray, shape (height, width, 3), uint8
        The resized picture (``image`` itself when the size is already right).
    """
    if (image.shape[1], image.shape[0]) == tuple(size):
        return image
    return np.asarray(Image.fromarray(image).resize(size, Image.Resampling.LANCZOS))
