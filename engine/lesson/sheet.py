"""Paint-by-numbers sheet: outlined regions, each labelled with its palette number.

From the quantised picture: borders are smoothed with a majority filter, regions
smaller than ``min_area`` are merged into their nearest neighbour (they could not be
painted nor numbered), each region gets its number at the point farthest from its
border (the maximum of a distance transform, so the label is always inside the region
and the font fits the room there), and outlines are traced as sub-pixel contours.
The SVG has the picture's pixel size as user units, with the numbered colour key below.

The sheet is laid out for paper: printed with its longer side :data:`PRINT_LONG_SIDE_MM`
long (an A4 or Letter page less its margins), every number is at least
:data:`MIN_PRINT_PT` tall (regions too narrow to hold one join their neighbour) and
the key's lettering :data:`KEY_PT`, whatever the picture's size in pixels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

import numpy as np
from scipy import ndimage

from engine.color.names import plain_words
from engine.color.ink import dark_ink, ink_for
from engine.regions import boundary_mask, connected_regions, inside_distance, merge_small_regions, mode_filter, odd_window

#: Length of the sheet's longer side on paper (mm): what the lesson's print page gives it.
PRINT_LONG_SIDE_MM = 170.0
#: Smallest and largest number on paper, and the key's lettering (typographic points).
MIN_PRINT_PT, MAX_PRINT_PT, KEY_PT = 7.0, 16.0, 9.0
MM_PER_PT = 25.4 / 72.0
OUTLINE = "#6b6b6b"


def px_per_pt(shape: tuple[int, int], print_long_side_mm: float = PRINT_LONG_SIDE_MM) -> float:
    """Picture pixels per typographic point when a picture of ``shape`` prints with its
    longer side ``print_long_side_mm`` long."""
    return max(shape) / (print_long_side_mm / MM_PER_PT)


@dataclass
class Sheet:
    """A paint-by-numbers sheet.

    Attributes
    ----------
    palette : engine.lesson.palette.Palette
        The colours the numbers refer to (number = palette index + 1).
    labels : ndarray, shape (H, W), int32
        Palette index of each pixel after simplification.
    regions : ndarray, shape (H, W), int32
        Region id ``0…n-1`` of each pixel.
    region_colors : ndarray, shape (n,), int32
        Palette index of each region.
    label_points : ndarray, shape (n, 2), int32
        ``(row, col)`` where each region's number goes: its point farthest from a border.
    font_sizes : ndarray, shape (n,), float
        Font size of each number in picture pixels: 7–16 pt on paper.
    px_per_pt : float
        Picture pixels per point on paper (:func:`px_per_pt`).
    """

    palette: object
    labels: np.ndarray = field(repr=False)
    regions: np.ndarray = field(repr=False)
    region_colors: np.ndarray = field(repr=False)
    label_points: np.ndarray = field(repr=False)
    font_sizes: np.ndarray = field(repr=False)
    px_per_pt: float = 1.0

    @property
    def region_count(self) -> int:
        """Number of regions to paint.

        Returns
        -------
        int
            ``n``, the length of :attr:`region_colors`.
        """
        return len(self.region_colors)

    def preview(self) -> np.ndarray:
        """The simplified picture in palette colours, region outlines in grey.

        Returns
        -------
        ndarray, shape (H, W, 3), uint8
            What the finished sheet looks like when painted.
        """
        picture = self.palette.render(self.labels).copy()
        picture[boundary_mask(self.regions)] = (107, 107, 107)
        return picture

    def svg(self, *, colored: bool = False, key: bool = True) -> str:
        """The sheet as an SVG document, in the picture's pixel units.

        Parameters
        ----------
        colored : bool, optional
            Fill the regions with their colours (numbers on dark paint turn white).
        key : bool, optional
            Add the numbered colour key below the picture.

        Returns
        -------
        str
            SVG text: outlines, numbers and (with ``key``) the key.
        """
        return _sheet_svg(self, colored=colored, key=key)


def make_sheet(labels: np.ndarray, palette, *, min_area: int | None = None, smoothing: int | None = None,
               print_long_side_mm: float = PRINT_LONG_SIDE_MM) -> Sheet:
    """Paint-by-numbers sheet from a quantised label image (``palette.quantize(picture)``).

    Parameters
    ----------
    labels : array_like, shape (H, W), int in [0, len(palette))
        Palette index of each pixel.
    palette : engine.lesson.palette.Palette
        The colours.
    min_area : int ≥ 1, optional
        Smallest region kept, in pixels (default 1/2000 of the picture, at least 12):
        smaller ones join their nearest neighbour.
    smoothing : int, optional
        Majority-filter window for the borders in pixels (default about 1/150 of the
        longer side, at least 3, and at least the smallest numbered region's width;
        1 turns smoothing off).
    print_long_side_mm : float, optional
        Length of the printed sheet's longer side: numbers are sized for it (≥ 7 pt), and
        regions too narrow for such a number join their nearest neighbour.

    Returns
    -------
    Sheet
        Regions, their colours, and where and how large to write each number.

    Raises
    ------
    ValueError
        If ``labels`` is not a non-empty H×W array of indices into ``palette``, or
        ``min_area`` is below 1.
    """
    labels = np.asarray(labels, dtype=np.int32)
    if labels.ndim != 2 or labels.size == 0:
        raise ValueError(f"labels must be a non-empty H×W array; got shape {labels.shape}.")
    if labels.min() < 0 or labels.max() >= len(palette):
        raise ValueError(f"labels must lie in 0…{len(palette) - 1} for this palette.")
    if min_area is None:
        min_area = max(12, labels.size // 2000)
    if min_area < 1:
        raise ValueError(f"min_area must be at least 1 px; got {min_area}.")
    scale = px_per_pt(labels.shape, print_long_side_mm)
    min_font, max_font = MIN_PRINT_PT * scale, MAX_PRINT_PT * scale
    min_radius = _radius_for(min_font, len(str(len(palette))))
    if smoothing is None:
        # Smooth at the scale of the smallest numbered region: the picture's texture then
        # becomes shapes worth a number instead of slivers that would all be merged away.
        smoothing = max(odd_window(max(labels.shape) / 150), odd_window(2 * min_radius))
    simplified = mode_filter(labels, smoothing, len(palette)) if smoothing > 1 else labels.copy()
    simplified = merge_small_regions(simplified, min_area, min_radius=min_radius)
    regions, count = connected_regions(simplified)
    index = np.arange(count)

    # Distance to the nearest border (or picture edge): its maximum is the roomiest
    # point of each region, and its value there is the radius a label may use.
    distance = inside_distance(regions)
    points = np.array(ndimage.maximum_position(distance, regions, index), dtype=np.int32).reshape(-1, 2)
    radius = distance[points[:, 0], points[:, 1]]
    region_colors = simplified[points[:, 0], points[:, 1]]
    digits = np.array([len(str(c + 1)) for c in region_colors])
    fonts = np.clip(2.0 * radius / _BOX_PER_FONT(digits), min_font, max_font)
    return Sheet(palette, simplified, regions, region_colors, points, fonts, scale)


def _BOX_PER_FONT(digits):
    """A number's box is ~0.6·size wide per digit and ~0.75·size tall: the circle it fits
    in has this diameter per unit of font size."""
    return np.hypot(0.6 * np.asarray(digits), 0.75)


def _radius_for(font: float, digits: int) -> float:
    """Radius (px) of the circle a ``digits``-digit number of size ``font`` px fits in."""
    return float(font * _BOX_PER_FONT(digits) / 2.0)


def _region_paths(regions: np.ndarray, count: int) -> list[str]:
    """SVG path data tracing each region's outline (holes included, even-odd fill)."""
    from skimage.measure import find_contours

    paths = []
    for region, box in enumerate(ndimage.find_objects(regions + 1, max_label=count)):
        top, left = box[0].start - 1, box[1].start - 1
        mask = np.pad(regions[box] == region, 1).astype(np.float32)
        parts = []
        for contour in find_contours(mask, 0.5):
            contour = _drop_collinear(contour)
            coords = " ".join(f"{x + left:.1f},{y + top:.1f}" for y, x in contour)
            parts.append(f"M{coords}Z")
        paths.append("".join(parts))
    return paths


def _drop_collinear(points: np.ndarray) -> np.ndarray:
    """Keep only the corners of a contour; neighbouring regions share exact borders still."""
    if len(points) < 3:
        return points
    before, after = points[1:-1] - points[:-2], points[2:] - points[1:-1]
    turn = np.abs(before[:, 0] * after[:, 1] - before[:, 1] * after[:, 0]) > 1e-9
    return np.concatenate([points[:1], points[1:-1][turn], points[-1:]])


def _sheet_svg(sheet: Sheet, *, colored: bool, key: bool) -> str:
    height, width = sheet.regions.shape
    palette = sheet.palette
    used = sorted(set(int(c) for c in sheet.region_colors))
    key_font = KEY_PT * sheet.px_per_pt
    # A key entry (swatch, number, name, hex) is about 24 key letters wide.
    columns = max(1, min(4, int(width // (24 * key_font))))
    key_rows = -(-len(used) // columns) if key else 0
    key_top = height + round(1.5 * key_font)
    total_height = key_top + key_rows * round(2.2 * key_font) + round(key_font) if key else height
    stroke = max(0.5, max(width, height) / 1000)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{total_height}" '
        f'viewBox="0 0 {width} {total_height}" font-family="Helvetica, Arial, sans-serif">',
        f'<rect width="{width}" height="{total_height}" fill="#ffffff"/>',
        '<g fill-rule="evenodd" stroke-linejoin="round">',
    ]
    for region, path in enumerate(_region_paths(sheet.regions, sheet.region_count)):
        fill = palette[int(sheet.region_colors[region])].hex if colored else "none"
        out.append(f'<path d="{path}" fill="{fill}" stroke="{OUTLINE}" stroke-width="{stroke:.2f}"/>')
    out.append("</g>")
    out.append('<g text-anchor="middle" dominant-baseline="central" fill="#404040">')
    light = dark_ink(palette.rgb)
    for (row, col), size, color in zip(sheet.label_points, sheet.font_sizes, sheet.region_colors):
        ink = "" if not colored or light[color] else ' fill="#ffffff"'  # readable on dark paint
        out.append(f'<text x="{col + 0.5}" y="{row + 0.5}" font-size="{size:.1f}"{ink}>{int(color) + 1}</text>')
    out.append("</g>")
    if key:
        out.append(_key_svg(palette, used, columns, width, key_top, key_font))
    out.append("</svg>")
    return "\n".join(out)


def _key_svg(palette, used: list[int], columns: int, width: int, top: int, font: float) -> str:
    column_width = width / columns
    rows = -(-len(used) // columns)
    row, swatch_w, swatch_h = 2.2 * font, 2.5 * font, 1.7 * font
    out = [f'<g font-size="{font:.2f}">']
    for i, index in enumerate(used):
        color = palette[index]
        x = (i // rows) * column_width + 0.3 * font
        y = top + (i % rows) * row
        ink = ink_for(color.rgb)
        out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{swatch_w:.1f}" height="{swatch_h:.1f}" fill="{color.hex}" '
                   f'stroke="#444444" stroke-width="{font / 20:.2f}"/>')
        out.append(
            f'<text x="{x + swatch_w / 2:.1f}" y="{y + swatch_h / 2:.1f}" text-anchor="middle" dominant-baseline="central" '
            f'font-weight="bold" fill="{ink}">{color.number}</text>'
        )
        out.append(
            f'<text x="{x + swatch_w + 0.5 * font:.1f}" y="{y + swatch_h / 2:.1f}" dominant-baseline="central">'
            f"{escape(plain_words(color.name))} {color.hex}</text>"
        )
    out.append("</g>")
    return "\n".join(out)
