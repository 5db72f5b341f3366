"""The paints of a picture: a numbered palette of named colours with their share of the canvas.

``extract`` clusters the picture's colours in a perceptual space (CIELAB warped so that
straight-line distance follows CIEDE2000, see :mod:`engine.color.spaces`), so the
palette spends its colours where the eye sees differences. A picture with no more
distinct colours than asked gets exactly its own colours. Colours are numbered by
share, 1 = the colour covering most of the canvas; those numbers are what the painting
steps and the paint-by-numbers sheet refer to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from engine.color.names import palette_names, plain_words
from engine.color.spaces import (
    delta_e_ciede2000,
    delta_e_space_to_lab,
    lab_to_rgb,
    rgb_to_delta_e_space,
    rgb_to_lab,
    to_uint8,
    unique_colors,
)
from engine.imageio import as_rgb_uint8
from engine.color.kmeans import nearest_center, refine_medians, weighted_kmeans

MAX_COLORS_LIMIT = 256


@dataclass(frozen=True)
class PaletteColor:
    """One paint: ``number`` (1-based, by share), sRGB 0–255, ``#rrggbb``, painter's name, share 0–1.

    ``name`` comes from :func:`engine.color.names.palette_names` (``"warm mid brown"``);
    lessons made before it hold a CSS3 name (``"~sienna"``), which
    :func:`engine.color.names.plain_words` spells as words.
    """

    number: int
    rgb: tuple[int, int, int]
    hex: str
    name: str
    share: float

    def to_json(self) -> dict:
        """This colour as ``lesson.json`` stores it.

        Returns
        -------
        dict
            ``number`` (int ≥ 1), ``rgb`` (list of 3 ints 0–255), ``hex`` (``"#rrggbb"``),
            ``name`` (the painter's name, distinct within the palette) and ``share`` (0–1).
        """
        return {
            "number": self.number,
            "rgb": list(self.rgb),
            "hex": self.hex,
            "name": self.name,
            "share": self.share,
        }


class Palette(Sequence):
    """Numbered colours ordered by share; maps pictures to and from palette indices.

    ``palette[i]`` is colour number ``i + 1``; label images hold the 0-based index.
    """

    def __init__(self, colors: Sequence[PaletteColor]):
        self.colors = tuple(colors)
        if not self.colors:
            raise ValueError("a palette needs at least one colour.")

    def __getitem__(self, index):
        return self.colors[index]

    def __len__(self) -> int:
        return len(self.colors)

    def __repr__(self) -> str:
        return f"Palette({', '.join(f'{c.number}:{c.hex}' for c in self.colors)})"

    @cached_property
    def rgb(self) -> np.ndarray:
        """The colours in palette order.

        Returns
        -------
        ndarray, shape (K, 3), uint8
            sRGB 0–255; row ``i`` is colour number ``i + 1``.
        """
        return np.array([c.rgb for c in self.colors], dtype=np.uint8)

    @cached_property
    def lab(self) -> np.ndarray:
        """The colours in CIELAB.

        Returns
        -------
        ndarray, shape (K, 3), float64
            L* 0–100, a*, b* (D65).
        """
        return rgb_to_lab(self.rgb)

    @property
    def shares(self) -> np.ndarray:
        """Share of the canvas each colour covers.

        Returns
        -------
        ndarray, shape (K,), float64
            Fractions in [0, 1], summing to 1 for an extracted palette, largest first.
        """
        return np.array([c.share for c in self.colors])

    def quantize(self, image) -> np.ndarray:
        """The nearest palette colour (by CIEDE2000) of every pixel.

        Parameters
        ----------
        image : array_like
            The picture, anything :func:`engine.imageio.as_rgb_uint8` takes.

        Returns
        -------
        ndarray, shape (H, W), int32
            0-based palette index per pixel.
        """
        image = as_rgb_uint8(image)
        colors, _, inverse = unique_colors(image)
        return self._assign(colors)[inverse]

    def _assign(self, colors: np.ndarray) -> np.ndarray:
        index, _ = nearest_center(rgb_to_delta_e_space(colors), rgb_to_delta_e_space(self.rgb))
        return index.astype(np.int32)

    def render(self, labels) -> np.ndarray:
        """The picture painted with palette colours from a label image.

        Parameters
        ----------
        labels : array_like of int, shape (H, W)
            0-based palette indices.

        Returns
        -------
        ndarray, shape (H, W, 3), uint8
            The palette colour of every pixel.

        Raises
        ------
        ValueError
            If a label lies outside ``0…K-1``.
        """
        labels = np.asarray(labels)
        if labels.size and (labels.min() < 0 or labels.max() >= len(self)):
            raise ValueError(f"labels must lie in 0…{len(self) - 1} for a {len(self)}-colour palette.")
        return self.rgb[labels]

    def describe(self, numbers: Sequence[int]) -> str:
        """Plain words for some colours, as the steps print them.

        Parameters
        ----------
        numbers : sequence of int
            Colour numbers (1-based).

        Returns
        -------
        str
            For example ``"3 (dark slate gray) and 7 (~sienna)"``; ``""`` for none.
        """
        parts = [f"{n} ({plain_words(self.colors[n - 1].name)})" for n in numbers]
        if len(parts) <= 1:
            return "".join(parts)
        return ", ".join(parts[:-1]) + " and " + parts[-1]

    def to_json(self) -> dict:
        """The palette as ``lesson.json`` stores it.

        Returns
        -------
        dict
            ``{"colors": [PaletteColor.to_json(), ...]}`` in palette order.
        """
        return {"colors": [c.to_json() for c in self.colors]}

    @classmethod
    def from_json(cls, payload: dict) -> Palette:
        """The palette back from :meth:`to_json`'s output.

        Parameters
        ----------
        payload : dict
            ``{"colors": [...]}``; a colour without ``number`` gets its position + 1.

        Returns
        -------
        Palette
        """
        return cls(
            PaletteColor(
                number=int(c.get("number", i + 1)),
                rgb=tuple(int(v) for v in c["rgb"]),
                hex=c["hex"],
                name=c["name"],
                share=float(c["share"]),
            )
            for i, c in enumerate(payload["colors"])
        )


def extract(
    image,
    max_colors: int = 24,
    *,
    merge_delta_e: float = 1.5,
    sample_pixels: int = 20000,
    seed: int = 0,
) -> Palette:
    """Palette of at most ``max_colors`` colours for a picture.

    Parameters
    ----------
    image : array_like
        The picture, anything :func:`engine.imageio.as_rgb_uint8` takes (RGB, grey, RGBA).
    max_colors : int, optional
        Most colours, 1–256.
    merge_delta_e : float, optional
        Clustered colours closer than this CIEDE2000 become one paint (1–2 is about what
        a painter can tell apart).
    sample_pixels : int, optional
        Pixels the clustering sees (≥ ``max_colors``); all pixels are assigned afterwards.
    seed : int, optional
        Seed of the clustering; the same input and seed always give the same palette.

    Returns
    -------
    Palette
        Colours numbered by share of the canvas (1 = largest), named. A picture with at
        most ``max_colors`` distinct colours gets exactly its own colours.

    Raises
    ------
    ValueError
        If ``max_colors`` or ``sample_pixels`` is out of range, or ``image`` is no image.
    """
    return extract_with_labels(
        image, max_colors, merge_delta_e=merge_delta_e, sample_pixels=sample_pixels, seed=seed
    )[0]


def extract_with_labels(
    image, max_colors: int = 24, *, merge_delta_e: float = 1.5, sample_pixels: int = 20000, seed: int = 0
) -> tuple[Palette, np.ndarray]:
    """:func:`extract` and the label image it computed on the way.

    Parameters
    ----------
    image, max_colors, merge_delta_e, sample_pixels, seed
        As for :func:`extract`.

    Returns
    -------
    palette : Palette
        As :func:`extract` returns it.
    labels : ndarray, shape (H, W), int32
        0-based palette index of every pixel (equal to ``palette.quantize(image)``).
    """
    if isinstance(max_colors, bool) or not isinstance(max_colors, (int, np.integer)):
        raise ValueError(f"max_colors must be a whole number; got {max_colors!r}.")
    if not 1 <= max_colors <= MAX_COLORS_LIMIT:
        raise ValueError(f"max_colors must be between 1 and {MAX_COLORS_LIMIT}; got {max_colors}.")
    if sample_pixels < max_colors:
        raise ValueError(f"sample_pixels must be at least max_colors ({max_colors}); got {sample_pixels}.")
    image = as_rgb_uint8(image)
    colors, counts, inverse = unique_colors(image)

    if len(colors) <= max_colors:
        # Few enough colours: the palette is the picture's own, exactly.
        centers_rgb, assignment = colors, np.arange(len(colors))
    else:
        centers_rgb = _cluster(colors, counts, inverse, max_colors, merge_delta_e, sample_pixels, seed)
        index, _ = nearest_center(rgb_to_delta_e_space(colors), rgb_to_delta_e_space(centers_rgb))
        assignment = index

    pixel_counts = np.bincount(assignment, weights=counts, minlength=len(centers_rgb))
    # Most-used first; lightness breaks ties so the order never depends on the clustering.
    lightness = rgb_to_lab(centers_rgb)[:, 0]
    order = np.lexsort((lightness, -pixel_counts))
    order = order[pixel_counts[order] > 0]
    relabel = np.full(len(centers_rgb), -1, dtype=np.int32)
    relabel[order] = np.arange(len(order), dtype=np.int32)

    total = int(counts.sum())
    ordered_rgb = centers_rgb[order]
    names = palette_names(ordered_rgb)  # painter's names, distinct within the palette
    palette = Palette(
        PaletteColor(
            number=i + 1,
            rgb=tuple(int(v) for v in rgb),
            hex="#{:02x}{:02x}{:02x}".format(*(int(v) for v in rgb)),
            name=names[i],
            share=float(pixel_counts[j]) / total,
        )
        for i, (j, rgb) in enumerate(zip(order, ordered_rgb))
    )
    labels = relabel[assignment][inverse]
    return palette, labels


def _cluster(colors, counts, inverse, k, merge_delta_e, sample_pixels, seed) -> np.ndarray:
    """Cluster centres (uint8 RGB) for a picture with more than ``k`` distinct colours."""
    rng = np.random.default_rng(seed)
    n_pixels = inverse.size
    # k-means and its median refinement on a pixel sample, aggregated per distinct colour
    # so repeated pixels cost nothing; every pixel is assigned afterwards.
    if n_pixels > sample_pixels:
        picked = inverse.ravel()[rng.choice(n_pixels, sample_pixels, replace=False)]
        sample_weights = np.bincount(picked, minlength=len(colors)).astype(np.float64)
    else:
        sample_weights = counts.astype(np.float64)
    in_sample = np.flatnonzero(sample_weights)
    points, weights = rgb_to_delta_e_space(colors[in_sample]), sample_weights[in_sample]
    centers = weighted_kmeans(points, weights, k, seed=seed, max_iter=25)
    centers = refine_medians(points, weights, centers)
    cluster_weights = np.bincount(nearest_center(points, centers)[0], weights=weights, minlength=len(centers))
    centers, weights = centers[cluster_weights > 0], cluster_weights[cluster_weights > 0]
    lab = _merge_near_duplicates(delta_e_space_to_lab(centers), weights, merge_delta_e)
    rgb = to_uint8(lab_to_rgb(lab))
    # Two clusters can round to the same 8-bit colour; keep one of each.
    _, first = np.unique(rgb, axis=0, return_index=True)
    return rgb[np.sort(first)]


def _merge_near_duplicates(lab: np.ndarray, weights: np.ndarray, threshold: float) -> np.ndarray:
    """Merge the closest pair of colours (weighted mean) while it is under ``threshold`` ΔE00."""
    lab, weights = lab.copy(), weights.astype(np.float64).copy()
    while len(lab) > 1:
        distance = delta_e_ciede2000(lab[:, None, :], lab[None, :, :])
        np.fill_diagonal(distance, np.inf)
        i, j = np.unravel_index(np.argmin(distance), distance.shape)
        if distance[i, j] >= threshold:
            break
        total = weights[i] + weights[j]
        lab[i] = (lab[i] * weights[i] + lab[j] * weights[j]) / total
        weights[i] = total
        lab, weights = np.delete(lab, j, axis=0), np.delete(weights, j)
    return lab
