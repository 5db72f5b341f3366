"""Named transfer settings and how long each takes.

Every preset optimises the original objective (:mod:`engine.transfer.losses`); they
differ in optimiser, size of the optimised image, start and budget:

``original``
    The original project's run exactly (:mod:`engine.transfer.original`): both pictures
    as centred 400 px squares, Adam 0.03 for 2000 steps from the photo plus noise ±0.2.
``quick``
    A preview: L-BFGS-B at half the size from the matched start, upsampled.
``standard``
    L-BFGS-B at full size from the matched start (:mod:`engine.transfer.starts`), with
    a longer curvature history; its budget grows with the size, since finer images need
    more iterations to reach the same loss.
``fine``
    Twice the standard budget, for prints.

Tuned on the real ImageNet weights (puppy + paint1, 128–400 px); see the README's
benchmark table for the figures.
"""

from __future__ import annotations

from engine.transfer import original

DEFAULT_PRESET = "quick"

PRESETS = {
    "original": dict(size=original.SIZE, optimizer="adam", scales=(1.0,),
                     iterations=(original.STEPS,), learning_rate=original.LEARNING_RATE,
                     start="noisy", init_noise=original.NOISE_RANGE, tv_weight=0.0,
                     scale_final_iterations=False, crop_square=True),
    "quick": dict(optimizer="lbfgs", scales=(0.5,), iterations=(30,), start="matched",
                  history=30, scale_final_iterations=False),
    "standard": dict(optimizer="lbfgs", scales=(1.0,), iterations=(180,), start="matched",
                     history=50),
    "fine": dict(optimizer="lbfgs", scales=(1.0,), iterations=(360,), start="matched",
                 history=50),
}

#: What each preset is for, in a user's words (the studio's form shows these).
DESCRIPTIONS = {
    "quick": "A fast preview at half resolution, sharpened to the chosen size.",
    "standard": "The full painting: as close to the style as the original recipe gets, "
                "many times faster.",
    "fine": "A longer polish of every brush stroke, for prints.",
}

# Measured on the shared 2-core development machine (TensorFlow 2.21, CPU, real weights):
# one VGG19 loss-and-gradient of the original objective.
_SECONDS_PER_MEGAPIXEL = 10.5
_SECONDS_PER_EVAL = 0.015
_EVALS_PER_ITERATION = 1.05  # L-BFGS-B's line search now and then evaluates twice
_SECONDS_STARTUP = 8.0  # TensorFlow import, model build and first trace in a fresh worker
_GPU_SPEEDUP = 30.0  # a guess: no GPU was available to measure


def estimate_seconds(preset: str, size: int, device: str = "cpu") -> float:
    """Rough wall time in seconds of ``preset`` at ``size`` px (long side of a square photo).

    Parameters
    ----------
    preset : str
        A name in :data:`PRESETS`.
    size : int
        Output long side in pixels.
    device : str
        ``"cpu"`` or ``"gpu"`` (divided by a guessed speed-up).

    Returns
    -------
    float
        Seconds, including a fresh worker's model build.
    """
    from engine.transfer.stylize import TransferSettings, plan_scales

    settings = TransferSettings.preset(preset, size=size)
    per_iteration = 1.0 if settings.optimizer == "adam" else _EVALS_PER_ITERATION
    seconds = _SECONDS_STARTUP
    for (w, h), budget in plan_scales(settings, size, size):
        per_eval = _SECONDS_PER_EVAL + _SECONDS_PER_MEGAPIXEL * w * h / 1e6
        seconds += 2 * per_eval + per_eval * budget * per_iteration  # + targets
    return seconds / _GPU_SPEEDUP if device.lower().startswith("gpu") else seconds
