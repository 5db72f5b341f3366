"""Optimisers on image pixels, driving a compiled VGG19 value-and-gradient.

:func:`lbfgs` is SciPy's L-BFGS-B: it uses the curvature of the last few steps, so from
the content image it reaches the loss that Adam needs thousands of steps for in a few
hundred evaluations; the [0, 1] pixel bounds replace clipping. :func:`adam` is the
original project's optimiser (Keras' Adam formula in NumPy, clipped to [0, 1] after
every step), used by the ``original`` preset and the baseline.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import Bounds, minimize

#: Pairs of past steps kept for the curvature estimate (memory: 2 × this × pixels × 3 doubles).
HISTORY = 10


def lbfgs(value_and_grad, start: np.ndarray, *, iterations: int, on_step=None,
          history: int = HISTORY) -> tuple[np.ndarray, int]:
    """Minimise from ``start`` (1×H×W×3 float32 in [0, 1]) for at most ``iterations``.

    ``on_step(iteration, loss, image)`` is called after each iteration (1-based) and may
    raise to stop the run. Returns the image (float32, same shape) and the number of
    iterations done (fewer when the optimiser converged).
    """
    shape = start.shape

    def loss_and_gradient(flat):
        loss, _, grad = value_and_grad(flat.reshape(shape).astype(np.float32))
        return float(np.asarray(loss)), np.asarray(grad, dtype=np.float64).ravel()

    done = 0

    def callback(intermediate_result):
        nonlocal done
        done += 1
        if on_step is not None:
            image = intermediate_result.x.reshape(shape).astype(np.float32)
            on_step(done, float(intermediate_result.fun), image)

    result = minimize(
        loss_and_gradient,
        start.astype(np.float64).ravel(),
        jac=True,
        method="L-BFGS-B",
        bounds=Bounds(0.0, 1.0),  # the same box for every pixel
        callback=callback,
        # A fixed budget decides when to stop, not SciPy's tolerances: the loss
        # scale depends on the weights, so relative tolerances would misfire.
        options={"maxiter": iterations, "maxfun": 2 * iterations + 20, "maxcor": history,
                 "ftol": 0.0, "gtol": 0.0},
    )
    return result.x.reshape(shape).astype(np.float32), done


def adam(value_and_grad, start: np.ndarray, *, steps: int, learning_rate: float,
         on_step=None) -> np.ndarray:
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
