"""What the pages say about a generation's run: the status they poll, time left, presets (display side).

:func:`generation_status` is the JSON the generation page polls and the context its first
render uses, so the page and ``static/js/app.js`` show the same words: the time left is
estimated here only (:func:`seconds_left`) and said in words here only (``time_left``);
the script just displays them. Nothing here writes: the views take the job as a page must
show it (:func:`studio.jobqueue.as_seen`) before asking.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from studio.models import Generation, Job
from studio.templatetags.studio_extras import duration_words

#: What re-planning a finished painting takes (palette, strokes, pictures), for the time left.
REPLAN_SECONDS = 60.0
#: Below this share done the progress rate says too little: the preset's estimate is used.
MEASURABLE_PROGRESS = 0.05


def generation_status(generation: Generation) -> dict:
    """The job's status plus ``stage_label``, ``seconds_left``, ``time_left`` (words),
    ``preview_url`` (while there is a preview) and ``demo_quality``."""
    job = generation.job
    generation.refresh_from_db(fields=["preview", "result", "demo_quality"])
    status = job.as_status()
    status["stage_label"] = generation.stage_label
    status["seconds_left"] = seconds_left(generation, job)
    status["time_left"] = time_left_words(job.status, status["seconds_left"])
    if generation.preview:
        status["preview_url"] = reverse("studio:generation-file", args=[generation.pk, "preview"]) + f"?v={generation.preview.name[-12:]}"
    status["demo_quality"] = generation.demo_quality
    return status


def seconds_left(generation: Generation, job: Job) -> float | None:
    """Seconds left: from the progress rate since the run started once it is measurable,
    else the preset's estimate (:func:`engine.transfer.timing.estimate_seconds`) less the
    time run; 0 once succeeded, None once failed or cancelled."""
    from engine.transfer.timing import estimate_seconds

    if not job.is_active:
        return 0.0 if job.status == Job.Status.SUCCEEDED else None
    estimate = REPLAN_SECONDS if generation.result else estimate_seconds(generation.preset, generation.output_size)
    if job.status == Job.Status.QUEUED or not job.started_at:
        return estimate
    elapsed = (timezone.now() - job.started_at).total_seconds()
    if job.progress >= MEASURABLE_PROGRESS:
        return max(0.0, elapsed * (1 - job.progress) / job.progress)
    return max(0.0, estimate - elapsed)


def time_left_words(status: str, seconds: float | None) -> str:
    """The progress panel's line: "Painting takes about 4 min once it starts." while queued,
    "about 3 min left" while running, nothing when there is no estimate or it has ended."""
    if not seconds or status not in Job.ACTIVE:
        return ""
    if status == Job.Status.QUEUED:
        return f"Painting takes {duration_words(seconds)} once it starts."
    return f"{duration_words(seconds)} left"


def preset_choices(size: int = 512) -> list[dict]:
    """The presets as the form shows them: ``value``, ``label``, ``description`` and the
    estimated ``seconds`` at ``size`` px on this server."""
    from engine.transfer.presets import DESCRIPTIONS
    from engine.transfer.timing import estimate_seconds

    return [{"value": value, "label": label, "description": DESCRIPTIONS.get(value, ""),
             "seconds": estimate_seconds(value, size)} for value, label in Generation.Preset.choices]
