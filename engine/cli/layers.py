"""``python -m engine layers``: stroke-layer decomposition (predict, evaluate, train).

* ``layers predict IMG -o DIR``: ``layer_NN.png`` masks, ``layer_index.png`` (16-bit
  index of the layer per pixel, 65535 where none), ``layer_preview.png`` and
  ``layers.json`` (index, colour, depth, area of each layer, back to front). The model
  was trained on 256 px synthetic paintings: pictures smaller than 256 px on their long
  side are read enlarged to it (their layers come back at their own size); give it
  pictures of about 256 px.
* ``layers evaluate --dataset DIR [--json]``: pairwise order and pixel accuracy of
  the method and of simple baselines on a set written by ``python -m engine synth``.
* ``layers train --dataset DIR [--out FILE]``: refit the occlusion model (patch trees, pair
  trees, then context trees, written as JSON), e.g. on
  ``python -m engine synth --count 1000 --out DIR --seed 1 --size 256``.
"""

from __future__ import annotations

import json
from pathlib import Path

from engine.errors import InputError


def register(subparsers) -> None:
    parser = subparsers.add_parser("layers", help="stroke-layer decomposition: predict, evaluate, train "
                                   "(model trained on 256 px paintings)",
                                   description=__doc__.split("\n\n")[0])
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    predict = actions.add_parser(
        "predict", help="propose back-to-front layers for a picture",
        description="Propose back-to-front layers for a picture. The model was trained on 256 px synthetic "
                    "paintings: give it pictures of about 256 px on their long side (smaller ones are read "
                    "enlarged to 256 px, their layers come back at their own size).")
    predict.add_argument("image", type=Path, help="picture to decompose (about 256 px on its long side)")
    predict.add_argument("-o", "--out", type=Path, required=True, help="output folder (created)")
    predict.add_argument("--max-colors", type=int, default=16, help="colour clusters (default 16)")
    predict.set_defaults(func=run_predict)

    evaluate = actions.add_parser("evaluate", help="score the method and baselines on a synthetic set")
    evaluate.add_argument("--dataset", type=Path, required=True, help="folder written by `engine synth`")
    evaluate.add_argument("--limit", type=int, default=None, help="use the first N paintings only")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.add_argument("--methods", nargs="+", default=["occlusion", "planner"], choices=["occlusion", "planner"],
                          help="methods to score (default both; the planner takes most of the time)")
    evaluate.set_defaults(func=run_evaluate)

    train = actions.add_parser("train", help="refit the occlusion model on a synthetic set")
    train.add_argument("--dataset", type=Path, required=True,
                       help="folder written by `engine synth` (the shipped model: --size 256; smaller paintings "
                            "are read enlarged to 256 px)")
    train.add_argument("--out", type=Path, default=None,
                       help="model file (default: the shipped engine/layers/data/occlusion.json)")
    train.add_argument("--limit", type=int, default=None, help="use the first N paintings only")
    train.add_argument("--workers", type=int, default=2, help="processes reading the paintings (default 2)")
    train.set_defaults(func=run_train)


def run_predict(args) -> int:
    import numpy as np

    from engine.imageio import load_image, save_image
    from engine.layers.predict import layer_index_image, predict_layers

    if not args.image.is_file():
        raise InputError(f"image {args.image} does not exist.")
    image = load_image(args.image)
    layers = predict_layers(image, max_colors=args.max_colors)
    args.out.mkdir(parents=True, exist_ok=True)
    index = layer_index_image(layers, image.shape)
    save_image(args.out / "layer_index.png", np.where(index < 0, 65535, index).astype(np.uint16))
    preview = np.zeros_like(image)
    listing = []
    for layer in layers:
        save_image(args.out / f"layer_{layer.index:02d}.png", layer.mask)
        preview[layer.mask] = layer.color
        listing.append({"index": layer.index, "color": list(layer.color), "depth": layer.depth,
                        "area": int(layer.mask.sum()), "mask": f"layer_{layer.index:02d}.png"})
    save_image(args.out / "layer_preview.png", preview)
    (args.out / "layers.json").write_text(json.dumps(listing, indent=2) + "\n")
    print(f"{len(layers)} layers written to {args.out}")
    return 0


def run_evaluate(args) -> int:
    from engine.cli._common import print_json
    from engine.layers.evaluate import evaluate

    result = evaluate(args.dataset, limit=args.limit, progress=True, methods=tuple(getattr(args, "methods", None) or ("occlusion", "planner")))
    if args.json:
        print_json(result)
        return 0
    rows = [(f"method: {name}", scores) for name, scores in result["methods"].items()]
    rows += [(name, scores) for name, scores in result["baselines"].items()]
    print(f"{result['paintings']} paintings, {result['pairs']} overlapping visible stroke pairs")
    print(f"{'':24s} {'pairwise order':>15s} {'pixel':>8s}")
    for name, scores in rows:
        print(f"{name:24s} {scores['pairwise_order_accuracy']:15.4f} {scores['pixel_accuracy']:8.4f}")
    print(f"margin of the better method ({result['method']['name']}) over the best baseline "
          f"({result['best_baseline']}): {result['margin_over_best_baseline']:+.4f}")
    return 0


def run_train(args) -> int:
    from engine.layers.model import MODEL_PATH
    from engine.layers.train import train

    report = train(args.dataset, args.out or MODEL_PATH, limit=args.limit, progress=True,
                   workers=getattr(args, "workers", 2))
    print(json.dumps(report, indent=2))
    return 0
