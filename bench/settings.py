"""Benchmark settings: the development settings in a throwaway data folder of their own.

Everything the benchmark writes — its SQLite database, media, content/, builds and site/ — goes
under ``KEPU_BENCH_DIR`` (default ``var/bench/``), never into the developer's ``var/kepu.sqlite3``,
``content/`` or ``site/``. The ``bench`` app (the ``bench_fill`` command) exists only here.
"""

import os
from pathlib import Path

from cms.settings.dev import *  # noqa: F403
from cms.settings.dev import BASE_DIR, INSTALLED_APPS

BENCH_DIR = Path(os.environ.get("KEPU_BENCH_DIR") or BASE_DIR / "var" / "bench").resolve()

INSTALLED_APPS = ["bench", *INSTALLED_APPS]

# As in production: no query log growing in memory, no auto-reloading worker.
DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BENCH_DIR / "kepu.sqlite3",
        # The publish worker and the benchmark write to the same file: wait for the lock; WAL, so that the
        # worker reading every page never holds up the benchmark's edits.
        "OPTIONS": {"timeout": 60, "init_command": "PRAGMA journal_mode=WAL;"},
    }
}
MEDIA_ROOT = BENCH_DIR / "media"
STATIC_ROOT = BENCH_DIR / "static"
KEPU_CONTENT_DIR = BENCH_DIR / "content"
KEPU_SITE_DIR = BENCH_DIR / "site"
KEPU_BUILDS_DIR = BENCH_DIR / "builds"
KEPU_KEEP_BUILDS = 2

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
