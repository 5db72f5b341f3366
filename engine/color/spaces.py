"""Every colour conversion of the engine, and the CIEDE2000 colour difference.

sRGB ↔ linear RGB, CIELAB (D65), Oklab, YIQ (and its luma), HSV → RGB, and a
"ΔE space" in which straight-line distance follows CIEDE2000. Palettes are clustered
in that space because the quality a painter cares about, "how far is each pixel from
the paint I mix for it", is CIEDE2000, defined on CIELAB. Oklab is offered for callers
that want a more uniform hue space; YIQ separates luminance from chroma linearly
(colour-preserving style transfer). All functions are vectorised over any leading
shape: ``(..., 3)`` arrays in and out. A new conversion belongs here, not in the
module that first needs it.

Hand-written only where a measured reason is written in the function's docstring
(figures from ``python -m engine bench color``, which runs each against scikit-image or
colour-science: max |Δ| and best-of-N ``time.perf_counter`` on 100 000 random colours
and a 512² photo); HSV → RGB and CIEDE2000 wrap scikit-image. ``unique_colors``, the ΔE
helpers and the ΔE space have no library counterpart.
"""

from __future__ import annotations

import numpy as np

# sRGB (D65) → CIE XYZ, IEC 61966-2-1.
_RGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
_XYZ_TO_RGB = np.linalg.inv(_RGB_TO_XYZ)
_WHITE_D65 = np.array([0.95047, 1.0, 1.08883])

# Oklab (Björn Ottosson, 2020): linear sRGB → LMS → cube root → Lab.
_RGB_TO_LMS = np.array(
    [
        [0.4122214708, 0.5363325363, 0.0514459929],
        [0.2119034982, 0.6806995451, 0.1073969566],
        [0.0883024619, 0.2817188376, 0.6299787005],
    ]
)
_LMS_TO_OKLAB = np.array(
    [
        [0.2104542553, 0.7936177850, -0.0040720468],
        [1.9779984951, -2.4285922050, 0.4505937099],
        [0.0259040371, 0.7827717662, -0.8086757660],
    ]
)


def _apply_matrix(values: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """``values @ matrix.T`` over the last axis, written out: BLAS is slow on N×3 arrays."""
    return np.stack(
        [values[..., 0] * row[0] + values[..., 1] * row[1] + values[..., 2] * row[2] for row in matrix],
        axis=-1,
    )


def _as_unit_rgb(rgb) -> np.ndarray:
    """uint8 (0–255) or float (0–1) RGB as float64 in [0, 1]."""
    array = np.asarray(rgb)
    if array.shape[-1:] != (3,):
        raise ValueError(f"colours must have 3 channels (R, G, B) in the last axis; got {array.shape}.")
    if array.dtype == np.uint8:
        return array / 255.0
    return np.clip(array.astype(np.float64), 0.0, 1.0)


def srgb_to_linear(rgb) -> np.ndarray:
    """Undo the sRGB transfer curve (IEC 61966-2-1).

    Kept: skimage has no public transfer curve; colour-science's ``cctf_decoding(.., "sRGB")``
    gives the same values (max |Δ| 0) but takes 2–4× the time (3.0 vs 6.3 ms on 100 000 colours,
    4.8 vs 10.8 ms on a 512² photo), and this runs under every :func:`rgb_to_lab` (measured by
    ``python -m engine bench color``).

    Parameters
    ----------
    rgb : array_like, shape (..., 3)
        uint8 in 0–255, or float in [0, 1] (clipped to it).

    Returns
    -------
    ndarray, shape (..., 3), float64
        Linear-light RGB in [0, 1].
    """
    c = _as_unit_rgb(rgb)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(linear) -> np.ndarray:
    """Apply the sRGB transfer curve.

    Kept: colour-science's ``cctf_encoding(.., "sRGB")`` gives the same values (max |Δ| 0) but
    takes 1.4–2.5× the time (1.5 vs 2.2 ms on 100 000 colours, 4.2 vs 7.9 ms on a 512² photo;
    ``bench color``).

    Parameters
    ----------
    linear : array_like, shape (..., 3), float
        Linear-light RGB; clipped to [0, 1] first.

    Returns
    -------
    ndarray, shape (..., 3), float64
        Gamma-encoded sRGB in [0, 1].
    """
    c = np.clip(np.asarray(linear, dtype=np.float64), 0.0, 1.0)
    return np.where(c <= 0.0031308, 12.92 * c, 1.055 * c ** (1 / 2.4) - 0.055)


def to_uint8(rgb_unit) -> np.ndarray:
    """Float RGB → 8-bit RGB, rounded to nearest.

    Kept: ``skimage.util.img_as_ubyte`` refuses floats outside [-1, 1], so it would need the same
    clip first; with it, equal outputs (max |Δ| 0 on floats in [-0.1, 1.1]) and 1.4–1.6× the time
    (0.73 vs 0.51 ms on 100 000 colours; ``bench color``).

    Parameters
    ----------
    rgb_unit : array_like, shape (..., 3), float
        RGB in [0, 1]; clipped to it first.

    Returns
    -------
    ndarray, shape (..., 3), uint8
        RGB in 0–255.
    """
    return np.round(np.clip(rgb_unit, 0.0, 1.0) * 255.0).astype(np.uint8)


def rgb_to_lab(rgb) -> np.ndarray:
    """sRGB → CIELAB (D65 white, 2° observer).

    Kept: ``skimage.color.rgb2lab`` differs by up to 4.9e-3 in L*a*b* (its sRGB→XYZ matrix has 6
    digits, ours the 7 of IEC 61966-2-1), which would move every palette, ΔE and recipe of a
    lesson beyond 1e-6; and it is no faster (5.1 vs 9.9 ms on 100 000 colours, 13.8 vs 15.9 ms on
    a 512² photo; ``bench color``).

    Parameters
    ----------
    rgb : array_like, shape (..., 3)
        uint8 in 0–255, or float in [0, 1] (clipped to it).

    Returns
    -------
    ndarray, shape (..., 3), float64
        L* in [0, 100], a* and b* roughly in [-128, 128].
    """
    xyz = _apply_matrix(srgb_to_linear(rgb), _RGB_TO_XYZ / _WHITE_D65[:, None])
    # The cube root is the expensive part; only pixels above the knee need it.
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16.0 / 116.0)
    lab = np.empty_like(f)
    lab[..., 0] = 116.0 * f[..., 1] - 16.0
    lab[..., 1] = 500.0 * (f[..., 0] - f[..., 1])
    lab[..., 2] = 200.0 * (f[..., 1] - f[..., 2])
    return lab


def lab_to_rgb(lab) -> np.ndarray:
    """CIELAB (D65) → sRGB.

    Kept: the inverse of :func:`rgb_to_lab` with the same matrix; ``skimage.color.lab2rgb``
    differs by up to 3.6e-5 (its matrix), at about the same speed (0.6–1.2×, noisy;
    ``bench color``).

    Parameters
    ----------
    lab : array_like, shape (..., 3), float
        L* in [0, 100], a*, b* as :func:`rgb_to_lab` gives them.

    Returns
    -------
    ndarray, shape (..., 3), float64
        sRGB in [0, 1]; colours outside the sRGB gamut are clipped.
    """
    lab = np.asarray(lab, dtype=np.float64)
    fy = (lab[..., 0] + 16.0) / 116.0
    f = np.stack([fy + lab[..., 1] / 500.0, fy, fy - lab[..., 2] / 200.0], axis=-1)
    xyz = np.where(f > 0.206893, f**3, (f - 16.0 / 116.0) / 7.787) * _WHITE_D65
    return linear_to_srgb(_apply_matrix(xyz, _XYZ_TO_RGB))


def rgb_to_oklab(rgb) -> np.ndarray:
    """sRGB → Oklab (Ottosson 2020).

    Kept: skimage has no Oklab; colour-science (``sRGB_to_XYZ`` then ``XYZ_to_Oklab``) goes
    through XYZ with other matrices, differs by up to 1.1e-4 and takes about 3× the time
    (5.4 vs 15.8 ms on 100 000 colours, 15.1 vs 44.3 ms on a 512² photo; ``bench color``).

    Parameters
    ----------
    rgb : array_like, shape (..., 3)
        uint8 in 0–255, or float in [0, 1] (clipped to it).

    Returns
    -------
    ndarray, shape (..., 3), float64
        L in [0, 1], a and b roughly in [-0.4, 0.4].
    """
    lms = np.cbrt(_apply_matrix(srgb_to_linear(rgb), _RGB_TO_LMS))
    return _apply_matrix(lms, _LMS_TO_OKLAB)


def oklab_to_rgb(oklab) -> np.ndarray:
    """Oklab → sRGB.

    Kept: the inverse of :func:`rgb_to_oklab`; colour-science differs by up to 3.5e-3 (its
    matrices, amplified near black by the sRGB curve) and takes about 3× the time (5.4 vs
    14.9 ms on 100 000 colours; ``bench color``).

    Parameters
    ----------
    oklab : array_like, shape (..., 3), float
        L in [0, 1], a, b as :func:`rgb_to_oklab` gives them.

    Returns
    -------
    ndarray, shape (..., 3), float64
        sRGB in [0, 1]; colours outside the sRGB gamut are clipped.
    """
    lms = _apply_matrix(np.asarray(oklab, dtype=np.float64), np.linalg.inv(_LMS_TO_OKLAB))
    return linear_to_srgb(_apply_matrix(lms**3, np.linalg.inv(_RGB_TO_LMS)))


def hsv_to_rgb(hsv) -> np.ndarray:
    """HSV → sRGB (the hexcone model, as :func:`colorsys.hsv_to_rgb`): wraps ``skimage.color.hsv2rgb``.

    Measured (``python -m engine bench color``): identical outputs (max |Δ| 0), speed within
    noise of the hand-written version it replaces. skimage's hue must lie in [0, 1) (a hue of
    -0.25 comes out as 0.0, not 0.75), so the hue is wrapped first.

    Parameters
    ----------
    hsv : array_like, shape (..., 3), float
        Hue in [0, 1) (a full turn; values wrap), saturation and value in [0, 1].

    Returns
    -------
    ndarray, shape (..., 3), float64
        sRGB in [0, 1].
    """
    from skimage.color import hsv2rgb

    hsv = np.array(hsv, dtype=np.float64)  # a copy: the hue is wrapped in place
    hsv[..., 0] %= 1.0
    return hsv2rgb(hsv)


# YIQ (NTSC 1953): Y is the Rec. 601 luma, I and Q carry the chroma. Linear in gamma-encoded
# sRGB, so separating luminance from chroma and putting them back costs two 3×3 products.
RGB_TO_YIQ = np.array([[0.299, 0.587, 0.114],
                       [0.596, -0.274, -0.322],
                       [0.211, -0.523, 0.312]])
YIQ_TO_RGB = np.linalg.inv(RGB_TO_YIQ)


def rgb_to_yiq(rgb) -> np.ndarray:
    """sRGB → YIQ.

    Kept: ``skimage.color.rgb2yiq`` uses other I and Q coefficients (the FCC-derived ones, not the
    1953 rounded ones here): up to 7.8e-4 apart, which would change the colour-preserving
    transfer's uint8 output; same speed, same float32 handling (``bench color``).

    Parameters
    ----------
    rgb : array_like, shape (..., 3)
        uint8 in 0–255, or float in [0, 1] (used as given, not clipped).

    Returns
    -------
    ndarray, shape (..., 3)
        Y (luma) in [0, 1], I in about ±0.60, Q in about ±0.52; float32 for float32
        input (what images use), float64 otherwise.
    """
    return _yiq_product(rgb, RGB_TO_YIQ.T)


def yiq_to_rgb(yiq) -> np.ndarray:
    """YIQ → sRGB in [0, 1] (out-of-gamut colours clipped).

    Kept: the inverse of :func:`rgb_to_yiq`; ``skimage.color.yiq2rgb`` (clipped) is up to
    2.0e-3 apart for the reason given there, at the same speed (``bench color``).

    Parameters
    ----------
    yiq : array_like, shape (..., 3), float
        Y in [0, 1], I and Q as :func:`rgb_to_yiq` gives them.

    Returns
    -------
    ndarray, shape (..., 3)
        sRGB in [0, 1], float32 for float32 input, float64 otherwise.
    """
    return np.clip(_yiq_product(yiq, YIQ_TO_RGB.T), 0.0, 1.0)


def luma(rgb) -> np.ndarray:
    """Rec. 601 luma, the Y of YIQ: how light a colour looks, cheaply.

    Kept: skimage's ``rgb2gray`` weighs by Rec. 709, not 601; ``rgb2yiq(..)[..., 0]`` gives the same
    values (max |Δ| 6e-8 in float32) but computes I and Q too: 4–5× the time (0.15 vs 0.65 ms on a
    512² float32 photo; ``bench color``).

    Parameters
    ----------
    rgb : array_like, shape (..., 3)
        uint8 in 0–255, or float in [0, 1].

    Returns
    -------
    ndarray, shape (...)
        Luma in [0, 1] (0 black, 1 white); float32 for float32 input, float64 otherwise.
    """
    return _yiq_product(rgb, RGB_TO_YIQ[0])


def _yiq_product(values, matrix: np.ndarray) -> np.ndarray:
    """``values @ matrix`` in the input's float precision; uint8 counts 255 as 1."""
    array = np.asarray(values)
    if array.shape[-1:] != (3,):
        raise ValueError(f"colours must have 3 channels in the last axis; got {array.shape}.")
    if array.dtype == np.uint8:
        return array.astype(np.float64) @ matrix / 255.0
    if array.dtype == np.float32:
        return array @ matrix.astype(np.float32)
    return array.astype(np.float64) @ matrix


def delta_e_ciede2000(lab1, lab2) -> np.ndarray:
    """CIEDE2000 colour difference (Sharma, Wu & Dalal 2005; kL = kC = kH = 1): wraps
    ``skimage.color.deltaE_ciede2000``.

    About 1 is a just-noticeable difference; 2–3 is what a careful painter sees between
    two mixed paints side by side. Measured against the hand-written formula it replaces
    (``python -m engine bench color``): max |Δ| ≤ 1e-13 ΔE00, skimage as fast or faster
    (0.75–1.0× the time on 100 000 pairs, a 512² picture and 20 000 × 24 palette blocks).

    Parameters
    ----------
    lab1, lab2 : array_like, shape (..., 3), float
        CIELAB colours; the leading shapes broadcast against each other.

    Returns
    -------
    ndarray, shape (...), float64
        ΔE00 ≥ 0 for each pair (0 for equal colours).
    """
    from skimage.color import deltaE_ciede2000

    # float64 in, so float64 out (skimage keeps float32 as float32)
    lab1, lab2 = np.asarray(lab1, dtype=np.float64), np.asarray(lab2, dtype=np.float64)
    return np.asarray(deltaE_ciede2000(lab1, lab2))


def unique_colors(image: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct colours of a picture, with how often each occurs.

    Packing RGB into one integer makes this a 1-D ``np.unique``, several times faster than
    ``np.unique(axis=0)``.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3), uint8
        The picture.

    Returns
    -------
    colors : ndarray, shape (K, 3), uint8
        Each distinct colour once, in increasing packed order.
    counts : ndarray, shape (K,), int
        Pixels of each colour (they sum to H·W).
    inverse : ndarray, shape (H, W), int
        Row of ``colors`` for every pixel: ``colors[inverse]`` is the picture again.
    """
    flat = image.reshape(-1, 3).astype(np.int32)
    packed = (flat[:, 0] << 16) | (flat[:, 1] << 8) | flat[:, 2]
    keys, inverse, counts = np.unique(packed, return_inverse=True, return_counts=True)
    colors = np.stack([(keys >> 16) & 255, (keys >> 8) & 255, keys & 255], axis=1).astype(np.uint8)
    return colors, counts, inverse.reshape(image.shape[:2])


def nearest_delta_e(image: np.ndarray, palette_rgb, *, chunk: int = 20000) -> np.ndarray:
    """Per pixel, the CIEDE2000 difference to its nearest palette colour.

    Computed once per distinct colour of the picture, in chunks to bound memory
    (``chunk`` × K pairs at a time).

    Parameters
    ----------
    image : ndarray, shape (H, W, 3), uint8
        The picture.
    palette_rgb : array_like, shape (K, 3), uint8
        Palette colours, K ≥ 1.
    chunk : int, optional
        Distinct colours compared at a time.

    Returns
    -------
    ndarray, shape (H, W), float64
        ΔE00 ≥ 0 to the nearest palette colour.

    Raises
    ------
    ValueError
        If the palette is empty.
    """
    colors, _, inverse = unique_colors(image)
    best = np.empty(len(colors))
    for start, block in palette_delta_e_blocks(colors, palette_rgb, chunk=chunk):
        best[start : start + len(block)] = block.min(axis=1)
    return best[inverse]


def palette_delta_e_blocks(colors, palette_rgb, *, chunk: int = 20000):
    """CIEDE2000 of distinct colours to every palette colour, ``chunk`` colours at a time.

    Parameters
    ----------
    colors : array_like, shape (N, 3), uint8
        Colours (e.g. the distinct colours of :func:`unique_colors`).
    palette_rgb : array_like, shape (K, 3), uint8
        Palette colours, K ≥ 1.
    chunk : int, optional
        Colours per block (bounds memory to ``chunk`` × K pairs).

    Yields
    ------
    start : int
        Index of the block's first colour.
    block : ndarray, shape (≤ chunk, K), float64
        ΔE00 ≥ 0 of those colours to each palette colour.

    Raises
    ------
    ValueError
        If the palette is empty.
    """
    palette_lab = rgb_to_lab(np.asarray(palette_rgb, dtype=np.uint8).reshape(-1, 3))
    if len(palette_lab) == 0:
        raise ValueError("the palette is empty.")
    colors_lab = rgb_to_lab(np.asarray(colors, dtype=np.uint8).reshape(-1, 3))
    for start in range(0, len(colors_lab), chunk):
        yield start, delta_e_ciede2000(colors_lab[start : start + chunk, None, :], palette_lab[None, :, :])


def mean_palette_delta_e(image: np.ndarray, palette_rgb) -> float:
    """How well a palette covers a picture: the mean CIEDE2000 to the nearest palette colour.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3), uint8
        The picture.
    palette_rgb : array_like, shape (K, 3), uint8
        Palette colours, K ≥ 1.

    Returns
    -------
    float
        Mean ΔE00 over all pixels (0 when every pixel is a palette colour).
    """
    return float(nearest_delta_e(image, palette_rgb).mean())


# --- A Euclidean stand-in for CIEDE2000 ---------------------------------------------
# k-means needs a space where straight-line distance tracks the error we are judged by.
# CIEDE2000 divides lightness steps by S_L(L) and chroma steps by S_C = 1 + 0.045·C and
# stretches a* near grey (the G term). Integrating 1/S_L along L and 1/S_C along C gives
# coordinates whose small steps match CIEDE2000's; hue arcs then come out within ~5 %.
_L_GRID = np.linspace(0.0, 100.0, 1001)
_S_L = 1.0 + 0.015 * (_L_GRID - 50.0) ** 2 / np.sqrt(20.0 + (_L_GRID - 50.0) ** 2)
_L_WARPED = np.concatenate(
    [[0.0], np.cumsum((1.0 / _S_L[1:] + 1.0 / _S_L[:-1]) / 2.0 * np.diff(_L_GRID))]
)
_CHROMA_K = 0.045


def _grey_stretch(chroma: np.ndarray) -> np.ndarray:
    c7 = chroma**7
    return 1.0 + 0.5 * (1.0 - np.sqrt(c7 / (c7 + 25.0**7)))


def lab_to_delta_e_space(lab) -> np.ndarray:
    """CIELAB → coordinates where Euclidean distance ≈ CIEDE2000 for nearby colours.

    Parameters
    ----------
    lab : array_like, shape (..., 3), float
        CIELAB colours.

    Returns
    -------
    ndarray, shape (..., 3), float64
        Warped lightness (0–75 for L* 0–100) and compressed, grey-stretched chroma
        axes (about ±40 in the sRGB gamut); for small steps a distance of 1 is about
        1 ΔE00.
    """
    lab = np.asarray(lab, dtype=np.float64)
    a = lab[..., 1] * _grey_stretch(np.hypot(lab[..., 1], lab[..., 2]))
    b = lab[..., 2]
    chroma = np.hypot(a, b)
    # radius / chroma, written so that grey (chroma 0) needs no special case
    scale = np.log1p(_CHROMA_K * chroma) / (_CHROMA_K * np.maximum(chroma, 1e-12))
    return np.stack(
        [np.interp(lab[..., 0], _L_GRID, _L_WARPED), a * scale, b * scale], axis=-1
    )


def delta_e_space_to_lab(coords) -> np.ndarray:
    """Inverse of :func:`lab_to_delta_e_space`.

    Parameters
    ----------
    coords : array_like, shape (..., 3), float
        Coordinates from :func:`lab_to_delta_e_space`.

    Returns
    -------
    ndarray, shape (..., 3), float64
        CIELAB colours (to 1e-3 ΔE after the fixed-point steps).
    """
    coords = np.asarray(coords, dtype=np.float64)
    radius = np.hypot(coords[..., 1], coords[..., 2])
    scale = np.expm1(_CHROMA_K * radius) / (_CHROMA_K * np.maximum(radius, 1e-12))
    a_stretched, b = coords[..., 1] * scale, coords[..., 2] * scale
    a = a_stretched / 1.5  # the stretch lies in [1, 1.5]; a few fixed-point steps settle it
    for _ in range(30):
        a = a_stretched / _grey_stretch(np.hypot(a, b))
    lightness = np.interp(coords[..., 0], _L_WARPED, _L_GRID)
    return np.stack([lightness, a, b], axis=-1)


def rgb_to_delta_e_space(rgb) -> np.ndarray:
    """sRGB → :func:`lab_to_delta_e_space` coordinates (what palettes are clustered in).

    Parameters
    ----------
    rgb : array_like, shape (..., 3)
        uint8 in 0–255, or float in [0, 1] (clipped to it).

    Returns
    -------
    ndarray, shape (..., 3), float64
        As :func:`lab_to_delta_e_space`.
    """
    return lab_to_delta_e_space(rgb_to_lab(rgb))
