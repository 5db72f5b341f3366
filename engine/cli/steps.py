"""``python -m engine steps IMG -o DIR``: painting steps as pictures and instructions.

Writes ``step-NN.png`` (canvas after the step), ``step-NN-mask.png`` (where to paint,
white), ``quantized.png`` and ``steps.json`` (palette and steps); ``--json`` prints
the same object as ``steps.json``.
"""

from __future__ import annotations

import json
from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "steps", help="ordered painting steps with colours and instructions", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("image", type=Path, help="picture file (PNG, JPEG, …)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="output folder (created)")
    parser.add_argument("--colors", type=int, default=24, help="most colours in the palette (default 24)")
    parser.add_argument("--json", action="store_true", help="print the steps as one JSON object")
    parser.set_defaults(func=run)


def run(args) -> int:
    from tqdm import tqdm

    from engine.cli._common import colors_option
    from engine.cli.palette import read_picture
    from engine.imageio import save_image
    from engine.lesson.palette import extract_with_labels
    from engine.lesson.steps import plan_steps

    colors_option(args.colors)
    picture = read_picture(args.image)
    with tqdm(total=3, desc="steps", unit="stage", leave=False) as bar:
        palette, labels = extract_with_labels(picture, args.colors)
        bar.update()
        steps = plan_steps(picture, palette, labels=labels)
        bar.update()
        args.output.mkdir(parents=True, exist_ok=True)
        save_image(args.output / "quantized.png", palette.render(labels))
        payload = {"palette": palette.to_json(), "steps": []}
        for step in steps:
            image, mask = f"step-{step.order:02d}.png", f"step-{step.order:02d}-mask.png"
            save_image(args.output / image, step.canvas)
            save_image(args.output / mask, step.mask)
            payload["steps"].append({**step.to_json(), "image": image, "mask": mask})
        (args.output / "steps.json").write_text(json.dumps(payload, indent=2), encoding="utf-8")
        bar.update()
    if args.json:
        from engine.cli._common import print_json

        print_json(payload)
    else:
        for step in payload["steps"]:
            print(f"{step['order']}. {step['title']}: {step['instruction']}")
    return 0
