"""``python -m engine bench gallery -o DIR``: every sample photo with every built-in style.

Renders each photo of ``../shared/data/content/`` with each built-in style and
``paint1.jpg`` using the product's default preset, into one contact sheet
(``DIR/gallery.png``; photo, style, result, seconds and original loss under each) plus
each result as its own PNG and the figures as ``DIR/gallery.json``. A result that does
not show the photo is a failure whatever its loss: look at the sheet.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from engine.benchmarks.transfer import SHARED_DATA

CELL = 200  # px per picture in the sheet
LABEL = 34  # px of text under each row of pictures


def register(subparsers) -> None:
    from engine.transfer.presets import DEFAULT_PRESET

    parser = subparsers.add_parser("gallery", help="contact sheet: sample photos × styles",
                                   description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--out", required=True, help="output folder")
    parser.add_argument("--preset", default=DEFAULT_PRESET,
                        help=f"engine preset (default {DEFAULT_PRESET}, the product's default)")
    parser.add_argument("--size", type=int, default=400, help="result long side in px (default 400)")
    parser.add_argument("--weights", default="imagenet", help="imagenet (default), a path or random")
    parser.add_argument("--photos", nargs="*", help="photo file names to use (default: all)")
    parser.add_argument("--styles", nargs="*",
                        help="style slugs and/or 'paint1' (default: every built-in style and paint1)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.set_defaults(func=run)


def styles_for(names=None) -> dict[str, np.ndarray]:
    """{name: style image}: built-in styles rendered at 768 px, and paint1 from ../shared."""
    from engine import imageio
    from engine.strokes.styles import DEFAULT_STYLES, render_style

    wanted = names or [spec.slug for spec in DEFAULT_STYLES] + ["paint1"]
    out = {}
    for name in wanted:
        if name == "paint1":
            out[name] = imageio.load_image(SHARED_DATA / "style" / "paint1.jpg")
        else:
            out[name] = render_style(name)
    return out


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from engine import imageio
    from engine.transfer.stylize import TransferSettings, run_transfer

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    photo_dir = SHARED_DATA / "content"
    photos = sorted(p for p in photo_dir.glob("*.jpg") if not args.photos or p.name in args.photos)
    if not photos:
        raise FileNotFoundError(f"no sample photos found in {photo_dir}")
    styles = styles_for(args.styles)
    settings = TransferSettings.preset(args.preset, size=args.size, weights=args.weights,
                                       preview_every=0)
    rows, figures = [], []
    with tqdm(total=len(photos) * len(styles), desc="gallery", unit="painting", file=sys.stderr) as bar:
        for photo_path in photos:
            photo = imageio.load_image(photo_path)
            row = []
            for name, style in styles.items():
                started = time.perf_counter()
                result = run_transfer(photo, style, settings)
                seconds = time.perf_counter() - started
                imageio.save_image(out / f"{photo_path.stem}__{name}.png", result.image)
                figures.append({"photo": photo_path.name, "style": name, "seconds": round(seconds, 1),
                                "loss": result.total_loss, "weights": result.weights})
                row.append((style, result.image, f"{name}: {seconds:.0f} s, loss {result.total_loss:.3g}"))
                bar.update(1)
            rows.append((photo, photo_path.name, row))
    imageio.save_image(out / "gallery.png", contact_sheet(rows))
    report = {"preset": args.preset, "size": args.size, "weights": figures[0]["weights"],
              "sheet": str(out / "gallery.png"), "paintings": figures,
              "seconds_mean": float(np.mean([f["seconds"] for f in figures]))}
    (out / "gallery.json").write_text(json.dumps(report, indent=2))
    if args.json:
        from engine.cli._common import print_json

        print_json(report)
    else:
        print(f"{len(figures)} paintings, mean {report['seconds_mean']:.1f} s: {report['sheet']}")
    return 0


def contact_sheet(rows) -> np.ndarray:
    """One row per photo: the photo, then for each style its image above the result."""
    from PIL import Image, ImageDraw

    columns = 1 + max(len(row) for _, _, row in rows)
    row_height = 2 * CELL + LABEL
    sheet = Image.new("RGB", (columns * CELL, len(rows) * row_height), "white")
    draw = ImageDraw.Draw(sheet)
    for r, (photo, photo_name, row) in enumerate(rows):
        top = r * row_height
        _paste(sheet, photo, 0, top + CELL // 2)
        draw.text((4, top + 2 * CELL + 4), photo_name, fill="black")
        for c, (style, result, label) in enumerate(row, start=1):
            _paste(sheet, style, c * CELL, top)
            _paste(sheet, result, c * CELL, top + CELL)
            draw.text((c * CELL + 4, top + 2 * CELL + 4), label, fill="black")
    return np.asarray(sheet)


def _paste(sheet, image, left, top) -> None:
    from PIL import Image

    from engine.imageio import resize_long_side

    small = Image.fromarray(resize_long_side(image, CELL - 6))
    sheet.paste(small, (left + (CELL - small.width) // 2, top + (CELL - small.height) // 2))
