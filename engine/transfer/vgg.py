"""The VGG19 feature extractor used by style transfer, built once per process.

Weights are chosen by an argument or the ``PAINTING_VGG19_WEIGHTS`` environment
variable:

``imagenet`` (default)
    Keras' own ImageNet weights, from its cache
    (``~/.keras/models/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5``),
    downloaded there by Keras when missing. A failed download raises
    :class:`WeightsUnavailableError`; nothing falls back silently.
a path to a ``.h5`` file
    The standard Keras VGG19 "notop" weights file, stored anywhere.
``random`` or ``random:SEED``
    Seeded He-normal weights (seed 0 by default): deterministic, offline, for tests
    and demos. The pictures they make are textures, not paintings.

The model takes RGB images in [0, 1] (``N×H×W×3`` float32) and does the ImageNet
"caffe" preprocessing itself (×255, RGB→BGR, mean subtraction), which the original
project skipped. TensorFlow (or whichever Keras backend is active) is imported only
when a model is first built, so importing this module never touches a GPU (RQ forks
its workers after import).
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

ENV_VAR = "PAINTING_VGG19_WEIGHTS"
CACHE_FILE = "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"
WEIGHTS_URL = (
    "https://storage.googleapis.com/tensorflow/keras-applications/vgg19/" + CACHE_FILE
)
WEIGHTS_MD5 = "253f8cb515780f3b799900260a226db6"

#: Layers the original recipe reads: content from ``block5_conv1``, style from all five.
LAYERS = ("block1_conv2", "block2_conv2", "block3_conv3", "block4_conv3", "block5_conv1")

#: ImageNet channel means in BGR order, 0–255 (what VGG19 was trained with).
BGR_MEAN = (103.939, 116.779, 123.68)

_cache: dict[tuple, "FeatureExtractor"] = {}
_lock = threading.Lock()


class WeightsUnavailableError(RuntimeError):
    """The ImageNet VGG19 weights are neither cached nor downloadable."""


@dataclass(frozen=True)
class WeightsSpec:
    """A parsed weights choice: ``kind`` is ``imagenet``, ``file`` or ``random``."""

    kind: str
    path: str | None = None
    seed: int = 0


@dataclass
class FeatureExtractor:
    """VGG19 up to ``block5_conv1``; calling it returns one tensor per name in ``LAYERS``."""

    model: object
    layers: tuple[str, ...]
    weights: str
    device: str

    def __call__(self, images):
        """Features of ``N×H×W×3`` RGB images in [0, 1], in the order of ``layers``."""
        return self.model(images)


def parse_weights(spec: str | os.PathLike | None = None) -> WeightsSpec:
    """Parse a weights choice; ``None`` reads ``PAINTING_VGG19_WEIGHTS`` (default imagenet)."""
    if spec is None:
        spec = os.environ.get(ENV_VAR, "").strip() or "imagenet"
    text = str(spec).strip()
    lowered = text.lower()
    if lowered == "imagenet":
        return WeightsSpec("imagenet")
    if lowered == "random" or lowered.startswith("random:"):
        seed_text = text.partition(":")[2].strip() or "0"
        try:
            seed = int(seed_text)
        except ValueError:
            raise ValueError(f"weights {text!r}: the seed after 'random:' must be an integer.")
        return WeightsSpec("random", seed=seed)
    path = Path(text).expanduser()
    if not path.is_file():
        raise ValueError(
            f"weights {text!r} is not 'imagenet', 'random[:SEED]' or an existing .h5 file."
        )
    return WeightsSpec("file", path=str(path.resolve()))


def describe_weights(spec: str | os.PathLike | WeightsSpec | None = None) -> str:
    """A short label for the weights used, e.g. ``imagenet``, ``file:/x.h5``, ``random (seed 0) — demo quality``."""
    parsed = spec if isinstance(spec, WeightsSpec) else parse_weights(spec)
    if parsed.kind == "imagenet":
        return "imagenet"
    if parsed.kind == "file":
        return f"file:{parsed.path}"
    return f"random (seed {parsed.seed}) — demo quality"


def get_feature_extractor(weights: str | os.PathLike | None = None) -> FeatureExtractor:
    """The process-wide extractor for ``weights`` (built on first use, then reused)."""
    parsed = parse_weights(weights)
    key = (parsed.kind, parsed.path, parsed.seed)
    with _lock:
        if key not in _cache:
            _cache[key] = _build(parsed)
        return _cache[key]


def _build(spec: WeightsSpec) -> FeatureExtractor:
    import keras

    device = _device_name()  # first, so GPU memory growth is set before any allocation
    weights_path = _imagenet_path() if spec.kind == "imagenet" else spec.path
    base = keras.applications.VGG19(
        include_top=False, weights=None, input_shape=(None, None, 3)
    )
    if weights_path is not None:
        try:
            base.load_weights(weights_path)
        except (OSError, ValueError, KeyError) as error:
            raise ValueError(
                f"could not read VGG19 weights from {weights_path}: {error}. Expected the "
                f"standard Keras file {CACHE_FILE}."
            ) from error
    else:
        _randomise(base, spec.seed)

    # Only the layers the losses read: block5_conv2..pool would be wasted work.
    trunk = keras.Model(base.input, [base.get_layer(name).output for name in LAYERS])
    images = keras.Input(shape=(None, None, 3), name="rgb_0_1")
    model = keras.Model(images, trunk(_imagenet_preprocess(images)), name="vgg19_features")
    log.info("VGG19 features built: weights %s, device %s", describe_weights(spec), device)
    return FeatureExtractor(model, LAYERS, describe_weights(spec), device)


def _imagenet_preprocess(images):
    """RGB in [0, 1] → BGR in 0–255 minus the ImageNet mean ("caffe" mode), in the graph."""
    import keras

    bgr = keras.ops.flip(images, axis=-1) * 255.0
    return bgr - keras.ops.convert_to_tensor(np.array(BGR_MEAN, dtype="float32"))


def _imagenet_path() -> str:
    """Keras' cached ImageNet file, downloading it like Keras does when absent."""
    import keras

    try:
        return keras.utils.get_file(
            CACHE_FILE, WEIGHTS_URL, cache_subdir="models", file_hash=WEIGHTS_MD5
        )
    except Exception as error:  # get_file wraps every network failure in a bare Exception
        raise WeightsUnavailableError(
            "The ImageNet VGG19 weights are not cached and could not be downloaded "
            f"({error}). Either put the Keras file at ~/.keras/models/{CACHE_FILE}, or set "
            f"{ENV_VAR} to the path of that .h5 file; {ENV_VAR}=random runs an offline demo "
            "with random weights."
        ) from error


def _randomise(model, seed: int) -> None:
    """He-normal kernels, zero biases, from one seeded NumPy stream.

    He-normal keeps the activations' scale steady through the 16 ReLU convolutions,
    so deep layers neither vanish nor explode; NumPy (not the backend's RNG) makes
    the weights identical on every backend and machine.
    """
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        if not layer.weights:
            continue
        kernel, bias = layer.get_weights()
        fan_in = int(np.prod(kernel.shape[:-1]))
        kernel = rng.standard_normal(kernel.shape, dtype=np.float32) * np.sqrt(2.0 / fan_in)
        layer.set_weights([kernel.astype(np.float32), np.zeros_like(bias)])


def _device_name() -> str:
    import keras

    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        for gpu in tf.config.list_physical_devices("GPU"):
            try:  # several RQ workers may share one GPU: take memory as needed, not all
                tf.config.experimental.set_memory_growth(gpu, True)
            except RuntimeError:  # already initialised by the caller: keep its choice
                pass
        gpus = tf.config.list_logical_devices("GPU")
        return f"GPU ({gpus[0].name})" if gpus else "CPU"
    if backend == "jax":
        import jax

        device = jax.devices()[0]
        return f"{device.platform.upper()} ({device.device_kind})"
    return backend
