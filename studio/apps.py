from django.apps import AppConfig, apps


class StudioConfig(AppConfig):
    name = "studio"
    verbose_name = "Painting studio"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from studio import signals

        # Every model that keeps files in storage declares them with stored_files().
        signals.connect([m for m in apps.get_app_config("studio").get_models() if hasattr(m, "stored_files")])
