import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from studio.storage_paths import user_upload_path


def photo_path(project, filename):
    return user_upload_path(project.owner_id, "photos", filename)


def thumbnail_path(project, filename):
    return user_upload_path(project.owner_id, "thumbnails", filename)


class ProjectQuerySet(models.QuerySet):
    def owned_by(self, user):
        return self.filter(owner=user)


class Project(models.Model):
    """A painting project: one photo a user wants to paint, and its generations."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="projects")
    title = models.CharField(max_length=120)
    photo = models.ImageField(upload_to=photo_path, width_field="photo_width", height_field="photo_height")
    photo_width = models.PositiveIntegerField(default=0, editable=False)
    photo_height = models.PositiveIntegerField(default=0, editable=False)
    photo_label = models.CharField(
        max_length=255, blank=True, help_text="The uploaded file's name, shown as a label only."
    )
    thumbnail = models.ImageField(upload_to=thumbnail_path, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("studio:project-detail", args=[self.pk])

    def stored_files(self):
        """Every storage file that belongs to this project itself (not its generations)."""
        return [f for f in (self.photo, self.thumbnail) if f]
