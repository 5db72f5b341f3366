"""Where uploaded and generated files live in storage, and how they are removed.

Names are generated (a random hex name under the owner's folder): the user's own file
name is only a label, and nothing in a path can be guessed or collide.
"""

import logging
import uuid
from pathlib import PurePosixPath

logger = logging.getLogger(__name__)


def random_name(filename: str) -> str:
    """A random hex name keeping only the (lower-cased) suffix of ``filename``."""
    return uuid.uuid4().hex + PurePosixPath(filename).suffix.lower()


def user_folder(user_id, folder: str) -> str:
    return f"users/{user_id}/{folder}"


def user_upload_path(user_id, folder: str, filename: str) -> str:
    return f"{user_folder(user_id, folder)}/{random_name(filename)}"


def delete_files(fields) -> None:
    """Delete stored files (FieldFile objects) from storage, after the rows are gone."""
    for field in fields:
        if not field:
            continue
        try:
            field.storage.delete(field.name)
        except Exception:  # a missing file must not block deleting the record
            logger.warning("could not delete %s from storage", field.name, exc_info=True)


def delete_folder(storage, folder: str) -> None:
    """Delete every file under ``folder`` in ``storage`` (what a deleted object's job left there)."""
    try:
        directories, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        try:
            storage.delete(f"{folder}/{name}")
        except Exception:
            logger.warning("could not delete %s/%s from storage", folder, name, exc_info=True)
    for directory in directories:
        delete_folder(storage, f"{folder}/{directory}")
