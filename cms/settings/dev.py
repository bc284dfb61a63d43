"""Development: SQLite inside the project folder, debug on, e-mail to the console."""

from .base import *  # noqa: F403
from .base import BASE_DIR

DEBUG = True
SECRET_KEY = "django-insecure-kepu-dev-only-never-use-in-production"
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "var" / "kepu.sqlite3",
        # The admin, the publish worker and the scheduler share this file: a transaction takes the write
        # lock when it begins, waiting its turn, instead of failing with "database is locked" later; and
        # in WAL mode a long read (a publish reading every page) never holds up an editor's save.
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 30, "init_command": "PRAGMA journal_mode=WAL;"},
    }
}

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

KEPU_LISTING_PAGE_SIZE = 10  # the sample's 23 resources make /library/ (13) and /library/page/1/ (10)

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
