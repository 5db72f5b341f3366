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


def user_upload_path(user_id, folder: str, filename: str) -> str:
    return f"users/{user_id}/{folder}/{random_name(filename)}"


def delete_files(fields) -> None:
    """Delete stored files (FieldFile objects) from storage, after the rows are gone."""
    for field in fields:
        if not field:
            continue
        try:
            field.storage.delete(field.name)
        except Exception:  # a missing file must not block deleting the record
            logger.warning("could not delete %s from storage", field.name, exc_info=True)
