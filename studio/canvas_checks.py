"""Check my canvas: starting, re-running, listing and deleting checks; what views call (web side).

A check is a photo of the painter's canvas compared with a step of their lesson.
:func:`start_check` saves the photo (already through the upload rules,
:func:`studio.uploads.normalise_upload`) as a :class:`~studio.models.CanvasCheck` and
queues its job on the short ``default`` queue, or refuses with a message having saved
nothing (the queue down, too many checks running). :func:`check_again` runs a check
again on the same record with the corners the painter dragged: one record per photo,
so the history counts photos of the canvas, not attempts, and the photo is stored once.
:func:`delete_check` and :func:`discard_checks` (before a generation goes) leave no file.
The job itself runs in a worker (:mod:`studio.canvas_check_jobs`); this module never
imports it (see :func:`__getattr__`).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from redis.exceptions import RedisError

from studio import jobqueue
from studio.jobqueue import QueueUnavailable, Refused
from studio.models import CanvasCheck, Generation, Job, User
from studio.storage_paths import delete_files

# The worker's entry point, by dotted path: RQ stores this string with every queued job,
# so it stays as it is while jobs may be waiting (see studio.canvas_check_jobs).
RUN_CHECK = "studio.canvas_check_jobs.run_check"
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
            jobqueue.enqueue_on_commit(job, RUN_CHECK, args=(str(check.pk),),
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
                job, RUN_CHECK, args=(str(check.pk),),
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
    """The generation's checks, newest first, each job as a page must show it when still
    active (:func:`studio.jobqueue.as_seen`: nothing written) and with its :func:`summary`."""
    checks = list(generation.canvas_checks.select_related("job"))
    for check in checks:
        if check.job.is_active:
            check.job = jobqueue.as_seen(check.job)
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


def __getattr__(name: str):
    """``studio.canvas_checks.run_check``: the path RQ stored with checks queued before the job
    moved to :mod:`studio.canvas_check_jobs`; a worker that runs one finds the job there. Looked
    up only then, so the web process never imports the worker side."""
    if name == "run_check":
        from studio.canvas_check_jobs import run_check

        return run_check
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
