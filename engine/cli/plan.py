"""``python -m engine plan IMG -o DIR --level LEVEL``: a brush-stroke plan to paint the picture,
layer by layer and one mix at a time.

Writes ``plan.json`` (the level, the block-in's value masses, layers back to front with
their sub-steps, each stroke's points, width and colour number), ``layer-NN.png`` (the
canvas after each layer), ``final.png`` (the finished canvas), ``substeps/NN-MM.png``
(where to paint in sub-step MM of layer NN: the canvas so far, faded, with only that
mix's strokes and their directions), ``stroke-map-NN.svg`` (each layer's strokes,
numbered by colour, arrows for the brush's direction) and ``timelapse.webp`` (the
painting being painted). ``--json`` prints the measures: fidelity next to the palette's
limit, strokes, sub-steps, painting minutes, seconds and memory.
"""

from __future__ import annotations

from pathlib import Path

from engine.errors import InputError
from engine.plan.levels import DEFAULT_LEVEL, LEVELS


def register(subparsers) -> None:
    parser = subparsers.add_parser("plan", help="brush-stroke plan: layers, stroke maps, time-lapse",
                                   description=__doc__.split("\n\n")[0])
    parser.add_argument("image", type=Path, help="picture file (PNG, JPEG, …)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="output folder (created)")
    parser.add_argument("--canvas", default="40x30cm", help="canvas size, e.g. 40x30cm or 16x12in (default 40x30cm)")
    parser.add_argument("--level", default=DEFAULT_LEVEL, choices=tuple(LEVELS),
                        help=f"how much to paint (default {DEFAULT_LEVEL}): "
                        + "; ".join(f"{name}: {level.description}" for name, level in LEVELS.items()))
    parser.add_argument("--budget", type=float, default=None, metavar="N",
                        help="at most N strokes per 10x10 cm of canvas (default: the level's)")
    parser.add_argument("--colors", type=int, default=24, help="most colours in the palette (default 24)")
    parser.add_argument("--max-side", type=int, default=1024,
                        help="plan on the picture reduced to this many px on its longer side (default 1024)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the stroke order (default 0)")
    parser.add_argument("--json", action="store_true", help="print the measures as one JSON object")
    parser.set_defaults(func=run)


def run(args) -> int:
    import resource
    import time

    from tqdm import tqdm

    from engine.cli._common import canvas_option, colors_option, print_json
    from engine.cli.palette import read_picture
    from engine.imageio import resize_long_side
    from engine.lesson.palette import extract
    from engine.plan.measures import plan_measures
    from engine.plan.outputs import plan_picture, substep_image_name
    from engine.plan.substeps import plan_substeps
    from engine.plan.timing import plan_minutes

    canvas = canvas_option(args.canvas)  # fail on a bad size before reading the picture
    colors_option(args.colors)
    if args.max_side < 16:
        raise InputError(f"--max-side must be at least 16 px; got {args.max_side}.")
    picture = read_picture(args.image)
    if max(picture.shape[:2]) > args.max_side:
        picture = resize_long_side(picture, args.max_side)
    with tqdm(total=4, desc="plan", unit="stage", leave=False) as bar:
        started = time.perf_counter()
        bar.set_postfix_str("palette")
        palette = extract(picture, args.colors)
        bar.update(1)
        layers_bar = tqdm(desc="layers", unit="brush", leave=False)

        def progress(done: int, total: int) -> None:
            layers_bar.total = total
            layers_bar.update(done - layers_bar.n)

        bar.set_postfix_str("strokes")
        budget = {} if args.budget is None else {"strokes_per_100_cm2": args.budget}
        planned = plan_picture(picture, palette.rgb, canvas=canvas, level=args.level, seed=args.seed,
                               progress=progress, **budget)
        layers_bar.close()
        seconds = time.perf_counter() - started
        bar.update(1)
        bar.set_postfix_str("measures")
        measures = plan_measures(planned.plan, picture, planned.final)
        bar.update(1)
        bar.set_postfix_str("files")
        files = planned.files()
        for name, data in files.items():
            (args.output / name).parent.mkdir(parents=True, exist_ok=True)
            (args.output / name).write_bytes(data)
        bar.update(1)
    minutes = plan_minutes(planned.plan)
    measures.update(
        substeps=[{"key": step.key, "layer": step.layer + 1, "mix": step.order, "color": step.color,
                   "strokes": step.count, "minutes": minutes["substeps"][step.key],
                   "image": substep_image_name(step.key)} for step in plan_substeps(planned.plan)],
        seconds=round(seconds, 3),
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        picture={"width": int(picture.shape[1]), "height": int(picture.shape[0])},
        canvas={"width": canvas[0], "height": canvas[1], "unit": canvas[2]},
        files=sorted(files),
    )
    if args.json:
        print_json(measures)
    else:
        print(f"{args.level}: {measures['strokes']} strokes in {len(planned.plan.layers)} layers "
              f"(brushes {', '.join(f'{b:g}' for b in measures['brushes_mm'])} mm), "
              f"{measures['substep_count']} sub-steps, about {measures['painting_minutes']:.0f} min of painting; "
              f"ΔE {measures['plan_delta_e']:.2f} vs {measures['quantized_delta_e']:.2f} for the palette alone; "
              f"{len(files)} files in {args.output}")
    return 0
