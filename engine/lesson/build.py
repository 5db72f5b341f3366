"""Lesson plan: everything a painter needs at the easel, for one picture and canvas size.

``build_lesson`` fits the picture to the canvas (and says how: what was cut or added,
with a picture of it), then computes the palette (and the palette chart), a
brush-stroke plan at the chosen level (:mod:`engine.plan`) whose layers are the
painting steps, each one mix at a time with a where-to-paint picture per sub-step
(plus stroke maps and a time-lapse), the paint-by-numbers sheet, the 3- and 5-value
studies and the drawing grid. ``Lesson.files()`` gives every output as bytes under a
relative file name (PNG images, SVGs, ``lesson.json`` and a printable ``lesson.html``
that links the others by relative name only), so callers can store them anywhere:
a directory (``Lesson.write``), Django storage, a zip file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from engine.lesson.charts import palette_chart_png, palette_chart_svg
from engine.lesson.grid import DrawingGrid, as_canvas, draw_grid, fit_margins, fit_picture, fit_to_canvas, parse_canvas
from engine.color.spaces import unique_colors
from engine.imageio import as_rgb_uint8, resize_long_side
from engine.imageio import encode_compact_png as compact_png
from engine.imageio import encode_indexed_png as indexed_png
from engine.lesson.html import render_lesson_html
from engine.lesson.palette import Palette, extract_with_labels
from engine.lesson.sheet import Sheet, make_sheet
from engine.lesson.steps import PaintingStep, steps_from_plan
from engine.plan.levels import DEFAULT_LEVEL, get_level
from engine.plan.outputs import TIMELAPSE_NAME, PlannedPainting, plan_picture
from engine.plan.timing import plan_minutes
from engine.lesson.values import ValueStudy, value_study

__all__ = ["Lesson", "build_lesson", "parse_canvas", "compact_png", "indexed_png"]

VALUE_LEVELS = (3, 5)
# Rough share of the work per stage, so progress fractions move evenly.
_STAGES = (("palette", 0.1), ("plan", 0.35), ("steps", 0.05), ("sheet", 0.15), ("values", 0.05), ("grid", 0.05),
           ("chart", 0.05), ("files", 0.2))
#: Pictures are planned at most this many px on their longer side (then scaled back):
#: finer strokes than about 1/500 of the canvas are not worth a painter's time.
PLAN_MAX_SIDE = 512


@dataclass
class Lesson:
    """A lesson plan; see :func:`build_lesson`. Images are H×W×3 uint8 arrays."""

    picture: np.ndarray = field(repr=False)
    canvas: tuple[float, float, str]
    fit: str
    palette: Palette
    labels: np.ndarray = field(repr=False)
    steps: list[PaintingStep] = field(repr=False)
    sheet: Sheet = field(repr=False)
    sheet_svg: str = field(repr=False)
    values: dict[int, ValueStudy] = field(repr=False)
    grid: DrawingGrid = field(repr=False)
    chart_svg: str = field(repr=False)
    chart_png: np.ndarray = field(repr=False)
    plan: PlannedPainting | None = field(default=None, repr=False)
    #: The picture before it was fitted to the canvas, and px cut (crop) or added (pad) per side.
    source: np.ndarray | None = field(default=None, repr=False)
    margins: dict = field(default_factory=lambda: {"top": 0, "bottom": 0, "left": 0, "right": 0})
    _files: dict[str, bytes] | None = field(default=None, repr=False)

    @property
    def fitted(self) -> bool:
        """Whether the picture had to be cut or padded to the canvas's shape."""
        return any(self.margins.values())

    @property
    def quantized(self) -> np.ndarray:
        """The picture painted with palette colours only."""
        return self.palette.render(self.labels)

    def to_json(self) -> dict:
        """The ``lesson.json`` content (file names relative to the lesson's folder)."""
        width, height, unit = self.canvas
        source = self.source if self.source is not None else self.picture
        canvas = {"width": width, "height": height, "unit": unit, "fit": self.fit, "margins_px": dict(self.margins),
                  "source": {"width": int(source.shape[1]), "height": int(source.shape[0])},
                  **({"fit_image": "fit.png"} if self.fitted else {})}
        return {
            "canvas": canvas,
            "picture": {"width": int(self.picture.shape[1]), "height": int(self.picture.shape[0])},
            "palette": self.palette.to_json(),
            "steps": [
                {**step.to_json(), "image": _step_name(step), "mask": _step_name(step, "-mask")}
                for step in self.steps
            ],
            "grid": {**self.grid.to_json(), "image": "grid.png"},
            **({"plan": self._plan_json()} if self.plan is not None else {}),
            "values": [{**study.to_json(), "image": f"values-{n}.png"} for n, study in self.values.items()],
            "sheet": {"svg": "sheet.svg", "preview": "sheet-preview.png", "regions": self.sheet.region_count},
            "assets": {
                "picture": "picture.png",
                "quantized": "quantized.png",
                "palette_chart_svg": "palette.svg",
                "palette_chart_png": "palette.png",
                "sheet_svg": "sheet.svg",
                "sheet_preview": "sheet-preview.png",
                "grid": "grid.png",
                **{f"values_{n}": f"values-{n}.png" for n in self.values},
                "html": "lesson.html",
                **({"plan": "plan.json", "timelapse": TIMELAPSE_NAME} if self.plan is not None else {}),
            },
        }

    def _plan_json(self) -> dict:
        plan = self.plan.plan
        level = get_level(plan.level or DEFAULT_LEVEL)
        return {
            "file": "plan.json",
            "timelapse": TIMELAPSE_NAME,
            "level": level.name,
            "level_label": level.label,
            "layers": len(plan.layers),
            "strokes": plan.stroke_count,
            "substeps": sum(len(step.substeps) for step in self.steps),
            "brushes_mm": [layer.brush_mm for layer in plan.layers],
            "strokes_per_100_cm2": round(plan.stroke_count / plan.canvas_area_cm2() * 100.0, 1),
            "painting_minutes": plan_minutes(plan)["total"],
            "block_in": [{"color": mix, "stands_for": members} for mix, members in plan.block_in],
        }

    def files(self) -> dict[str, bytes]:
        """Relative file name → content for every output (computed once, then reused)."""
        if self._files is None:
            files = {
                "picture.png": compact_png(self.picture),
                "quantized.png": indexed_png(self.labels, self.palette.rgb),
                "palette.svg": self.chart_svg.encode("utf-8"),
                "palette.png": compact_png(self.chart_png),
                "sheet.svg": self.sheet_svg.encode("utf-8"),
                "sheet-preview.png": compact_png(self.sheet.preview()),
                "grid.png": compact_png(self.grid.image),
            }
            for n, study in self.values.items():
                tones = np.repeat(np.array(study.tones, dtype=np.uint8)[:, None], 3, axis=1)
                files[f"values-{n}.png"] = indexed_png(study.labels, tones)
            # the bare canvas (label -1) is the last palette entry: white
            with_blank = np.vstack([self.palette.rgb, [[255, 255, 255]]]).astype(np.uint8)
            if self.fitted:
                files["fit.png"] = compact_png(fit_picture(self.source, self.margins, self.fit))
            if self.plan is not None:
                files.update(self.plan.files(layer_images=False))  # the steps show the layers
            for step in self.steps:
                step_labels = np.where(step.labels < 0, len(self.palette), step.labels)
                files[_step_name(step)] = indexed_png(step_labels, with_blank)
                files[_step_name(step, "-mask")] = compact_png(step.mask)
            payload = self.to_json()
            files["lesson.json"] = json.dumps(payload, indent=2).encode("utf-8")
            files["lesson.html"] = render_lesson_html(payload).encode("utf-8")
            self._files = files
        return dict(self._files)

    def write(self, directory) -> list[Path]:
        """Write :meth:`files` into ``directory`` (created if needed); returns the paths."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, content in self.files().items():
            path = directory / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            paths.append(path)
        return paths


def _step_name(step: PaintingStep, suffix: str = "") -> str:
    return f"step-{step.order:02d}{suffix}.png"


def build_lesson(
    image,
    *,
    max_colors: int = 24,
    canvas="40x30cm",
    fit: str = "crop",
    level: str = DEFAULT_LEVEL,
    max_side: int = 1000,
    grid_spacing: float | None = None,
    min_region_area: int | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> Lesson:
    """Lesson plan for ``image`` (RGB, grey or RGBA array) on a canvas.

    ``canvas``: ``"40x30cm"``, ``"16x12in"`` or ``(width, height, unit)``. ``fit``:
    ``"crop"`` the picture to the canvas's shape, or ``"pad"`` it with white.
    ``level``: how much the stroke plan asks of the painter (:mod:`engine.plan.levels`).
    ``max_side``: larger pictures are reduced to this many px on the longer side first.
    ``grid_spacing``: in canvas units (default: a round value giving ≤ 10 squares).
    ``min_region_area``: smallest paint-by-numbers region in px (default: see
    :func:`engine.sheet.make_sheet`). ``progress(stage, fraction)`` is called as each
    stage starts (fraction of the work done, 0–1) and finally with ``("done", 1.0)``.
    """
    width, height, unit = as_canvas(canvas)
    get_level(level)  # an unknown level fails before any work
    image = as_rgb_uint8(image, min_side=2, name="picture")
    if max_side < 16:
        raise ValueError(f"max_side must be at least 16 px; got {max_side}.")
    report = _Progress(progress)
    if max(image.shape[:2]) > max_side:
        image = resize_long_side(image, max_side)
    margins = fit_margins(image.shape[:2], width, height, fit=fit)
    picture = fit_to_canvas(image, width, height, fit=fit)

    report("palette")
    palette, labels = extract_with_labels(picture, max_colors)
    report("plan")
    planned = plan_picture(picture, palette.rgb, canvas=(width, height, unit), level=level, max_side=PLAN_MAX_SIDE)
    report("steps")
    steps = steps_from_plan(planned, palette)
    report("sheet")
    sheet = make_sheet(labels, palette, min_area=min_region_area)
    sheet_svg = sheet.svg()
    report("values")
    values = {n: value_study(picture, n) for n in VALUE_LEVELS}
    report("grid")
    grid = draw_grid(picture, (width, height, unit), spacing=grid_spacing)
    report("chart")
    lesson = Lesson(
        picture=picture,
        canvas=(width, height, unit),
        fit=fit,
        palette=palette,
        labels=labels,
        steps=steps,
        sheet=sheet,
        sheet_svg=sheet_svg,
        values=values,
        grid=grid,
        chart_svg=palette_chart_svg(palette, picture),
        chart_png=palette_chart_png(palette, picture),
        plan=planned,
        source=image,
        margins=margins,
    )
    report("files")
    lesson.files()
    report("done")
    return lesson


class _Progress:
    def __init__(self, callback):
        self.callback = callback
        self.done = 0.0
        self.weights = dict(_STAGES)

    def __call__(self, stage: str) -> None:
        if stage == "done":
            self.done = 1.0
        if self.callback is not None:
            self.callback(stage, round(min(self.done, 1.0), 4))
        self.done += self.weights.get(stage, 0.0)
