"""The canvas check job, run by an RQ worker: compare the photo with its step (worker side).

:func:`run_check` computes the step's target (:mod:`studio.check_targets`), runs
:func:`engine.check.pipeline.check_photo` with progress, and stores the findings and their
pictures in one write, only while its run holds the job
(:meth:`~studio.job_runs.JobReporter.owned`). The engine is imported inside the job, never in
the web process or in the worker's parent.

:mod:`studio.canvas_checks` (web side) queues it by the dotted path
:data:`studio.canvas_checks.RUN_CHECK`; RQ stores that path with every queued job, so renaming
this module or :func:`run_check` strands the checks already waiting. Jobs queued before this
module existed name ``studio.canvas_checks.run_check``, which that module still answers.
"""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image

from engine.imageio import encode_compact_png, encode_jpeg, pil_to_rgb_array
from studio import jobqueue
from studio.jobqueue import Cancelled, JobReporter
from studio.models import CanvasCheck
from studio.storage_paths import delete_files


@jobqueue.reported(stage="target")
def run_check(reporter: JobReporter, check_id: str) -> None:
    """The job: compare the check's photo with its step's target and store the findings."""
    from engine.check.pipeline import STAGES, check_photo
    from studio.check_targets import step_target

    check = CanvasCheck.objects.select_related("generation__project").get(pk=check_id)
    target = step_target(check.generation, check.step_key)
    with check.photo.open("rb") as handle:
        photo = pil_to_rgb_array(Image.open(io.BytesIO(handle.read())))

    def progress(done: int, total: int, stage: str) -> None:
        upcoming = STAGES[done] if done < total else "saving"
        if not reporter.update(0.1 + 0.85 * done / total, stage=upcoming, force=True):
            raise Cancelled()

    reporter.update(0.1, stage=STAGES[0], force=True)
    findings = check_photo(photo, target.image, target.canvas, palette_rgb=target.palette_rgb,
                           brush_mm=target.brush_mm, corners=check.corners_given, progress=progress)
    _store(check, reporter, findings, target)


def _store(check: CanvasCheck, reporter: JobReporter, findings, target) -> None:
    """Write the pictures, then record them and the findings in one transaction while this
    run holds the job; files it could not record are removed again."""
    palette = {color.number: color for color in check.generation.lesson_palette()}
    payload = findings.to_json()
    for region in payload["regions"]:
        color = palette.get(region["color"])
        # The mix as it was when checked: the page shows its recipe only while it is still this colour.
        region["mix"] = {"number": color.number, "hex": color.hex, "name": color.name} if color else None
    payload["target_size"] = [int(target.image.shape[1]), int(target.image.shape[0])]
    pictures = {"target": ("target.png", encode_compact_png(target.image)),
                "rectified": ("rectified.jpg", encode_jpeg(findings.rectified, quality=90)),
                "picture": ("findings.jpg", encode_jpeg(findings.picture(), quality=90))}
    written = []
    try:
        for field_name, (name, data) in pictures.items():
            field = getattr(check, field_name)
            field.save(name, ContentFile(data, name=name), save=False)
            written.append(field)
        with reporter.owned():
            row = CanvasCheck.objects.select_for_update().filter(pk=check.pk).first()
            if row is None:
                raise Cancelled()  # deleted meanwhile
            old = row.result_files()
            CanvasCheck.objects.filter(pk=check.pk).update(
                findings=payload, **{name: getattr(check, name).name for name in pictures})
    except BaseException:
        delete_files(written)
        raise
    transaction.on_commit(lambda: delete_files(old))  # a previous run's pictures, if any were left
