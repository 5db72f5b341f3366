"""Painting Assistant's data: accounts, projects, background jobs (one module each)."""

from studio.models.accounts import User
from studio.models.jobs import Job
from studio.models.projects import Project

__all__ = ["Job", "Project", "User"]
