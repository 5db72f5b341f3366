"""``python -m engine bench reproduce``: the original run again, beside its published loss log.

Runs the ``original`` preset (puppy.jpg and paint1's full-size file as centred 400 px
squares, Adam 0.03 from the photo plus noise ±0.2) on the original objective and prints
its loss at step 0 and every 100 steps up to ``--steps`` next to the two runs of
``../shared/data/original_results/puppy_paint1_loss_log.csv``. A step's loss is that of
the image after that many updates, as the original logged it.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict

from engine.benchmarks.transfer import SHARED_DATA
from engine.errors import InputError

LOG = SHARED_DATA / "original_results" / "puppy_paint1_loss_log.csv"
EVERY = 100
TOLERANCE = 0.05


def register(subparsers) -> None:
    parser = subparsers.add_parser("reproduce", help="the original run vs its published loss log",
                                   description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=200, help="Adam steps to run (default 200)")
    parser.add_argument("--weights", default="imagenet", help="imagenet (default), a path or random")
    parser.add_argument("--seed", type=int, default=0, help="seed of the starting noise")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)


def published_log() -> dict[int, list[float]]:
    """{step: [loss of run 1, loss of run 2]} from the original's own training log."""
    if not LOG.is_file():
        raise FileNotFoundError(f"the published loss log {LOG} is missing (../shared/data).")
    runs = defaultdict(dict)
    with open(LOG, newline="") as handle:
        for row in csv.DictReader(handle):
            runs[int(row["step"])][int(row["run"])] = float(row["loss"])
    return {step: [losses[r] for r in sorted(losses)] for step, losses in runs.items()}


def reproduce(steps: int, weights: str = "imagenet", seed: int = 0, progress=None) -> dict:
    """Losses of the original run at steps 0, 100, … ``steps`` (``{step: loss}``) and the weights."""
    from engine import imageio
    from engine.transfer.stylize import TransferSettings, run_transfer

    content = imageio.load_image(SHARED_DATA / "content" / "puppy.jpg")
    style_path = SHARED_DATA / "style" / "paint1_full_size.jpg"
    if not style_path.is_file():
        style_path = SHARED_DATA / "style" / "paint1.jpg"
    style = imageio.load_image(style_path)
    wanted = set(range(0, steps + 1, EVERY)) | {steps}
    losses = {}

    def record(update):
        # The loss reported with update k was computed before it: the image after k − 1 updates.
        if update.step - 1 in wanted:
            losses[update.step - 1] = update.loss
        if progress is not None:
            progress(update)

    # One step more than asked, so the image after ``steps`` updates is measured too.
    settings = TransferSettings.preset("original", iterations=steps + 1, weights=weights,
                                       seed=seed, preview_every=0)
    result = run_transfer(content, style, settings, record)
    return {"steps": dict(sorted(losses.items())), "weights": result.weights}


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    if args.steps < 0:
        raise InputError("--steps must be 0 or more.")
    published = published_log()
    bar = tqdm(total=args.steps + 1, desc="original recipe", unit="step", file=sys.stderr)

    def progress(update):
        bar.update(update.step - bar.n)
        bar.set_postfix(loss=f"{update.loss:.4g}", refresh=False)

    ours = reproduce(args.steps, args.weights, args.seed, progress)
    bar.close()
    report = {
        "steps": {str(k): v for k, v in ours["steps"].items()},
        "published": {str(k): published[k] for k in ours["steps"] if k in published},
        "weights": ours["weights"],
    }
    report["within_5_percent"] = {
        k: abs(v / (sum(report["published"][k]) / 2) - 1) <= TOLERANCE
        for k, v in report["steps"].items() if k in report["published"]}
    if args.json:
        from engine.cli._common import print_json

        print_json(report)
        return 0
    print(f"weights: {report['weights']}")
    print(f"{'step':>6} {'ours':>10} {'published run 1':>16} {'run 2':>8}  within 5 % of their mean")
    for step, loss in report["steps"].items():
        runs = report["published"].get(step, [float("nan")] * 2)
        print(f"{step:>6} {loss:10.4f} {runs[0]:16.4f} {runs[1]:8.4f}  {report['within_5_percent'].get(step)}")
    return 0
