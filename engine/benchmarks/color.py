"""``python -m engine bench color``: each conversion of :mod:`engine.color.spaces` against the library one.

The reference is scikit-image (``skimage.color``) where it has the conversion, else
colour-science (sRGB transfer curves, Oklab), else skimage's nearest neighbour (luma:
Y of ``rgb2yiq``; ``to_uint8``: ``img_as_ubyte``). Inputs: ``--colors`` random sRGB
colours (uint8, seeded) and one ``--size``² picture (the first sample photo of
``../shared/data/content``, generated when absent); float32 rows for the conversions
that keep float32. Figures: the largest absolute difference of the outputs (in the
output's units: 0–1 RGB, L*a*b*, ΔE00) and the best of ``--repeat`` runs
(``time.perf_counter``) of each, in ms, and their ratio (> 1: ours is faster). The
docstrings of :mod:`engine.color.spaces` quote these figures for every function kept.
On a shared machine the times are noisy; ``OPENBLAS_NUM_THREADS=1`` and a larger
``--repeat`` steady them. The differences are exact.
"""

from __future__ import annotations

import time
import warnings

from engine.benchmarks.lesson import DEFAULT_IMAGES


def register(subparsers) -> None:
    parser = subparsers.add_parser("color", help="colour conversions against scikit-image / colour-science")
    parser.add_argument("--colors", type=int, default=100_000, help="random colours (default 100000)")
    parser.add_argument("--size", type=int, default=512, help="picture side in px (default 512)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs, best kept (default 5)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)


def _cases():
    """(function, reference name, ours, reference, input maker name) for every comparable function."""
    import colour
    import numpy as np
    from skimage import color as skcolor
    from skimage.util import img_as_ubyte

    from engine.color import spaces

    def quiet(function):  # colour-science warns about its domain-range scale; skimage about clipped Z
        def call(*args):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return function(*args)
        return call

    return [
        ("srgb_to_linear", "colour.cctf_decoding sRGB", spaces.srgb_to_linear,
         quiet(lambda c: colour.cctf_decoding(c / 255.0, "sRGB")), "rgb"),
        ("linear_to_srgb", "colour.cctf_encoding sRGB", spaces.linear_to_srgb,
         quiet(lambda c: colour.cctf_encoding(c, "sRGB")), "unit"),
        ("rgb_to_lab", "skimage rgb2lab", spaces.rgb_to_lab, skcolor.rgb2lab, "rgb"),
        ("lab_to_rgb", "skimage lab2rgb", spaces.lab_to_rgb, quiet(skcolor.lab2rgb), "lab"),
        ("rgb_to_oklab", "colour sRGB_to_XYZ+XYZ_to_Oklab", spaces.rgb_to_oklab,
         quiet(lambda c: colour.XYZ_to_Oklab(colour.sRGB_to_XYZ(c / 255.0))), "rgb"),
        ("oklab_to_rgb", "colour Oklab_to_XYZ+XYZ_to_sRGB", spaces.oklab_to_rgb,
         quiet(lambda c: np.clip(colour.XYZ_to_sRGB(colour.Oklab_to_XYZ(c)), 0.0, 1.0)), "oklab"),
        ("hsv_to_rgb", "skimage hsv2rgb", spaces.hsv_to_rgb, skcolor.hsv2rgb, "hsv"),
        ("rgb_to_yiq", "skimage rgb2yiq", spaces.rgb_to_yiq, skcolor.rgb2yiq, "rgb"),
        ("rgb_to_yiq f32", "skimage rgb2yiq", spaces.rgb_to_yiq, skcolor.rgb2yiq, "unit32"),
        ("yiq_to_rgb f32", "skimage yiq2rgb", spaces.yiq_to_rgb,
         lambda c: np.clip(skcolor.yiq2rgb(c), 0.0, 1.0), "yiq32"),
        ("luma f32", "skimage rgb2yiq[..., 0]", spaces.luma, lambda c: skcolor.rgb2yiq(c)[..., 0], "unit32"),
        ("to_uint8", "skimage img_as_ubyte(clip)", spaces.to_uint8,  # it refuses floats outside [-1, 1]
         lambda c: img_as_ubyte(np.clip(c, 0.0, 1.0)), "wide"),
        ("delta_e_ciede2000", "skimage deltaE_ciede2000", spaces.delta_e_ciede2000,
         skcolor.deltaE_ciede2000, "lab_pair"),
        ("delta_e_ciede2000 ×24", "skimage deltaE_ciede2000", spaces.delta_e_ciede2000,
         skcolor.deltaE_ciede2000, "lab_palette"),
    ]


def _inputs(rgb, kind: str):
    """The arguments of one case made from uint8 colours ``rgb`` (..., 3)."""
    import numpy as np

    from engine.color import spaces

    unit = rgb / 255.0
    lab = spaces.rgb_to_lab(rgb)
    if kind == "rgb":
        return (rgb,)
    if kind == "unit":
        return (unit,)
    if kind == "unit32":
        return (unit.astype(np.float32),)
    if kind == "hsv":  # any HSV triple, not only k/255 ones
        return (np.random.default_rng(1).random(rgb.shape),)
    if kind == "wide":  # any floats, out of range too: rounding and clipping
        return (np.random.default_rng(1).uniform(-0.1, 1.1, rgb.shape),)
    if kind == "lab":
        return (lab,)
    if kind == "oklab":
        return (spaces.rgb_to_oklab(rgb),)
    if kind == "yiq32":
        return (spaces.rgb_to_yiq(unit.astype(np.float32)),)
    flat = lab.reshape(-1, 3)
    if kind == "lab_pair":  # every colour against another one of the set
        return flat, np.roll(flat, 1, axis=0)
    if kind == "lab_palette":  # as palette_delta_e_blocks: 20000 colours × a 24-colour palette
        return flat[:20000, None, :], flat[::max(1, len(flat) // 24)][:24][None, :, :]
    raise ValueError(kind)


def _best_ms(function, args, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function(*args)
        best = min(best, time.perf_counter() - start)
    return best * 1000.0


def measure(colors: int = 100_000, size: int = 512, repeat: int = 5) -> list[dict]:
    """One row per function and input: max |ours − reference|, best-of-``repeat`` ms of each."""
    import numpy as np

    from engine.benchmarks.lesson import load_pictures

    inputs = {
        f"{colors} colours": np.random.default_rng(0).integers(0, 256, (colors, 3), dtype=np.uint8),
        f"{size}² picture": load_pictures(DEFAULT_IMAGES, size, 1)[0][1],
    }
    rows = []
    for name, reference_name, ours, reference, kind in _cases():
        for input_name, rgb in inputs.items():
            args = _inputs(rgb, kind)
            mine, theirs = np.asarray(ours(*args)), np.asarray(reference(*args))
            diff = np.abs(mine.astype(np.float64) - theirs.astype(np.float64))
            rows.append({
                "function": name, "reference": reference_name, "input": input_name,
                "dtype_ours": str(mine.dtype), "dtype_reference": str(theirs.dtype),
                "max_abs_diff": float(diff.max()),
                "ours_ms": round(_best_ms(ours, args, repeat), 2),
                "reference_ms": round(_best_ms(reference, args, repeat), 2),
            })
            rows[-1]["speedup"] = round(rows[-1]["reference_ms"] / max(rows[-1]["ours_ms"], 1e-6), 2)
    return rows


def run(args) -> int:
    import json

    rows = measure(args.colors, args.size, args.repeat)
    if args.json:
        print(json.dumps({"rows": rows}, indent=2))
        return 0
    print(f"{'function':24} {'reference':34} {'input':16} {'max|Δ|':>9} {'ours ms':>9} {'ref ms':>9} "
          f"{'ref/ours':>8}  dtypes")
    for r in rows:
        print(f"{r['function']:24} {r['reference']:34} {r['input']:16} {r['max_abs_diff']:9.2e} "
              f"{r['ours_ms']:9.2f} {r['reference_ms']:9.2f} {r['speedup']:8.2f}  "
              f"{r['dtype_ours']}/{r['dtype_reference']}")
    return 0
