"""What a lesson page shows, shared by the web pages and the PDF (no view imports here).

:func:`lesson_context` is the context of every page that draws a generation's results;
:func:`generation_field` maps the names used in file URLs to stored files, and
:func:`stored_pdf` finds the lesson's rendered PDF (for the download and for the worker that
renders it, :mod:`studio.lesson_pdf_jobs`). The section
order comes from the engine (:data:`engine.lesson.html.SECTIONS`), so the studio's pages
and the command line's ``lesson.html`` list the same sections in the same order.
"""

from __future__ import annotations

from engine.lesson.html import SECTIONS
from studio.models import Generation

#: Templates of the sections, one per (id, heading) of the engine's lesson plan. A new
#: section (a stroke plan, mixing recipes) is one entry in SECTIONS and one template.
SECTION_TEMPLATE = "studio/includes/lesson/{id}.html"


def lesson_sections() -> list[dict]:
    return [{"id": id_, "title": title, "template": SECTION_TEMPLATE.format(id=id_)} for id_, title in SECTIONS]


def lesson_context(generation: Generation) -> dict:
    """Everything the result sections show: palette, steps with their colours and sub-steps
    (each with its mix as a palette colour), lesson.json, the levels to re-plan at."""
    palette = generation.lesson_palette()
    by_number = {color.number: color for color in palette}
    steps = [
        {"step": step, "colors": [by_number[n] for n in step.colors if n in by_number],
         "substeps": [{**sub, "colour": by_number.get(sub["color"])} for sub in step.substeps]}
        for step in generation.lesson_steps()
    ]
    lesson = generation.lesson
    return {
        "generation": generation,
        "project": generation.project,
        "job": generation.job,
        "palette": palette,
        "steps": steps,
        "lesson": lesson,
        "canvas_turned": canvas_turned(generation.canvas, lesson),
        "sections": lesson_sections(),
        "levels": level_choices(generation.canvas),
    }


def level_choices(canvas: str) -> list[dict]:
    """The lesson levels with what each means on ``canvas``: ``value``, ``label``,
    ``description`` and typical ``minutes`` of painting (:func:`engine.plan.levels.typical_minutes`)."""
    from engine.lesson.grid import parse_canvas
    from engine.plan.levels import LEVELS, typical_minutes

    try:
        width, height, unit = parse_canvas(canvas)
    except ValueError:
        width, height, unit = 40.0, 30.0, "cm"
    area = width * height * (6.4516 if unit == "in" else 1.0)
    return [{"value": name, "label": level.label, "description": level.description,
             "minutes": typical_minutes(name, area)} for name, level in LEVELS.items()]


def canvas_turned(requested: str, lesson: dict | None) -> bool:
    """Whether the lesson's canvas is the requested one turned (a portrait photo on 40x30cm)."""
    from engine.lesson.grid import parse_canvas

    if not lesson:
        return False
    try:
        width, height, _ = parse_canvas(requested)
    except ValueError:
        return False
    canvas = lesson["canvas"]
    return width != height and (abs(canvas["width"] - height) < 1e-6 and abs(canvas["height"] - width) < 1e-6)


def generation_field(generation: Generation, name: str):
    """The stored file called ``name`` in a generation, or None: ``result``, ``preview``,
    ``custom-style``, or a lesson file by the name ``lesson.json`` gives it (``step-01.png``…)."""
    fields = {"result": generation.result, "preview": generation.preview, "custom-style": generation.custom_style}
    if name in fields:
        return fields[name]
    lesson_file = generation.lesson_files.filter(name=name).first()
    return lesson_file.file if lesson_file else None


#: ``?paper=`` value → CSS page size of the lesson PDF.
PAPER_SIZES = {"a4": "A4", "letter": "letter"}


def pdf_name(paper: str) -> str:
    """The lesson file a PDF on ``paper`` (a key of :data:`PAPER_SIZES`) is stored as."""
    return f"lesson-{paper}.pdf"


def stored_pdf(generation: Generation, paper: str):
    """The generation's stored lesson PDF for ``paper``, or None while it is not rendered."""
    existing = generation.lesson_files.filter(name=pdf_name(paper)).first()
    return existing.file if existing else None
