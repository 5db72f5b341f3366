"""engine.transfer.losses against direct NumPy computations on tiny arrays.

No VGG19 here: a stand-in extractor returns a simple function of the image per layer, so
the terms, their weights and the compiled gradient are checked in milliseconds
(test_weights.py checks the whole objective on the real network).
"""

import numpy as np
import pytest

from engine.transfer import losses
from engine.transfer.vgg import LAYERS


def _features(images):
    """A stand-in for VGG19: per layer a different fixed function of the pixels (channels
    differ per layer, as in VGG19), differentiable, in keras.ops."""
    from keras import ops

    images = ops.convert_to_tensor(images)
    out = []
    for k in range(len(LAYERS)):
        channels = [images * (k + 1.0), ops.square(images) - 0.25 * k]
        out.append(ops.concatenate(channels[: 1 + k % 2], axis=-1))
    return out


def _numpy_features(image):
    out = []
    for k in range(len(LAYERS)):
        channels = [image * (k + 1.0), image**2 - 0.25 * k]
        out.append(np.concatenate(channels[: 1 + k % 2], axis=-1))
    return out


def _raw_gram(f):
    flat = f.reshape(-1, f.shape[-1])
    return flat.T @ flat


def _images(seed=0, h=6, w=7):
    rng = np.random.default_rng(seed)
    return (rng.random((h, w, 3)).astype(np.float32) for _ in range(3))


def test_the_original_layer_weights_with_block1_conv2_unused():
    assert losses.CONTENT_LAYER == "block5_conv1" and (losses.ALPHA, losses.BETA) == (1.0, 0.3)
    assert losses.STYLE_WEIGHTS == {"block2_conv2": 0.1, "block3_conv3": 0.3, "block4_conv3": 0.4, "block5_conv1": 0.2}
    assert "block1_conv2" not in LAYERS and set(losses.STYLE_WEIGHTS) == set(LAYERS)


def test_grams_are_divided_by_the_number_of_positions():
    f = np.random.default_rng(1).random((1, 5, 4, 3)).astype(np.float32)
    expected = _raw_gram(f.astype(np.float64)) / 20
    np.testing.assert_allclose(np.asarray(losses.gram_matrix(f)), expected, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(losses.gram_matrix(f[0])), expected, rtol=1e-5)


def test_content_and_layer_style_terms_are_the_originals():
    rng = np.random.default_rng(2)
    f, p = (rng.random((1, 5, 4, 3)).astype(np.float64) for _ in range(2))
    np.testing.assert_allclose(float(np.asarray(losses.content_loss(f, p))),
                               np.sum((f - p) ** 2) / (4 * 5 * 4 * 3), rtol=1e-6)
    # With position-normalised Grams the layer term is the original's Σ(ΔG)²/(4(HWC)²) on raw Grams.
    original = np.sum((_raw_gram(f) - _raw_gram(p)) ** 2) / (4 * (5 * 4 * 3) ** 2)
    ours = losses.layer_style_loss(losses.gram_matrix(f), losses.gram_matrix(p))
    np.testing.assert_allclose(float(np.asarray(ours)), original, rtol=1e-6)


def test_the_style_loss_weights_each_layer_by_name():
    rng = np.random.default_rng(3)
    shapes = [(1, 4, 4, 2), (1, 3, 3, 3), (1, 2, 2, 2), (1, 2, 2, 3)]
    features = [rng.random(s) for s in shapes]
    targets = [losses.gram_matrix(rng.random(s)) for s in shapes]
    per_layer = [float(np.asarray(losses.layer_style_loss(losses.gram_matrix(f), t))) for f, t in zip(features, targets)]
    expected = sum(losses.STYLE_WEIGHTS[name] * value for name, value in zip(LAYERS, per_layer))
    np.testing.assert_allclose(float(np.asarray(losses.style_loss(features, targets))), expected, rtol=1e-6)
    only_block4 = {"block4_conv3": 2.0}
    np.testing.assert_allclose(float(np.asarray(losses.style_loss(features, targets, only_block4))),
                               2.0 * per_layer[LAYERS.index("block4_conv3")], rtol=1e-6)


def test_total_variation_is_the_mean_square_step_down_plus_across():
    image = np.random.default_rng(4).random((1, 5, 6, 3))
    expected = np.mean(np.diff(image, axis=1) ** 2) + np.mean(np.diff(image, axis=2) ** 2)
    np.testing.assert_allclose(float(np.asarray(losses.total_variation(image))), expected, rtol=1e-6)
    assert float(np.asarray(losses.total_variation(np.full((1, 4, 4, 3), 0.3)))) == 0.0


def test_judge_gives_the_original_terms_of_uint8_or_float_images():
    image, content, style = _images()
    got = losses.judge(_features, image, content, style)
    fi, fc, fs = (_numpy_features(a.astype(np.float64)) for a in (image, content, style))
    k = LAYERS.index(losses.CONTENT_LAYER)
    content_term = np.mean((fi[k] - fc[k]) ** 2) / 4
    style_term = sum(losses.STYLE_WEIGHTS[name] * np.mean(((_raw_gram(a) - _raw_gram(b)) / (6 * 7)) ** 2) / 4
                     for name, a, b in zip(LAYERS, fi, fs))
    np.testing.assert_allclose([got["content_loss"], got["style_loss"], got["total_loss"]],
                               [content_term, style_term, content_term + 0.3 * style_term], rtol=1e-4)
    as_uint8 = losses.judge(_features, *(np.round(a * 255).astype(np.uint8) for a in (image, content, style)))
    np.testing.assert_allclose(as_uint8["total_loss"], got["total_loss"], rtol=0.05)
    assert losses.judge(_features, content, content, style)["content_loss"] == 0.0


def test_smoothing_is_scaled_to_the_loss_of_an_all_zero_image():
    _, content, style = _images(5)
    targets = losses.compute_targets(_features, content, style)
    assert losses.tv_factor(targets, 0.0) == 0.0
    zero = np.zeros_like(content)[None]
    _, _, zero_loss = losses.original_loss_terms(lambda x: [0.0 * f for f in _features(x)], zero, targets)
    np.testing.assert_allclose(losses.tv_factor(targets, 0.5), 0.5 * float(np.asarray(zero_loss)), rtol=1e-5)


def test_the_compiled_gradient_matches_finite_differences():
    image, content, style = _images(6)
    targets = losses.compute_targets(_features, content, style)
    loss, (content_term, style_term), grad = losses.value_and_grad(_features, image[None], targets,
                                                                   style_weight=0.3, smoothing=0.2)
    expected = losses.transfer_objective(_features, image[None], targets, 0.3, 0.2)[0]
    np.testing.assert_allclose(float(loss), float(np.asarray(expected)), rtol=1e-5)
    grad = np.asarray(grad)[0]
    assert grad.shape == image.shape

    targets64 = losses.compute_targets(_features, content.astype(np.float64), style.astype(np.float64))

    def objective(x):  # in float64, so the differences are not rounding noise
        return float(np.asarray(losses.transfer_objective(_features, x[None], targets64, 0.3, 0.2)[0]))

    rng = np.random.default_rng(0)
    for index in zip(*(rng.integers(0, n, 5) for n in image.shape)):
        step = np.zeros(image.shape)
        step[index] = 1e-4
        numeric = (objective(image + step) - objective(image - step)) / 2e-4
        assert grad[index] == pytest.approx(numeric, rel=1e-3, abs=1e-6)


def test_only_the_tensorflow_backend_is_supported(monkeypatch):
    import keras

    monkeypatch.setattr(keras.backend, "backend", lambda: "torch")
    image, content, style = _images(7)
    targets = losses.compute_targets(_features, content, style)
    with pytest.raises(RuntimeError, match="tensorflow backend, not torch"):
        losses._compile(_features, False, targets.grams)
