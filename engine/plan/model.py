"""A stroke plan and its JSON form (``plan.json``), with a validator.

Coordinates are pixels of the planned picture, ``[x, y]`` with the origin at the
top-left pixel's centre; widths are given in pixels and, per layer, in millimetres on
the canvas. Colours are palette numbers (1-based, as in the lesson). Points and widths
are rounded to 1/100 px when a stroke is made, so a plan read back from JSON renders
to exactly the same pictures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.errors import InputError
from engine.plan.substeps import layer_substeps

PLAN_VERSION = 2
#: Versions :meth:`Plan.from_json` reads: 1 had no level, block-in masses or sub-steps.
READABLE_VERSIONS = (1, 2)
DECIMALS = 2  # 1/100 px: what JSON keeps, so planner and re-render agree to the bit


def path_length(points) -> float:
    """Length in px of the path through ``points`` (N×2 ``(x, y)``; 0 for one point)."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    return float(np.hypot(*np.diff(points, axis=0).T).sum())


@dataclass(frozen=True)
class Stroke:
    """One stroke: ``points`` N×2 float64 ``(x, y)`` px along the brush's travel (N ≥ 1;
    one point is a dab), ``width`` px, ``color`` palette number (1-based)."""

    points: np.ndarray
    width: float
    color: int

    def to_json(self) -> dict:
        return {"color": int(self.color), "width": float(self.width),
                "points": [[float(x), float(y)] for x, y in self.points]}

    @property
    def length(self) -> float:
        """Length of the path in px (0 for a dab)."""
        return path_length(self.points)


@dataclass
class PlanLayer:
    """One layer: every stroke made with one brush (``brush_mm`` wide on the canvas,
    ``width_px`` on the picture), in paint order."""

    index: int
    brush_mm: float
    width_px: float
    strokes: list[Stroke] = field(default_factory=list)

    def colors(self) -> list[int]:
        """Palette numbers this layer uses, most strokes first."""
        numbers, counts = np.unique([s.color for s in self.strokes], return_counts=True)
        return [int(n) for n in numbers[np.argsort(-counts, kind="stable")]]

    def to_json(self) -> dict:
        return {"index": self.index, "brush_mm": round(float(self.brush_mm), 2),
                "width_px": float(self.width_px),
                "substeps": [{"color": s.color, "first": s.first, "count": s.count} for s in layer_substeps(self)],
                "strokes": [s.to_json() for s in self.strokes]}


@dataclass
class Plan:
    """Layers back to front for a ``shape`` = (height, width) px picture painted with
    ``palette_rgb`` (K×3 uint8, colour number n is row n - 1) on ``canvas`` =
    (width, height, unit)."""

    shape: tuple[int, int]
    canvas: tuple[float, float, str]
    palette_rgb: np.ndarray
    layers: list[PlanLayer]
    level: str | None = None
    #: The block-in's value masses: (mix number, palette numbers it stands in for).
    block_in: list[tuple[int, list[int]]] = field(default_factory=list)

    @property
    def stroke_count(self) -> int:
        return sum(len(layer.strokes) for layer in self.layers)

    def canvas_area_cm2(self) -> float:
        width, height, unit = self.canvas
        per_cm = 2.54 if unit == "in" else 1.0
        return width * height * per_cm * per_cm

    def scaled(self, shape: tuple[int, int]) -> Plan:
        """The same strokes for the picture at ``shape`` = (height, width) px: points and
        widths scaled (then rounded as JSON keeps them), brushes unchanged in mm."""
        sy, sx = shape[0] / self.shape[0], shape[1] / self.shape[1]
        s_width = (sx + sy) / 2.0
        layers = [
            PlanLayer(layer.index, layer.brush_mm, round(layer.width_px * s_width, DECIMALS),
                      [make_stroke((s.points + 0.5) * (sx, sy) - 0.5, s.width * s_width, s.color)
                       for s in layer.strokes])
            for layer in self.layers
        ]
        return Plan(tuple(int(v) for v in shape), self.canvas, self.palette_rgb, layers, self.level, self.block_in)

    def to_json(self) -> dict:
        width, height, unit = self.canvas
        return {
            "version": PLAN_VERSION,
            "picture": {"width": int(self.shape[1]), "height": int(self.shape[0])},
            "canvas": {"width": width, "height": height, "unit": unit},
            "palette": [{"number": i + 1, "rgb": [int(v) for v in rgb]} for i, rgb in enumerate(self.palette_rgb)],
            "level": self.level,
            "block_in": [{"color": mix, "stands_for": members} for mix, members in self.block_in],
            "layers": [layer.to_json() for layer in self.layers],
        }

    @classmethod
    def from_json(cls, payload: dict) -> Plan:
        """The plan of a validated ``plan.json`` payload (raises ``ValueError`` if invalid)."""
        validate_plan(payload)
        layers = [
            PlanLayer(
                index=int(layer["index"]), brush_mm=float(layer["brush_mm"]), width_px=float(layer["width_px"]),
                strokes=[Stroke(np.array(s["points"], dtype=np.float64).reshape(-1, 2), float(s["width"]),
                                int(s["color"])) for s in layer["strokes"]],
            )
            for layer in payload["layers"]
        ]
        canvas = payload["canvas"]
        return cls(
            shape=(int(payload["picture"]["height"]), int(payload["picture"]["width"])),
            canvas=(float(canvas["width"]), float(canvas["height"]), str(canvas["unit"])),
            palette_rgb=np.array([c["rgb"] for c in payload["palette"]], dtype=np.uint8).reshape(-1, 3),
            layers=layers,
            level=payload.get("level"),
            block_in=[(int(m["color"]), [int(n) for n in m["stands_for"]]) for m in payload.get("block_in", [])],
        )


def make_stroke(points, width: float, color: int) -> Stroke:
    """A :class:`Stroke` with points and width rounded as JSON keeps them."""
    points = np.round(np.asarray(points, dtype=np.float64).reshape(-1, 2), DECIMALS)
    return Stroke(points, round(float(width), DECIMALS), int(color))


def validate_plan(payload) -> None:
    """Raise ``ValueError`` naming the first problem of a ``plan.json`` payload.

    Checks: version, picture size, canvas (positive sides, cm or in), palette (numbers
    1…K in order, RGB 0–255), layers numbered 0…L-1 with positive brush sizes, and
    every stroke: colour number in the palette, positive width, at least one point,
    finite coordinates.
    """

    def fail(where: str, problem: str):
        raise InputError(f"invalid plan: {where}: {problem}.")

    if not isinstance(payload, dict):
        fail("plan", "must be a JSON object")
    if payload.get("version") not in READABLE_VERSIONS:
        fail("version", f"must be one of {READABLE_VERSIONS}, got {payload.get('version')!r}")
    picture = payload.get("picture")
    if not isinstance(picture, dict) or not all(_positive_int(picture.get(k)) for k in ("width", "height")):
        fail("picture", "needs positive whole width and height in px")
    canvas = payload.get("canvas")
    if (not isinstance(canvas, dict) or canvas.get("unit") not in ("cm", "in")
            or not all(_positive_number(canvas.get(k)) for k in ("width", "height"))):
        fail("canvas", "needs positive width and height and a unit 'cm' or 'in'")
    palette = payload.get("palette")
    if not isinstance(palette, list) or not palette:
        fail("palette", "needs at least one colour")
    for i, color in enumerate(palette):
        if not isinstance(color, dict) or color.get("number") != i + 1:
            fail(f"palette[{i}]", f"number must be {i + 1}")
        rgb = color.get("rgb")
        if not (isinstance(rgb, list) and len(rgb) == 3 and all(isinstance(v, int) and 0 <= v <= 255 for v in rgb)):
            fail(f"palette[{i}]", "rgb must be three whole numbers 0–255")
    if payload.get("level") is not None and not isinstance(payload.get("level"), str):
        fail("level", "must be a level name or null")
    block_in = payload.get("block_in", [])
    if not isinstance(block_in, list) or not all(
            isinstance(m, dict) and _palette_number(m.get("color"), len(palette)) and isinstance(m.get("stands_for"), list)
            and all(_palette_number(n, len(palette)) for n in m["stands_for"]) for m in block_in):
        fail("block_in", "must list {color, stands_for} with palette numbers")
    layers = payload.get("layers")
    if not isinstance(layers, list):
        fail("layers", "must be a list")
    for i, layer in enumerate(layers):
        where = f"layers[{i}]"
        if not isinstance(layer, dict) or layer.get("index") != i:
            fail(where, f"index must be {i}")
        if not (_positive_number(layer.get("brush_mm")) and _positive_number(layer.get("width_px"))):
            fail(where, "brush_mm and width_px must be positive")
        strokes = layer.get("strokes")
        if not isinstance(strokes, list):
            fail(where, "strokes must be a list")
        for j, stroke in enumerate(strokes):
            _validate_stroke(stroke, len(palette), f"{where}.strokes[{j}]", fail)


def _validate_stroke(stroke, n_colors: int, where: str, fail) -> None:
    if not isinstance(stroke, dict):
        fail(where, "must be an object")
    color = stroke.get("color")
    if not (isinstance(color, int) and 1 <= color <= n_colors):
        fail(where, f"color must be a palette number 1…{n_colors}, got {color!r}")
    if not _positive_number(stroke.get("width")):
        fail(where, "width must be positive")
    points = stroke.get("points")
    if not isinstance(points, list) or not points:
        fail(where, "needs at least one point")
    try:
        array = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError):
        fail(where, "points must be [x, y] pairs of numbers")
    if array.ndim != 2 or array.shape[1] != 2 or not np.isfinite(array).all():
        fail(where, "points must be [x, y] pairs of finite numbers")


def _palette_number(value, n_colors: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= n_colors


def _positive_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _positive_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value) and value > 0
