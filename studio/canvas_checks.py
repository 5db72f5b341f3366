"""Check my canvas: a photo of the painter's canvas compared with a step of their lesson.

Web side: :func:`start_check` saves the photo (already through the upload rules,
:func:`studio.uploads.normalise_upload`) as a :class:`~studio.models.CanvasCheck` and
queues its job on the short ``default`` queue, or refuses with a message having saved
nothing (the queue down, too many checks running). :func:`check_again` runs a check
again on the same record with the corners the painter dragged: one record per photo,
so the history counts photos of the canvas, not attempts, and the photo is stored once.
:func:`delete_check` and :func:`discard_checks` (before a generation goes) leave no file.
Worker side: :func:`run_check` computes the step's target (:mod:`studio.check_targets`),
runs :func:`engine.check.pipeline.check_photo` with progress, and stores the findings
and their pictures in one write, only while its run holds the job
(:meth:`~studio.job_runs.JobReporter.owned`).
"""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image
from redis.exceptions import RedisError

from engine.imageio import encode_compact_png, encode_jpeg, pil_to_rgb_array
from studio import jobqueue
from studio.jobqueue import Cancelled, JobReporter, QueueUnavailable, Refused
from studio.models import CanvasCheck, Generation, Job, User
from studio.storage_paths import delete_files

MAX_ACTIVE_CHECKS = 3
LIMIT_REACHED = (f"You already have {MAX_ACTIVE_CHECKS} canvas checks running. Wait a few seconds for their "
                 "findings, then check again.")
STILL_RUNNING = "This check is still running: wait for its findings, then drag the corners."
#: The job's stages, as the result page names them while it runs (``Job.stage`` → words).
STAGE_LABELS = {
    "target": "Drawing what this step should look like",
    "corners": "Finding the canvas in the photo",
    "rectify": "Squaring the canvas up",
    "light": "Undoing the light and colour cast",
    "compare": "Comparing it with the step",
    "saving": "Saving the findings",
}
KIND_LABELS = {"too_dark": "Too dark", "too_light": "Too light", "off_colour": "Off in colour"}


# --- Web side -------------------------------------------------------------------------

def start_check(generation: Generation, step_key: str, photo, label: str = "") -> CanvasCheck:
    """Save a check of ``photo`` (a :class:`~studio.uploads.NormalisedImage`) against
    step ``step_key`` and queue its job, or raise :class:`Refused` having saved nothing."""
    owner = generation.project.owner
    jobqueue.check_available("default")
    _reconcile_active(owner)
    check = CanvasCheck(generation=generation, step_key=step_key, photo_label=label[:255])
    try:
        with transaction.atomic():
            _lock_and_check_limit(owner)
            check.job = Job.objects.create(owner=owner, project=generation.project, kind="check", queue="default")
            check.photo.save(photo.content.name, photo.content, save=False)
            check.save()
            job = check.job
            jobqueue.enqueue_on_commit(job, "studio.canvas_checks.run_check", args=(str(check.pk),),
                                       undo=lambda: Job.objects.filter(pk=job.pk).delete())
    except BaseException:
        if check.photo and not CanvasCheck.objects.filter(pk=check.pk).exists():
            delete_files([check.photo])  # stored, then rolled back (or undone): nothing may stay
        raise
    return check


def check_again(check: CanvasCheck, corners) -> CanvasCheck:
    """Run ``check`` again with the painter's ``corners`` (4 × [x, y] photo px, TL TR BR
    BL, already checked), on the same record; its previous findings go.

    Only an ended job is reset (conditionally), so this never runs beside a live run.
    """
    job = jobqueue.reconcile(check.job)
    if job.is_active:
        raise Refused(STILL_RUNNING)
    jobqueue.check_available("default")
    try:
        with transaction.atomic():
            try:
                jobqueue.reset_for_retry(job, queue="default", ended=Job.ENDED)
            except Refused:
                raise Refused(STILL_RUNNING) from None
            old = check.result_files()
            check.corners_given = [[round(float(x), 2), round(float(y), 2)] for x, y in corners]
            check.findings, check.target, check.rectified, check.picture = None, "", "", ""
            check.save(update_fields=["corners_given", "findings", "target", "rectified", "picture"])
            transaction.on_commit(lambda: delete_files(old))
            jobqueue.enqueue_on_commit(
                job, "studio.canvas_checks.run_check", args=(str(check.pk),),
                undo=lambda: Job.objects.filter(pk=job.pk).update(
                    status=Job.Status.FAILED, message=jobqueue.QUEUE_UNAVAILABLE, finished_at=timezone.now()),
            )
    except RedisError as error:  # Redis went away between the check and the reset: rolled back
        raise QueueUnavailable() from error
    return check


def delete_check(check: CanvasCheck) -> None:
    """Delete a check and its files (a running job is stopped). Call inside a transaction."""
    jobqueue.discard(check.job)
    check.job.delete()  # cascades to the check, whose files go on commit (studio.signals)


def discard_checks(generation: Generation) -> None:
    """Before a generation is deleted: stop its checks' jobs and delete their rows (the
    checks and their files go with them)."""
    jobs = Job.objects.filter(canvas_check__generation=generation)
    for job in jobs:
        jobqueue.discard(job)
    jobs.delete()


def history(generation: Generation) -> list[CanvasCheck]:
    """The generation's checks, newest first, each job checked against RQ when still active
    and with its :func:`summary`."""
    checks = list(generation.canvas_checks.select_related("job"))
    for check in checks:
        if check.job.is_active:
            check.job = jobqueue.reconcile(check.job)
        check.summary = summary(check)
    return checks


def summary(check: CanvasCheck) -> str:
    """A few words on a check for the history: how many areas to fix, or why none."""
    job = check.job
    if job.is_active:
        return "Checking…"
    if job.status == Job.Status.FAILED:
        return "Not checked: see why"
    if job.status == Job.Status.CANCELLED or check.findings is None:
        return "Not checked"
    if not check.findings.get("confident"):
        return "Canvas not found: drag its corners"
    count = len(check.regions)
    if count:
        return f"{count} area{'s' if count != 1 else ''} to fix"
    return "Not compared: see the note" if check.findings.get("message") else "Nothing to fix"


def result_regions(check: CanvasCheck) -> list[dict]:
    """The regions as the result page lists them: the engine's fields, ``number`` (as in
    the findings picture), ``kind_label``, and the ``recipe`` of their mix when the
    generation's recipes still belong to that colour."""
    from studio.paint_sets import stored_mixing

    mixing = stored_mixing(check.generation)
    recipes = {recipe["number"]: recipe for recipe in (mixing.recipes if mixing else [])}
    regions = []
    for number, region in enumerate(check.regions, start=1):
        mix = region.get("mix")
        recipe = recipes.get(mix["number"]) if mix else None
        if recipe and recipe.get("hex") != mix["hex"]:
            recipe = None  # the palette changed since (re-planned): its recipe is another colour's
        regions.append({**region, "number": number, "kind_label": KIND_LABELS.get(region["kind"], region["kind"]),
                        "recipe": recipe})
    return regions


def _reconcile_active(owner: User) -> None:
    for job in Job.objects.active().filter(owner=owner, kind="check"):
        jobqueue.reconcile(job)


def _lock_and_check_limit(owner: User) -> None:
    """Inside a transaction: serialise this user's starts (their row locked), then refuse
    a check beyond :data:`MAX_ACTIVE_CHECKS` running."""
    User.objects.select_for_update().filter(pk=owner.pk).first()
    if Job.objects.active().filter(owner=owner, kind="check").count() >= MAX_ACTIVE_CHECKS:
        raise Refused(LIMIT_REACHED)


# --- Worker side ----------------------------------------------------------------------

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
