"""How long a transfer takes, estimated before it runs (the studio's form and progress)."""

from __future__ import annotations

from engine.transfer.stylize import TransferSettings, optimisation_plan

# Measured on the shared 2-core development machine (TensorFlow 2.21, CPU, real weights):
# one VGG19 loss-and-gradient of the original objective.
_SECONDS_PER_MEGAPIXEL = 10.5
_SECONDS_PER_EVAL = 0.015
_EVALS_PER_ITERATION = 1.01  # the unit step nearly always passes (201 evaluations for 200 iterations)
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
    settings = TransferSettings.preset(preset, size=size)
    per_iteration = 1.0 if settings.optimizer == "adam" else _EVALS_PER_ITERATION
    (w, h), budget = optimisation_plan(settings, size, size)
    per_eval = _SECONDS_PER_EVAL + _SECONDS_PER_MEGAPIXEL * w * h / 1e6
    seconds = _SECONDS_STARTUP + 2 * per_eval + per_eval * budget * per_iteration  # + targets
    return seconds / _GPU_SPEEDUP if device.lower().startswith("gpu") else seconds
