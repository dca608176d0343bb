"""The one exception type that reaches the user.

Anything the user can cause (a missing file, a bad label, a damaged manifest) raises
:class:`TextverError` with a message that names the file or reference and the problem; the CLI
prints it as one line and exits with status 2.  Any other exception is a bug in textver.
"""


class TextverError(Exception):
    """A problem with the user's input or store, explained in one line."""

    exit_code = 2


class TextverWarning(UserWarning):
    """Something the user should check in what was imported, which did not stop the import.

    The CLI prints it as one line on stderr (the message names the file first)."""
