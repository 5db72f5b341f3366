"""The paint-along page's data: a lesson's sub-steps in order, and where a painter is in them.

A sub-step is one mix of one layer (``lesson.json``'s ``steps[].substeps``, see
:mod:`engine.plan.substeps`); a painter marks each one done as they finish it at the
easel. Marks are kept per painter and generation (:class:`studio.models.PaintAlongProgress`)
so a return visit resumes where they left off; re-planning the lesson forgets them
(:meth:`studio.models.Generation.clear_lesson`).
"""

from __future__ import annotations

from django.db import transaction

from studio.models import Generation, PaintAlongProgress


def lesson_substeps(generation: Generation) -> list[dict]:
    """The lesson's sub-steps in painting order, each with its place (``index``, 0-based),
    the step it belongs to and its mix as a palette colour (``colour``)."""
    by_number = {color.number: color for color in generation.lesson_palette()}
    return [{**sub, "index": i, "colour": by_number.get(sub["color"])}
            for i, sub in enumerate(generation.lesson_substeps())]


def progress_of(user, generation: Generation) -> PaintAlongProgress:
    """The painter's marks on this generation (unsaved and empty when there are none yet)."""
    return (PaintAlongProgress.objects.filter(user=user, generation=generation).first()
            or PaintAlongProgress(user=user, generation=generation))


def resume_index(substeps: list[dict], progress: PaintAlongProgress) -> int:
    """Where to open the page: the sub-step looked at last, else the first not done."""
    keys = [sub["key"] for sub in substeps]
    if progress.current in keys:
        return keys.index(progress.current)
    done = set(progress.done)
    return next((i for i, key in enumerate(keys) if key not in done), 0)


def mark(user, generation: Generation, key: str, *, done: bool) -> PaintAlongProgress:
    """Mark sub-step ``key`` done (the next one becomes current) or not done (it stays current).

    Raises ``KeyError`` when the lesson has no such sub-step (nothing is saved then).
    """
    keys = [sub["key"] for sub in generation.lesson_substeps()]
    if key not in keys:
        raise KeyError(key)
    with transaction.atomic():
        progress, _ = PaintAlongProgress.objects.select_for_update().get_or_create(user=user, generation=generation)
        marked = set(progress.done) | {key} if done else set(progress.done) - {key}
        progress.done = [k for k in keys if k in marked]  # in painting order
        after = keys[keys.index(key) + 1 :]
        progress.current = next((k for k in after if k not in marked), key) if done else key
        progress.save()
    return progress
