"""``make run``: the embedded default (SQLite, in-memory layers, console e-mail)."""

import warnings

from .base import *  # noqa: F403

# WhiteNoise serves from the finders in development; no collectstatic folder.
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")

DEBUG = True
SECRET_KEY = SECRET_KEY or "dev-only-not-secret"  # noqa: F405
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
