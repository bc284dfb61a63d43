"""Production: everything secret or site-specific comes from the environment.

Required: SECRET_KEY, DATABASE_URL (PostgreSQL), ALLOWED_HOSTS (comma separated).
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def _require(name):
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"生产环境缺少环境变量 {name}，拒绝启动。 / {name} must be set in the environment in production."
        )
    return value


DEBUG = False
SECRET_KEY = _require("SECRET_KEY")
DATABASES = {"default": dj_database_url.parse(_require("DATABASE_URL"), conn_max_age=600)}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("生产环境的 DATABASE_URL 必须指向 PostgreSQL。 / DATABASE_URL must point to PostgreSQL.")

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [f"https://{h}" for h in ALLOWED_HOSTS]
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", f"https://{ALLOWED_HOSTS[0]}" if ALLOWED_HOSTS else "")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SAMESITE = "Lax"

# Staff accounts (README → Security → CMS 管理端): a session ends after 2 hours without a request
# (each request moves the expiry on); 主编 and superusers must give a second factor
# (KEPU_REQUIRE_SECOND_FACTOR=0 turns that off, and `check --deploy` then warns).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(2 * 60 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
KEPU_REQUIRE_SECOND_FACTOR = os.environ.get("KEPU_REQUIRE_SECOND_FACTOR", "1") != "0"
# Behind nginx, login throttling counts failures per username and the address nginx saw.
AXES_CLIENT_IP_CALLABLE = "cms.accounts.throttling.client_address"

# Warnings and errors (with tracebacks) to stderr, which the journal keeps; no e-mail to ADMINS.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {"django": {"handlers": ["stderr"], "level": "WARNING", "propagate": False}},
}

# The admin's static files, compressed and with hashed names, served by whitenoise from gunicorn.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if os.environ.get("STATIC_ROOT"):
    STATIC_ROOT = os.environ["STATIC_ROOT"]
if os.environ.get("MEDIA_ROOT"):
    MEDIA_ROOT = os.environ["MEDIA_ROOT"]
if os.environ.get("KEPU_SITE_DIR"):
    KEPU_SITE_DIR = os.environ["KEPU_SITE_DIR"]
if os.environ.get("KEPU_CONTENT_DIR"):
    KEPU_CONTENT_DIR = os.environ["KEPU_CONTENT_DIR"]
if os.environ.get("KEPU_BUILDS_DIR"):
    KEPU_BUILDS_DIR = os.environ["KEPU_BUILDS_DIR"]
KEPU_POST_PUBLISH_COMMAND = os.environ.get("KEPU_POST_PUBLISH_COMMAND", "")
