"""engine.transfer.vgg: weights choice, caching, the original input space and bad files."""

import numpy as np
import pytest

from engine.transfer import vgg


def _image(seed=0, h=40, w=56):
    return np.random.default_rng(seed).random((1, h, w, 3)).astype(np.float32)


def test_describe_and_parse_weights(tmp_path, monkeypatch):
    monkeypatch.delenv(vgg.ENV_VAR, raising=False)
    assert vgg.parse_weights(None) == vgg.WeightsSpec("imagenet")
    assert vgg.describe_weights("random") == "random (seed 0) — demo quality"
    assert vgg.describe_weights("random:12") == "random (seed 12) — demo quality"
    weights_file = tmp_path / "w.h5"
    weights_file.write_bytes(b"")
    assert vgg.describe_weights(str(weights_file)) == "imagenet (Keras file)"
    assert vgg.parse_weights(str(weights_file)) == vgg.WeightsSpec("file", path=str(weights_file.resolve()))
    monkeypatch.setenv(vgg.ENV_VAR, "random:4")
    assert vgg.parse_weights() == vgg.WeightsSpec("random", seed=4)
    for bad in ("random:x", str(tmp_path / "missing.h5"), "imagenett"):
        with pytest.raises(ValueError):
            vgg.parse_weights(bad)


def test_extractor_is_built_once_and_random_weights_are_seeded():
    first = vgg.get_feature_extractor("random:1")
    assert vgg.get_feature_extractor("random:1") is first
    other = vgg.get_feature_extractor("random:2")
    features = [np.asarray(f) for f in first(_image())]
    assert [f.shape[1:3] for f in features] == [(20, 28), (10, 14), (5, 7), (2, 3)]
    # He-normal keeps deep layers alive: neither vanished nor exploded.
    scales = [float(f.std()) for f in features]
    assert all(0.1 < s < 100 for s in scales) and max(scales) / min(scales) < 20
    assert not np.allclose(np.asarray(other(_image())[0]), features[0])
    assert first.device and first.weights.startswith("random (seed 1)")


def test_images_go_into_vgg19_as_they_are():
    """The original fed RGB in [0, 1] to VGG19 unprocessed: the first layer sees the pixels."""
    import tensorflow as tf

    extractor = vgg.get_feature_extractor("random:1")
    rgb = _image(3, 32, 32)
    first = extractor.model.get_layer("block1_conv1")
    kernel, bias = first.get_weights()
    direct = tf.nn.relu(tf.nn.conv2d(rgb, kernel, 1, "SAME") + bias).numpy()
    np.testing.assert_allclose(np.asarray(first(rgb)), direct, rtol=1e-4, atol=1e-5)
    assert extractor.model.inputs[0] is extractor.model.get_layer("block1_conv1").input


def test_stem_and_trunk_are_the_model_split_in_two(monkeypatch):
    """The split shares the weights, and the low-memory gradient (stem recomputed) is the same."""
    from engine.transfer import losses

    extractor = vgg.get_feature_extractor("random:1")
    image = _image(4)
    whole = [np.asarray(f) for f in extractor(image)]
    split = [np.asarray(f) for f in extractor.trunk(extractor.stem(image))]
    for a, b in zip(whole, split):
        np.testing.assert_array_equal(a, b)

    targets = losses.compute_targets(extractor, _image(5)[0], _image(6, 32, 32)[0])
    kept = losses.value_and_grad(extractor, image, targets, smoothing=0.1)
    monkeypatch.setattr(losses, "RECOMPUTE_PIXELS", 1)  # every size takes the recomputing graph
    recomputed = losses.value_and_grad(extractor, image, targets, smoothing=0.1)
    assert (id(extractor), True) in losses._compiled
    assert float(kept[0]) == pytest.approx(float(recomputed[0]), rel=1e-6)
    np.testing.assert_allclose(np.asarray(recomputed[2]), np.asarray(kept[2]), rtol=1e-5, atol=1e-9)
    assert np.abs(np.asarray(kept[2])).max() > 0


def test_a_keras_h5_file_that_is_not_the_published_one_is_refused(tmp_path):
    """A well-formed notop .h5 holding other weights is a different file: a clear error."""
    import h5py
    import keras
    from keras.src.legacy.saving import legacy_h5_format

    base = keras.applications.VGG19(include_top=False, weights=None)
    vgg._randomise(base, 7)
    path = tmp_path / vgg.weight_files.KERAS_FILE
    with h5py.File(path, "w") as handle:
        legacy_h5_format.save_weights_to_hdf5_group(handle, base)
    with pytest.raises(vgg.WeightsFileError, match=str(path)):
        vgg.get_feature_extractor(str(path))


def test_unreadable_weights_file_is_a_value_error(tmp_path):
    path = tmp_path / "broken.h5"
    path.write_bytes(b"not an hdf5 file")
    with pytest.raises(ValueError, match="corrupted, truncated or not the expected file"):
        vgg.get_feature_extractor(str(path))
