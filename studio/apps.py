from django.apps import AppConfig, apps


class StudioConfig(AppConfig):
    name = "studio"
    verbose_name = "Painting studio"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from studio import checks, signals  # noqa: F401  (checks register themselves)

        # Every model that keeps files in storage declares them with stored_files().
        signals.connect([m for m in apps.get_app_config("studio").get_models() if hasattr(m, "stored_files")])
        strict_pillow()


def strict_pillow() -> None:
    """Make Pillow refuse truncated images in this process, once, at start-up.

    ``LOAD_TRUNCATED_IMAGES`` is process-wide and WeasyPrint's image module turns it on when
    imported; flipping it back per upload or PDF races under threaded gunicorn. Importing
    that module here first means nothing turns it on later: a truncated upload fails to
    decode, and the PDF only ever reads images the workers wrote whole.
    """
    from PIL import ImageFile

    import weasyprint.images  # noqa: F401  (sets LOAD_TRUNCATED_IMAGES = True on import)

    ImageFile.LOAD_TRUNCATED_IMAGES = False
