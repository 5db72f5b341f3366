"""``python -m engine steps IMG -o DIR``: the lesson's painting steps as pictures and instructions.

The same steps as the studio's lesson: the layers of the stroke plan at ``--level``
(:func:`engine.lesson.steps.steps_from_plan`), each painted one mix at a time. Writes
``step-NN.png`` (the canvas after the step), ``substeps/NN-MM.png`` (where to paint each
mix), ``quantized.png`` and ``steps.json`` (palette, level and steps with their
sub-steps); ``--json`` prints the same object as ``steps.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

from engine.plan.levels import DEFAULT_LEVEL, LEVELS


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "steps", help="the lesson's painting steps, one mix at a time", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("image", type=Path, help="picture file (PNG, JPEG, …)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="output folder (created)")
    parser.add_argument("--colors", type=int, default=24, help="most colours in the palette (default 24)")
    parser.add_argument("--canvas", default="40x30cm", help="canvas size, e.g. 40x30cm or 16x12in (default 40x30cm)")
    parser.add_argument("--level", default=DEFAULT_LEVEL, choices=tuple(LEVELS),
                        help=f"how much to paint (default {DEFAULT_LEVEL})")
    parser.add_argument("--json", action="store_true", help="print the steps as one JSON object")
    parser.set_defaults(func=run)


def run(args) -> int:
    from tqdm import tqdm

    from engine.cli._common import canvas_option, colors_option
    from engine.cli.palette import read_picture
    from engine.imageio import encode_compact_png, save_image
    from engine.lesson.build import PLAN_MAX_SIDE
    from engine.lesson.grid import fit_to_canvas, oriented_canvas
    from engine.lesson.palette import extract_with_labels
    from engine.lesson.steps import steps_from_plan
    from engine.plan.outputs import plan_picture
    from engine.plan.where_to_paint import where_to_paint

    canvas = canvas_option(args.canvas)
    colors_option(args.colors)
    picture = read_picture(args.image)
    width, height, unit = oriented_canvas(canvas, picture.shape[:2])  # as the studio turns it
    picture = fit_to_canvas(picture, width, height)
    with tqdm(total=3, desc="steps", unit="stage", leave=False) as bar:
        palette, labels = extract_with_labels(picture, args.colors)
        planned = plan_picture(picture, palette.rgb, canvas=(width, height, unit), level=args.level,
                               max_side=PLAN_MAX_SIDE)
        bar.update()
        steps = steps_from_plan(planned, palette)
        bar.update()
        (args.output / "substeps").mkdir(parents=True, exist_ok=True)
        save_image(args.output / "quantized.png", palette.render(labels))
        for sub, image in where_to_paint(planned.plan):
            (args.output / "substeps" / f"{sub.key}.png").write_bytes(encode_compact_png(image))
        payload = {"palette": palette.to_json(), "level": args.level, "steps": []}
        for step in steps:
            image = f"step-{step.order:02d}.png"
            save_image(args.output / image, step.canvas)
            payload["steps"].append({**step.to_json(), "image": image})
        (args.output / "steps.json").write_text(json.dumps(payload, indent=2), encoding="utf-8")
        bar.update()
    if args.json:
        from engine.cli._common import print_json

        print_json(payload)
    else:
        for step in payload["steps"]:
            print(f"{step['order']}. {step['title']}: {step['instruction']}")
            for sub in step["substeps"]:
                print(f"   {step['order']}.{sub['order']} mix {sub['color']}: {sub['strokes']} strokes, "
                      f"about {sub['minutes']:.0f} min ({sub['image']})")
    return 0
