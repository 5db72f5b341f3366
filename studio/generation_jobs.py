"""The generation job, run by an RQ worker: paint in the style, then build and store the lesson (worker side).

:func:`run_generation` paints in the style (``engine.transfer``), then builds the lesson
(``engine.lesson``) and its mixing recipes and stores them; a re-planned generation keeps its
painting and only builds the lesson again. Every row it writes is written inside
:meth:`JobReporter.owned`, so only the run holding the job's lease ever writes a result (see
:mod:`studio.job_runs`). Files go through Django storage only (workers may run elsewhere);
TensorFlow is imported inside the job, never in the web process or in the worker's parent
(RQ forks a work-horse per job). A worker without the VGG19 ImageNet weights fails the
painting loudly, unless ``PAINTING_VGG19_WEIGHTS=random`` asks for random weights on purpose
(demo quality, said on every page).

The module path and the names :func:`run_generation` and :func:`discard_if_deleted` are
stored by RQ with every queued job (:mod:`studio.generations` queues them by these dotted
paths): renaming them strands the jobs already waiting. Starting, retrying and deleting a
generation is :mod:`studio.generations`; what the pages say about a run,
:mod:`studio.generation_status`.
"""

from __future__ import annotations

import io
import time
from fnmatch import fnmatch

import numpy as np
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from engine.imageio import encode_jpeg, encode_png, pil_to_rgb_array
from studio import jobqueue
from studio.jobqueue import Cancelled, JobReporter, ServerFailure
from studio.models import Generation, GenerationMixing, LessonFile
from studio.models.generations import generation_folder
from studio.storage_paths import delete_folder

# Share of the progress bar each stage takes (transfer dominates the run time).
TRANSFER_SHARE = 0.85
LESSON_STAGES = {"palette": Generation.Stage.PALETTE, "plan": Generation.Stage.PLAN, "steps": Generation.Stage.STEPS}
PREVIEW_MIN_INTERVAL = 2.0  # seconds between preview images written to storage
# Files of the engine's lesson that no page shows, so not stored: the painting is the
# generation's result already, the pages draw the palette chart from palette.svg, the
# sheet from sheet.svg and the lesson from lesson.json; where to paint is shown by the
# sub-steps' pictures, not the layers' stroke maps and masks (the command line keeps them all).
NOT_STORED = frozenset({"picture.png", "quantized.png", "palette.png", "sheet-preview.png", "lesson.html"})
NOT_STORED_PATTERNS = ("stroke-map-*.svg", "step-*-mask.png")

WEIGHTS_MISSING = (
    "The style model's weights are not installed on the worker, so nothing was painted. "
    "The site's administrator can see why in the worker's log; Retry once they have installed them."
)


def read_rgb(field) -> np.ndarray:
    with field.open("rb") as handle:
        return pil_to_rgb_array(Image.open(io.BytesIO(handle.read())))


@jobqueue.reported(stage=Generation.Stage.TRANSFER)
def run_generation(reporter: JobReporter, generation_id: str) -> None:
    generation = Generation.objects.select_related("project", "style").get(pk=generation_id)
    try:
        timings = {}
        if generation.result:  # re-planned: the painting stays, only the lesson is made again
            painting, share = read_rgb(generation.result), 0.0
            timings["transfer"] = (generation.timings or {}).get("transfer")
        else:
            started = time.monotonic()
            painting, share = _transfer(generation, reporter), TRANSFER_SHARE
            timings["transfer"] = round(time.monotonic() - started, 2)
        _lesson(generation, painting, reporter, timings, start=share)
        with reporter.owned():
            Generation.objects.filter(pk=generation.pk).update(timings=timings)
    finally:
        _sweep_if_deleted(generation.pk, generation_folder(generation))


def discard_if_deleted(rq_job, connection) -> None:
    """RQ's ``on_stopped`` callback (in the worker, once the work-horse is killed)."""
    _sweep_if_deleted(rq_job.args[1], rq_job.meta.get("folder"))


def _sweep_if_deleted(generation_id, folder: str | None) -> None:
    """A generation deleted while its job ran: remove whatever the job wrote meanwhile."""
    if folder and not Generation.objects.filter(pk=generation_id).exists():
        delete_folder(default_storage, folder)


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
            _save_preview(generation, reporter, update.preview)
        return reporter.update(TRANSFER_SHARE * update.fraction, stage=Generation.Stage.TRANSFER)

    try:
        result = run_transfer(content, style, settings, progress)
    except TransferCancelled:
        raise Cancelled() from None
    except WeightsUnavailableError as error:
        # Never a silent downgrade: random weights only when PAINTING_VGG19_WEIGHTS=random says so.
        raise ServerFailure(WEIGHTS_MISSING) from error
    demo_quality = parse_weights(settings.weights).kind == "random"
    _store(generation, reporter, "result", "painting.png", encode_png(result.image),
           weights_used=result.weights, demo_quality=demo_quality)
    return result.image


def _save_preview(generation: Generation, reporter: JobReporter, image: np.ndarray) -> None:
    old = generation.preview.name if generation.preview else None
    _store(generation, reporter, "preview", "preview.jpg", encode_jpeg(image, quality=85))
    if old:
        generation.preview.storage.delete(old)


def _store(generation: Generation, reporter: JobReporter, field_name: str, name: str, data: bytes, **fields) -> None:
    """Write a file of the generation and record it, only while this run holds the job;
    a file it could not record is removed again."""
    field = getattr(generation, field_name)
    field.save(name, ContentFile(data, name=name), save=False)
    try:
        with reporter.owned():
            if not Generation.objects.filter(pk=generation.pk).update(**{field_name: field.name}, **fields):
                raise Cancelled()  # deleted meanwhile: run_generation sweeps its folder
    except BaseException:
        field.storage.delete(field.name)
        raise


def _lesson(generation: Generation, painting: np.ndarray, reporter: JobReporter, timings: dict, *,
            start: float = TRANSFER_SHARE) -> None:
    """Build and store the lesson; progress runs from ``start`` (after the transfer) to 1."""
    from engine.lesson.build import build_lesson

    stage_started = {"t": time.monotonic(), "name": "palette"}

    def progress(stage: str, fraction: float) -> None:
        if stage != stage_started["name"]:
            timings[stage_started["name"]] = round(time.monotonic() - stage_started["t"], 2)
            stage_started.update(t=time.monotonic(), name=stage)
        our_stage = LESSON_STAGES.get(stage, Generation.Stage.LESSON)
        overall = start + (1 - start) * max(0.0, min(1.0, fraction))
        if not reporter.update(overall, stage=our_stage, force=True):
            raise Cancelled()

    reporter.update(start, stage=Generation.Stage.PALETTE, force=True)
    canvas = oriented_canvas(generation.canvas, painting.shape)
    lesson = build_lesson(painting, max_colors=generation.palette_colors, canvas=canvas, level=generation.level,
                          progress=progress)
    timings[stage_started["name"]] = round(time.monotonic() - stage_started["t"], 2)
    reporter.check_cancelled()

    generation.lesson = lesson.to_json()
    mixing = GenerationMixing.objects.filter(generation=generation).first() or GenerationMixing(generation=generation)
    mixing.refresh(generation.lesson_palette(), save=False)  # recipes are computed here, never on a page view
    stored = []
    try:
        for name, data in lesson.files().items():
            if name in NOT_STORED or name == "lesson.json" or any(fnmatch(name, p) for p in NOT_STORED_PATTERNS):
                continue
            record = LessonFile(generation=generation, name=name)
            record.file.save(name, ContentFile(data, name=name), save=False)
            stored.append(record)
        with reporter.owned():
            if not Generation.objects.select_for_update().filter(pk=generation.pk).exists():
                raise Cancelled()  # deleted meanwhile: run_generation sweeps its folder
            LessonFile.objects.bulk_create(stored)
            # The lesson's data, in one place: pages, the PDF and the recipes read it from here.
            Generation.objects.filter(pk=generation.pk).update(lesson=generation.lesson)
            GenerationMixing.objects.update_or_create(generation=generation, defaults={
                "set_name": mixing.set_name, "paints": mixing.paints, "recipes": mixing.recipes})
    except BaseException:
        for record in stored:  # written but not recorded: nothing may be left behind
            record.file.storage.delete(record.file.name)
        raise


def oriented_canvas(canvas: str, shape) -> str:
    """The canvas turned to the painting's orientation (:func:`engine.lesson.grid.oriented_canvas`)."""
    from engine.lesson.grid import oriented_canvas as turned

    width, height, unit = turned(canvas, shape)
    return f"{width:g}x{height:g}{unit}"
