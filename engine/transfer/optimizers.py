"""Optimisers on image pixels, driving a compiled VGG19 value-and-gradient.

:func:`lbfgs` is a projected L-BFGS in NumPy (float32): the curvature of the last few
steps turns the gradient into a quasi-Newton step, pixels pinned at 0 or 1 with the
gradient pushing them out are held still, and the step is projected back into
[0, 1]. It replaced SciPy's L-BFGS-B, whose bounded subspace step cost about 0.3 s of
one core per iteration at 256 px with 50 pairs (it grows with the square of the
history), as much as half a VGG19 evaluation; this two-loop recursion costs ≈ 0.015 s
and needs no float64 copies. :func:`adam` is the original project's optimiser
(Keras' Adam formula in NumPy, clipped to [0, 1] after every step), used by the
``original`` preset and the baseline.
"""

from __future__ import annotations

import numpy as np

#: Pairs of past steps kept for the curvature estimate (memory: 2 × this × pixels × 3 float32).
HISTORY = 10
#: Largest pixel change of the first step, before any curvature is known (0–1 scale).
FIRST_STEP = 0.02
#: Armijo sufficient-decrease constant and the step halvings tried before giving up.
ARMIJO = 1e-4
MAX_HALVINGS = 10
#: Distance from 0 or 1 within which a pixel pushed outward counts as pinned.
BOUND_MARGIN = 1e-3


def lbfgs(value_and_grad, start: np.ndarray, *, iterations: int, on_step=None,
          history: int = HISTORY) -> tuple[np.ndarray, int]:
    """Minimise from ``start`` (1×H×W×3 float32 in [0, 1]) for at most ``iterations``.

    ``value_and_grad(x)`` returns ``(loss, aux, gradient)``. ``on_step(iteration, loss,
    image)`` is called after each iteration (1-based) and may raise to stop the run.
    Returns the image (float32, same shape) and the number of iterations done (fewer
    at a stationary point, or when no step along the search direction lowers the loss).
    """
    image = np.clip(np.asarray(start, dtype=np.float32), 0.0, 1.0)
    loss, gradient = _evaluate(value_and_grad, image)
    memory = _Curvature(history, image.size)
    for iteration in range(1, iterations + 1):
        # Pixels at (or within BOUND_MARGIN of) a bound that the gradient pushes outward
        # stay put; the quasi-Newton step works on the others.
        free = ~(((image <= BOUND_MARGIN) & (gradient > 0))
                 | ((image >= 1.0 - BOUND_MARGIN) & (gradient < 0)))
        found = None
        if memory.order:
            direction = -memory.apply(np.where(free, gradient, 0.0).ravel()).reshape(image.shape)
            direction *= free
            if float(np.vdot(gradient, direction)) < 0:
                found = _line_search(value_and_grad, image, loss, gradient, direction)
        if found is None:  # no curvature yet, or it went stale: a scaled gradient step
            memory.clear()
            direction = -np.where(free, gradient, 0.0)
            if not direction.any():
                break  # every free pixel's gradient is zero: a (box) stationary point
            found = _line_search(value_and_grad, image, loss, gradient,
                                 direction * _first_scale(gradient))
        if found is None:
            break  # no decrease even with a tiny step: converged as far as float32 allows
        new_image, new_loss, new_gradient = found
        memory.add((new_image - image).ravel(), (new_gradient - gradient).ravel())
        image, loss, gradient = new_image, new_loss, new_gradient
        if on_step is not None:
            on_step(iteration, loss, image)
    else:
        return image, iterations
    return image, iteration - 1


def _evaluate(value_and_grad, image):
    loss, _, gradient = value_and_grad(image)
    return float(np.asarray(loss)), np.asarray(gradient, dtype=np.float32)


def _first_scale(gradient) -> float:
    return FIRST_STEP / max(float(np.abs(gradient).max()), 1e-12)


def _line_search(value_and_grad, image, loss, gradient, direction):
    """Backtracking (halving) on the projected path until the Armijo condition holds."""
    step = 1.0
    for _ in range(MAX_HALVINGS + 1):
        candidate = np.clip(image + step * direction, 0.0, 1.0)
        new_loss, new_gradient = _evaluate(value_and_grad, candidate)
        if new_loss <= loss + ARMIJO * float(np.vdot(gradient, candidate - image)):
            return candidate, new_loss, new_gradient
        step *= 0.5
    return None


class _Curvature:
    """The last ``size`` (s, y) pairs in preallocated float32 rows; the two-loop recursion."""

    def __init__(self, size: int, length: int):
        self.steps = np.empty((size, length), np.float32)
        self.changes = np.empty((size, length), np.float32)
        self.rho = np.empty(size, np.float64)
        self.order: list[int] = []  # row indices, oldest first

    def clear(self) -> None:
        self.order = []

    def add(self, step: np.ndarray, change: np.ndarray) -> None:
        """Keep the pair when it shows positive curvature (s·y > 0), dropping the oldest."""
        curvature = float(np.dot(step, change))
        if curvature <= 1e-10 * float(np.dot(change, change)):
            return
        row = self.order.pop(0) if len(self.order) == len(self.rho) else len(self.order)
        self.steps[row], self.changes[row], self.rho[row] = step, change, 1.0 / curvature
        self.order.append(row)

    def apply(self, vector: np.ndarray) -> np.ndarray:
        """The inverse-Hessian estimate times ``vector`` (at least one pair must be kept)."""
        q = vector.astype(np.float32, copy=True)
        alphas = []
        for row in reversed(self.order):
            alpha = self.rho[row] * float(np.dot(self.steps[row], q))
            q -= np.float32(alpha) * self.changes[row]
            alphas.append(alpha)
        last = self.order[-1]
        q *= np.float32(1.0 / (self.rho[last] * float(np.dot(self.changes[last], self.changes[last]))))
        for row, alpha in zip(self.order, reversed(alphas)):
            beta = self.rho[row] * float(np.dot(self.changes[row], q))
            q += np.float32(alpha - beta) * self.steps[row]
        return q


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
