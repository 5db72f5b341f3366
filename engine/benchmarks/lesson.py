"""``python -m engine bench lesson``: palette quality and lesson speed against the original.

On 500×500 versions of the sample photos (``../shared/data/content``; generated
pictures when absent), in one process:

* the original method: ``extcolors`` (tolerance 10, limit 500, the 24 largest colours)
  plus its eight "steps", SLIC at 50…8000 segments averaged per segment;
* ours: :func:`engine.palette.extract` alone, and the whole lesson plan
  (:func:`engine.lesson.build_lesson` including every output file's bytes).

Per picture and in total: seconds of each, the mean CIEDE2000 between each pixel and
its nearest colour of each 24-colour palette, and the ratios. Targets: palette ΔE ≤
0.85 × the original's, palette ≤ 0.5 s, lesson ≤ 3 s per picture, memory ≤ 1 GB.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

from engine.errors import InputError

SLIC_LEVELS = (50, 100, 200, 500, 1000, 2000, 4000, 8000)
DEFAULT_IMAGES = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "content"


def register(subparsers) -> None:
    parser = subparsers.add_parser("lesson", help="palette ΔE and lesson time vs extcolors + SLIC steps")
    parser.add_argument("--images", type=Path, default=DEFAULT_IMAGES,
                        help="folder of pictures (default ../shared/data/content; generated ones if absent)")
    parser.add_argument("--size", type=int, default=500, help="pictures are resized to size×size (default 500)")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N pictures")
    parser.add_argument("--colors", type=int, default=24, help="palette size compared (default 24)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)


def original_palette(image, colors: int = 24):
    """The original recipe's palette: extcolors (tolerance 10, limit 500), largest ``colors``."""
    import extcolors
    import numpy as np
    from PIL import Image

    with warnings.catch_warnings():  # extcolors uses a Pillow call deprecated since 2025
        warnings.simplefilter("ignore", DeprecationWarning)
        found, _ = extcolors.extract_from_image(Image.fromarray(image), tolerance=10, limit=500)
    found = sorted(found, key=lambda item: -item[1])[:colors]
    return np.array([rgb for rgb, _ in found], dtype=np.uint8)


def original_steps(image) -> list:
    """The original recipe's steps: SLIC superpixels averaged per segment, 8 levels."""
    from skimage.color import label2rgb
    from skimage.segmentation import slic

    return [
        label2rgb(slic(image, n_segments=n, start_label=1, compactness=10), image, kind="avg", bg_label=0)
        for n in SLIC_LEVELS
    ]


def generated_pictures(size: int, count: int = 4):
    """Deterministic stand-ins for the sample photos: gradients, discs and texture."""
    import numpy as np

    rng = np.random.default_rng(2024)
    yy, xx = np.mgrid[0:size, 0:size] / size
    pictures = []
    for i in range(count):
        base = np.stack([xx, yy, 1 - xx * yy], axis=2) * rng.uniform(0.4, 1.0, 3)
        for _ in range(6):
            cy, cx, r = rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9), rng.uniform(0.05, 0.25)
            disc = (yy - cy) ** 2 + (xx - cx) ** 2 < r * r
            base[disc] = rng.uniform(0, 1, 3)
        base += rng.normal(0, 0.03, base.shape)
        pictures.append((f"generated-{i + 1}", np.clip(base * 255, 0, 255).astype(np.uint8)))
    return pictures


def load_pictures(folder: Path, size: int, limit: int | None):
    from engine.imageio import load_image, resize

    files = sorted(p for p in folder.glob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png")) if folder.is_dir() else []
    if not files:
        pictures = generated_pictures(size)
    else:
        pictures = [(p.name, resize(load_image(p), (size, size))) for p in files]
    return pictures[:limit] if limit else pictures


def run(args) -> int:
    import resource
    import tracemalloc

    import numpy as np
    from tqdm import tqdm

    from engine.color.spaces import mean_palette_delta_e
    from engine.lesson.build import build_lesson
    from engine.lesson.palette import extract

    if args.size < 32:
        raise InputError(f"--size must be at least 32 px; got {args.size}.")
    pictures = load_pictures(args.images, args.size, args.limit)
    canvas = "40x40cm"  # square, like the pictures: the lesson uses every pixel

    warm = pictures[0][1][:64, :64]  # imports and first-call costs are not what we measure
    original_steps(warm), original_palette(warm), build_lesson(warm, canvas=canvas)

    rows = []
    for name, image in tqdm(pictures, desc="bench lesson", leave=False):
        # Wall-clock seconds are the figures; CPU seconds of this process are printed too,
        # as they stay meaningful when other jobs share the machine.
        start, cpu = time.perf_counter(), time.process_time()
        base_palette = original_palette(image, args.colors)
        base_palette_s = time.perf_counter() - start
        original_steps(image)
        base_s, base_cpu = time.perf_counter() - start, time.process_time() - cpu

        start = time.perf_counter()
        palette = extract(image, args.colors)
        palette_s = time.perf_counter() - start
        start, cpu = time.perf_counter(), time.process_time()
        build_lesson(image, max_colors=args.colors, canvas=canvas)
        lesson_s, lesson_cpu = time.perf_counter() - start, time.process_time() - cpu

        base_de = mean_palette_delta_e(image, base_palette)
        our_de = mean_palette_delta_e(image, palette.rgb)
        rows.append({
            "image": name,
            "baseline_seconds": round(base_s, 3),
            "baseline_palette_seconds": round(base_palette_s, 3),
            "baseline_cpu_seconds": round(base_cpu, 3),
            "engine_seconds": round(lesson_s, 3),
            "engine_cpu_seconds": round(lesson_cpu, 3),
            "palette_seconds": round(palette_s, 3),
            "speedup": round(base_s / lesson_s, 2),
            "baseline_delta_e": round(base_de, 3),
            "engine_delta_e": round(our_de, 3),
            "delta_e_ratio": round(our_de / base_de, 3),
            "palette_colors": len(palette),
        })

    # Peak memory of one lesson alone (NumPy reports its buffers to tracemalloc).
    tracemalloc.start()
    build_lesson(pictures[0][1], max_colors=args.colors, canvas=canvas)
    lesson_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()

    def total(key):
        return float(sum(r[key] for r in rows))

    base_de, our_de = np.mean([r["baseline_delta_e"] for r in rows]), np.mean([r["engine_delta_e"] for r in rows])
    summary = {
        "images": rows,
        "total": {
            "baseline_seconds": round(total("baseline_seconds"), 3),
            "engine_seconds": round(total("engine_seconds"), 3),
            "speedup": round(total("baseline_seconds") / total("engine_seconds"), 2),
            "baseline_cpu_seconds": round(total("baseline_cpu_seconds"), 3),
            "engine_cpu_seconds": round(total("engine_cpu_seconds"), 3),
            "baseline_delta_e": round(float(base_de), 3),
            "engine_delta_e": round(float(our_de), 3),
            "delta_e_ratio": round(float(our_de / base_de), 3),
            "palette_seconds_max": round(max(r["palette_seconds"] for r in rows), 3),
            "lesson_seconds_max": round(max(r["engine_seconds"] for r in rows), 3),
            "lesson_peak_memory_mb": round(lesson_peak, 1),
            "process_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "size": args.size,
            "colors": args.colors,
        },
    }
    if args.json:
        from engine.cli._common import print_json

        print_json(summary)
        return 0
    header = f"{'image':<22}{'orig s':>8}{'ours s':>8}{'speedup':>9}{'pal s':>7}{'orig ΔE':>9}{'ours ΔE':>9}{'ratio':>7}"
    print(header)
    for r in rows:
        print(f"{r['image'][:21]:<22}{r['baseline_seconds']:>8.2f}{r['engine_seconds']:>8.2f}{r['speedup']:>8.1f}×"
              f"{r['palette_seconds']:>7.2f}{r['baseline_delta_e']:>9.2f}{r['engine_delta_e']:>9.2f}{r['delta_e_ratio']:>7.3f}")
    t = summary["total"]
    print(f"{'total / mean':<22}{t['baseline_seconds']:>8.2f}{t['engine_seconds']:>8.2f}{t['speedup']:>8.1f}×"
          f"{'':>7}{t['baseline_delta_e']:>9.2f}{t['engine_delta_e']:>9.2f}{t['delta_e_ratio']:>7.3f}")
    print(f"CPU seconds of this process: original {t['baseline_cpu_seconds']:.1f}, ours {t['engine_cpu_seconds']:.1f} "
          f"(wall > CPU means the machine was shared)")
    print(f"palette ≤ {t['palette_seconds_max']:.2f} s, lesson ≤ {t['lesson_seconds_max']:.2f} s per picture; "
          f"one lesson's peak memory {t['lesson_peak_memory_mb']:.0f} MB (process {t['process_peak_rss_mb']:.0f} MB)")
    return 0
