"""``python -m engine lesson IMG -o DIR``: a printable lesson plan for a canvas size.

Writes the palette chart, value studies, drawing grid, painting steps and
paint-by-numbers sheet as images and SVG, plus ``lesson.json`` and ``lesson.html``
(open it in a browser and print). ``--json`` prints ``lesson.json`` on stdout.
"""

from __future__ import annotations

from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "lesson", help="printable lesson plan: palette, values, grid, steps, sheet",
        description=__doc__.split("\n\n")[0],
    )
    parser.add_argument("image", type=Path, help="picture file (PNG, JPEG, …)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="output folder (created)")
    parser.add_argument("--canvas", default="40x30cm", help="canvas size, e.g. 40x30cm or 16x12in (default 40x30cm)")
    parser.add_argument("--colors", type=int, default=24, help="most colours in the palette (default 24)")
    parser.add_argument("--fit", choices=("crop", "pad"), default="crop",
                        help="crop the picture to the canvas shape, or pad it with white (default crop)")
    parser.add_argument("--grid-spacing", type=float, default=None,
                        help="grid square side in canvas units (default: a round value, ≤ 10 squares)")
    parser.add_argument("--json", action="store_true", help="print lesson.json on stdout")
    parser.set_defaults(func=run)


def run(args) -> int:
    from tqdm import tqdm

    from engine.cli.palette import read_picture
    from engine.cli._common import canvas_option, colors_option
    from engine.lesson.build import build_lesson

    canvas = canvas_option(args.canvas)  # fail on a bad size before reading the picture
    colors_option(args.colors)
    picture = read_picture(args.image)
    with tqdm(total=100, desc="lesson", unit="%", leave=False) as bar:

        def progress(stage: str, fraction: float) -> None:
            bar.set_postfix_str(stage)
            bar.update(round(fraction * 100) - bar.n)

        lesson = build_lesson(
            picture, max_colors=args.colors, canvas=canvas, fit=args.fit,
            grid_spacing=args.grid_spacing, progress=progress,
        )
        paths = lesson.write(args.output)
    if args.json:
        from engine.cli._common import print_json

        print_json(lesson.to_json())
    else:
        print(f"wrote {len(paths)} files to {args.output}; open {args.output / 'lesson.html'}")
    return 0
