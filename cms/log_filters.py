"""Logging filters for the console handler (``LOGGING`` in cms/settings/base.py)."""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """A 4xx response is logged as one line; a 5xx keeps its traceback.

    Django logs a refused request (``PermissionDenied`` → 403, ``BadRequest``
    and suspicious operations → 400) with the exception's traceback, so that
    every visitor who opens a page they may not see writes twenty lines into
    the log, and real errors drown. The request is the client's mistake, not
    the code's: the line (status, path) says everything useful. Records
    without a ``status_code`` (anything not about a response) are untouched.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
