"""Starting, retrying, re-planning and deleting a generation: what views call (web side).

:func:`start_generation` (or :func:`retry_generation`, :func:`replan_generation`) saves the
rows and queues the job, refusing with a message when the user already has
:data:`MAX_ACTIVE_GENERATIONS` in progress or the queue is down, and then changes nothing;
:func:`delete_generation` stops a running job and leaves no file behind. The job itself
runs in a worker (:mod:`studio.generation_jobs`); what the pages say about it is in
:mod:`studio.generation_status`.
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from redis.exceptions import RedisError

from studio import canvas_checks, jobqueue
from studio.jobqueue import QueueUnavailable, Refused
from studio.models import Generation, Job, User
from studio.models.generations import generation_folder
from studio.paint_sets import choose_paint_set
from studio.storage_paths import delete_folder

MAX_ACTIVE_GENERATIONS = 2
LIMIT_REACHED = (
    f"You already have {MAX_ACTIVE_GENERATIONS} paintings in progress. Wait for one to finish "
    "(or cancel one) before starting another."
)
# The worker's entry points, by dotted path: RQ stores these strings with every queued job,
# so they stay as they are while jobs may be waiting (see studio.generation_jobs).
RUN_GENERATION = "studio.generation_jobs.run_generation"
ON_STOPPED = "studio.generation_jobs.discard_if_deleted"


def _in_progress(user):
    return Generation.objects.filter(project__owner=user, job__in=Job.objects.active())


def active_generations(user):
    """The user's generations still queued or running, after checking them against RQ."""
    for generation in _in_progress(user).select_related("job"):
        jobqueue.reconcile(generation.job)
    return _in_progress(user)


def _lock_and_check_limit(user) -> None:
    """Inside a transaction: serialise this user's starts, then refuse a third painting.

    ``select_for_update`` on the user's row makes a parallel request wait here until this
    transaction ends (PostgreSQL); SQLite's ``BEGIN IMMEDIATE`` (see settings) already
    serialises every writing transaction.
    """
    User.objects.select_for_update().filter(pk=user.pk).first()
    if _in_progress(user).count() >= MAX_ACTIVE_GENERATIONS:
        raise Refused(LIMIT_REACHED)


def _enqueue(job: Job, generation: Generation, undo) -> None:
    jobqueue.enqueue_on_commit(
        job, RUN_GENERATION, args=(str(generation.pk),), undo=undo,
        on_stopped=ON_STOPPED, meta={"folder": generation_folder(generation)},
    )


def _fail_on_undo(job: Job):
    """The undo of a re-run whose queue failed at commit: the row ends failed, saying why."""
    return lambda: Job.objects.filter(pk=job.pk).update(
        status=Job.Status.FAILED, message=jobqueue.QUEUE_UNAVAILABLE, finished_at=timezone.now()
    )


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
        _enqueue(job, generation, undo=lambda: Job.objects.filter(pk=job.pk).delete())
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
            _enqueue(job, generation, undo=_fail_on_undo(job))
    except RedisError as error:  # Redis went away between the check and reset_for_retry: rolled back
        raise QueueUnavailable() from error
    return generation


def replan_generation(generation: Generation, level: str) -> Generation:
    """Plan a finished painting's lesson again at ``level``, keeping the painting itself.

    The lesson (its files, the stored PDFs and paint-along marks) is replaced; a new run
    goes to the short queue and skips the style transfer
    (:func:`studio.generation_jobs.run_generation`). Like a Retry, only a job no run holds
    is reset, so it never runs beside a live run.
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
            _enqueue(job, generation, undo=_fail_on_undo(job))
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
