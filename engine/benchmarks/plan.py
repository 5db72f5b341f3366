"""``python -m engine bench plan``: fidelity, economy, speed and memory of the stroke planner.

Over a folder of pictures (default the sample photos ``../shared/data/content``; give
the paintings of a real generation with ``--images``) and a set of synthetic paintings
(:mod:`engine.strokes.synth`, whose every pixel is reachable with their own palette),
each fitted to the canvas and reduced to ``--size`` px on its longer side:

* fidelity: mean CIEDE2000 between the rendered plan and the picture, next to the
  quantised picture's (each pixel's nearest palette colour: the limit of any plan with
  that palette); target ratio ≤ 1.5;
* economy: strokes in total, per layer and per 10 × 10 cm of canvas;
* speed and memory: seconds to plan and render (target ≤ 10 s at 512 px on 2 cores),
  peak resident memory of the process (target ≤ 1 GB).

The layer-order measure lives in ``python -m engine layers evaluate`` (planner method).
"""

from __future__ import annotations

from pathlib import Path

from engine.benchmarks.lesson import DEFAULT_IMAGES
from engine.errors import InputError


def register(subparsers) -> None:
    parser = subparsers.add_parser("plan", help="stroke planner: ΔE vs the quantised picture, strokes, time, memory")
    parser.add_argument("--images", type=Path, default=DEFAULT_IMAGES,
                        help="folder of pictures (default ../shared/data/content)")
    parser.add_argument("--synthetic", type=int, default=4, help="synthetic paintings added (default 4)")
    parser.add_argument("--size", type=int, default=512, help="longer side in px (default 512)")
    parser.add_argument("--canvas", default="40x30cm", help="canvas size (default 40x30cm)")
    parser.add_argument("--colors", type=int, default=24, help="palette size (default 24)")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N pictures of the folder")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)


def bench_pictures(folder: Path, size: int, synthetic: int, limit: int | None, canvas):
    """``(name, kind, picture)`` triples, fitted to ``canvas`` and ``size`` px long."""
    from engine.imageio import load_image, resize_long_side
    from engine.lesson.grid import fit_to_canvas
    from engine.strokes.synth import paint

    width, height, _ = canvas
    files = sorted(p for p in folder.glob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp")) \
        if folder.is_dir() else []
    for path in files[:limit] if limit else files:
        picture = load_image(path)
        portrait = picture.shape[0] > picture.shape[1]
        w, h = (min(width, height), max(width, height)) if portrait else (max(width, height), min(width, height))
        yield path.name, "picture", resize_long_side(fit_to_canvas(picture, w, h), size)
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
    from engine.plan.measures import plan_measures
    from engine.plan.outputs import plan_picture

    canvas = canvas_option(args.canvas)
    colors_option(args.colors)
    if args.size < 32:
        raise InputError(f"--size must be at least 32 px; got {args.size}.")
    rows = []
    pictures = list(bench_pictures(args.images, args.size, args.synthetic, args.limit, canvas))
    if not pictures:
        raise InputError(f"no pictures in {args.images} and --synthetic 0: nothing to measure.")
    plan_picture(pictures[0][2][:48, :48], extract(pictures[0][2][:48, :48], 4).rgb)  # imports, first calls
    for name, kind, picture in tqdm(pictures, desc="bench plan", leave=False):
        started = time.perf_counter()
        palette = extract(picture, args.colors)
        palette_seconds = time.perf_counter() - started
        started, cpu = time.perf_counter(), time.process_time()
        planned = plan_picture(picture, palette.rgb, canvas=canvas)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        rows.append({
            "image": name, "kind": kind, "width": int(picture.shape[1]), "height": int(picture.shape[0]),
            **plan_measures(planned.plan, picture, planned.final),
            "seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3), "palette_seconds": round(palette_seconds, 3),
        })

    def mean(key, subset=rows):
        return round(float(np.mean([r[key] for r in subset])), 3) if subset else None

    plan_de, quantized_de = mean("plan_delta_e"), mean("quantized_delta_e")
    peak = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    by_kind = {kind: {"plan_delta_e": mean("plan_delta_e", [r for r in rows if r["kind"] == kind]),
                      "quantized_delta_e": mean("quantized_delta_e", [r for r in rows if r["kind"] == kind])}
               for kind in ("picture", "synthetic")}
    summary = {
        "images": rows,
        "total": {
            "plan_delta_e": plan_de,
            "quantized_delta_e": quantized_de,
            "delta_e_ratio": round(plan_de / quantized_de, 3) if quantized_de else None,
            "by_kind": by_kind,
            "seconds_max": round(max(r["seconds"] for r in rows), 3),
            # Wall time stretches when other jobs share the cores; CPU time does not.
            "cpu_seconds_max": round(max(r["cpu_seconds"] for r in rows), 3),
            "peak_rss_mb": peak,
            "strokes_per_100_cm2": mean("strokes_per_100_cm2"),
            "strokes_mean": mean("strokes"),
            "size": args.size, "canvas": args.canvas, "colors": args.colors,
            "targets": {
                "delta_e_within_1_5x": bool(plan_de <= 1.5 * quantized_de),
                "seconds_le_10": bool(max(r["seconds"] for r in rows) <= 10.0),
                "cpu_seconds_le_10": bool(max(r["cpu_seconds"] for r in rows) <= 10.0),
                "memory_le_1_gb": bool(peak <= 1024),
            },
        },
    }
    if args.json:
        from engine.cli._common import print_json

        print_json(summary)
        return 0
    print(f"{'image':<22}{'kind':>10}{'plan ΔE':>9}{'quant ΔE':>10}{'ratio':>7}{'strokes':>9}{'/100cm²':>9}{'s':>7}")
    for r in rows:
        print(f"{r['image'][:21]:<22}{r['kind']:>10}{r['plan_delta_e']:>9.2f}{r['quantized_delta_e']:>10.2f}"
              f"{(r['ratio'] or 0):>7.2f}{r['strokes']:>9}{r['strokes_per_100_cm2']:>9.0f}{r['seconds']:>7.2f}")
    t = summary["total"]
    print(f"mean ΔE: plan {t['plan_delta_e']:.2f}, quantised {t['quantized_delta_e']:.2f} (ratio {t['delta_e_ratio']}); "
          f"≤ {t['seconds_max']:.2f} s per picture; peak memory {t['peak_rss_mb']:.0f} MB")
    return 0
