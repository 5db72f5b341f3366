"""Palette chart: a donut of colour shares around the picture, plus numbered named swatches.

One layout, two renderers: SVG (vector, for the web page and print) and PNG. The PNG is
drawn with Pillow (no matplotlib: it is not a dependency of the engine), supersampled
twice and reduced so wedge edges are smooth. Text is large (16 px at 1× in a
~1000 px wide chart) and black on white so the chart stays readable when printed in
grey.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass
from functools import lru_cache
from html import escape

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from engine.color.names import plain_words
from engine.color.ink import ink_for
from engine.imageio import as_rgb_uint8, encode_png, resize_long_side

DONUT_SIZE = 520  # px: the square holding the donut
OUTER_RADIUS = 240
INNER_RADIUS = 150
ROWS_PER_COLUMN = 12
ROW_HEIGHT = 40
SWATCH = 30
COLUMN_WIDTH = 330  # px per column of swatches, at least (longer names widen it)
FONT_SIZE = 16
MARGIN = 20
MIN_LABELLED_DEGREES = 9.0  # narrower wedges carry no number: it would not fit


@dataclass(frozen=True)
class _Wedge:
    number: int
    rgb: tuple[int, int, int]
    start: float  # degrees clockwise from 12 o'clock
    end: float


@dataclass(frozen=True)
class _Swatch:
    number: int
    rgb: tuple[int, int, int]
    x: int
    y: int
    text: str


@dataclass(frozen=True)
class _Layout:
    width: int
    height: int
    center: tuple[float, float]
    wedges: tuple[_Wedge, ...]
    swatches: tuple[_Swatch, ...]


def _layout(palette) -> _Layout:
    shares = np.array([c.share for c in palette], dtype=np.float64)
    shares = shares / shares.sum()
    bounds = np.concatenate([[0.0], np.cumsum(shares) * 360.0])
    wedges = tuple(
        _Wedge(c.number, c.rgb, float(bounds[i]), float(bounds[i + 1])) for i, c in enumerate(palette)
    )
    columns = max(1, math.ceil(len(palette) / ROWS_PER_COLUMN))
    rows = min(len(palette), ROWS_PER_COLUMN)
    texts = [f"{plain_words(c.name)}  {c.hex}  {c.share * 100:.1f}%" for c in palette]
    # Wide enough for the longest line: 0.62 em a character covers the sans-serif fonts a
    # browser may pick for the SVG (DejaVu Sans is the widest common one) and the PNG's.
    longest = 0.62 * FONT_SIZE * max(len(text) for text in texts)
    column_width = max(COLUMN_WIDTH, math.ceil(SWATCH + 22 + longest + MARGIN))
    swatches = tuple(
        _Swatch(
            c.number,
            c.rgb,
            DONUT_SIZE + MARGIN + (i // ROWS_PER_COLUMN) * column_width,
            MARGIN + (i % ROWS_PER_COLUMN) * ROW_HEIGHT,
            text,
        )
        for i, (c, text) in enumerate(zip(palette, texts))
    )
    width = DONUT_SIZE + MARGIN + columns * column_width
    height = max(DONUT_SIZE, 2 * MARGIN + rows * ROW_HEIGHT)
    return _Layout(width, height, (DONUT_SIZE / 2, height / 2), wedges, swatches)


def _point(center, radius, degrees):
    angle = math.radians(degrees - 90.0)
    return center[0] + radius * math.cos(angle), center[1] + radius * math.sin(angle)


def _picture(image, diameter: int):
    """Square centre crop of the picture, ``diameter`` px wide, or None."""
    if image is None:
        return None
    image = as_rgb_uint8(image)
    h, w = image.shape[:2]
    side = min(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    return resize_long_side(image[top : top + side, left : left + side], diameter)


def palette_chart_svg(palette, image=None) -> str:
    """The palette chart as a standalone SVG document.

    Parameters
    ----------
    palette : engine.lesson.palette.Palette
        The colours (numbers, RGB, names and shares of the canvas).
    image : array_like, optional
        The picture, shown in the donut's hole (embedded as PNG data); none if omitted.

    Returns
    -------
    str
        SVG text, ``DONUT_SIZE + MARGIN + 330`` px wide per column of 12 swatches, at
        least ``DONUT_SIZE`` px high; numbers on dark paint are white.
    """
    lay = _layout(palette)
    cx, cy = lay.center
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{lay.width}" height="{lay.height}" '
        f'viewBox="0 0 {lay.width} {lay.height}" font-family="Helvetica, Arial, sans-serif" '
        f'font-size="{FONT_SIZE}">',
        f'<rect width="{lay.width}" height="{lay.height}" fill="#ffffff"/>',
    ]
    for wedge in lay.wedges:
        fill = "#{:02x}{:02x}{:02x}".format(*wedge.rgb)
        if wedge.end - wedge.start >= 359.999:  # one colour: a full ring, arcs cannot do it
            out.append(
                f'<circle cx="{cx:.2f}" cy="{cy:.2f}" r="{(OUTER_RADIUS + INNER_RADIUS) / 2:.2f}" '
                f'fill="none" stroke="{fill}" stroke-width="{OUTER_RADIUS - INNER_RADIUS}"/>'
            )
        else:
            large = 1 if wedge.end - wedge.start > 180 else 0
            x0, y0 = _point(lay.center, OUTER_RADIUS, wedge.start)
            x1, y1 = _point(lay.center, OUTER_RADIUS, wedge.end)
            x2, y2 = _point(lay.center, INNER_RADIUS, wedge.end)
            x3, y3 = _point(lay.center, INNER_RADIUS, wedge.start)
            out.append(
                f'<path d="M{x0:.2f},{y0:.2f} A{OUTER_RADIUS},{OUTER_RADIUS} 0 {large} 1 {x1:.2f},{y1:.2f} '
                f'L{x2:.2f},{y2:.2f} A{INNER_RADIUS},{INNER_RADIUS} 0 {large} 0 {x3:.2f},{y3:.2f} Z" '
                f'fill="{fill}" stroke="#ffffff" stroke-width="1"/>'
            )
        if wedge.end - wedge.start >= MIN_LABELLED_DEGREES:
            tx, ty = _point(lay.center, (OUTER_RADIUS + INNER_RADIUS) / 2, (wedge.start + wedge.end) / 2)
            out.append(
                f'<text x="{tx:.2f}" y="{ty:.2f}" text-anchor="middle" dominant-baseline="central" '
                f'font-weight="bold" fill="{ink_for(wedge.rgb)}">{wedge.number}</text>'
            )
    picture = _picture(image, 2 * (INNER_RADIUS - 8))
    if picture is not None:
        r = INNER_RADIUS - 8
        data = base64.b64encode(encode_png(picture)).decode("ascii")
        out.append(f'<clipPath id="picture-clip"><circle cx="{cx:.2f}" cy="{cy:.2f}" r="{r}"/></clipPath>')
        out.append(
            f'<image x="{cx - r:.2f}" y="{cy - r:.2f}" width="{2 * r}" height="{2 * r}" '
            f'clip-path="url(#picture-clip)" href="data:image/png;base64,{data}"/>'
        )
    for s in lay.swatches:
        fill = "#{:02x}{:02x}{:02x}".format(*s.rgb)
        out.append(
            f'<rect x="{s.x}" y="{s.y}" width="{SWATCH + 12}" height="{SWATCH}" fill="{fill}" '
            f'stroke="#444444" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{s.x + (SWATCH + 12) / 2}" y="{s.y + SWATCH / 2}" text-anchor="middle" '
            f'dominant-baseline="central" font-weight="bold" fill="{ink_for(s.rgb)}">{s.number}</text>'
        )
        out.append(
            f'<text x="{s.x + SWATCH + 22}" y="{s.y + SWATCH / 2}" dominant-baseline="central" '
            f'fill="#000000">{escape(s.text)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)


@lru_cache(maxsize=8)
def _font(size: int, bold: bool = False):
    # Pillow ≥ 10.1 ships a scalable default font; older ones fall back to a bitmap.
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # pragma: no cover - very old Pillow
        return ImageFont.load_default()


def palette_chart_png(palette, image=None, *, scale: float = 1.0) -> np.ndarray:
    """The palette chart as a picture (the same layout as :func:`palette_chart_svg`).

    Parameters
    ----------
    palette : engine.lesson.palette.Palette
        The colours.
    image : array_like, optional
        The picture for the donut's hole.
    scale : float, optional
        Size factor; 1 gives the SVG's pixel size (about 870 px wide for up to 12
        colours, 1200 px for up to 24).

    Returns
    -------
    ndarray, shape (H, W, 3), uint8
        The chart on white.
    """
    lay = _layout(palette)
    ss = 2.0 * scale  # draw supersampled, then reduce: Pillow does not antialias shapes
    canvas = Image.new("RGB", (round(lay.width * ss), round(lay.height * ss)), "white")
    draw = ImageDraw.Draw(canvas)
    cx, cy = lay.center[0] * ss, lay.center[1] * ss
    ro, ri = OUTER_RADIUS * ss, INNER_RADIUS * ss
    font = _font(round(FONT_SIZE * ss))
    for w in lay.wedges:
        # Pillow measures angles clockwise from 3 o'clock; ours start at 12 o'clock.
        draw.pieslice([cx - ro, cy - ro, cx + ro, cy + ro], w.start - 90, w.end - 90, fill=w.rgb)
    if len(lay.wedges) > 1:
        for w in lay.wedges:
            x, y = _point((cx, cy), ro + 1, w.start)
            draw.line([(cx, cy), (x, y)], fill="white", width=max(1, round(ss)))
    draw.ellipse([cx - ri, cy - ri, cx + ri, cy + ri], fill="white")
    for w in lay.wedges:
        if w.end - w.start >= MIN_LABELLED_DEGREES:
            tx, ty = _point((cx, cy), (ro + ri) / 2, (w.start + w.end) / 2)
            draw.text((tx, ty), str(w.number), fill=ink_for(w.rgb), font=font, anchor="mm")
    picture = _picture(image, round(2 * (INNER_RADIUS - 8) * ss))
    if picture is not None:
        size = picture.shape[0]
        mask = Image.new("L", (size, size), 0)
        ImageDraw.Draw(mask).ellipse([0, 0, size - 1, size - 1], fill=255)
        canvas.paste(Image.fromarray(picture), (round(cx - size / 2), round(cy - size / 2)), mask)
    for s in lay.swatches:
        box = [s.x * ss, s.y * ss, (s.x + SWATCH + 12) * ss, (s.y + SWATCH) * ss]
        draw.rectangle(box, fill=s.rgb, outline=(68, 68, 68), width=max(1, round(ss)))
        draw.text(((box[0] + box[2]) / 2, (box[1] + box[3]) / 2), str(s.number), fill=ink_for(s.rgb), font=font, anchor="mm")
        draw.text(((s.x + SWATCH + 22) * ss, (s.y + SWATCH / 2) * ss), s.text, fill="black", font=font, anchor="lm")
    final = canvas.resize((round(lay.width * scale), round(lay.height * scale)), Image.Resampling.LANCZOS)
    return np.asarray(final)
