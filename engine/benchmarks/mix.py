"""``python -m engine bench mix``: how closely the paint set mixes the sample palettes.

On the 24-colour palettes of the sample photos (``../shared/data/content`` at 500×500,
the pictures of ``bench lesson``; generated pictures when absent. These are photos,
not styled paintings: their palettes are what a lesson would ask for before styling),
for a paint set (the default set unless ``--paints``):

* ours: :func:`engine.mixing.recipes.recipes_for`, mixes of up to three paints;
* the baseline: the nearest single tube paint, unmixed.

Figures: mean and worst CIEDE2000 between each palette colour and its recipe's
predicted colour, how many colours are out of reach (ΔE > 5), the seconds to prepare
the set's table of mixes (once per set and process) and to find 24 recipes.
Targets: mean ΔE ≤ 3 with the default set; 24 colours ≤ 1 s.
"""

from __future__ import annotations

import time
from pathlib import Path

from engine.benchmarks.lesson import DEFAULT_IMAGES, load_pictures


def register(subparsers) -> None:
    parser = subparsers.add_parser("mix", help="recipe ΔE and time on the sample palettes")
    parser.add_argument("--images", type=Path, default=DEFAULT_IMAGES,
                        help="folder of pictures (default ../shared/data/content; generated ones if absent)")
    parser.add_argument("--paints", type=Path, help="paint set JSON (default: the built-in set)")
    parser.add_argument("--colors", type=int, default=24, help="palette size (default 24)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)


def run(args) -> int:
    import numpy as np

    from engine.color.spaces import delta_e_ciede2000, rgb_to_lab
    from engine.lesson.palette import extract
    from engine.mixing import model
    from engine.mixing.paints import DEFAULT_PAINTS, load_paints, paints_rgb
    from engine.mixing.recipes import MixTable

    paints = tuple(load_paints(args.paints)) if args.paints is not None else DEFAULT_PAINTS
    palettes = [(name, extract(image, args.colors).rgb) for name, image in load_pictures(args.images, 500, None)]

    start = time.perf_counter()
    model.rgb_to_reflectance(paints_rgb(paints))  # imports colour-science: reported apart
    import_s = time.perf_counter() - start
    start = time.perf_counter()
    table = MixTable(paints)
    table_s = time.perf_counter() - start

    paint_lab = rgb_to_lab(paints_rgb(paints))
    rows, all_ours, all_base = [], [], []
    for name, palette in palettes:
        start = time.perf_counter()
        recipes = table.search(palette)
        search_s = time.perf_counter() - start
        ours = np.array([recipe.delta_e for recipe in recipes])
        base = delta_e_ciede2000(rgb_to_lab(palette)[:, None, :], paint_lab[None, :, :]).min(axis=1)
        all_ours.append(ours), all_base.append(base)
        rows.append({
            "image": name,
            "colors": len(palette),
            "mean_delta_e": round(float(ours.mean()), 3),
            "worst_delta_e": round(float(ours.max()), 3),
            "unreachable": int((~np.array([r.reachable for r in recipes])).sum()),
            "single_paint_mean_delta_e": round(float(base.mean()), 3),
            "search_seconds": round(search_s, 4),
        })
    ours, base = np.concatenate(all_ours), np.concatenate(all_base)
    summary = {
        "images": rows,
        "total": {
            "paints": len(paints),
            "table_mixes": len(table),
            "max_total_parts": table.max_total,
            "colors": int(len(ours)),
            "mean_delta_e": round(float(ours.mean()), 3),
            "median_delta_e": round(float(np.median(ours)), 3),
            "worst_delta_e": round(float(ours.max()), 3),
            "unreachable": int(sum(r["unreachable"] for r in rows)),
            "single_paint_mean_delta_e": round(float(base.mean()), 3),
            "colour_science_import_seconds": round(import_s, 3),
            "table_seconds": round(table_s, 3),
            "search_seconds_max": round(max(r["search_seconds"] for r in rows), 4),
        },
    }
    if args.json:
        from engine.cli._common import print_json

        print_json(summary)
        return 0
    print(f"{'image':<22}{'mean ΔE':>9}{'worst ΔE':>10}{'>5':>4}{'1 paint ΔE':>12}{'search s':>10}")
    for r in rows:
        print(f"{r['image'][:21]:<22}{r['mean_delta_e']:>9.2f}{r['worst_delta_e']:>10.2f}{r['unreachable']:>4}"
              f"{r['single_paint_mean_delta_e']:>12.2f}{r['search_seconds']:>10.3f}")
    t = summary["total"]
    print(f"{'all':<22}{t['mean_delta_e']:>9.2f}{t['worst_delta_e']:>10.2f}{t['unreachable']:>4}"
          f"{t['single_paint_mean_delta_e']:>12.2f}")
    print(f"{t['paints']} paints, {t['table_mixes']} mixes prepared in {t['table_seconds']:.2f} s "
          f"(+ {t['colour_science_import_seconds']:.2f} s importing colour-science, once per process); "
          f"24 recipes ≤ {t['search_seconds_max']:.3f} s")
    return 0
