"""Canvas sizes and the drawing grid for transferring the picture to the canvas.

The grid method: draw the same grid lightly on the canvas and on the reference, then
copy square by square. The grid is laid out in real units (cm or inches) for the
chosen canvas, so each square on the printout matches one square of the pencil grid.
Columns are numbered and rows lettered in a white margin, as on a map.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from engine.color.ink import dark_ink
from engine.imageio import as_rgb_uint8, resize

UNITS = ("cm", "in")
_CANVAS_RE = re.compile(
    r"^\s*(\d+(?:[.,]\d+)?)\s*[x×*]\s*(\d+(?:[.,]\d+)?)\s*(mm|cm|in|inch|inches|\")\s*$", re.IGNORECASE
)
_NICE_SPACINGS = {"cm": (1, 2, 2.5, 5, 10, 20, 25, 50, 100), "in": (0.5, 1, 2, 3, 4, 6, 12, 24)}
MAX_CANVAS = {"cm": 1000.0, "in": 400.0}


def parse_canvas(text: str) -> tuple[float, float, str]:
    """A canvas size written as width x height and a unit, as ``(width, height, unit)``.

    ``"40x30cm"`` → ``(40.0, 30.0, "cm")``; also ``"16 x 12 in"``, ``"40×30 cm"``,
    ``"12.5x10in"``, ``"12,5x10in"``. Millimetres are turned into centimetres (the grid is
    laid out in cm or inches): ``"400x300mm"`` → ``(40.0, 30.0, "cm")``.

    Raises ``ValueError`` with an example of the expected form.
    """
    match = _CANVAS_RE.match(str(text))
    if not match:
        raise ValueError(
            f"canvas size {text!r} not understood; write width x height and a unit (mm, cm or in), "
            "e.g. '40x30cm', '400x300mm' or '16x12in'."
        )
    width, height = (float(match.group(i).replace(",", ".")) for i in (1, 2))
    unit = match.group(3).lower()
    if unit == "mm":
        return check_canvas(width / 10, height / 10, "cm")
    return check_canvas(width, height, "cm" if unit == "cm" else "in")


def check_canvas(width: float, height: float, unit: str) -> tuple[float, float, str]:
    """Validate a canvas size; returns ``(width, height, unit)``."""
    if unit not in UNITS:
        raise ValueError(f"canvas unit must be 'cm' or 'in'; got {unit!r} (e.g. '40x30cm').")
    if not (0 < width <= MAX_CANVAS[unit] and 0 < height <= MAX_CANVAS[unit]):
        raise ValueError(
            f"canvas sides must be more than 0 and at most {MAX_CANVAS[unit]:g} {unit}; "
            f"got {width:g}x{height:g}{unit} (e.g. '40x30cm')."
        )
    return float(width), float(height), unit


def as_canvas(canvas) -> tuple[float, float, str]:
    """A canvas given as ``"40x30cm"`` or ``(width, height, unit)``."""
    if isinstance(canvas, str):
        return parse_canvas(canvas)
    try:
        width, height, unit = canvas
    except (TypeError, ValueError):
        raise ValueError(f"canvas must be like '40x30cm' or (40, 30, 'cm'); got {canvas!r}.") from None
    return check_canvas(float(width), float(height), str(unit))


def oriented_canvas(canvas, shape: tuple[int, int]) -> tuple[float, float, str]:
    """The canvas turned to the picture's orientation: a 40 × 30 cm canvas for an upright
    picture of ``shape`` = (H, W) px is 30 × 40 cm (a square canvas stays as it is)."""
    width, height, unit = as_canvas(canvas)
    if (height > width) != (shape[0] > shape[1]) and width != height:
        width, height = height, width
    return width, height, unit


def fit_margins(shape: tuple[int, int], width: float, height: float, *, fit: str = "crop") -> dict:
    """How :func:`fit_to_canvas` fits a picture of ``shape`` = (H, W) px to a ``width`` ×
    ``height`` canvas: px cut from (``"crop"``) or added to (``"pad"``) each side,
    ``{"top", "bottom", "left", "right"}``; all 0 when the shapes agree within 1 %."""
    if fit not in ("crop", "pad"):
        raise ValueError(f"fit must be 'crop' or 'pad'; got {fit!r}.")
    h, w = shape
    target = width / height
    margins = {"top": 0, "bottom": 0, "left": 0, "right": 0}
    if abs(w / h - target) / target < 0.01:
        return margins
    wider = w / h > target
    if fit == "crop":
        if wider:
            extra = w - max(1, round(h * target))
            margins.update(left=extra // 2, right=extra - extra // 2)
        else:
            extra = h - max(1, round(w / target))
            margins.update(top=extra // 2, bottom=extra - extra // 2)
    elif wider:
        extra = round(w / target) - h
        margins.update(top=extra // 2, bottom=extra - extra // 2)
    else:
        extra = round(h * target) - w
        margins.update(left=extra // 2, right=extra - extra // 2)
    return margins


def fit_to_canvas(image, width: float, height: float, *, fit: str = "crop") -> np.ndarray:
    """Make the picture's aspect ratio the canvas's (see :func:`fit_margins`).

    ``fit="crop"`` cuts the centre (the canvas is filled, edges of the picture are lost);
    ``fit="pad"`` adds white bands (the whole picture is kept).
    """
    image = as_rgb_uint8(image)
    h, w = image.shape[:2]
    m = fit_margins((h, w), width, height, fit=fit)
    if fit == "crop":
        return image[m["top"] : h - m["bottom"], m["left"] : w - m["right"]].copy()
    out = np.full((h + m["top"] + m["bottom"], w + m["left"] + m["right"], 3), 255, dtype=np.uint8)
    out[m["top"] : m["top"] + h, m["left"] : m["left"] + w] = image
    return out


def fit_picture(image, margins: dict, fit: str) -> np.ndarray:
    """The picture as it goes on the canvas, inside a dark frame (the canvas's edge): with
    ``"crop"`` the whole picture, the parts left off dimmed and hatched outside the frame;
    with ``"pad"`` the picture with its white bands added."""
    image = as_rgb_uint8(image)
    h, w = image.shape[:2]
    top, left, bottom, right = (margins[k] for k in ("top", "left", "bottom", "right"))
    if fit == "pad":
        out = np.full((h + top + bottom, w + left + right, 3), 255.0, dtype=np.float32)
        out[top : top + h, left : left + w] = image
        box = (0, 0, out.shape[0], out.shape[1])
    else:
        out = image.astype(np.float32)
        box = (top, left, h - bottom, w - right)
        outside = np.ones((h, w), dtype=bool)
        outside[box[0] : box[2], box[1] : box[3]] = False
        yy, xx = np.mgrid[:h, :w]
        hatch = ((yy + xx) // max(2, max(h, w) // 80)) % 2 == 0
        out[outside] = out[outside] * 0.35 + 255 * 0.65
        out[outside & hatch] *= 0.85
    picture = Image.fromarray(out.astype(np.uint8))
    line = max(2, max(out.shape[:2]) // 250)
    ImageDraw.Draw(picture).rectangle([box[1], box[0], box[3] - 1, box[2] - 1], outline=(20, 20, 20), width=line)
    return np.asarray(picture)


def nice_spacing(width: float, height: float, unit: str, *, max_cells: int = 10) -> float:
    """A round grid spacing giving at most ``max_cells`` squares along the longer side."""
    for spacing in _NICE_SPACINGS[unit]:
        if max(width, height) / spacing <= max_cells:
            return float(spacing)
    return float(_NICE_SPACINGS[unit][-1])


@dataclass
class DrawingGrid:
    """The gridded picture and its geometry (spacing in canvas units, counts of squares)."""

    image: np.ndarray = field(repr=False)
    canvas: tuple[float, float, str]
    spacing: float
    columns: int
    rows: int

    def to_json(self) -> dict:
        width, height, unit = self.canvas
        return {"spacing": self.spacing, "unit": unit, "columns": self.columns, "rows": self.rows}


def draw_grid(image, canvas="40x30cm", *, spacing: float | None = None, long_side: int = 1000) -> DrawingGrid:
    """The picture (already at the canvas's aspect ratio) with a grid of ``spacing`` units.

    ``long_side``: pixel size of the picture part of the output (for a sharp printout).
    """
    width, height, unit = as_canvas(canvas)
    if spacing is None:
        spacing = nice_spacing(width, height, unit)
    if not spacing > 0 or spacing > max(width, height):
        raise ValueError(f"grid spacing must be more than 0 and at most the canvas side; got {spacing!r} {unit}.")
    image = as_rgb_uint8(image)
    scale = long_side / max(width, height)  # px per canvas unit
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    picture = resize(image, size).copy()
    xs = np.arange(0.0, width + 1e-9, spacing) * scale
    ys = np.arange(0.0, height + 1e-9, spacing) * scale
    _draw_lines(picture, xs, ys)
    columns, rows = int(np.ceil(width / spacing - 1e-9)), int(np.ceil(height / spacing - 1e-9))
    return DrawingGrid(_add_margin_labels(picture, xs, ys), (width, height, unit), float(spacing), columns, rows)


def _draw_lines(picture: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> None:
    """Lines 2 px wide, black over light paint and white over dark, so they show everywhere."""
    h, w = picture.shape[:2]
    on_line = np.zeros((h, w), dtype=bool)
    for x in np.clip(np.round(xs).astype(int), 1, w - 1):
        on_line[:, x - 1 : x + 1] = True
    for y in np.clip(np.round(ys).astype(int), 1, h - 1):
        on_line[y - 1 : y + 1, :] = True
    pixels = picture[on_line]
    ink = np.where(dark_ink(pixels)[:, None], 0.0, 255.0)
    picture[on_line] = np.round(0.25 * pixels + 0.75 * ink).astype(np.uint8)


def _row_name(index: int) -> str:
    letters = string.ascii_uppercase
    return letters[index] if index < 26 else letters[index // 26 - 1] + letters[index % 26]


def _add_margin_labels(picture: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    # Printed about 17 cm across, a 1000 px picture's labels are then ~10 pt: readable at arm's length.
    margin = max(18, max(picture.shape[:2]) // 32)
    h, w = picture.shape[:2]
    sheet = Image.new("RGB", (w + margin, h + margin), "white")
    sheet.paste(Image.fromarray(picture), (margin, margin))
    draw = ImageDraw.Draw(sheet)
    try:
        font = ImageFont.load_default(size=int(margin * 0.7))
    except TypeError:  # pragma: no cover - old Pillow without scalable default font
        font = ImageFont.load_default()
    # a last, partial square (canvas not a multiple of the spacing) gets a label too
    edges_x = np.append(xs, w) if xs[-1] < w - 1 else xs
    edges_y = np.append(ys, h) if ys[-1] < h - 1 else ys
    for i, (a, b) in enumerate(zip(edges_x[:-1], edges_x[1:])):
        draw.text((margin + (a + b) / 2, margin / 2), str(i + 1), fill="black", font=font, anchor="mm")
    for i, (a, b) in enumerate(zip(edges_y[:-1], edges_y[1:])):
        draw.text((margin / 2, margin + (a + b) / 2), _row_name(i), fill="black", font=font, anchor="mm")
    return np.asarray(sheet)
