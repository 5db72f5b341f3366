"""Neural style transfer (Gatys et al.) with VGG19: a photo repainted in a style image's manner.

``run_transfer(content, style, settings)`` takes ``H×W×3`` uint8 RGB arrays, keeps the
photo's aspect ratio and returns the painting with its figures. Every preset
(:mod:`engine.transfer.presets`) minimises the original project's objective
(:mod:`engine.transfer.losses`); ours start from a photo whose colours and fine texture
are matched to the style (:mod:`engine.transfer.starts`) and run a projected L-BFGS, which reaches
the original's 2000-step Adam loss in a fraction of its evaluations.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from engine import imageio
from engine.color import luminance
from engine.errors import InputError
from engine.transfer import original
from engine.transfer.optimizers import adam, lbfgs
from engine.transfer.presets import DEFAULT_PRESET, PRESETS
from engine.transfer.starts import STARTS, photo_start

MIN_SIDE = 32
MIN_OPTIMISED_SIDE = 16  # px: the least that still gives block5_conv1 one position
MAX_SIZE = 2048


class TransferCancelled(Exception):
    """The progress callback returned False; the run stopped."""


@dataclass
class TransferSettings:
    """What to run. Build with ``TransferSettings.preset(name, **overrides)``.

    size: output long side in px (32–2048). style_scale: style image long side as a
    multiple of the output's (bigger = larger brush strokes). style_strength:
    multiplies the original β = 0.3. tv_weight: smoothing, in units of the loss
    scale (0 = none; 0.01–1 is gentle to strong). preserve_colors: transfer
    luminance only, keep the photo's colours. seed: for the starting noise
    (``init_noise``; the L-BFGS presets start from the photo and are deterministic).
    weights: ``imagenet``, ``random[:SEED]`` or an .h5 path (None =
    ``PAINTING_VGG19_WEIGHTS``). preview_every: steps between preview images in
    progress updates (0 = never). scale: the optimised image's size as a fraction of
    ``size`` (0.5 for ``quick``: optimised at half size, then upsampled); iterations: the
    step budget; optimizer ``lbfgs`` or ``adam`` (learning_rate).
    grow_iterations: the budget is for 256 px and grows with the
    fourth root of the output's long side (on real weights, puppy + paint1, L-BFGS
    from the matched start passed the 2000-step Adam loss after ≈245 iterations at
    both 256 and 400 px: Adam's 2000 steps get no further on finer images; the slow
    growth is a margin for sizes not measured). start: ``photo``, ``noisy``
    (± ``init_noise``) or ``matched`` (:mod:`engine.transfer.starts`). history:
    L-BFGS curvature pairs kept (memory: 8 bytes × pixels × 3 each, capped at
    0.5 GB: 19 pairs at 1024 px). crop_square: crop both pictures to centred squares
    first, as the original did.
    """

    preset: str = DEFAULT_PRESET
    size: int = 512
    style_scale: float = 1.0
    style_strength: float = 1.0
    tv_weight: float = 0.0
    preserve_colors: bool = False
    seed: int = 0
    weights: str | None = None
    preview_every: int = 10
    optimizer: str = "lbfgs"
    scale: float = PRESETS[DEFAULT_PRESET]["scale"]
    iterations: int = PRESETS[DEFAULT_PRESET]["iterations"]
    learning_rate: float = original.LEARNING_RATE
    start: str = PRESETS[DEFAULT_PRESET]["start"]
    init_noise: float = 0.0
    history: int = PRESETS[DEFAULT_PRESET]["history"]
    grow_iterations: bool = PRESETS[DEFAULT_PRESET]["grow_iterations"]
    crop_square: bool = False

    def __post_init__(self):
        if not isinstance(self.size, (int, np.integer)) or not MIN_SIDE <= self.size <= MAX_SIZE:
            raise InputError(f"size must be a whole number of pixels from {MIN_SIDE} to "
                             f"{MAX_SIZE}; got {self.size!r}.")
        if not 0.1 <= self.style_scale <= 4.0:
            raise InputError(f"style_scale must be between 0.1 and 4; got {self.style_scale}.")
        if not 0.0 <= self.style_strength <= 100.0:
            raise InputError(f"style_strength must be between 0 and 100; got {self.style_strength}.")
        if self.tv_weight < 0:
            raise InputError(f"tv_weight must be 0 or more; got {self.tv_weight}.")
        if self.optimizer not in ("lbfgs", "adam"):
            raise InputError(f"optimizer must be 'lbfgs' or 'adam'; got {self.optimizer!r}.")
        if not 0 < self.scale <= 1:
            raise InputError(f"scale must be in (0, 1]; got {self.scale}.")
        if isinstance(self.iterations, bool) or not isinstance(self.iterations, (int, np.integer)) \
                or self.iterations < 1:
            raise InputError(f"iterations must be a whole number of at least 1; got {self.iterations!r}.")
        if self.start not in STARTS:
            raise InputError(f"start must be one of {', '.join(STARTS)}; got {self.start!r}.")
        if not 1 <= self.history <= 200:
            raise InputError(f"history must be from 1 to 200; got {self.history}.")
        if self.preview_every < 0:
            raise InputError("preview_every must be 0 (no previews) or a number of steps.")


def _preset(cls, name: str = DEFAULT_PRESET, **overrides) -> TransferSettings:
    """Settings of preset ``name`` (original, quick, standard, fine) with ``overrides``."""
    if name not in PRESETS:
        raise InputError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}.")
    return cls(**{"preset": name, **PRESETS[name], **overrides})


# Attached after @dataclass so the ``preset`` field keeps DEFAULT_PRESET as its default;
# on instances ``settings.preset`` is still the preset's name.
TransferSettings.preset = classmethod(_preset)


@dataclass
class TransferProgress:
    """One progress report: ``step`` of ``total`` and the loss being minimised."""

    step: int
    total: int
    loss: float
    optimised_size: tuple  # (width, height) of the image being optimised
    preview: np.ndarray | None = None  # current image (uint8, optimised_size), every preview_every steps

    @property
    def fraction(self) -> float:
        return self.step / self.total if self.total else 1.0


@dataclass
class TransferResult:
    """The styled image and how it was made.

    Losses are the original loss's terms for the image as optimised (at ``scale`` × the
    size: half size for ``quick``; luminance when ``preserve_colors``).
    """

    image: np.ndarray
    steps: int
    seconds: float
    content_loss: float
    style_loss: float
    total_loss: float
    weights: str
    device: str
    settings: TransferSettings = field(repr=False, default=None)


def stylize(content, style, settings: TransferSettings | None = None, progress=None) -> np.ndarray:
    """Repaint ``content`` (H×W×3 uint8) in the manner of ``style``; see :func:`run_transfer`."""
    return run_transfer(content, style, settings, progress).image


def run_transfer(content, style, settings: TransferSettings | None = None,
                 progress=None) -> TransferResult:
    """Style transfer with figures. ``progress(TransferProgress)`` returning False cancels.

    Greyscale and RGBA inputs are converted; sides under 32 px raise ``ValueError``.
    Raises :class:`TransferCancelled` when cancelled, and
    :class:`engine.vgg.WeightsUnavailableError` when ImageNet weights cannot be had.
    """
    from engine.transfer import losses as style_losses, vgg

    settings = settings or TransferSettings.preset(DEFAULT_PRESET)
    started = time.perf_counter()
    content = imageio.as_rgb_uint8(content, min_side=MIN_SIDE, name="content image")
    style = imageio.as_rgb_uint8(style, min_side=MIN_SIDE, name="style image")
    if settings.crop_square:  # the original recipe: both pictures as centred squares
        content, style = (original.centre_square(a, settings.size) for a in (content, style))
    out_w, out_h = _fit(content.shape, settings.size)
    extractor = vgg.get_feature_extractor(settings.weights)

    (w, h), budget = optimisation_plan(settings, out_w, out_h)
    reporter = _Reporter(progress, budget, (w, h), settings.preview_every,
                         lambda x: _finish(x, content, settings))
    style_weight = style_losses.BETA * settings.style_strength
    photo = _unit(imageio.resize(content, (w, h)))
    painting = _unit(_resize_style(style, w, h, settings.style_scale))
    if settings.preserve_colors:
        photo, painting = luminance.grey(photo), luminance.matched_grey(painting, photo)
    targets = style_losses.compute_targets(extractor, photo, painting)
    smoothing = style_losses.tv_factor(targets, settings.tv_weight, style_weight)

    def value_and_grad(x):
        return style_losses.value_and_grad(extractor, x, targets, style_weight, smoothing)

    start = photo_start(photo, painting, kind=settings.start, noise=settings.init_noise, seed=settings.seed)
    if settings.optimizer == "adam":
        image = adam(value_and_grad, start, steps=budget, learning_rate=settings.learning_rate,
                     on_step=reporter.step)
        steps = budget
    else:
        image, steps = lbfgs(value_and_grad, start, iterations=budget, on_step=reporter.step,
                             history=_capped_history(settings.history, w * h))

    # Judged as the optimiser left it (rounded to uint8), against its targets: the
    # original loss at full size for full-size presets, one forward pass.
    final = _unit(imageio.as_rgb_uint8(np.clip(image[0], 0.0, 1.0)))[None]
    terms = style_losses.original_loss_terms(extractor, final, targets)
    content_loss, style_loss, total_loss = (float(np.asarray(t)) for t in terms)
    return TransferResult(image=_finish(image, content, settings, (out_w, out_h)), steps=steps,
                          seconds=time.perf_counter() - started, content_loss=content_loss,
                          style_loss=style_loss, total_loss=total_loss,
                          weights=extractor.weights, device=extractor.device, settings=settings)


def _fit(shape, long_side: int) -> tuple[int, int]:
    """(width, height) with long side ``long_side``, aspect kept; refuse slivers."""
    height, width = shape[:2]
    scale = long_side / max(height, width)
    w, h = max(1, round(width * scale)), max(1, round(height * scale))
    if min(w, h) < MIN_SIDE:
        raise InputError(
            f"at size {long_side} the {width}×{height} photo becomes {w}×{h} px; the short "
            f"side must be at least {MIN_SIDE} px: use a larger size or crop the photo.")
    return w, h


def _capped_history(history: int, pixels: int) -> int:
    """``history`` pairs, fewer where they would take over 0.5 GB (2 × 3 float32 per pixel each).

    19 pairs at 1024 px, where VGG19's gradient alone peaked at 2.45 GB with its first
    block recomputed (:mod:`engine.transfer.losses`); never under 5 pairs.
    """
    return max(5, min(history, int(HISTORY_BYTES // (BYTES_PER_PAIR_PIXEL * pixels))))


HISTORY_BYTES = 5e8
BUDGET_SIZE = 256  # px: the long side a scaled budget is given for
BYTES_PER_PAIR_PIXEL = 2 * 3 * 4  # a step and a gradient change, float32 RGB


def optimisation_plan(settings: TransferSettings, out_w: int, out_h: int) -> tuple:
    """((w, h), budget): the size the image is optimised at and its iterations.

    ``scale`` × the output size, each side at least :data:`MIN_OPTIMISED_SIDE`; the
    budget grows with the output's long side when ``grow_iterations``.
    """
    w, h = round(out_w * settings.scale), round(out_h * settings.scale)
    budget = settings.iterations
    if settings.grow_iterations:
        budget = round(budget * (max(out_w, out_h) / BUDGET_SIZE) ** 0.25)
    return (max(w, MIN_OPTIMISED_SIDE), max(h, MIN_OPTIMISED_SIDE)), budget


def _resize_style(style: np.ndarray, w: int, h: int, style_scale: float) -> np.ndarray:
    """The style at ``style_scale`` × the long side of a w×h result, its aspect kept."""
    long_side = max(MIN_SIDE // 2, round(max(w, h) * style_scale))
    sh, sw = style.shape[:2]
    factor = max(long_side / max(sh, sw), (MIN_SIDE // 2) / min(sh, sw))
    return imageio.resize(style, (max(1, round(sw * factor)), max(1, round(sh * factor))))


def _unit(image: np.ndarray) -> np.ndarray:
    return image.astype(np.float32) / 255.0


def _finish(image: np.ndarray, content: np.ndarray, settings: TransferSettings,
            size: tuple | None = None) -> np.ndarray:
    """uint8 RGB of an optimised 1×h×w×3 image, at ``size`` (w, h) if given; chroma restored."""
    result = imageio.as_rgb_uint8(np.clip(image[0], 0.0, 1.0))
    if size is not None:
        result = imageio.resize(result, size)
    if settings.preserve_colors:
        h, w = result.shape[:2]
        result = luminance.with_chroma_of(result, imageio.resize(content, (w, h)))
    return result


class _Reporter:
    """Turns optimiser steps into TransferProgress calls; raises on cancel."""

    def __init__(self, progress, total: int, size: tuple, preview_every: int, render):
        self.progress, self.total, self.size = progress, total, size
        self.preview_every, self.render = preview_every, render

    def step(self, step: int, loss: float, image: np.ndarray) -> None:
        if self.progress is None:
            return
        preview = None
        if self.preview_every and (step % self.preview_every == 0 or step == self.total):
            preview = self.render(image)
        update = TransferProgress(step, self.total, loss, self.size, preview)
        if self.progress(update) is False:
            raise TransferCancelled(f"style transfer cancelled at step {step} of {self.total}")
