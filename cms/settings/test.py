"""Tests: SQLite by default, or the PostgreSQL that DATABASE_URL names."""

import os
import tempfile
from pathlib import Path

import dj_database_url

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "kepu-test-secret-key"
ALLOWED_HOSTS = ["*"]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        # A SQLite file shared by several processes (a worker, the scheduler, a command): a transaction
        # takes the write lock when it begins, waiting its turn, instead of failing to upgrade later.
        DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 30,
                                           "init_command": "PRAGMA journal_mode=WAL;"}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

# Each test run writes media and generated folders into its own temporary directory.
# KEPU_TEST_DIR lets a test hand the same folders to a subprocess (e.g. publish_site).
_TMP = Path(os.environ.get("KEPU_TEST_DIR") or tempfile.mkdtemp(prefix="kepu-test-"))
MEDIA_ROOT = _TMP / "media"
KEPU_CONTENT_DIR = _TMP / "content"
KEPU_SITE_DIR = _TMP / "site"
KEPU_BUILDS_DIR = _TMP / "builds"
KEPU_LISTING_PAGE_SIZE = 10  # as dev.py: the sample content's library has an archive page
STATIC_ROOT = _TMP / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True  # the admin's static files straight from the apps, no collectstatic

# Every journal-driven staging and survey checked against the full walk (cms/publish/fsutil.journal_check),
# in this process and in the publishes it starts.
os.environ.setdefault("KEPU_JOURNAL_CHECK", "1")

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAILADMIN_BASE_URL = "http://testserver"
