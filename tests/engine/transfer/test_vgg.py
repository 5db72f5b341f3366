"""engine.transfer.vgg: weights choice, caching, preprocessing and the offline error."""

import numpy as np
import pytest

from engine.transfer import vgg


def _image(seed=0, h=40, w=56):
    return np.random.default_rng(seed).random((1, h, w, 3)).astype(np.float32)


def test_describe_and_parse_weights(tmp_path, monkeypatch):
    monkeypatch.delenv(vgg.ENV_VAR, raising=False)
    assert vgg.describe_weights(None) == "imagenet"
    assert vgg.describe_weights("random") == "random (seed 0) — demo quality"
    assert vgg.describe_weights("random:12") == "random (seed 12) — demo quality"
    weights_file = tmp_path / "w.h5"
    weights_file.write_bytes(b"")
    assert vgg.describe_weights(str(weights_file)) == f"file:{weights_file.resolve()}"
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
    assert [f.shape[1:3] for f in features] == [(40, 56), (20, 28), (10, 14), (5, 7), (2, 3)]
    # He-normal keeps deep layers alive: neither vanished nor exploded.
    scales = [float(f.std()) for f in features]
    assert all(1.0 < s < 1e4 for s in scales) and max(scales) / min(scales) < 20
    assert not np.allclose(np.asarray(other(_image())[0]), features[0])
    assert first.device and first.weights.startswith("random (seed 1)")


def test_preprocessing_is_caffe_bgr_mean_subtracted():
    """The model takes RGB in [0, 1] and feeds VGG19 BGR 0–255 minus the ImageNet mean."""
    extractor = vgg.get_feature_extractor("random:1")
    trunk = extractor.model.layers[-1]  # the VGG19 convolutions, after the preprocessing
    rgb = _image(3, 32, 32)
    bgr = rgb[..., ::-1] * 255.0 - np.array([103.939, 116.779, 123.68], np.float32)
    for ours, direct in zip(extractor(rgb), trunk(bgr)):
        np.testing.assert_allclose(np.asarray(ours), np.asarray(direct), rtol=1e-4, atol=1e-2)
    assert not np.allclose(np.asarray(trunk(rgb)[0]), np.asarray(extractor(rgb)[0]))


def test_h5_weights_file_is_loaded(tmp_path):
    """A Keras-format notop .h5 (here holding the random:7 weights) loads by path."""
    import h5py
    import keras
    from keras.src.legacy.saving import legacy_h5_format

    base = keras.applications.VGG19(include_top=False, weights=None)
    vgg._randomise(base, 7)
    path = tmp_path / vgg.CACHE_FILE
    with h5py.File(path, "w") as handle:
        legacy_h5_format.save_weights_to_hdf5_group(handle, base)
    from_file = vgg.get_feature_extractor(str(path))
    assert from_file.weights == f"file:{path.resolve()}"
    np.testing.assert_allclose(np.asarray(from_file(_image())[-1]),
                               np.asarray(vgg.get_feature_extractor("random:7")(_image())[-1]),
                               rtol=1e-4, atol=1e-3)


def test_unreadable_h5_is_a_value_error(tmp_path):
    path = tmp_path / "broken.h5"
    path.write_bytes(b"not an hdf5 file")
    with pytest.raises(ValueError, match="could not read VGG19 weights"):
        vgg.get_feature_extractor(str(path))


def test_imagenet_download_failure_names_both_fixes(monkeypatch):
    import keras

    def offline(*args, **kwargs):
        raise Exception("URL fetch failure: no network")

    monkeypatch.setattr(keras.utils, "get_file", offline)
    with pytest.raises(vgg.WeightsUnavailableError) as caught:
        vgg.get_feature_extractor("imagenet")
    message = str(caught.value)
    assert vgg.CACHE_FILE in message and "~/.keras/models" in message
    assert vgg.ENV_VAR in message and "random" in message
