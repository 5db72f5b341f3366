"""Painting Assistant's data, one module per idea: accounts, projects, jobs, styles, generations, paints,
canvas checks."""

from studio.models.accounts import User
from studio.models.checks import CanvasCheck
from studio.models.generations import Generation, LessonFile, PaintAlongProgress
from studio.models.jobs import Job
from studio.models.paints import GenerationMixing, PaintSet
from studio.models.projects import Project
from studio.models.styles import StyleImage

__all__ = [
    "CanvasCheck", "Generation", "GenerationMixing", "Job", "LessonFile", "PaintAlongProgress", "PaintSet", "Project",
    "StyleImage", "User",
]
