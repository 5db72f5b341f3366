"""System checks (``manage.py check``) for settings that work but not as an operator expects."""

from django.conf import settings
from django.core.checks import Warning, register


@register()
def sendfile_needs_files_on_disk(app_configs, **kwargs):
    """``SENDFILE=x-sendfile`` hands the web server a path: S3 storage has none."""
    backend = settings.STORAGES["default"]["BACKEND"]
    if settings.SENDFILE == "x-sendfile" and backend != "django.core.files.storage.FileSystemStorage":
        return [Warning(
            f"SENDFILE=x-sendfile needs files on this machine's disk; {backend} has no file paths, "
            "so Django streams the files itself.",
            hint="Unset SENDFILE, or use file system storage (MEDIA_ROOT) with x-sendfile.",
            id="studio.W001",
        )]
    return []
