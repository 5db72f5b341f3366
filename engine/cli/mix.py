"""``python -m engine mix``: mixing recipes from the painter's tube paints.

``--palette palette.json`` (as ``python -m engine palette --json`` writes it): for each
colour, the best mix of up to three paints in whole parts. With ``--json``:
``{"colors": [{"hex", "recipe": [{"paint", "parts"}, ...], "predicted_hex", "delta_e",
"reachable"}, ...]}``. ``--recipe "1 ultramarine blue + 1 cadmium yellow light"``: the
colour of one mix (``{"hex", "rgb"}`` with ``--json``). ``--paints set.json`` chooses the
paints (a list of ``{"name", "hex"}``, or ``{"paints": [...]}``); the default set otherwise.
"""

from __future__ import annotations

import json
from pathlib import Path

from engine.errors import InputError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "mix", help="paint mixing recipes for a palette, or the colour of one mix",
        description=__doc__.split("\n\n")[0],
    )
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--palette", type=Path, help="palette JSON from `python -m engine palette --json`")
    what.add_argument("--recipe", help='one mix, e.g. "2 titanium white + 1 burnt umber"')
    parser.add_argument("--paints", type=Path, help="paint set JSON (default: the built-in set)")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.set_defaults(func=run)


def run(args) -> int:
    from engine.cli._common import print_json
    from engine.mixing.paints import DEFAULT_PAINTS, load_paints
    from engine.mixing.recipes import mix_recipe, palette_recipes

    paints = load_paints(args.paints) if args.paints is not None else DEFAULT_PAINTS
    if args.recipe is not None:
        rgb = mix_recipe(args.recipe, paints)
        hex_color = "#{:02x}{:02x}{:02x}".format(*rgb)
        if args.json:
            print_json({"hex": hex_color, "rgb": [int(v) for v in rgb]})
        else:
            print(hex_color)
        return 0
    try:
        palette = json.loads(args.palette.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"no such file: {args.palette}") from None
    except json.JSONDecodeError as error:
        raise InputError(f"{args.palette} is not valid JSON ({error}).") from None
    recipes = palette_recipes(palette, paints)
    if args.json:
        print_json({"colors": [recipe.to_json() for recipe in recipes]})
    else:
        for recipe in recipes:
            flag = "" if recipe.reachable else "  (out of reach: nearest mix shown)"
            print(f"{recipe.hex}  →  {recipe.predicted_hex}  ΔE {recipe.delta_e:4.1f}  {recipe.words}{flag}")
    return 0
