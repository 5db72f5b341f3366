"""``python -m engine bench check``: does "check my canvas" find the canvas and the mistakes?

The photos are made here (:mod:`engine.check.synthetic_painting`,
:mod:`engine.check.synthetic_scene`, :mod:`engine.check.synthetic_photo`): targets are
the canvases of stroke plans of the sample photos (a layer part-way through or the
finished canvas, with that layer's brush) and synthetic stroke paintings (a 6 mm
brush), painted imperfectly everywhere with 0–3 planted mistakes of 2–6 % of the canvas
(too dark, too light, off colour), laid on a table among other things and photographed
at an angle (perspective ≤ 20°, rotation ≤ 15°) under uneven (±20 %), tinted light,
with noise and JPEG, at 12 MP. Photo *i* of seed *s* is the same photo on every machine.

Figures: corner error (largest corner distance as a share of the canvas's diagonal:
mean, max, share ≤ 1.5 %; target 95 %), recall (a planted mistake is found when a
reported region of its kind overlaps it; target ≥ 0.8), false regions per clean canvas
(target ≤ 0.3) and per photo, seconds per photo from JPEG bytes to findings, wall and CPU
(target ≤ 3 s at 12 MP on 2 cores). Tune with one ``--seed``, report another.
"""

from __future__ import annotations

from pathlib import Path

from engine.benchmarks.lesson import DEFAULT_IMAGES
from engine.errors import InputError


def register(subparsers) -> None:
    parser = subparsers.add_parser("check", help="check my canvas: corners, mistakes found, false regions, time")
    parser.add_argument("--count", type=int, default=48, help="photos (default 48; a quarter have no mistake)")
    parser.add_argument("--seed", type=int, default=2, help="seed of the photos (default 2; 1 was used for tuning)")
    parser.add_argument("--megapixels", type=float, default=12.0, help="photo size (default 12 MP, 4:3)")
    parser.add_argument("--images", type=Path, default=DEFAULT_IMAGES,
                        help="pictures to plan targets from (default ../shared/data/content)")
    parser.add_argument("--limit", type=int, default=None,
                        help="plan targets from only the first N pictures (0: synthetic paintings only)")
    parser.add_argument("--size", type=int, default=320, help="targets' longer side in px (default 320)")
    parser.add_argument("--canvas", default="40x30cm", help="canvas size (default 40x30cm; turned for portrait pictures)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)


def plan_targets(folder: Path, size: int, canvas, limit: int | None = None) -> list[dict]:
    """Per picture: ``name``, ``canvas_cm``, ``palette`` and ``layers`` [(image, brush_mm)]."""
    from engine.benchmarks.plan import bench_pictures
    from engine.lesson.grid import oriented_canvas
    from engine.lesson.palette import extract
    from engine.plan.outputs import plan_picture
    from engine.plan.render import labels_to_rgb

    targets = []
    if limit == 0:
        return targets
    for name, _kind, picture in bench_pictures(folder, size, 0, limit, canvas):
        width, height, unit = oriented_canvas(canvas, picture.shape[:2])
        per_cm = 2.54 if unit == "in" else 1.0
        canvas_cm = (width * per_cm, height * per_cm)
        palette = extract(picture, 16).rgb
        planned = plan_picture(picture, palette, canvas=(canvas_cm[0], canvas_cm[1], "cm"))
        layers = [(labels_to_rgb(labels, palette), layer.brush_mm)
                  for labels, layer in zip(planned.render.layers, planned.plan.layers)]
        targets.append({"name": name, "canvas_cm": canvas_cm, "palette": palette, "layers": layers})
    return targets


def synthetic_target(index: int, size: int, canvas) -> dict:
    from engine.strokes.synth import paint

    width, height, unit = canvas
    per_cm = 2.54 if unit == "in" else 1.0
    short = round(size * min(width, height) / max(width, height))
    painting = paint((short, size), seed=5000 + index, grid_scale=size / 10)
    canvas_cm = (max(width, height) * per_cm, min(width, height) * per_cm)
    return {"name": f"synthetic-{index}", "canvas_cm": canvas_cm, "palette": None, "layers": [(painting.image, 6.0)]}


def make_case(index: int, seed: int, targets: list[dict], size: int, canvas, photo_size):
    """Photo ``index`` of ``seed``: (target dict, layer image, brush_mm, painted canvas, photo)."""
    import numpy as np

    from engine.check.synthetic_painting import paint_imperfectly
    from engine.check.synthetic_photo import photograph

    rng = np.random.default_rng([seed, index])
    if index % 4 == 3 or not targets:  # one photo in four: a synthetic stroke painting, finished
        target = synthetic_target(int(rng.integers(1000)), size, canvas)
        image, brush_mm = target["layers"][0]
    else:
        target = targets[int(rng.integers(len(targets)))]
        layers = target["layers"]
        # A step part-way through (never the first, mostly bare) or the finished canvas.
        layer = int(rng.integers(min(1, len(layers) - 1), len(layers)))
        image, brush_mm = layers[layer]
    cm_per_px = target["canvas_cm"][0] / image.shape[1]
    painted = paint_imperfectly(image, rng=rng, brush_px=brush_mm / 10 / cm_per_px, n_mistakes=index % 4)
    photo = photograph(painted.image, canvas_cm=target["canvas_cm"], rng=rng, size=photo_size)
    return target, image, brush_mm, painted, photo


def run(args) -> int:
    import io
    import time

    import numpy as np
    from PIL import Image
    from tqdm import tqdm

    from engine.check.pipeline import check_photo
    from engine.imageio import pil_to_rgb_array
    from engine.lesson.grid import parse_canvas

    canvas = parse_canvas(args.canvas)
    if args.count < 1 or args.size < 64 or not 0.3 <= args.megapixels <= 50:
        raise InputError("--count must be ≥ 1, --size ≥ 64 and --megapixels 0.3–50.")
    photo_width = int(round(np.sqrt(args.megapixels * 1e6 * 4 / 3)))
    photo_size = (photo_width, int(round(photo_width * 3 / 4)))
    targets = plan_targets(args.images, args.size, canvas, args.limit)
    if not targets and args.limit != 0:
        raise InputError(f"no pictures in {args.images} to plan targets from (--limit 0: synthetic paintings only).")
    rows = []
    for index in tqdm(range(args.count), desc="bench check", leave=False):
        target, image, brush_mm, painted, shot = make_case(index, args.seed, targets, args.size, canvas, photo_size)
        width_cm, height_cm = target["canvas_cm"]
        wall, cpu = time.perf_counter(), time.process_time()
        with Image.open(io.BytesIO(shot.jpeg)) as opened:
            photo = pil_to_rgb_array(opened)
        findings = check_photo(photo, image, (width_cm, height_cm, "cm"), palette_rgb=target["palette"],
                               brush_mm=brush_mm)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        diagonal = np.linalg.norm(shot.corners[2] - shot.corners[0])
        errors = np.linalg.norm(findings.corners - shot.corners, axis=1) / diagonal
        regions = [finding.region for finding in findings.regions]
        found = [any(r.kind == m.kind and (r.mask & m.mask).any() for r in regions) for m in painted.mistakes]
        false = [r for r in regions if not any((r.mask & m.mask).any() for m in painted.mistakes)]
        rows.append({
            "photo": index, "target": target["name"], "brush_mm": brush_mm, "confident": findings.confident,
            "corner_error": round(float(errors.max()), 5), "mistakes": [m.kind for m in painted.mistakes],
            "found": int(sum(found)),
            "found_kinds": [m.kind for m, hit in zip(painted.mistakes, found) if hit], "false_regions": len(false), "false_kinds": [r.kind for r in false],
            "message": findings.message, "seconds": round(wall, 3), "cpu_seconds": round(cpu, 3),
            "scene": shot.params,
        })
    summary = _summary(rows, args, photo_size)
    if args.json:
        from engine.cli._common import print_json

        print_json(summary)
        return 0
    t = summary["total"]
    print(f"{len(rows)} photos of {photo_size[0]}x{photo_size[1]} px, seed {args.seed}")
    print(f"corner error: mean {t['corner_error_mean']:.3%}, max {t['corner_error_max']:.3%} of the diagonal; "
          f"{t['corner_error_within_1_5_percent']:.0%} of photos within 1.5 %")
    print(f"mistakes found: {t['found']} of {t['planted']} (recall {t['recall']}); false regions per clean canvas "
          f"{t['false_regions_per_clean_canvas']}, per photo {t['false_regions_per_photo']}")
    print(f"seconds per photo: wall mean {t['seconds_mean']} max {t['seconds_max']}; "
          f"CPU mean {t['cpu_seconds_mean']} max {t['cpu_seconds_max']}")
    return 0


def _summary(rows, args, photo_size) -> dict:
    import numpy as np

    errors = np.array([r["corner_error"] for r in rows])
    planted = sum(len(r["mistakes"]) for r in rows)
    found = sum(r["found"] for r in rows)
    clean = [r for r in rows if not r["mistakes"]]
    false_clean = float(np.mean([r["false_regions"] for r in clean])) if clean else None
    by_kind = {kind: {"planted": sum(r["mistakes"].count(kind) for r in rows),
                      "found": sum(r["found_kinds"].count(kind) for r in rows)}
               for kind in ("too_dark", "too_light", "off_colour")}
    recall = round(found / planted, 3) if planted else None
    within = float(np.mean(errors <= 0.015))
    cpu = [r["cpu_seconds"] for r in rows]
    wall = [r["seconds"] for r in rows]
    return {
        "photos": rows,
        "total": {
            "photos": len(rows), "seed": args.seed, "photo_size": list(photo_size), "target_size": args.size,
            "corner_error_mean": round(float(errors.mean()), 5), "corner_error_max": round(float(errors.max()), 5),
            "corner_error_within_1_5_percent": round(within, 3),
            "confident": sum(r["confident"] for r in rows),
            "planted": planted, "planted_by_kind": by_kind, "found": found, "recall": recall,
            "clean_canvases": len(clean), "false_regions_per_clean_canvas": None if false_clean is None else round(false_clean, 3),
            "false_regions_per_photo": round(float(np.mean([r["false_regions"] for r in rows])), 3),
            "seconds_mean": round(float(np.mean(wall)), 3), "seconds_max": round(float(np.max(wall)), 3),
            "cpu_seconds_mean": round(float(np.mean(cpu)), 3), "cpu_seconds_max": round(float(np.max(cpu)), 3),
            "targets": {
                "corners_within_1_5_percent_on_95_percent": bool(within >= 0.95),
                "recall_ge_0_8": bool(recall is not None and recall >= 0.8),
                "false_regions_per_clean_le_0_3": bool(false_clean is not None and false_clean <= 0.3),
                "seconds_le_3": bool(np.max(wall) <= 3.0),
                "cpu_seconds_le_3": bool(np.max(cpu) <= 3.0),
            },
        },
    }
