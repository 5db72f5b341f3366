"""A generation, start to finish, as the worker runs it: style transfer, then the lesson.

Files are read and written only through Django storage. TensorFlow is imported here,
inside the job (RQ forks a child per job: the parent worker must never touch the GPU).
"""

from __future__ import annotations

import io
import logging
import time

import numpy as np
from django.core.files.base import ContentFile
from PIL import Image

from engine.imageio import encode_jpeg, encode_png, pil_to_rgb_array
from studio.models import Generation, Job, LessonFile, PaintingStep, PaletteColor
from studio.queueing import Cancelled, JobReporter

logger = logging.getLogger(__name__)

# Share of the progress bar each stage takes (transfer dominates the run time).
TRANSFER_SHARE = 0.85
LESSON_STAGES = {"palette": Generation.Stage.PALETTE, "steps": Generation.Stage.STEPS}
PREVIEW_MIN_INTERVAL = 2.0  # seconds between preview images written to storage

DEMO_QUALITY_FIX = (
    "An administrator can install the VGG19 ImageNet weights on every worker: place "
    "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5 in ~/.keras/models/, or set "
    "PAINTING_VGG19_WEIGHTS to the path of that file, then restart the workers."
)


def read_rgb(field) -> np.ndarray:
    with field.open("rb") as handle:
        return pil_to_rgb_array(Image.open(io.BytesIO(handle.read())))


def run_generation(job_id: str, generation_id: str) -> None:
    reporter = JobReporter(job_id, interval=1.0)
    try:
        reporter.start(stage=Generation.Stage.TRANSFER)
        generation = Generation.objects.select_related("project", "style").get(pk=generation_id)
        timings = {}
        started = time.monotonic()
        painting = _transfer(generation, reporter)
        timings["transfer"] = round(time.monotonic() - started, 2)
        _lesson(generation, painting, reporter, timings)
        Generation.objects.filter(pk=generation.pk).update(timings=timings)
        reporter.finish(Job.Status.SUCCEEDED)
    except Cancelled:
        reporter.finish(Job.Status.CANCELLED, "Cancelled.")
    except Generation.DoesNotExist:
        reporter.finish(Job.Status.CANCELLED, "The generation was deleted.")
    except ValueError as error:  # the engine's word on bad input: say it as it is
        reporter.finish(Job.Status.FAILED, str(error))
    except Exception as error:
        logger.exception("generation %s failed", generation_id)
        reporter.finish(Job.Status.FAILED, f"{error.__class__.__name__}: {error}")
        raise


def _transfer(generation: Generation, reporter: JobReporter) -> np.ndarray:
    from engine.transfer.stylize import TransferCancelled, TransferSettings, run_transfer
    from engine.transfer.vgg import WeightsUnavailableError, parse_weights

    content = read_rgb(generation.project.photo)
    style = read_rgb(generation.custom_style if generation.custom_style else generation.style.image)
    settings = TransferSettings.preset(
        generation.preset, size=generation.output_size, style_strength=generation.style_strength,
        preserve_colors=generation.preserve_colors, seed=generation.seed,
    )
    last_preview = [0.0]

    def progress(update) -> bool:
        if update.preview is not None and time.monotonic() - last_preview[0] > PREVIEW_MIN_INTERVAL:
            last_preview[0] = time.monotonic()
            _save_preview(generation, update.preview)
        return reporter.update(TRANSFER_SHARE * update.fraction, stage=Generation.Stage.TRANSFER)

    try:
        try:
            result = run_transfer(content, style, settings, progress)
        except WeightsUnavailableError as error:
            # No ImageNet weights on this worker: paint anyway, and say so on the page.
            logger.warning("VGG19 ImageNet weights unavailable, using random weights: %s", error)
            settings.weights = f"random:{generation.seed}"
            result = run_transfer(content, style, settings, progress)
    except TransferCancelled:
        raise Cancelled() from None
    demo_quality = parse_weights(settings.weights).kind == "random"
    generation.result.save("painting.png", ContentFile(encode_png(result.image), name="painting.png"), save=False)
    Generation.objects.filter(pk=generation.pk).update(
        result=generation.result.name, weights_used=result.weights, demo_quality=demo_quality
    )
    return result.image


def _save_preview(generation: Generation, image: np.ndarray) -> None:
    old = generation.preview.name if generation.preview else None
    generation.preview.save("preview.jpg", ContentFile(encode_jpeg(image, quality=85), name="preview.jpg"), save=False)
    Generation.objects.filter(pk=generation.pk).update(preview=generation.preview.name)
    if old:
        generation.preview.storage.delete(old)


def _lesson(generation: Generation, painting: np.ndarray, reporter: JobReporter, timings: dict) -> None:
    from engine.lesson.build import build_lesson

    stage_started = {"t": time.monotonic(), "name": "palette"}

    def progress(stage: str, fraction: float) -> None:
        if stage != stage_started["name"]:
            timings[stage_started["name"]] = round(time.monotonic() - stage_started["t"], 2)
            stage_started.update(t=time.monotonic(), name=stage)
        our_stage = LESSON_STAGES.get(stage, Generation.Stage.LESSON)
        overall = TRANSFER_SHARE + (1 - TRANSFER_SHARE) * max(0.0, min(1.0, fraction))
        if not reporter.update(overall, stage=our_stage, force=True):
            raise Cancelled()

    reporter.update(TRANSFER_SHARE, stage=Generation.Stage.PALETTE, force=True)
    canvas = oriented_canvas(generation.canvas, painting.shape)
    lesson = build_lesson(painting, max_colors=generation.palette_colors, canvas=canvas, progress=progress)
    timings[stage_started["name"]] = round(time.monotonic() - stage_started["t"], 2)
    reporter.check_cancelled()

    stored = {}
    for name, data in lesson.files().items():
        record = LessonFile(generation=generation, name=name)
        record.file.save(name, ContentFile(data, name=name), save=False)
        record.save()
        stored[name] = record.file.name
    PaletteColor.objects.bulk_create(
        PaletteColor(
            generation=generation, number=color.number, red=color.rgb[0], green=color.rgb[1], blue=color.rgb[2],
            hex=color.hex, name=color.name, share=color.share,
        )
        for color in lesson.palette
    )
    lesson_json = lesson.to_json()
    # Step pictures are lesson files already: the rows point at the same stored files.
    PaintingStep.objects.bulk_create(
        PaintingStep(
            generation=generation, order=step.order, title=step.title[:120], instruction=step.instruction,
            colors=[int(c) for c in step.colors], image=stored[entry["image"]], mask=stored[entry["mask"]],
        )
        for step, entry in zip(lesson.steps, lesson_json["steps"])
    )


def oriented_canvas(canvas: str, shape) -> str:
    """The canvas turned to the painting's orientation (a 40x30cm canvas for a portrait is 30x40cm)."""
    from engine.lesson.grid import parse_canvas

    width, height, unit = parse_canvas(canvas)
    portrait_picture = shape[0] > shape[1]
    if (height > width) != portrait_picture and width != height:
        width, height = height, width
    return f"{width:g}x{height:g}{unit}"
