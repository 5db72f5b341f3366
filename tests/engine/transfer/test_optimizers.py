"""The pixel optimisers on problems whose answers are known, without VGG19."""

import numpy as np
import pytest

from engine.transfer.optimizers import adam, lbfgs


def _quadratic(target, scales, coupling=0.0):
    """Loss Σ scales·(x − target)² + coupling·Σ(x_i − x_{i+1})² over the flattened image."""

    def value_and_grad(x):
        x = x.astype(np.float64)  # an exact loss, so the test measures the optimiser only
        d = x - target
        flat = x.ravel()
        diff = flat[:-1] - flat[1:]
        loss = float(np.sum(scales * d * d) + coupling * np.sum(diff * diff))
        grad = 2 * scales * d
        coupled = np.zeros_like(flat)
        coupled[:-1] += 2 * coupling * diff
        coupled[1:] -= 2 * coupling * diff
        return loss, None, (grad + coupled.reshape(x.shape)).astype(np.float32)

    return value_and_grad


def test_lbfgs_finds_the_box_constrained_minimum_of_an_ill_conditioned_quadratic():
    rng = np.random.default_rng(0)
    target = rng.uniform(-0.3, 1.3, (1, 16, 16, 3)).astype(np.float32)
    scales = rng.uniform(0.01, 10.0, target.shape).astype(np.float32)  # condition number 1000
    image, done = lbfgs(_quadratic(target, scales), np.full_like(target, 0.5), iterations=200,
                        history=10)
    # Separable: the answer is the target clipped into the box.
    np.testing.assert_allclose(image, np.clip(target, 0, 1), atol=2e-3)
    assert image.dtype == np.float32 and image.shape == target.shape
    assert done <= 200


def test_lbfgs_uses_curvature_on_a_coupled_ill_conditioned_problem():
    # A weak pull to random targets plus strong smoothing along the flattened image:
    # the minimiser (inside the box) solves a linear system.
    rng = np.random.default_rng(1)
    target = rng.uniform(0.2, 0.8, (1, 16, 16, 3))
    scale, coupling, n = 0.01, 1.0, target.size
    system = np.diag(np.full(n, scale))
    system += coupling * (np.diag(np.r_[1.0, np.full(n - 2, 2.0), 1.0])
                          - np.diag(np.ones(n - 1), 1) - np.diag(np.ones(n - 1), -1))
    best = np.linalg.solve(system, scale * target.ravel()).reshape(target.shape)
    problem = _quadratic(target, np.full_like(target, scale), coupling=coupling)
    start = np.full(target.shape, 0.5, np.float32)

    def gap(history):
        image, _ = lbfgs(problem, start, iterations=60, history=history)
        return (problem(image)[0] - problem(best)[0]) / (problem(start)[0] - problem(best)[0])

    assert gap(20) < 1e-4
    assert gap(20) < 0.1 * gap(1)  # the kept pairs, not luck, make the progress


class Stop(Exception):
    pass


def test_lbfgs_stays_in_the_box_reports_each_step_and_can_be_stopped():
    target = np.random.default_rng(2).uniform(-1.0, 2.0, (1, 4, 4, 3))  # most outside the box
    seen = []

    def on_step(step, loss, image):
        assert 0.0 <= image.min() and image.max() <= 1.0
        seen.append((step, loss))
        if step == 3:
            raise Stop

    with pytest.raises(Stop):
        lbfgs(_quadratic(target, np.ones_like(target)), np.zeros_like(target), iterations=50,
              on_step=on_step)
    assert [s for s, _ in seen] == [1, 2, 3]
    assert seen[0][1] > seen[2][1]  # the loss goes down


def test_lbfgs_stops_at_a_stationary_point():
    target = np.full((1, 4, 4, 3), 0.25, np.float32)
    image, done = lbfgs(_quadratic(target, np.ones_like(target)), target.copy(), iterations=50)
    assert done == 0
    np.testing.assert_array_equal(image, target)


def test_adam_moves_toward_the_target_and_clips():
    target = np.full((1, 4, 4, 3), 1.5, np.float32)
    image = adam(_quadratic(target, np.ones_like(target)), np.zeros_like(target), steps=100,
                 learning_rate=0.03)
    assert 0.9 < image.min() and image.max() <= 1.0
