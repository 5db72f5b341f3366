"""Paint sets and the mixing recipes of a generation's palette (the rows; what changes them is
:mod:`studio.paint_sets`).

A :class:`PaintSet` is a user's own tube paints (3 to 30, each a name and a masstone
colour). A generation's :class:`GenerationMixing` says which set its recipes use (none:
the engine's default set) and keeps the recipes last computed, with the paints they were
computed from, so a lesson keeps saying the same thing until its palette or its set
changes. Recipes are computed where the palette or the paints change, never while a page
is shown: by the painting's job once its palette exists, and by the POST that chooses another
set for a generation or edits a set (well under a second each, :mod:`engine.mixing`).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from studio.models.generations import Generation

MIN_PAINTS, MAX_PAINTS = 3, 30
DEFAULT_SET_NAME = "Default set"


class PaintSetQuerySet(models.QuerySet):
    def owned_by(self, user):
        return self.filter(owner=user)


class PaintSet(models.Model):
    """A user's own paints: the tubes they have, which recipes may use."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="paint_sets")
    name = models.CharField(max_length=80)
    paints = models.JSONField(default=list, help_text='[{"name": "titanium white", "hex": "#f5f2e1"}, …]')
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PaintSetQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="one_paint_set_per_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("studio:paint-set-edit", args=[self.pk])

    def engine_paints(self):
        from engine.mixing.paints import validate_paints

        return tuple(validate_paints(self.paints, max_paints=MAX_PAINTS))


def default_paints_json() -> list[dict]:
    from engine.mixing.paints import DEFAULT_PAINTS

    return [paint.to_json() for paint in DEFAULT_PAINTS]


class GenerationMixing(models.Model):
    """Which paints a generation's recipes use, and the recipes last computed from them."""

    generation = models.OneToOneField(Generation, on_delete=models.CASCADE, related_name="mixing")
    paint_set = models.ForeignKey(
        PaintSet, null=True, blank=True, on_delete=models.SET_NULL, related_name="mixings",
        help_text="Empty: the default set.",
    )
    set_name = models.CharField(max_length=80, blank=True, help_text="The set's name when the recipes were computed")
    paints = models.JSONField(default=list, blank=True, help_text="The paints the recipes were computed from")
    recipes = models.JSONField(default=list, blank=True, help_text="One recipe per palette colour, by number")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.generation} · {self.set_name or DEFAULT_SET_NAME}"

    def current_paints(self) -> tuple[str, list[dict]]:
        """(name, paints) recipes should use now: the chosen set as it is, or the snapshot
        when that set was deleted, or the default set."""
        if self.paint_set is not None:
            return self.paint_set.name, list(self.paint_set.paints)
        if self.paints and self.set_name:  # its set was deleted: keep what the lesson said
            return self.set_name, list(self.paints)
        return DEFAULT_SET_NAME, default_paints_json()

    def is_current(self, palette) -> bool:
        name, paints = self.current_paints()
        numbers = [(c.number, c.hex) for c in palette]
        return (self.set_name, self.paints) == (name, paints) and numbers == [
            (r["number"], r["hex"]) for r in self.recipes
        ]

    def refresh(self, palette, save: bool = True) -> None:
        """Recompute the recipes for ``palette`` (:meth:`Generation.lesson_palette`) and save them.

        Callers that change the paints drop the stored lesson PDFs, which print the recipes
        (:func:`studio.lesson_pdf.forget_pdfs`).
        """
        from engine.mixing.paints import validate_paints
        from engine.mixing.recipes import recipes_for

        name, paints = self.current_paints()
        engine_paints = tuple(validate_paints(paints, max_paints=MAX_PAINTS))
        targets = [c.rgb for c in palette]
        found = recipes_for(targets, engine_paints) if targets else []
        self.set_name, self.paints = name, paints
        self.recipes = [
            {"number": color.number, **recipe.to_json(), "words": recipe.words}
            for color, recipe in zip(palette, found)
        ]
        if save:
            self.save()
