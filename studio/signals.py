"""Delete stored files when their rows are deleted (cascades and admin bulk deletes included)."""

from django.db import transaction
from django.db.models.signals import post_delete

from studio.storage_paths import delete_files


def delete_stored_files(sender, instance, **kwargs):
    files = list(instance.stored_files())
    # Only once the deletion has committed: a rolled-back delete keeps its files.
    transaction.on_commit(lambda: delete_files(files))


def connect(models):
    for model in models:
        post_delete.connect(delete_stored_files, sender=model, dispatch_uid=f"files-{model._meta.label}")
