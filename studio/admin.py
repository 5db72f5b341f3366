from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from studio.models import Job, Project, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    pass


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "created_at", "photo_size")
    list_filter = ("created_at",)
    search_fields = ("title", "owner__username")
    readonly_fields = ("photo_width", "photo_height", "created_at", "updated_at")

    @admin.display(description="Photo")
    def photo_size(self, project):
        return f"{project.photo_width}×{project.photo_height}"


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("kind", "owner", "status", "progress_percent", "created_at", "duration", "message")
    list_filter = ("status", "kind", "queue")
    search_fields = ("id", "owner__username", "message")
    readonly_fields = [f.name for f in Job._meta.fields]

    @admin.display(description="Progress")
    def progress_percent(self, job):
        return f"{job.progress:.0%}"
