"""Choosing paints and keeping a generation's mixing recipes current (services over :mod:`studio.models.paints`).

Recipes are computed where the palette or the paints change, never while a page is shown:
:func:`choose_paint_set` and :func:`refresh_recipes_of` run in the POSTs that choose or edit
a set (well under a second each, :mod:`engine.mixing`), the generation job computes them once
its palette exists (:mod:`studio.generation_jobs`), and pages only read them
(:func:`stored_mixing`).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from studio.models.paints import MAX_PAINTS, MIN_PAINTS, GenerationMixing, PaintSet


def check_paints(paints) -> list[dict]:
    """A set's paints as stored (``[{"name", "hex"}, ...]``); ValidationError with the engine's reason."""
    from engine.mixing.paints import validate_paints

    try:
        checked = validate_paints(paints, min_paints=MIN_PAINTS, max_paints=MAX_PAINTS)
    except ValueError as error:
        raise ValidationError(str(error)) from None
    return [paint.to_json() for paint in checked]


def stored_mixing(generation) -> GenerationMixing | None:
    """The generation's stored recipes (read only: a page view computes nothing); None while
    the generation has no palette. Recipes that no longer match the palette or the set
    (made before recipes were stored) come back empty: the page offers to compute them."""
    palette = generation.lesson_palette()
    if not palette:
        return None
    mixing = GenerationMixing.objects.select_related("paint_set").filter(generation=generation).first()
    if mixing is None:
        return GenerationMixing(generation=generation)
    if not mixing.is_current(palette):
        mixing.recipes = []
    return mixing


def refresh_recipes_of(paint_set: PaintSet) -> int:
    """Recompute the recipes of every generation mixing from ``paint_set`` (after an edit)."""
    mixings = GenerationMixing.objects.filter(paint_set=paint_set).select_related("generation", "paint_set")
    count = 0
    for mixing in mixings:
        palette = mixing.generation.lesson_palette()
        if palette:
            mixing.refresh(palette)
            count += 1
    return count


def choose_paint_set(generation, paint_set: PaintSet | None) -> GenerationMixing:
    """Use ``paint_set`` (None: the default set) for the generation's recipes, recomputed now
    when its palette exists; the painting itself is not run again."""
    mixing, _ = GenerationMixing.objects.get_or_create(generation=generation)
    mixing.paint_set = paint_set
    mixing.set_name, mixing.paints = "", []  # forget the snapshot: the new choice decides
    mixing.save()
    palette = generation.lesson_palette()
    if palette:
        mixing.refresh(palette)
    return mixing
