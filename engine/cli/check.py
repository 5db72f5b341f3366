"""``python -m engine check PHOTO --target TARGET.png -o DIR``: what differs between a canvas and its step.

PHOTO is a phone photo of the canvas; TARGET what the canvas should look like now (a
plan's ``layer-NN.png`` or ``final.png``). With a ``plan.json`` beside TARGET (or given
with ``--plan``) the plan's palette numbers the mixes and the layer's brush sets the
comparison's scale (``layer-NN.png`` is layer NN - 1, ``final.png`` the last). Writes
``rectified.png`` (the canvas squared to the target's size) and ``findings.png`` (it,
with each region outlined and numbered); ``--json`` prints one object: ``corners``
(top-left, top-right, bottom-right, bottom-left in PHOTO px, after its EXIF orientation
is applied), ``confident``, ``regions``
(``bbox`` [x0, y0, x1, y1] in TARGET px, ``kind``, ``area_cm2``, ``delta_e``,
``delta_l``, ``color``, ``advice``), ``message`` and ``seconds``. ``--corners`` gives
the four corners by hand when the search got them wrong.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from engine.errors import InputError

_LAYER_NAME = re.compile(r"^layer-(\d+)\.png$", re.IGNORECASE)


def register(subparsers) -> None:
    parser = subparsers.add_parser("check", help="check a photo of the canvas against the step it should match",
                                   description=__doc__.split("\n\n")[0])
    parser.add_argument("photo", type=Path, help="photo of the canvas (JPEG, PNG, …)")
    parser.add_argument("--target", type=Path, required=True, help="what the canvas should look like now (PNG, …)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="output folder (created)")
    parser.add_argument("--canvas", default=None,
                        help="canvas size, e.g. 40x30cm (default: the plan's, in the target's shape; "
                             "else 40 cm on the target's longer side)")
    parser.add_argument("--plan", type=Path, default=None, help="the plan.json of the target (default: beside TARGET)")
    parser.add_argument("--corners", default=None,
                        help="the canvas's corners by hand, x,y of top-left, top-right, bottom-right, bottom-left "
                             "in photo px: x,y,x,y,x,y,x,y")
    parser.add_argument("--json", action="store_true", help="print the findings as one JSON object")
    parser.set_defaults(func=run)


def parse_corners(text: str):
    """``"x,y,x,y,x,y,x,y"`` → 4×2 floats, or an InputError saying what is expected."""
    parts = [p for p in re.split(r"[,\s;]+", text.strip()) if p]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 8:
        raise InputError(f"--corners needs 8 numbers, x,y of top-left, top-right, bottom-right and bottom-left "
                         f"in photo px (e.g. 120,80,1900,95,1880,1400,140,1390); got {text!r}.")
    return [values[i : i + 2] for i in range(0, 8, 2)]


def step_settings(target_path: Path, plan_path: Path | None):
    """``(palette_rgb or None, brush_mm or None, canvas or None, where)`` from the plan of a target."""
    import json

    from engine.plan.model import Plan

    explicit = plan_path is not None
    plan_path = plan_path or target_path.parent / "plan.json"
    if not plan_path.is_file():
        if explicit:
            raise InputError(f"no such file: {plan_path}")
        return None, None, None, "no plan.json beside the target"
    try:
        plan = Plan.from_json(json.loads(plan_path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"cannot read {plan_path} as a plan ({error}).") from None
    match = _LAYER_NAME.match(target_path.name)
    brush_mm = None
    if match and 1 <= int(match.group(1)) <= len(plan.layers):
        brush_mm = plan.layers[int(match.group(1)) - 1].brush_mm
    elif plan.layers:
        brush_mm = plan.layers[-1].brush_mm  # final.png or a sub-step: the finest brush so far
    return plan.palette_rgb, brush_mm, plan.canvas, f"palette and brush from {plan_path}"


def run(args) -> int:
    import sys

    from tqdm import tqdm

    from engine.check.pipeline import STAGES, check_photo
    from engine.cli._common import canvas_option, print_json
    from engine.cli.palette import read_picture
    from engine.imageio import save_image

    corners = parse_corners(args.corners) if args.corners else None
    canvas = canvas_option(args.canvas) if args.canvas else None
    if not args.target.is_file():
        raise InputError(f"no such target: {args.target} (give the step's picture, e.g. plan/layer-02.png).")
    palette, brush_mm, plan_canvas, _ = step_settings(args.target, args.plan)
    target = read_picture(args.target)
    photo = read_picture(args.photo)
    if canvas is None and plan_canvas is not None:
        canvas = _shaped_like(plan_canvas, target)
        if canvas != plan_canvas:
            # `python -m engine plan` keeps the picture's shape whatever the canvas; the
            # lesson crops to the canvas. The target is what the canvas shows, so it wins.
            print(f"note: the plan's canvas {plan_canvas[0]:g}x{plan_canvas[1]:g} {plan_canvas[2]} is not the "
                  f"target's shape ({target.shape[1]}x{target.shape[0]} px); checking it as "
                  f"{canvas[0]:g}x{canvas[1]:g} {canvas[2]}.", file=sys.stderr)
    if canvas is None:
        canvas = _shaped_like((40.0, 40.0, "cm"), target)
    with tqdm(total=len(STAGES), desc="check", unit="stage", leave=False) as bar:
        def progress(done, total, stage):
            bar.set_postfix_str(stage)
            bar.update(done - bar.n)

        findings = check_photo(photo, target, canvas, palette_rgb=palette, brush_mm=brush_mm, corners=corners,
                               progress=progress)
    args.output.mkdir(parents=True, exist_ok=True)
    save_image(args.output / "rectified.png", findings.rectified)
    save_image(args.output / "findings.png", findings.picture())
    if findings.message:
        print(f"note: {findings.message}", file=sys.stderr)
    if args.json:
        print_json(findings.to_json())
    else:
        for number, finding in enumerate(findings.regions, start=1):
            print(f"{number}. {finding.advice} ({finding.region.area_cm2:g} cm², ΔE {finding.region.delta_e:g})")
        if not findings.regions and not findings.message:
            print("nothing to fix: the canvas matches this step.")
        print(f"rectified.png and findings.png in {args.output}")
    return 0


def _shaped_like(canvas, target):
    """``canvas`` as is when its shape is the target's (within 1 %), else its longer side with
    the shorter in the target's proportion."""
    width, height, unit = canvas
    rows, columns = target.shape[:2]
    if abs(math.log((width / height) / (columns / rows))) < 0.01:
        return canvas
    long_side = max(width, height)
    if columns >= rows:
        return (long_side, round(long_side * rows / columns, 2), unit)
    return (round(long_side * columns / rows, 2), long_side, unit)
