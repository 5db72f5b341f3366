from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.urls import reverse

from engine.transfer.presets import DEFAULT_PRESET
from studio.models.jobs import Job
from studio.models.styles import StyleImage
from studio.storage_paths import random_name, user_folder


def generation_folder(generation) -> str:
    """The storage folder holding every file of a generation (and nothing else)."""
    return user_folder(generation.project.owner_id, f"generations/{generation.pk}")


def generation_path(instance, filename):
    generation = instance if isinstance(instance, Generation) else instance.generation
    return f"{generation_folder(generation)}/{random_name(filename)}"


class Generation(models.Model):
    """One run of style transfer + painter's breakdown for a project, with all its results."""

    class Stage(models.TextChoices):
        TRANSFER = "transfer", "Painting in the style"
        PALETTE = "palette", "Finding the palette"
        PLAN = "plan", "Planning the brush strokes"
        STEPS = "steps", "Planning the steps"
        LESSON = "lesson", "Writing the lesson plan"

    class Preset(models.TextChoices):
        QUICK = "quick", "Quick preview"
        STANDARD = "standard", "Standard"
        FINE = "fine", "Fine (for prints)"

    class Level(models.TextChoices):  # the engine's levels (engine.plan.levels.LEVELS)
        BEGINNER = "beginner", "Beginner"
        INTERMEDIATE = "intermediate", "Intermediate"
        DETAILED = "detailed", "Detailed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey("studio.Project", on_delete=models.CASCADE, related_name="generations")
    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="generation")
    style = models.ForeignKey(StyleImage, null=True, blank=True, on_delete=models.PROTECT, related_name="generations")
    custom_style = models.ImageField(upload_to=generation_path, blank=True, help_text="A private style image.")
    custom_style_label = models.CharField(max_length=255, blank=True)
    # Parameters
    # The engine's default (quick: a preview in seconds on a CPU), so a generation saved without
    # a preset, the form and the command line all mean the same run.
    preset = models.CharField(max_length=12, choices=Preset.choices, default=DEFAULT_PRESET)
    output_size = models.PositiveIntegerField(default=512, help_text="Long side of the painting, px")
    style_strength = models.FloatField(default=1.0)
    preserve_colors = models.BooleanField(default=False)
    palette_colors = models.PositiveSmallIntegerField(default=16)
    canvas = models.CharField(max_length=20, default="40x30cm")
    level = models.CharField(max_length=12, choices=Level.choices, default=Level.INTERMEDIATE,
                             help_text="How much the lesson asks of the painter; a finished painting can be re-planned.")
    seed = models.PositiveIntegerField(default=0)
    # Results
    preview = models.ImageField(upload_to=generation_path, blank=True)
    result = models.ImageField(upload_to=generation_path, blank=True)
    weights_used = models.CharField(max_length=200, blank=True)
    demo_quality = models.BooleanField(default=False, help_text="Ran with random VGG19 weights (ImageNet weights missing).")
    timings = models.JSONField(default=dict, blank=True, help_text="Seconds per stage")
    # The lesson's one source of truth: the engine's lesson.json (palette, steps, canvas,
    # grid, value studies…, naming its pictures, which are LessonFile rows).
    lesson = models.JSONField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.project} · {self.style_name} · {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("studio:generation-detail", args=[self.pk])

    @property
    def style_name(self) -> str:
        if self.custom_style:
            return f"Your style ({self.custom_style_label or 'uploaded'})"
        return self.style.name if self.style else "—"

    @property
    def stage_label(self) -> str:
        return self.Stage(self.job.stage).label if self.job.stage in self.Stage.values else ""

    def stored_files(self):
        return [f for f in (self.custom_style, self.preview, self.result) if f]

    def lesson_palette(self) -> list:
        """The palette (the engine's ``PaletteColor``: number, rgb, hex, name, share), colour 1
        first; empty until the lesson is made."""
        from engine.lesson.palette import Palette

        if not (self.lesson or {}).get("palette"):
            return []
        return list(Palette.from_json(self.lesson["palette"]).colors)

    def lesson_steps(self) -> list[LessonStep]:
        """The painting steps in order; empty until the lesson is made."""
        return [
            LessonStep(order=s["order"], title=s["title"], instruction=s["instruction"], colors=tuple(s["colors"]),
                       image_name=s["image"], mask_name=s["mask"], brush_mm=s.get("brush_mm"),
                       strokes=s.get("strokes"), minutes=s.get("minutes"), substeps=tuple(s.get("substeps", ())))
            for s in (self.lesson or {}).get("steps", [])
        ]

    def lesson_substeps(self) -> list[dict]:
        """Every sub-step of the lesson in painting order (``lesson.json``'s steps' ``substeps``,
        each with its step's ``step`` order and ``brush_mm``); empty for lessons made before them."""
        return [{**sub, "step": step.order, "brush_mm": step.brush_mm}
                for step in self.lesson_steps() for sub in step.substeps]

    def clear_results(self):
        """Forget the outputs of a previous run (before a retry)."""
        from django.db import transaction

        from studio.storage_paths import delete_files

        files = [f for f in (self.preview, self.result) if f]
        self.clear_lesson()
        self.preview = self.result = ""
        self.timings = {}
        self.weights_used = ""
        self.demo_quality = False
        self.save()
        transaction.on_commit(lambda: delete_files(files))

    def clear_lesson(self):
        """Forget the lesson (before it is planned again): its files, data and paint-along marks."""
        self.lesson_files.all().delete()  # their post_delete signal removes their files on commit
        self.paint_along.all().delete()
        self.lesson = None
        self.save(update_fields=["lesson"])


@dataclass(frozen=True)
class LessonStep:
    """One painting step of a generation's lesson (``lesson.json``'s ``steps``)."""

    order: int
    title: str
    instruction: str
    colors: tuple[int, ...]  # palette numbers used in this step
    image_name: str  # lesson file: the canvas after this step (a name under the generation's file URL)
    mask_name: str  # lesson file: where this step paints
    brush_mm: float | None = None  # the stroke plan's layer: its brush, strokes, minutes and sub-steps
    strokes: int | None = None
    minutes: float | None = None
    substeps: tuple = ()  # one mix each: {"key", "order", "color", "strokes", "minutes", "new_mix", "image"}

    def __str__(self):
        return f"Step {self.order}: {self.title}"


class LessonFile(models.Model):
    """One picture of the lesson (step images and masks, sheet and chart SVGs, value studies,
    grid…) under the name ``lesson.json`` gives it; the lesson's data is :attr:`Generation.lesson`."""

    generation = models.ForeignKey(Generation, on_delete=models.CASCADE, related_name="lesson_files")
    name = models.CharField(max_length=120)
    file = models.FileField(upload_to=generation_path)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["generation", "name"], name="one_file_per_name")]

    def __str__(self):
        return self.name

    def stored_files(self):
        return [self.file] if self.file else []


class PaintAlongProgress(models.Model):
    """Where a painter is in a generation's lesson on the paint-along page: the sub-steps
    marked done (their keys, ``"NN-MM"``) and the one last looked at."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="paint_along")
    generation = models.ForeignKey(Generation, on_delete=models.CASCADE, related_name="paint_along")
    done = models.JSONField(default=list, blank=True)
    current = models.CharField(max_length=12, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "generation"], name="one_progress_per_painter")]

    def __str__(self):
        return f"{self.user} · {self.generation_id}: {len(self.done)} done"
