"""Painting steps: what to paint, in which order, with which palette colours.

The original project showed the styled picture at eight levels of detail (SLIC
superpixels) without a word on what to paint. Here the same coarse-to-fine idea is
turned into a painter's order of work on the quantised picture:

1. block-in of big masses — background (masses touching the edge of the picture)
   before the main shapes in the middle;
2. mid-size shapes, darks before lights;
3. details, darks before lights;
4. highlights last (the lightest colours, wherever they are still missing).

"Big masses" and "mid-size shapes" are the quantised picture under a majority filter
whose window is a fraction of the picture size, so each level keeps only shapes at
least about that big. Every step paints the pixels whose colour changes at its level;
the block-in covers the whole canvas, so the masks together always cover it, and after
the last step the canvas equals the quantised picture.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.color.names import plain_words
from engine.imageio import as_rgb_uint8
from engine.regions import connected_regions, mode_filter, odd_window

BLANK = 255  # the untouched canvas is shown white
MAX_LISTED_COLORS = 6


@dataclass
class PaintingStep:
    """One step at the easel.

    ``colors`` are palette numbers (1-based) used in this step, darkest first; ``mask``
    (H×W bool) is where to paint; ``canvas`` (H×W×3 uint8) the picture after the step,
    ``labels`` the same as palette indices (-1 where the canvas is still bare).
    """

    order: int
    title: str
    instruction: str
    colors: list[int]
    mask: np.ndarray = field(repr=False)
    canvas: np.ndarray = field(repr=False)
    stage: str = ""
    labels: np.ndarray | None = field(default=None, repr=False)  # H×W palette index, -1 bare
    brush_mm: float | None = None  # steps of a stroke plan: the brush, its strokes, their map
    strokes: int | None = None
    stroke_map: str | None = None
    substeps: list[dict] = field(default_factory=list)  # one mix at a time (see steps_from_plan)
    minutes: float | None = None

    @property
    def coverage(self) -> float:
        """Fraction of the canvas painted in this step (0–1)."""
        return float(self.mask.mean())

    def to_json(self) -> dict:
        payload = {
            "order": self.order,
            "stage": self.stage,
            "title": self.title,
            "instruction": self.instruction,
            "colors": list(self.colors),
            "coverage": round(self.coverage, 4),
        }
        if self.brush_mm is not None:
            payload.update(brush_mm=self.brush_mm, strokes=self.strokes, stroke_map=self.stroke_map,
                           minutes=self.minutes, substeps=self.substeps)
        return payload


def plan_steps(
    image,
    palette,
    *,
    labels: np.ndarray | None = None,
    block_in_size: float = 1 / 12,
    shape_size: float = 1 / 40,
    block_in_colors: int = 8,
    shape_colors: int = 16,
    highlight_percentile: float = 85.0,
) -> list[PaintingStep]:
    """Ordered painting steps for ``image`` painted with ``palette`` (see module docs).

    ``labels``: the picture already quantised with ``palette`` (computed when omitted).
    ``block_in_size`` / ``shape_size``: smallest shape kept at the block-in / mid-size
    level, as a fraction of the picture's longer side (0–1). ``block_in_colors`` /
    ``shape_colors``: most colours used at those levels (the others are painted later,
    the masses meanwhile take the nearest of the kept colours). ``highlight_percentile``:
    colours lighter than this percentile of the picture's lightness count as highlights.
    """
    if labels is None:
        labels = palette.quantize(as_rgb_uint8(image))
    labels = np.asarray(labels, dtype=np.int32)
    if labels.ndim != 2 or labels.size == 0:
        raise ValueError(f"labels must be a non-empty H×W array; got shape {labels.shape}.")
    if not 0 < shape_size <= block_in_size <= 1:
        raise ValueError("need 0 < shape_size ≤ block_in_size ≤ 1 (fractions of the picture size).")
    if block_in_colors < 1 or shape_colors < 1:
        raise ValueError("block_in_colors and shape_colors must be at least 1.")
    long_side = max(labels.shape)
    n = len(palette)
    coarse = mode_filter(labels, odd_window(long_side * block_in_size), n)
    coarse = _limit_colors(coarse, palette.lab, block_in_colors)
    medium = mode_filter(labels, odd_window(long_side * shape_size), n)
    medium = _limit_colors(medium, palette.lab, shape_colors)

    lightness = palette.lab[:, 0]
    pixel_lightness = lightness[labels]
    dark_limit = float(np.median(pixel_lightness))
    highlight = lightness > np.percentile(pixel_lightness, highlight_percentile)
    highlight &= lightness > dark_limit  # a dark, flat picture has no highlights

    planner = _Planner(palette, labels.shape)
    background = _touches_border(coarse)
    if background.all() or background.mean() < 0.02 or (~background).mean() < 0.02:
        # No clear background/subject split: block in dark masses, then light ones.
        dark = lightness[coarse] <= dark_limit
        planner.add("dark masses", coarse, dark)
        planner.add("light masses", coarse, ~dark)
    else:
        planner.add("background", coarse, background)
        planner.add("main shapes", coarse, ~background)

    changed = (medium != planner.current) & ~highlight[medium]
    dark = lightness[medium] <= dark_limit
    planner.add("dark shapes", medium, changed & dark)
    planner.add("light shapes", medium, changed & ~dark)

    changed = (labels != planner.current) & ~highlight[labels]
    dark = lightness[labels] <= dark_limit
    planner.add("dark details", labels, changed & dark)
    planner.add("light details", labels, changed & ~dark)
    planner.add("highlights", labels, labels != planner.current)
    return planner.steps


# kind of step → (stage, title, instruction with {colors})
_STEP_KINDS = {
    "background": ("block-in", "Block in the background",
                   "Block in the background with broad strokes of {colors}, darkest first; no detail yet."),
    "main shapes": ("block-in", "Block in the main shapes",
                    "Block in the main shapes in the middle with {colors}, darkest first."),
    "dark masses": ("block-in", "Block in the dark masses",
                    "Block in the big dark masses with {colors}; broad strokes, no detail yet."),
    "light masses": ("block-in", "Block in the light masses",
                     "Block in the big light masses with {colors}; cover the rest of the canvas."),
    "dark shapes": ("shapes", "Shape the darks", "Paint the mid-size dark shapes and shadows with {colors}."),
    "light shapes": ("shapes", "Shape the lights", "Paint the mid-size lighter shapes with {colors}; keep edges soft."),
    "dark details": ("details", "Add the dark details", "Add the small dark details with {colors}, using a small brush."),
    "light details": ("details", "Add the light details", "Add the small lighter details with {colors}."),
    "highlights": ("highlights", "Finish with the highlights",
                   "Finish with the highlights: dab {colors} where the mask shows."),
}


def steps_from_plan(planned, palette) -> list[PaintingStep]:
    """One step per layer of a stroke plan (:class:`engine.plan.outputs.PlannedPainting`),
    largest brush first, each split into sub-steps of one mix (darkest first, see
    :mod:`engine.plan.substeps`): the brush width, the mixes, the number of strokes, one
    plain instruction, the painting minutes (:func:`engine.plan.timing.plan_minutes`),
    the canvas after it and where it changes the canvas (``mask``). Each sub-step is
    ``{"key", "order", "color", "strokes", "minutes", "new_mix", "image"}``, ``image`` the
    where-to-paint picture named as :func:`engine.plan.outputs.substep_image_name`."""
    from engine.plan.outputs import stroke_map_name, substep_image_name
    from engine.plan.substeps import layer_substeps
    from engine.plan.timing import plan_minutes

    minutes = plan_minutes(planned.plan)
    steps, seen = [], set()
    before = np.full(planned.plan.shape, -1, dtype=np.int32)
    n_layers = len(planned.plan.layers)
    for layer, labels in zip(planned.plan.layers, planned.render.layers):
        substeps = []
        for sub in layer_substeps(layer):
            substeps.append({"key": sub.key, "order": sub.order, "color": sub.color, "strokes": sub.count,
                             "minutes": minutes["substeps"][sub.key], "new_mix": sub.color not in seen,
                             "image": substep_image_name(sub.key)})
            seen.add(sub.color)
        colors = [sub["color"] for sub in substeps]
        stage, title, template = _layer_kind(layer.index, n_layers)
        canvas = palette.rgb[np.maximum(labels, 0)]
        canvas[labels < 0] = BLANK
        brush = f"{layer.brush_mm:g} mm"
        steps.append(PaintingStep(
            order=layer.index + 1,
            title=title.format(brush=brush),
            instruction=template.format(brush=brush, strokes=len(layer.strokes), mixes=len(colors),
                                        colors=_describe_colors(palette, colors)),
            colors=colors,
            mask=labels != before,
            canvas=canvas,
            stage=stage,
            labels=labels.copy(),
            brush_mm=float(layer.brush_mm),
            strokes=len(layer.strokes),
            stroke_map=stroke_map_name(layer.index),
            substeps=substeps,
            minutes=minutes["layers"][layer.index],
        ))
        before = labels
    return steps


def _layer_kind(index: int, count: int) -> tuple[str, str, str]:
    """(stage, title, instruction template) of plan layer ``index`` of ``count``."""
    one_at_a_time = (" Work one mix at a time, darkest first: each picture shows where its strokes go"
                     " and which way the brush travels.")
    if index == 0:
        return ("block-in", "Block in the big masses with the {brush} brush",
                "Cover the whole canvas with {strokes} broad strokes of the {brush} brush in {mixes} mixes, "
                "one for each big mass of light and dark: {colors}. No detail yet." + one_at_a_time)
    if index == count - 1:
        return ("details", "Finish the details with the {brush} brush",
                "Finish with {strokes} small strokes of the {brush} brush in {mixes} mixes ({colors}), "
                "only where the pictures show them." + one_at_a_time)
    return ("shapes", "Shape the forms with the {brush} brush",
            "Paint {strokes} strokes of the {brush} brush in {mixes} mixes ({colors}) over the dry or tacky "
            "layer below; leave what is already right." + one_at_a_time)


def _describe_colors(palette, numbers: list[int]) -> str:
    """Colour numbers with plain names (the most used first), the rest by count only."""
    shown = numbers[:MAX_LISTED_COLORS]
    parts = [f"{num} ({plain_words(palette[num - 1].name)})" for num in shown]
    if len(numbers) > len(shown):
        parts.append(f"{len(numbers) - len(shown)} more (see the colour list)")
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


class _Planner:
    """Keeps the canvas state and turns (target, mask) pairs into numbered steps."""

    def __init__(self, palette, shape):
        self.palette = palette
        self.current = np.full(shape, -1, dtype=np.int32)  # -1: bare canvas
        self.steps: list[PaintingStep] = []

    def add(self, kind: str, target: np.ndarray, mask: np.ndarray) -> None:
        """Paint ``target`` (H×W palette indices) where ``mask`` is set, as one step."""
        if not mask.any():
            return  # nothing changes at this level: no step
        stage, title, template = _STEP_KINDS[kind]
        self.current = np.where(mask, target, self.current)
        used = np.bincount(target[mask], minlength=len(self.palette))
        numbers = [int(i) + 1 for i in np.flatnonzero(used)]
        darkest_first = sorted(numbers, key=lambda num: self.palette.lab[num - 1, 0])
        self.steps.append(
            PaintingStep(
                order=len(self.steps) + 1,
                title=title,
                instruction=template.format(colors=self._describe(darkest_first, used)),
                colors=darkest_first,
                mask=mask.copy(),
                canvas=self._render(),
                stage=stage,
                labels=self.current.copy(),
            )
        )

    def _describe(self, numbers: list[int], used: np.ndarray) -> str:
        # List the colours covering most of the step; name the rest by count only, so
        # the instruction stays one readable line.
        shown = set(sorted(numbers, key=lambda num: -used[num - 1])[:MAX_LISTED_COLORS])
        parts = [f"{num} ({plain_words(self.palette[num - 1].name)})" for num in numbers if num in shown]
        rest = len(numbers) - len(parts)
        if rest:
            parts.append(f"{rest} more (see the colour list)")
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]

    def _render(self) -> np.ndarray:
        canvas = self.palette.rgb[np.maximum(self.current, 0)]
        canvas[self.current < 0] = BLANK
        return canvas


def _limit_colors(labels: np.ndarray, lab: np.ndarray, max_colors: int) -> np.ndarray:
    """Keep the ``max_colors`` colours covering most of ``labels``; others → nearest kept (CIELAB)."""
    area = np.bincount(labels.ravel(), minlength=len(lab))
    if np.count_nonzero(area) <= max_colors:
        return labels
    kept = np.argsort(-area, kind="stable")[:max_colors]
    distance = ((lab[:, None, :] - lab[None, kept, :]) ** 2).sum(axis=2)
    return kept[distance.argmin(axis=1)][labels].astype(np.int32)


def _touches_border(labels: np.ndarray) -> np.ndarray:
    """Pixels of the connected regions of ``labels`` that touch the picture's edge."""
    regions, count = connected_regions(labels)
    on_edge = np.zeros(count, dtype=bool)
    for edge in (regions[0], regions[-1], regions[:, 0], regions[:, -1]):
        on_edge[edge] = True
    return on_edge[regions]
