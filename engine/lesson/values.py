"""Value study (notan): the picture reduced to a few values of lightness.

Painters squint to see a motif as a handful of light and dark masses before colour;
this does it for them. Lightness is CIELAB L* (what the eye reads as value, unlike
the RGB mean). The levels are found by a one-dimensional k-means over the L* histogram
(started at evenly spaced quantiles, so it is deterministic and follows the picture,
not a fixed split), then the map is simplified with a majority filter so the study
shows masses rather than texture. Each level is drawn as an evenly spaced grey from
near-black to near-white: a notan exaggerates value contrast on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.color.kmeans import weighted_kmeans
from engine.color.spaces import rgb_to_lab, unique_colors
from engine.imageio import as_rgb_uint8
from engine.regions import mode_filter, odd_window

DARKEST, LIGHTEST = 24, 242  # grey levels of the darkest and lightest value


@dataclass
class ValueStudy:
    """A picture reduced to a few values of lightness (a notan).

    Attributes
    ----------
    levels : int
        Number of values, 1–9 (fewer than asked when the picture has fewer).
    labels : ndarray, shape (H, W), int32
        Value of each pixel, 0 = darkest.
    thresholds : list of float, length ``levels - 1``
        CIELAB L* (0–100) separating consecutive values.
    tones : list of int, length ``levels``
        Grey level (24–242) each value is drawn with, darkest first.
    """

    levels: int
    labels: np.ndarray = field(repr=False)
    thresholds: list[float]
    tones: list[int]

    @property
    def image(self) -> np.ndarray:
        """The study as a grey picture.

        Returns
        -------
        ndarray, shape (H, W, 3), uint8
            Each pixel in its value's tone.
        """
        grey = np.array(self.tones, dtype=np.uint8)[self.labels]
        return np.repeat(grey[:, :, None], 3, axis=2)

    def to_json(self) -> dict:
        """What ``lesson.json`` stores of the study.

        Returns
        -------
        dict
            ``levels``, ``thresholds`` (L*, rounded to 0.01) and ``tones``.
        """
        return {"levels": self.levels, "thresholds": [round(t, 2) for t in self.thresholds], "tones": self.tones}


def value_study(image, levels: int = 3, *, smoothing: int | None = None) -> ValueStudy:
    """Reduce a picture to a few values of lightness.

    Parameters
    ----------
    image : array_like
        The picture, anything :func:`engine.imageio.as_rgb_uint8` takes.
    levels : int, optional
        Values wanted, 2–9 (fewer come back when the picture has fewer lightnesses).
    smoothing : int, optional
        Majority-filter window in pixels (default about 1/100 of the longer side; 1 keeps
        every pixel's own value).

    Returns
    -------
    ValueStudy
        Labels of the picture's shape, thresholds in L* and the grey tones.

    Raises
    ------
    ValueError
        If ``levels`` is not a whole number from 2 to 9, or the picture is not an image.
    """
    if isinstance(levels, bool) or not isinstance(levels, (int, np.integer)) or not 2 <= levels <= 9:
        raise ValueError(f"levels must be a whole number from 2 to 9; got {levels!r}.")
    image = as_rgb_uint8(image)
    colors, counts, inverse = unique_colors(image)
    lightness = rgb_to_lab(colors)[:, 0]
    centers = _lightness_levels(lightness, counts.astype(np.float64), levels)
    thresholds = ((centers[1:] + centers[:-1]) / 2.0).tolist()
    labels = np.searchsorted(np.asarray(thresholds), lightness)[inverse].astype(np.int32)
    if smoothing is None:
        smoothing = odd_window(max(image.shape[:2]) / 100)
    if smoothing > 1 and len(centers) > 1:
        labels = mode_filter(labels, smoothing, len(centers))
    n = len(centers)
    if n == 1:
        tones = [int(round(np.clip(centers[0] / 100.0 * 255.0, DARKEST, LIGHTEST)))]
    else:
        tones = [int(round(v)) for v in np.linspace(DARKEST, LIGHTEST, n)]
    return ValueStudy(n, labels, thresholds, tones)


def _lightness_levels(values: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """Sorted centres of a weighted 1-D k-means (fewer than ``k`` if values run out).

    Values are binned to 0.1 first (L* steps far below what a painter can see), so the
    iterations run over at most ~1000 bins whatever the picture size; the start is the
    middle of ``k`` equal-weight slices of the histogram, so no randomness is involved.
    """
    bins = np.round(values * 10.0).astype(np.int64)
    mass = np.bincount(bins - bins.min(), weights=weights)
    present = np.flatnonzero(mass)
    values, weights = (present + bins.min()) / 10.0, mass[present]
    cumulative = np.cumsum(weights) / weights.sum()
    start = np.unique(values[np.searchsorted(cumulative, (np.arange(k) + 0.5) / k)])
    centers = weighted_kmeans(values[:, None], weights, len(start), init=start[:, None], max_iter=50)
    return np.unique(centers[:, 0])
