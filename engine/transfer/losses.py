"""The objective of style transfer — the original project's, as its code computed it — in ``keras.ops``.

What the original code (not its README) minimised, reproduced here so the product keeps
its look and every result is judged by it (``ORIGINAL_OBJECTIVE``):

- input: RGB in [0, 1] straight into Keras' VGG19 (no ×255, BGR or mean subtraction);
- content: ``block5_conv1``, Σ(ΔF)²/(4·H·W·C), weight α = 1;
- style: its code zipped the model outputs ``[1:]`` with the weights 0.1/0.3/0.4/0.1/0.1,
  so ``block1_conv2`` is never used and the effective weights are ``block2_conv2`` 0.1,
  ``block3_conv3`` 0.3, ``block4_conv3`` 0.4 and ``block5_conv1`` 0.2 (0.1 as the last
  style layer plus 0.1 for the content output, which came last in the list); layer
  style loss Σ(ΔG)²/(4·(H·W·C)²) with raw Grams; weight β = 0.3 (× ``style_strength``).

Grams here are divided by the number of positions H·W, which makes the layer style
loss Σ(ΔG)²/(4·C²) *exactly* the original term when style and result have the same
size, and still meaningful when the style image has another size than the result.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from engine.transfer.vgg import LAYERS, require_tensorflow

#: Name recorded with every figure judged by this objective.
ORIGINAL_OBJECTIVE = "original (RGB 0-1 input; block5_conv1 content; style 0.1/0.3/0.4/0.2 on block2_conv2/block3_conv3/block4_conv3/block5_conv1; alpha 1, beta 0.3)"
CONTENT_LAYER = "block5_conv1"
STYLE_WEIGHTS = {
    "block2_conv2": 0.1,
    "block3_conv3": 0.3,
    "block4_conv3": 0.4,
    "block5_conv1": 0.2,
}
ALPHA = 1.0
BETA = 0.3


@dataclass(frozen=True)
class Targets:
    """What the result is pulled toward: content features and style Grams, computed once."""

    content: object  # 1×h×w×C features of the content at CONTENT_LAYER
    grams: tuple  # one C×C Gram per name in LAYERS (position-normalised)


def gram_matrix(features):
    """Position-normalised Gram matrix (C×C) of ``1×H×W×C`` (or ``H×W×C``) features."""
    from keras import ops

    channels = ops.shape(features)[-1]
    flat = ops.reshape(features, (-1, channels))
    positions = ops.cast(ops.shape(flat)[0], flat.dtype)
    return ops.matmul(ops.transpose(flat), flat) / positions


def content_loss(features, target):
    """Σ(F − P)² / (4·H·W·C): the original content term (a quarter of the mean square)."""
    from keras import ops

    return ops.mean(ops.square(features - target)) / 4.0


def layer_style_loss(gram, target_gram):
    """Σ(G − A)² / (4·C²) for position-normalised Grams; the original layer style term."""
    from keras import ops

    return ops.mean(ops.square(gram - target_gram)) / 4.0


def style_loss(feature_list, target_grams, layer_weights=STYLE_WEIGHTS):
    """Weighted sum of layer style losses over ``LAYERS`` (weights by layer name)."""
    total = 0.0
    for name, features, target in zip(LAYERS, feature_list, target_grams):
        weight = layer_weights.get(name, 0.0)
        if weight:
            total = total + weight * layer_style_loss(gram_matrix(features), target)
    return total


def total_variation(images):
    """Mean squared difference between neighbouring pixels of ``N×H×W×3`` images in [0, 1]."""
    from keras import ops

    down = ops.mean(ops.square(images[:, 1:, :, :] - images[:, :-1, :, :]))
    right = ops.mean(ops.square(images[:, :, 1:, :] - images[:, :, :-1, :]))
    return down + right


def compute_targets(extractor, content, style) -> Targets:
    """Content features and style Grams for float32 RGB arrays in [0, 1] (H×W×3)."""
    content_features = extractor(content[None])[LAYERS.index(CONTENT_LAYER)]
    style_features = extractor(style[None])
    return Targets(content_features, tuple(gram_matrix(f) for f in style_features))


def original_loss_terms(extractor, image, targets: Targets) -> tuple:
    """(content, style, total) of the original loss for ``1×H×W×3`` images (tensors)."""
    features = extractor(image)
    content = content_loss(features[LAYERS.index(CONTENT_LAYER)], targets.content)
    style = style_loss(features, targets.grams)
    return content, style, ALPHA * content + BETA * style


def judge(extractor, image, content, style) -> dict:
    """The original loss of ``image`` (uint8 or [0, 1] float RGB) for content and style.

    As the original did, the style image is used at the result's size: callers pass
    a style array already resized to ``image``'s shape when they want the exact
    original normalisation.
    """
    image, content, style = (_unit_float(a) for a in (image, content, style))
    targets = compute_targets(extractor, content, style)
    terms = original_loss_terms(extractor, image[None], targets)
    c, s, t = (float(np.asarray(v)) for v in terms)
    return {"content_loss": c, "style_loss": s, "total_loss": t}


def _unit_float(array) -> np.ndarray:
    array = np.asarray(array)
    if array.dtype == np.uint8:
        return array.astype(np.float32) / 255.0
    return array.astype(np.float32)


def tv_factor(targets: Targets, tv_weight: float, style_weight: float = BETA) -> float:
    """Multiplier of :func:`total_variation` for a smoothing strength ``tv_weight``.

    ``tv_weight`` × the loss of an image whose features are all zero: the loss scale
    of these targets, so ``tv_weight`` means the same whatever the weights or images.
    """
    if not tv_weight:
        return 0.0
    from keras import ops

    zero_content = float(np.asarray(ops.mean(ops.square(targets.content)))) / 4.0
    zero_style = sum(
        STYLE_WEIGHTS[name] * float(np.asarray(ops.mean(ops.square(g)))) / 4.0
        for name, g in zip(LAYERS, targets.grams)
    )
    return tv_weight * (ALPHA * zero_content + style_weight * zero_style)


def transfer_objective(extractor, images, targets: Targets, style_weight, smoothing):
    """(loss, (content, style)) that the optimisers minimise, for ``1×H×W×3`` images.

    α·content + ``style_weight``·style (the original loss when ``style_weight`` is β)
    + ``smoothing``·total variation (see :func:`tv_factor`).
    """
    features = extractor(images)
    content = content_loss(features[LAYERS.index(CONTENT_LAYER)], targets.content)
    style = style_loss(features, targets.grams)
    loss = ALPHA * content + style_weight * style + smoothing * total_variation(images)
    return loss, (content, style)


_compiled: dict = {}

#: From this many pixels on (512×512), the gradient recomputes VGG19's first block
#: instead of keeping its activations: a tenth more forward work (within the noise of
#: a shared machine at 768 px) for 0.4 GB less at 1024 px (peak 2.45 GB against 2.83).
RECOMPUTE_PIXELS = 512 * 512


def value_and_grad(extractor, images, targets: Targets, style_weight=BETA, smoothing=0.0):
    """Loss, (content, style) and d loss / d images of :func:`transfer_objective`.

    Compiled (traced) once per extractor for every image size: targets and weights
    are arguments, not constants baked into the graph, so later runs and sizes reuse
    the same graph. Images of :data:`RECOMPUTE_PIXELS` or more use a
    second graph that recomputes the stem in the backward pass (TensorFlow).
    """
    height, width = np.shape(images)[1:3]
    key = (id(extractor), height * width >= RECOMPUTE_PIXELS)
    if key not in _compiled:
        _compiled[key] = _compile(extractor, key[1], targets.grams)
    scalars = np.asarray(style_weight, np.float32), np.asarray(smoothing, np.float32)
    return _compiled[key](images, targets.content, tuple(targets.grams), *scalars)


def _compile(extractor, recompute_stem, reference_grams):
    """A compiled ``f(images, content, grams, style_weight, smoothing) -> (loss, aux, grad)``.

    The only backend-specific code of the engine (TensorFlow, the one backend installed);
    ``reference_grams`` give the layers' channel counts for TensorFlow's signature.
    """
    require_tensorflow()
    import tensorflow as tf

    def loss_fn(images, content, grams, style_weight, smoothing, extract=extractor):
        return transfer_objective(extract, images, Targets(content, grams), style_weight, smoothing)

    if recompute_stem and extractor.stem is not None:
        stem = _recomputed(tf, extractor.stem)
        extract = lambda x: extractor.trunk(stem(x))  # noqa: E731
        loss_fn = functools.partial(loss_fn, extract=extract)

    # Unknown spatial sizes in the signature: one trace serves every size.
    channels = [int(g.shape[-1]) for g in reference_grams]
    signature = [
        tf.TensorSpec([1, None, None, 3], tf.float32),
        tf.TensorSpec([1, None, None, channels[LAYERS.index(CONTENT_LAYER)]], tf.float32),
        tuple(tf.TensorSpec([c, c], tf.float32) for c in channels),
        tf.TensorSpec([], tf.float32),
        tf.TensorSpec([], tf.float32),
    ]

    @tf.function(input_signature=signature)
    def compiled(images, *rest):
        # Only the image is differentiated: don't record the VGG weights' reads.
        with tf.GradientTape(watch_accessed_variables=False) as tape:
            tape.watch(images)
            loss, aux = loss_fn(images, *rest)
        return loss, aux, tape.gradient(loss, images)

    return lambda images, *rest: compiled(tf.convert_to_tensor(images), *rest)


def _recomputed(tf, stem):
    """``stem`` whose backward pass runs it again rather than keeping its activations."""

    @tf.custom_gradient
    def run(images):
        def grad(upstream, variables=None):
            # Wait for the upstream gradient: otherwise the executor may rerun the stem
            # during the forward pass, when the trunk's activations are all alive.
            with tf.control_dependencies([upstream]), \
                    tf.GradientTape(watch_accessed_variables=False) as tape:
                tape.watch(images)
                again = stem(tf.identity(images))
            # Only the image is differentiated: no gradients for the VGG weights.
            return tape.gradient(again, images, output_gradients=upstream), [None] * len(variables or ())

        return stem(images), grad

    return run
