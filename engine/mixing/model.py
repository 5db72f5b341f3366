"""Subtractive paint mixing: sRGB → reflectance spectrum → Kubelka–Munk mix → sRGB.

Each paint's masstone colour is turned into a plausible reflectance spectrum by
spectral upsampling (Mallett & Yuksel 2019, "Spectral Primary Decomposition for
Rendering with sRGB Reflectance", as implemented by ``colour-science``): the spectrum is
a non-negative blend of three basis spectra, lies in [0, 1] at every wavelength and
reproduces the sRGB colour exactly under D65. Paints are then mixed with two-constant
Kubelka–Munk theory, S known only relatively: per wavelength, K/S = (1 − R)² / 2R; the
mix's K/S is the mean of the paints' K/S weighted by parts × scattering (each paint's
scattering estimated from its lightness, :func:`scattering`); the mix's reflectance is
R = 1 + K/S − √((K/S)² + 2 K/S). The spectrum goes back to CIE XYZ (CIE 1931 2°, D65) and sRGB
through ``colour-science``. That is why blue and yellow make green here, not grey:
each absorbs what the other reflects.

Scattering from lightness is an estimate (real tinting strengths differ by brand and
pigment) and surface reflection is ignored; the model predicts mixes, not brands.
The Kubelka–Munk equations are the only colour science written here: ``colour-science``
has spectral upsampling and colorimetry but no paint mixing.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np

from engine.errors import InputError

MIN_SCATTERING = 0.05
# Reflectance is kept inside (0, 1): K/S is infinite at R = 0 and zero at R = 1.
_R_MIN, _R_MAX = 1e-4, 1.0 - 1e-6


@functools.lru_cache(maxsize=1)
def _colour():
    """Import ``colour`` once, without its warning that matplotlib is absent."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import colour
        import colour.recovery

    return colour


@functools.lru_cache(maxsize=1)
def _xyz_weights() -> np.ndarray:
    """``(W, 3)`` matrix taking a reflectance spectrum to CIE XYZ (Y of a perfect white = 1).

    Integration is linear in the spectrum, so ``colour``'s integration applied to the
    unit spectra gives the matrix; a product with it is then the same integration,
    fast enough for hundreds of thousands of mixes.
    """
    colour = _colour()
    basis = colour.recovery.MSDS_BASIS_FUNCTIONS_sRGB_MALLETT2019
    cmfs = colour.MSDS_CMFS["CIE 1931 2 Degree Standard Observer"]
    illuminant = colour.SDS_ILLUMINANTS["D65"]
    identity = np.eye(len(basis.wavelengths))
    with warnings.catch_warnings():  # it says it resamples the CMFs and D65 to 5 nm steps: intended
        warnings.simplefilter("ignore")
        xyz = colour.colorimetry.msds_to_XYZ_integration(identity, cmfs, illuminant, shape=basis.shape)
    return xyz / 100.0


def rgb_to_reflectance(rgb) -> np.ndarray:
    """Estimate reflectance spectra for sRGB colours (Mallett & Yuksel 2019).

    Parameters
    ----------
    rgb : array_like, shape (N, 3)
        sRGB colours, uint8 0–255.

    Returns
    -------
    ndarray, shape (N, W), float64
        Reflectance in (0, 1) at W = 81 wavelengths, 380–780 nm in 5 nm steps.
    """
    colour = _colour()
    rgb = np.asarray(rgb, dtype=np.uint8).reshape(-1, 3)
    linear = colour.cctf_decoding(rgb / 255.0, function="sRGB")
    spectra = [colour.recovery.RGB_to_sd_Mallett2019(value).values for value in linear]
    return np.clip(np.array(spectra).reshape(len(rgb), -1), _R_MIN, _R_MAX)


def reflectance_to_ks(reflectance) -> np.ndarray:
    """Kubelka–Munk absorption/scattering ratio K/S = (1 − R)² / 2R, same shape."""
    r = np.clip(reflectance, _R_MIN, _R_MAX)
    return (1.0 - r) ** 2 / (2.0 * r)


def ks_to_reflectance(ks) -> np.ndarray:
    """Inverse of :func:`reflectance_to_ks`: R = 1 + K/S − √((K/S)² + 2 K/S).

    Computed as the equal 1 / (1 + K/S + √(…)), which keeps its precision in float32
    for dark paints (large K/S), where the first form subtracts two near-equal numbers.
    """
    ks = np.asarray(ks)
    out = ks + 2.0
    out *= ks
    np.sqrt(out, out=out)
    out += ks
    out += 1.0
    return np.reciprocal(out, out=out)


def reflectance_to_rgb(reflectance) -> np.ndarray:
    """Reflectance spectra ``(..., W)`` → sRGB float ``(..., 3)`` in [0, 1] (D65, clipped)."""
    colour = _colour()
    reflectance = np.asarray(reflectance)
    xyz = reflectance @ _xyz_weights().astype(reflectance.dtype)
    return np.clip(colour.XYZ_to_sRGB(xyz), 0.0, 1.0)


def scattering(rgb) -> np.ndarray:
    """Relative scattering power S of paints, estimated from their masstone colours.

    One colour cannot tell absorption K from scattering S, only their ratio. Light
    pigments (titanium white, cadmiums, ochres) are opaque and scatter strongly; dark
    ones (phthalos, alizarin, umbers) are transparent and scatter little, so S is taken
    as the masstone's relative luminance Y, at least :data:`MIN_SCATTERING`. Without
    this (single-constant K–M, every S equal), K–M makes a dark paint as strong per part as white, and a
    light grey would take 100 parts of white to one of black.

    Parameters
    ----------
    rgb : array_like, shape (P, 3)
        Masstone colours, uint8.

    Returns
    -------
    ndarray, shape (P,), float64
        S in [MIN_SCATTERING, 1].
    """
    colour = _colour()
    linear = colour.cctf_decoding(np.asarray(rgb, dtype=np.uint8).reshape(-1, 3) / 255.0, function="sRGB")
    luminance = linear @ np.array([0.2126, 0.7152, 0.0722])
    return np.maximum(luminance, MIN_SCATTERING)


def mix_ks(ks, scatter, parts) -> np.ndarray:
    """K/S of mixes by two-constant Kubelka–Munk with S known only relatively.

    With K = (K/S)·S per paint, K_mix = Σ cᵢKᵢ and S_mix = Σ cᵢSᵢ, so the mix's K/S is
    the mean of the paints' K/S weighted by parts × scattering.

    Parameters
    ----------
    ks : ndarray, shape (P, W)
        K/S spectra of the paints.
    scatter : ndarray, shape (P,)
        Their relative scattering (:func:`scattering`).
    parts : array_like, shape (M, P)
        Parts of each paint in each of M mixes (by volume; rows need not sum to one).

    Returns
    -------
    ndarray, shape (M, W)
    """
    weights = np.asarray(parts, dtype=ks.dtype) * scatter.astype(ks.dtype)
    return (weights @ ks) / weights.sum(axis=1, keepdims=True)


def mix_rgb(paints_rgb, parts) -> np.ndarray:
    """The colour of one mix of paints.

    Parameters
    ----------
    paints_rgb : array_like, shape (P, 3)
        Masstone colours of the paints mixed, uint8.
    parts : array_like, shape (P,)
        Parts of each (any positive numbers; only proportions matter).

    Returns
    -------
    ndarray, shape (3,), uint8
        The predicted sRGB colour of the mix.
    """
    parts = np.asarray(parts, dtype=np.float64).reshape(1, -1)
    if parts.shape[1] != len(np.asarray(paints_rgb).reshape(-1, 3)) or np.any(parts <= 0):
        raise InputError("give one positive number of parts per paint.")
    ks = reflectance_to_ks(rgb_to_reflectance(paints_rgb))
    rgb = reflectance_to_rgb(ks_to_reflectance(mix_ks(ks, scattering(paints_rgb), parts)))[0]
    return np.round(rgb * 255.0).astype(np.uint8)
