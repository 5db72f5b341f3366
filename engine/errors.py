"""The engine's own error for a caller's mistake, told apart from its bugs.

:class:`InputError` is raised where the engine finds something wrong with what it was
given: an image too small or unreadable, a paint set or palette file that does not say
what it must, settings out of range. Its message is written for the person who gave that
input and says what to change. It is a ``ValueError``, so code that already catches
``ValueError`` keeps working; but callers that show messages to people (the command line,
the web app's jobs) catch :class:`InputError` only: any other exception is a bug, reported
with its traceback.
"""

from __future__ import annotations


class InputError(ValueError):
    """Something wrong with the engine's input; the message says what to change."""
