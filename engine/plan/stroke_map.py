"""Stroke maps: one SVG per plan layer showing where each stroke goes and which way.

Each stroke is drawn as its painted band (its palette colour, slightly see-through,
over the canvas as it was before the layer, faded), a thin dark centre line ending in
an arrowhead (the brush's direction of travel) and its colour number where the brush
lands. A one-point stroke (a dab) is a disc with its number.
"""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

from engine.color.ink import ink_for
from engine.plan.model import PlanLayer
from engine.plan.render import labels_to_rgb


def _background(labels_before: np.ndarray | None, palette_rgb) -> str:
    if labels_before is None:
        return ""
    faded = (labels_to_rgb(labels_before, palette_rgb).astype(np.float32) * 0.35 + 255 * 0.65).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(faded).save(buffer, format="PNG", optimize=True)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    height, width = labels_before.shape
    return f'<image href="data:image/png;base64,{data}" x="-0.5" y="-0.5" width="{width}" height="{height}"/>'


def stroke_map_svg(layer: PlanLayer, shape: tuple[int, int], palette_rgb, *,
                   labels_before: np.ndarray | None = None) -> str:
    """SVG text of ``layer``'s strokes on a ``shape`` = (height, width) px picture.

    ``palette_rgb`` K×3 uint8 (colour number n is row n - 1); ``labels_before`` (H×W
    palette indices, -1 bare), when given, is shown faded underneath.
    """
    height, width = shape
    palette_rgb = np.asarray(palette_rgb, dtype=np.uint8).reshape(-1, 3)
    line = max(0.4, layer.width_px / 16.0)
    font = max(layer.width_px * 0.45, 3.0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-0.5 -0.5 {width} {height}" '
        f'width="{width}" height="{height}" font-family="Helvetica, Arial, sans-serif">',
        f"<title>Layer {layer.index + 1}: {len(layer.strokes)} strokes with a {layer.brush_mm:g} mm brush</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="6" refY="5" markerWidth="5" markerHeight="5" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#222"/></marker></defs>',
        f'<rect x="-0.5" y="-0.5" width="{width}" height="{height}" fill="#fff"/>',
        _background(labels_before, palette_rgb),
    ]
    bands, lines, labels = [], [], []
    for stroke in layer.strokes:
        rgb = palette_rgb[stroke.color - 1]
        hexcolor = "#{:02x}{:02x}{:02x}".format(*(int(v) for v in rgb))
        x0, y0 = stroke.points[0]
        if len(stroke.points) == 1:
            bands.append(f'<circle cx="{x0:g}" cy="{y0:g}" r="{stroke.width / 2:g}" fill="{hexcolor}"/>')
        else:
            d = "M" + " L".join(f"{x:g},{y:g}" for x, y in stroke.points)
            bands.append(f'<path d="{d}" stroke="{hexcolor}" stroke-width="{stroke.width:g}"/>')
            lines.append(f'<path d="{d}"/>')
        labels.append(f'<text x="{x0:g}" y="{y0:g}" fill="{ink_for(rgb)}">{stroke.color}</text>')
    parts.append('<g fill="none" stroke-linecap="round" stroke-linejoin="round" opacity="0.85">'
                 + "".join(bands) + "</g>")
    parts.append(f'<g fill="none" stroke="#222" stroke-width="{line:g}" marker-end="url(#arrow)">'
                 + "".join(lines) + "</g>")
    parts.append(f'<g font-size="{font:g}" font-weight="bold" text-anchor="middle" dominant-baseline="central">'
                 + "".join(labels) + "</g>")
    parts.append("</svg>")
    return "\n".join(p for p in parts if p)

