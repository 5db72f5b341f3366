"""Small service functions behind the generation pages: start, retry, limits, status."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from studio import queueing
from studio.models import Generation, Job

MAX_ACTIVE_GENERATIONS = 2
GENERATION_JOB = "studio.pipeline.run_generation"


def active_generations(user):
    """The user's generations still queued or running, after checking them against RQ."""
    active = Generation.objects.filter(project__owner=user, job__status__in=Job.ACTIVE).select_related("job")
    for generation in active:
        queueing.reconcile(generation.job)
    return Generation.objects.filter(project__owner=user, job__status__in=Job.ACTIVE)


def start_generation(project, custom_style=None, **parameters) -> Generation:
    """Create a generation of ``project`` and queue its job (after the transaction commits).

    ``custom_style`` is an upload already checked by :func:`studio.uploads.normalise_upload`.
    """
    with transaction.atomic():
        job = Job.objects.create(owner=project.owner, project=project, kind="generation", queue="transfer")
        generation = Generation(project=project, job=job, **parameters)
        if custom_style is not None:
            generation.custom_style_label = (getattr(custom_style, "label", "") or "")[:255]
            generation.custom_style.save(custom_style.content.name, custom_style.content, save=False)
        generation.save()
        queueing.enqueue_existing(job, GENERATION_JOB, args=(str(generation.pk),))
    return generation


def retry_generation(generation: Generation) -> Generation:
    """Run a failed or cancelled generation again, same parameters, same page."""
    with transaction.atomic():
        generation.clear_results()
        queueing.reset_for_retry(generation.job)
        queueing.enqueue_existing(generation.job, GENERATION_JOB, args=(str(generation.pk),))
    return generation


def generation_status(generation: Generation) -> dict:
    """What the generation page polls: the job's status plus stage, time left and preview."""
    from django.urls import reverse

    job = queueing.reconcile(generation.job)
    generation.refresh_from_db(fields=["preview", "result", "demo_quality"])
    status = job.as_status()
    status["stage_label"] = generation.stage_label
    status["seconds_left"] = seconds_left(generation, job)
    if generation.preview:
        status["preview_url"] = reverse("studio:generation-file", args=[generation.pk, "preview"]) + f"?v={generation.preview.name[-12:]}"
    status["demo_quality"] = generation.demo_quality
    return status


def lesson_data(generation: Generation) -> dict | None:
    """The generation's ``lesson.json`` (canvas, grid spacing, value thresholds…), if made."""
    import json

    record = generation.lesson_files.filter(name="lesson.json").first()
    if record is None:
        return None
    with record.file.open("rb") as handle:
        return json.loads(handle.read())


def seconds_left(generation: Generation, job: Job) -> float | None:
    """Time left: from the progress rate once it is measurable, else the preset's estimate."""
    if not job.is_active:
        return 0.0 if job.status == Job.Status.SUCCEEDED else None
    estimate = estimate_seconds(generation.preset, generation.output_size)
    if job.status == Job.Status.QUEUED or not job.started_at:
        return estimate
    elapsed = (timezone.now() - job.started_at).total_seconds()
    if job.progress >= 0.05:
        return max(0.0, elapsed * (1 - job.progress) / job.progress)
    return max(0.0, estimate - elapsed)


def estimate_seconds(preset: str, size: int) -> float:
    from engine.transfer.stylize import estimate_seconds as engine_estimate

    return engine_estimate(preset, size)
