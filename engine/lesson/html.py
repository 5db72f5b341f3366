"""``lesson.html``: the printable lesson plan, rendered from the ``lesson.json`` content.

One self-contained page (inline CSS, no scripts, no web fonts) that links its images
by relative file name, so it works from a folder, a zip file or web storage alike.
Each section starts a new printed page; colours print as swatches with their numbers.

:data:`SECTIONS` is the one order and set of headings of a lesson plan: this page and
the studio's lesson pages (``templates/studio/includes/lesson/<id>.html``) both follow
it, and colours are named the same way in both (:func:`engine.color.names.plain_words`).
"""

from __future__ import annotations

from html import escape

from engine.color.ink import ink_for
from engine.color.names import plain_words

#: The sections of a lesson plan, in the order a painter uses them: (anchor id, heading).
#: Painting first (the goal), then the paints, the values, drawing the composition,
#: the painting steps, and the paint-by-numbers sheet as a reference at the end.
SECTIONS = (
    ("painting", "Your painting"),
    ("palette", "Palette"),
    ("values", "Value study"),
    ("grid", "Drawing grid"),
    ("steps", "Step by step"),
    ("sheet", "Paint by numbers"),
)
HEADINGS = dict(SECTIONS)

_CSS = """
body { font-family: Helvetica, Arial, "DejaVu Sans", "Noto Sans CJK SC", sans-serif; color: #111; margin: 2em auto; max-width: 60em; line-height: 1.4; }
h1 { font-size: 1.8em; margin-bottom: 0.2em; }
h2 { font-size: 1.35em; border-bottom: 2px solid #333; padding-bottom: 0.2em; }
section { margin-bottom: 2.5em; }
img { max-width: 100%; height: auto; border: 1px solid #ccc; }
figure { margin: 0.5em 0; }
figcaption { font-size: 0.9em; color: #444; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25em 0.5em; text-align: left; font-size: 0.95em; }
.chip { display: inline-block; min-width: 2.2em; padding: 0.1em 0.3em; border: 1px solid #444; text-align: center;
        font-weight: bold; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.step { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; margin-bottom: 1.5em; break-inside: avoid; }
.step h3 { grid-column: 1 / 3; margin: 0; }
.step p { grid-column: 1 / 3; margin: 0; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }
.substep { break-inside: avoid; margin: 0 0 1em; }
.substep img { width: 13cm; }
@page { size: A4; margin: 1.5cm; }
@media print {
  body { margin: 0; max-width: none; }
  section { page-break-before: always; break-before: page; }
  section:first-of-type { page-break-before: auto; break-before: auto; }
  .step { page-break-inside: avoid; }
}
"""


def _chip(color: dict) -> str:
    return f'<span class="chip" style="background:{color["hex"]};color:{ink_for(color["rgb"])}">{color["number"]}</span>'


def _img(name: str, alt: str) -> str:
    return f'<img src="{escape(name)}" alt="{escape(alt)}">'


def render_lesson_html(lesson: dict) -> str:
    """The lesson page for a ``lesson.json`` payload (see :meth:`engine.lesson.Lesson.to_json`)."""
    canvas = lesson["canvas"]
    size = f'{canvas["width"]:g} × {canvas["height"]:g} {canvas["unit"]}'
    colors = lesson["palette"]["colors"]
    by_number = {c["number"]: c for c in colors}
    assets = lesson["assets"]
    grid = lesson["grid"]
    fit = (
        "The picture was cropped to the canvas's shape."
        if canvas["fit"] == "crop"
        else "White bands were added so the whole picture fits the canvas's shape."
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Painting lesson ({escape(size)})</title>",
        f"<style>{_CSS}</style></head><body>",
        '<section id="painting">',
        "<h1>Painting lesson</h1>",
        f"<p>Canvas {escape(size)}, {len(colors)} colours, {len(lesson['steps'])} steps. {fit}</p>",
        f'<h2>{HEADINGS["painting"]}</h2>',
        f'<div class="pair"><figure>{_img(assets["picture"], "the picture")}<figcaption>The picture</figcaption></figure>',
        f'<figure>{_img(assets["quantized"], "the picture in palette colours")}'
        "<figcaption>The picture in the palette's colours: the goal of the steps</figcaption></figure></div>",
        "</section>",
        f'<section id="palette"><h2>{HEADINGS["palette"]}</h2>',
        "<p>Mix these colours before you start; the numbers are used in every step and on the sheet.</p>",
        f'<figure>{_img(assets["palette_chart_svg"], "palette chart")}</figure>',
        "<table><thead><tr><th>No.</th><th>Name</th><th>Hex</th><th>Share of the canvas</th></tr></thead><tbody>",
    ]
    for color in colors:
        parts.append(
            f"<tr><td>{_chip(color)}</td><td>{escape(plain_words(color['name']))}</td>"
            f"<td>{escape(color['hex'])}</td><td>{color['share'] * 100:.1f} %</td></tr>"
        )
    parts.append("</tbody></table></section>")

    parts.append(f'<section id="values"><h2>{HEADINGS["values"]}</h2>')
    parts.append(
        "<p>Before colour, see the picture as a few masses of dark and light. Paint a small "
        "study in greys first if you like; keep these masses while you paint.</p><div class=\"pair\">"
    )
    for study in lesson["values"]:
        alt = f"{study['levels']}-value study"
        parts.append(
            f'<figure>{_img(study["image"], alt)}'
            f"<figcaption>{study['levels']} values</figcaption></figure>"
        )
    parts.append("</div></section>")

    parts.append(f'<section id="grid"><h2>{HEADINGS["grid"]}</h2>')
    parts.append(
        f"<p>Draw a light pencil grid of {grid['spacing']:g} {escape(grid['unit'])} squares on your "
        f"{escape(size)} canvas ({grid['columns']} columns × {grid['rows']} rows), then copy the "
        "outlines square by square.</p>"
    )
    parts.append(f'<figure>{_img(grid["image"], "picture with drawing grid")}</figure></section>')

    parts.append(f'<section id="steps"><h2>{HEADINGS["steps"]}</h2>')
    for step in lesson["steps"]:
        chips = " ".join(_chip(by_number[n]) for n in step["colors"] if n in by_number)
        parts.append(
            f'<div class="step"><h3>Step {step["order"]}: {escape(step["title"])}</h3>'
            f"<p>{escape(step['instruction'])}</p><p>{chips}</p>"
            f'<figure>{_img(step["image"], "canvas after this step")}<figcaption>The canvas after this step</figcaption></figure>'
            f'<figure>{_img(step["mask"], "where to paint")}<figcaption>Where to paint in this step '
            f"({step['coverage'] * 100:.0f} % of the canvas, in white)</figcaption></figure></div>"
        )
        for sub in step.get("substeps", ()):  # one mix at a time: where its strokes go
            color = by_number.get(sub["color"])
            name = escape(plain_words(color["name"])) if color else ""
            parts.append(
                f'<div class="substep"><figure>{_img(sub["image"], "where to paint this mix")}</figure>'
                f'<p><b>{step["order"]}.{sub["order"]}</b> {_chip(color) if color else sub["color"]} {name}: '
                f'{sub["strokes"]} strokes, about {sub["minutes"]:.0f} min'
                f'{" (a new mix)" if sub.get("new_mix") else ""}</p></div>'
            )
    parts.append("</section>")

    parts.append(f'<section id="sheet"><h2>{HEADINGS["sheet"]}</h2>')
    parts.append("<p>Print the sheet, trace it onto the canvas if you like, and fill each region with its colour number.</p>")
    parts.append(f'<figure>{_img(lesson["sheet"]["svg"], "paint-by-numbers sheet")}</figure>')
    parts.append(
        f'<figure>{_img(lesson["sheet"]["preview"], "the sheet coloured in")}'
        "<figcaption>The sheet coloured in</figcaption></figure></section>"
    )
    parts.append("</body></html>")
    return "\n".join(parts)
