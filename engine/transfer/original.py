"""The original project's optimiser: Adam (lr 0.03) for 2000 steps, clipped to [0, 1].

Kept to reproduce the baseline the engine is measured against (the ``original``
preset and ``python -m engine bench transfer``). The update is Keras' Adam formula
(β₁ = 0.9, β₂ = 0.999, ε = 1e-7) written in NumPy, so it runs unchanged on any Keras
backend; at these image sizes the update costs nothing next to one VGG19 pass.
"""

from __future__ import annotations

import numpy as np

STEPS = 2000
LEARNING_RATE = 0.03
NOISE_RANGE = 0.2


def noisy_start(content: np.ndarray, noise_range: float, seed: int) -> np.ndarray:
    """Content plus uniform noise in ±``noise_range``, clipped to [0, 1] (the original start)."""
    if not noise_range:
        return content.astype(np.float32)
    rng = np.random.default_rng(seed)
    noise = rng.uniform(-noise_range, noise_range, content.shape).astype(np.float32)
    return np.clip(content + noise, 0.0, 1.0)


def adam(value_and_grad, start: np.ndarray, *, steps: int = STEPS,
         learning_rate: float = LEARNING_RATE, on_step=None) -> np.ndarray:
    """Minimise with Adam from ``start`` (1×H×W×3 float32 in [0, 1]); clip after every step.

    ``on_step(step, loss, image)`` is called after each step (1-based) and may raise
    to stop the run.
    """
    beta1, beta2, epsilon = 0.9, 0.999, 1e-7
    image = start.astype(np.float32)
    first = np.zeros_like(image)
    second = np.zeros_like(image)
    for step in range(1, steps + 1):
        loss, _, grad = value_and_grad(image)
        grad = np.asarray(grad, dtype=np.float32)
        first += (grad - first) * (1.0 - beta1)
        second += (np.square(grad) - second) * (1.0 - beta2)
        rate = learning_rate * np.sqrt(1.0 - beta2**step) / (1.0 - beta1**step)
        image -= rate * first / (np.sqrt(second) + epsilon)
        np.clip(image, 0.0, 1.0, out=image)
        if on_step is not None:
            on_step(step, float(np.asarray(loss)), image)
    return image
