"""``python -m engine palette IMG``: the picture's palette as a table, JSON or chart.

With ``--json``: one object ``{"colors": [{"number", "rgb", "hex", "name", "share"}, ...]}``
ordered by share. With ``-o chart.svg`` (or ``.png``): the donut-and-swatches chart.
"""

from __future__ import annotations

from pathlib import Path

from engine.errors import InputError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "palette", help="numbered, named colour palette of a picture", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("image", type=Path, help="picture file (PNG, JPEG, …)")
    parser.add_argument("--colors", type=int, default=24, help="most colours in the palette (default 24)")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("-o", "--output", type=Path, help="write the palette chart (.svg or .png)")
    parser.set_defaults(func=run)


def read_picture(path: Path):
    """Load a picture for a command, turning unreadable files into an InputError."""
    from PIL import Image

    from engine.imageio import load_image

    try:
        return load_image(path)
    except FileNotFoundError:
        raise InputError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a folder, not an image file.") from None
    except Image.DecompressionBombError:
        raise InputError(f"{path} has too many pixels to open safely (more than "
                         f"{2 * Image.MAX_IMAGE_PIXELS / 1e6:.0f} megapixels).") from None
    except OSError as error:  # Pillow's UnidentifiedImageError is an OSError
        raise InputError(f"cannot read {path} as an image ({error}).") from None


def run(args) -> int:
    from engine.cli._common import colors_option
    from engine.lesson.palette import extract

    colors_option(args.colors)
    if args.output is not None and args.output.suffix.lower() not in (".svg", ".png"):
        raise InputError(f"-o must name a .svg or .png file; got {args.output}.")
    picture = read_picture(args.image)
    palette = extract(picture, args.colors)
    if args.output is not None:
        from engine.lesson.charts import palette_chart_png, palette_chart_svg
        from engine.imageio import save_image

        args.output.parent.mkdir(parents=True, exist_ok=True)
        if args.output.suffix.lower() == ".svg":
            args.output.write_text(palette_chart_svg(palette, picture), encoding="utf-8")
        else:
            save_image(args.output, palette_chart_png(palette, picture))
    if args.json:
        from engine.cli._common import print_json

        print_json(palette.to_json())
    else:
        for color in palette:
            print(f"{color.number:>3}  {color.hex}  {color.share * 100:5.1f}%  {color.name}")
    return 0
