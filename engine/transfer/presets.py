"""Named transfer settings (their running times: :mod:`engine.transfer.timing`).

Every preset optimises the original objective (:mod:`engine.transfer.losses`); they
differ in optimiser, size of the optimised image, start and budget:

``original``
    The original project's run exactly (:mod:`engine.transfer.original`): both pictures
    as centred 400 px squares, Adam 0.03 for 2000 steps from the photo plus noise ±0.2.
``quick``
    A preview: L-BFGS at half the size from the matched start, upsampled.
``standard``
    L-BFGS at full size from the matched start (:mod:`engine.transfer.starts`), with
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
    "original": dict(size=original.SIZE, optimizer="adam", scale=1.0,
                     iterations=original.STEPS, learning_rate=original.LEARNING_RATE,
                     start="noisy", init_noise=original.NOISE_RANGE, tv_weight=0.0,
                     grow_iterations=False, crop_square=True),
    "quick": dict(optimizer="lbfgs", scale=0.5, iterations=30, start="matched",
                  history=30, grow_iterations=False),
    "standard": dict(optimizer="lbfgs", scale=1.0, iterations=255, start="matched",
                     history=50, grow_iterations=True),
    "fine": dict(optimizer="lbfgs", scale=1.0, iterations=510, start="matched",
                 history=50, grow_iterations=True),
}

#: What each preset is for, in a user's words (the studio's form shows these).
DESCRIPTIONS = {
    "quick": "A fast preview at half resolution, sharpened to the chosen size.",
    "standard": "The full painting: as close to the style as the original recipe gets, "
                "many times faster.",
    "fine": "A longer polish of every brush stroke, for prints.",
}
