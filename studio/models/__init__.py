"""Painting Assistant's data, one module per idea: accounts, projects, jobs, styles, generations."""

from studio.models.accounts import User
from studio.models.generations import Generation, LessonFile, PaintingStep, PaletteColor
from studio.models.jobs import Job
from studio.models.projects import Project
from studio.models.styles import StyleImage

__all__ = ["Generation", "Job", "LessonFile", "PaintingStep", "PaletteColor", "Project", "StyleImage", "User"]
