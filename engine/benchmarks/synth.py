"""``python -m engine bench synth``: synthetic paintings per second at 256×256.

Three figures in one process: generating paintings with their ground truth
(:func:`engine.synth.paint`), the same plus writing the four files of
``python -m engine synth`` (one process), and, for the ground-truth step alone, our
single pass over stroke boxes against the direct recipe (compare every pair of
full-canvas masks, remove hidden strokes, compare again). Target: ≥ 20 paintings/s
written with the CLI's two processes on 2 cores, i.e. ≥ 10/s per process.
"""

from __future__ import annotations

import time

from engine.errors import InputError


def register(subparsers) -> None:
    parser = subparsers.add_parser("synth", help="synthetic paintings per second (256×256)")
    parser.add_argument("--count", type=int, default=40, help="paintings per measurement (default 40)")
    parser.add_argument("--size", type=int, default=256, help="canvas side, px (default 256)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)


def direct_layers(masks):
    """The direct ground-truth recipe: pairwise full-mask overlaps, two passes."""
    import numpy as np

    masks = np.asarray(masks, dtype=bool)
    covered_later = np.zeros(masks.shape[1:], dtype=bool)
    visible = np.zeros(len(masks), dtype=bool)
    for k in range(len(masks) - 1, -1, -1):
        visible[k] = np.any(masks[k] & ~covered_later)
        covered_later |= masks[k]
    kept = masks[visible]
    layers = np.zeros(len(kept), dtype=np.int64)
    for k in range(len(kept)):
        below = [layers[j] for j in range(k) if np.any(kept[k] & kept[j])]
        layers[k] = 1 + max(below) if below else 0
    return np.flatnonzero(visible), layers


def run(args) -> int:
    import tempfile
    from pathlib import Path

    import numpy as np

    from engine.cli._common import print_json
    from engine.cli.synth import painting_seed, write_painting
    from engine.strokes.synth import paint, stroke_layers

    if args.count < 1:
        raise InputError(f"--count must be at least 1, got {args.count}.")
    size, grid = args.size, args.size / 8.0
    seeds = [painting_seed(12345, i) for i in range(args.count)]

    start = time.perf_counter()
    paintings = [paint((size, size), seed=s, grid_scale=grid) for s in seeds]
    generate = args.count / (time.perf_counter() - start)

    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        for i in range(args.count):
            write_painting(Path(folder), i, size, 12345, grid)
        written = args.count / (time.perf_counter() - start)

    sample = paintings[: max(1, min(8, args.count))]
    start = time.perf_counter()
    ours = [stroke_layers(p.masks) for p in sample]
    ours_s = (time.perf_counter() - start) / len(sample)
    start = time.perf_counter()
    direct = [direct_layers(p.masks) for p in sample]
    direct_s = (time.perf_counter() - start) / len(sample)
    agree = all(np.array_equal(a[1], b[1]) and np.array_equal(a[0], b[0]) for a, b in zip(ours, direct))

    result = {
        "size": size,
        "count": args.count,
        "strokes_per_painting": float(np.mean([len(p.masks) for p in paintings])),
        "paintings_per_s_generate": round(generate, 2),
        "paintings_per_s_written_one_process": round(written, 2),
        "ground_truth_ms_ours": round(ours_s * 1000, 2),
        "ground_truth_ms_direct": round(direct_s * 1000, 2),
        "ground_truth_speedup": round(direct_s / ours_s, 1),
        "ground_truth_agrees": bool(agree),
        "target_paintings_per_s": 20,
        "note": "the CLI writes with 2 processes: expect about twice the one-process rate on 2 free cores",
    }
    if args.json:
        print_json(result)
    else:
        for key, value in result.items():
            print(f"{key:38s} {value}")
    return 0
