"""``python -m engine bench plan``: fidelity, economy, speed and memory of the stroke planner, per level.

Over a folder of photos (default the sample photos ``../shared/data/content``; the
paintings of a real generation with ``--images``), the photos that ship with
scikit-image and scikit-learn (``--unseen``: never used to tune the planner) and a set
of synthetic paintings (:mod:`engine.strokes.synth`, whose every pixel is reachable with
their own palette), each fitted to the canvas and reduced to ``--size`` px on its longer
side, every level of :mod:`engine.plan.levels` is planned and measured:

* fidelity: mean CIEDE2000 between the rendered plan and the picture, next to the
  quantised picture's (each pixel's nearest palette colour: the limit of any plan with
  that palette); the ratio of the means over the photos of a set;
* economy: strokes per 10 × 10 cm, sub-steps, mixes of the block-in, the longest stroke
  on the canvas and the painting minutes (:mod:`engine.plan.timing`);
* speed and memory: seconds to plan and render (wall and CPU), peak resident memory.

Targets per level (photos, 24 colours, 40 × 30 cm, 512 px): beginner ≤ 25 strokes per
10 × 10 cm and ratio ≤ 2.2; intermediate ≤ 80 and ≤ 1.7; detailed ≤ 1.5; at every level
≤ 6 block-in mixes, strokes ≤ 15 cm, ≤ 10 s and ≤ 1 GB per plan.
"""

from __future__ import annotations

from pathlib import Path

from engine.benchmarks.lesson import DEFAULT_IMAGES
from engine.errors import InputError

#: Fidelity ratio targets per level (plan ΔE / quantised ΔE, means over the photos).
RATIO_TARGETS = {"beginner": 2.2, "intermediate": 1.7, "detailed": 1.5}


def register(subparsers) -> None:
    parser = subparsers.add_parser("plan", help="stroke planner per level: ΔE vs the quantised picture, strokes, "
                                                "sub-steps, time, memory")
    parser.add_argument("--images", type=Path, default=DEFAULT_IMAGES,
                        help="folder of pictures (default ../shared/data/content)")
    parser.add_argument("--unseen", action="store_true",
                        help="add the photos shipped with scikit-image and scikit-learn (never tuned on)")
    parser.add_argument("--synthetic", type=int, default=4, help="synthetic paintings added (default 4)")
    parser.add_argument("--levels", default="beginner,intermediate,detailed",
                        help="levels to plan, comma-separated (default all three)")
    parser.add_argument("--size", type=int, default=512, help="longer side in px (default 512)")
    parser.add_argument("--canvas", default="40x30cm", help="canvas size (default 40x30cm)")
    parser.add_argument("--colors", type=int, default=24, help="palette size (default 24)")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N pictures of the folder")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)


def unseen_photos() -> list[Path]:
    """Colour photos that ship inside the installed scikit-image and scikit-learn packages."""
    import skimage.data
    import sklearn.datasets

    skimage_dir = Path(skimage.data.__file__).parent
    sklearn_dir = Path(sklearn.datasets.__file__).parent / "images"
    names = [skimage_dir / n for n in ("astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "motorcycle_left.png")]
    return [p for p in names + sorted(sklearn_dir.glob("*.jpg")) if p.is_file()]


def bench_pictures(folder: Path, size: int, synthetic: int, limit: int | None, canvas, *, unseen: bool = False):
    """``(name, set, picture)`` triples, fitted to ``canvas`` and ``size`` px long; ``set`` is
    ``"photos"`` (the folder), ``"unseen"`` (:func:`unseen_photos`) or ``"synthetic"``."""
    from engine.imageio import load_image, resize_long_side
    from engine.lesson.grid import fit_to_canvas, oriented_canvas
    from engine.strokes.synth import paint

    width, height, _ = canvas
    files = sorted(p for p in folder.glob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp")) \
        if folder.is_dir() else []
    sources = [(p, "photos") for p in (files[:limit] if limit else files)]
    sources += [(p, "unseen") for p in unseen_photos()] if unseen else []
    for path, kind in sources:
        picture = load_image(path)
        w, h, _ = oriented_canvas(canvas, picture.shape[:2])
        yield path.name, kind, resize_long_side(fit_to_canvas(picture, w, h), size)
    short = round(size * min(width, height) / max(width, height))
    for i in range(synthetic):
        yield f"synthetic-{i + 1}", "synthetic", paint((short, size), seed=1000 + i, grid_scale=size / 8.0).image


def run(args) -> int:
    import resource
    import time

    import numpy as np
    from tqdm import tqdm

    from engine.cli._common import canvas_option, colors_option
    from engine.lesson.palette import extract
    from engine.plan.levels import BLOCK_IN_MIXES, MAX_STROKE_MM, get_level
    from engine.plan.measures import plan_measures
    from engine.plan.outputs import plan_picture

    canvas = canvas_option(args.canvas)
    colors_option(args.colors)
    if args.size < 32:
        raise InputError(f"--size must be at least 32 px; got {args.size}.")
    levels = [get_level(name).name for name in args.levels.split(",") if name.strip()]
    pictures = list(bench_pictures(args.images, args.size, args.synthetic, args.limit, canvas, unseen=args.unseen))
    if not pictures:
        raise InputError(f"no pictures in {args.images} and --synthetic 0: nothing to measure.")
    palettes = {name: extract(picture, args.colors).rgb for name, _, picture in pictures}
    plan_picture(pictures[0][2][:48, :48], extract(pictures[0][2][:48, :48], 4).rgb)  # imports, first calls
    rows = []
    with tqdm(total=len(levels) * len(pictures), desc="bench plan", leave=False) as bar:
        for level in levels:
            for name, kind, picture in pictures:
                started, cpu = time.perf_counter(), time.process_time()
                planned = plan_picture(picture, palettes[name], canvas=canvas, level=level)
                seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
                rows.append({"level": level, "image": name, "set": kind, "width": int(picture.shape[1]),
                             "height": int(picture.shape[0]), **plan_measures(planned.plan, picture, planned.final),
                             "seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3)})
                bar.update(1)
    peak = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

    def mean(key, subset):
        return round(float(np.mean([r[key] for r in subset])), 3) if subset else None

    summary = {}
    for level in levels:
        ours = [r for r in rows if r["level"] == level]
        settings = get_level(level)
        sets = {}
        for kind in ("photos", "unseen", "synthetic"):
            subset = [r for r in ours if r["set"] == kind]
            if subset:
                plan_de, quantized_de = mean("plan_delta_e", subset), mean("quantized_delta_e", subset)
                sets[kind] = {"images": len(subset), "plan_delta_e": plan_de, "quantized_delta_e": quantized_de,
                              "ratio": round(plan_de / quantized_de, 3) if quantized_de else None,
                              "strokes_per_100_cm2": mean("strokes_per_100_cm2", subset),
                              "substeps": mean("substep_count", subset),
                              "painting_minutes": mean("painting_minutes", subset)}
        photo_ratios = [s["ratio"] for k, s in sets.items() if k != "synthetic" and s["ratio"] is not None]
        summary[level] = {
            "sets": sets,
            "strokes_per_100_cm2_max": max(r["strokes_per_100_cm2"] for r in ours),
            "block_in_colors_max": max(r["block_in_colors"] for r in ours),
            "longest_stroke_cm_max": max(r["longest_stroke_cm"] for r in ours),
            "seconds_max": max(r["seconds"] for r in ours),
            # Wall time stretches when other jobs share the cores; CPU time does not.
            "cpu_seconds_max": max(r["cpu_seconds"] for r in ours),
            "targets": {
                "budget": settings.budget is None or max(r["strokes_per_100_cm2"] for r in ours) <= settings.budget,
                "ratio": bool(photo_ratios) and max(photo_ratios) <= RATIO_TARGETS[level],
                "block_in_le_6_mixes": max(r["block_in_colors"] for r in ours) <= BLOCK_IN_MIXES,
                "strokes_le_15_cm": max(r["longest_stroke_cm"] for r in ours) <= MAX_STROKE_MM / 10,
                "cpu_seconds_le_10": max(r["cpu_seconds"] for r in ours) <= 10.0,
            },
        }
    report = {"images": rows, "levels": summary, "peak_rss_mb": peak, "memory_le_1_gb": peak <= 1024,
              "size": args.size, "canvas": args.canvas, "colors": args.colors}
    if args.json:
        from engine.cli._common import print_json

        print_json(report)
        return 0
    print(f"{'level':<13}{'set':<10}{'n':>3}{'plan ΔE':>9}{'quant ΔE':>10}{'ratio':>7}{'/100cm²':>9}"
          f"{'sub-steps':>10}{'minutes':>9}")
    for level, result in summary.items():
        for kind, s in result["sets"].items():
            print(f"{level:<13}{kind:<10}{s['images']:>3}{s['plan_delta_e']:>9.2f}{s['quantized_delta_e']:>10.2f}"
                  f"{(s['ratio'] or 0):>7.2f}{s['strokes_per_100_cm2']:>9.1f}{s['substeps']:>10.1f}"
                  f"{s['painting_minutes']:>9.0f}")
        print(f"{'':<13}max {result['strokes_per_100_cm2_max']:.1f} strokes/100cm², block-in "
              f"{result['block_in_colors_max']} mixes, longest {result['longest_stroke_cm_max']:.1f} cm, "
              f"≤ {result['cpu_seconds_max']:.1f} s CPU; targets {result['targets']}")
    print(f"peak memory {peak:.0f} MB")
    return 0
