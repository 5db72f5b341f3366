"""Canvas checks: a photo of the painter's canvas compared with a step of their lesson.

A :class:`CanvasCheck` keeps the photo, which step or sub-step it was compared with, the
job that compares it (kind ``"check"``, started by :mod:`studio.canvas_checks`, run by
:mod:`studio.canvas_check_jobs`) and, once that
job has succeeded, what it found: the engine's findings as JSON and three pictures (the
target it was compared with, the canvas squared up, and the findings outlined on it).
The corners the painter dragged, when the search got them wrong, are kept too: the
check runs again on the same record with them, so the history holds one entry per
photo of the canvas. Files live in the generation's folder and go with the row
(:mod:`studio.signals`).
"""

from __future__ import annotations

import re
import uuid

from django.db import models
from django.urls import reverse

from studio.models.generations import Generation, generation_folder
from studio.models.jobs import Job
from studio.storage_paths import random_name

#: A step ("02") or a sub-step ("02-03") of a lesson: layer and mix numbers, 1-based.
STEP_KEY = re.compile(r"^\d{2}(-\d{2})?$")


def check_path(check, filename):
    return f"{generation_folder(check.generation)}/checks/{random_name(filename)}"


class CanvasCheck(models.Model):
    """One photo of the canvas, checked against one step or sub-step of a generation's lesson."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    generation = models.ForeignKey(Generation, on_delete=models.CASCADE, related_name="canvas_checks")
    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="canvas_check")
    step_key = models.CharField(max_length=5, help_text='A step ("02") or a sub-step ("02-03") of the lesson')
    photo = models.ImageField(upload_to=check_path, width_field="photo_width", height_field="photo_height")
    photo_width = models.PositiveIntegerField(default=0, editable=False)
    photo_height = models.PositiveIntegerField(default=0, editable=False)
    photo_label = models.CharField(max_length=255, blank=True, help_text="The uploaded file's name, a label only.")
    corners_given = models.JSONField(
        null=True, blank=True, help_text="Corners dragged by the painter: [[x, y]] × 4 in photo px, TL TR BR BL")
    # Results, all written at once by the job's run that holds it.
    findings = models.JSONField(null=True, blank=True, editable=False,
                                help_text="The engine's findings (corners, confident, regions, message, seconds)")
    target = models.FileField(upload_to=check_path, blank=True, editable=False)
    rectified = models.FileField(upload_to=check_path, blank=True, editable=False)
    picture = models.FileField(upload_to=check_path, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["generation", "-created_at"])]

    def __str__(self):
        return f"{self.generation} · {self.step_label} · {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("studio:canvas-check", args=[self.pk])

    @property
    def owner(self):
        return self.generation.project.owner

    @property
    def step_label(self) -> str:
        """``"Step 2"`` or ``"Step 2.3"`` (layer 2, its third mix)."""
        return step_label(self.step_key)

    @property
    def regions(self) -> list[dict]:
        return (self.findings or {}).get("regions", [])

    def result_files(self):
        return [f for f in (self.target, self.rectified, self.picture) if f]

    def stored_files(self):
        return [f for f in (self.photo, *self.result_files()) if f]


def step_label(key: str) -> str:
    step, _, mix = key.partition("-")
    return f"Step {int(step)}.{int(mix)}" if mix else f"Step {int(step)}"
