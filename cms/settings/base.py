"""Settings shared by every environment. dev, test and production import this."""

import os
from datetime import timedelta
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent  # cms/
BASE_DIR = PROJECT_DIR.parent  # the repository root

INSTALLED_APPS = [
    "cms.core",
    "cms.programmes",
    "cms.stories",
    "cms.columns",
    "cms.resources",
    "cms.events",
    "cms.factcheck",
    "cms.integrity",
    "cms.moderation",
    "cms.publish",
    "cms.accounts",
    "cms.uploads",
    "cms.nominations",
    "cms.imports",
    "cms.reach",
    "cms.hant",
    "cms.previews",
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "cms.core.apps.KepuUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "django_tasks",
    "django_tasks_db",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Wagtail's admin uses its naturaltime ("3 分钟之前"); installed, its zh_Hans catalogue loads.
    "django.contrib.humanize",
    # Staff accounts (cms/accounts): login throttling, the second factor (TOTP).
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cms.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "cms.accounts.headers.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "cms.wsgi.application"

AUTH_USER_MODEL = "core.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Chinese first: the admin runs in zh-hans; an editor may pick English in their account.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [PROJECT_DIR / "locale"]

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATIC_ROOT = BASE_DIR / "var" / "static"
STATIC_URL = "/static/"
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "/media/"

# Where the publish step writes: Markdown (mkdocs docs_dir) and the public site.
KEPU_CONTENT_DIR = BASE_DIR / "content"
KEPU_SITE_DIR = BASE_DIR / "site"
# Complete builds live here; site/ is a symbolic link to the live one (swapped atomically).
KEPU_BUILDS_DIR = BASE_DIR / "var" / "builds"
KEPU_KEEP_BUILDS = 5
KEPU_THEMES_DIR = BASE_DIR / "themes"
# How many processes a publish shares its builds, the mirror's conversion and verification out to
# (cms/publish/build.run_jobs, mkdocs_plugin/shards.py, forks.py): by default the machine's cores; 1
# does everything in the publishing process alone.
KEPU_BUILD_PROCESSES = int(os.environ.get("KEPU_BUILD_PROCESSES") or len(os.sched_getaffinity(0)))
# A shell command run after each publish or rollback, e.g. to copy the site to more web servers or an
# object store: rsync -a --delete-after --delay-updates "$KEPU_PUBLISHED_SITE/" web2:/srv/kepu/site/
KEPU_POST_PUBLISH_COMMAND = ""
KEPU_POST_PUBLISH_TIMEOUT = 600
# A function of a page's absolute URL returning an SVG QR code, written as qr.svg beside every page
# (the theme shows it on wide screens and in print); None: no QR codes.
KEPU_PAGE_QR_CODE = "cms.reach.qr.qr_svg"
# A function (context, page, meta) giving a page's front matter ``reads`` (阅读量) or None; None: never.
KEPU_PAGE_READS = "cms.reach.public.reads"
# Cards per listing page (docs/paginated-listings.md): a listing of N cards shows its newest P to 2P-1
# on its own page and the older ones on archive pages of P each (``<dir>/page/<n>/``), numbered from
# the oldest. dev.py and test.py use 10, so the sample content has a paginated library.
KEPU_LISTING_PAGE_SIZE = 20

# Django's tasks framework. Wagtail's own small tasks run in-process; publish jobs go to the
# database queue and are run by `python manage.py db_worker --backend publish --queue-name publish`.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "publish": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["publish"]},
}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Complex page models can exceed Django's default of 1000 fields per form.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Wagtail
WAGTAIL_SITE_NAME = "Kepu 科普"
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
WAGTAIL_I18N_ENABLED = False
# Wagtail's login form leaves the password without a (translatable) label: see cms/core/users.py.
WAGTAILADMIN_USER_LOGIN_FORM = "cms.core.users.KepuLoginForm"
# Avatars are initials, never www.gravatar.com: the admin makes no third-party request
# (gravatar is also unreachable from mainland China).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# No check for new Wagtail releases from the admin's browser (another third-party request).
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILSEARCH_BACKENDS = {
    # The database backend of the configured database (SQLite FTS5 or PostgreSQL),
    # taught to match Chinese text: see cms/core/search.py.
    "default": {"BACKEND": "cms.core.search"},
}
WAGTAILDOCS_EXTENSIONS = [
    "pdf", "doc", "docx", "ppt", "pptx", "key", "odt", "odp", "xls", "xlsx", "csv", "txt",
    "zip", "epub", "mp3", "m4a", "mp4", "webm", "jpg", "jpeg", "png", "gif", "webp",
]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 200 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000

# One shared tag vocabulary; tags are case-sensitive only where it matters (Latin).
TAGGIT_CASE_INSENSITIVE = True

# Rich text features editors get everywhere (the sanitiser enforces the same set).
KEPU_RICHTEXT_FEATURES = [
    "h2", "h3", "h4", "bold", "italic", "superscript", "subscript", "strikethrough",
    "ol", "ul", "blockquote", "hr", "link", "document-link", "image", "embed",
]

# Every upload crosses one image validator (cms/moderation/images.py).
WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.moderation.upload_forms.KepuImageForm"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "cms.moderation.upload_forms.KepuDocumentForm"

# Moderation (cms/moderation): edits after an approval need approval again, and notifications
# come from a real address.
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAIL_WORKFLOW_ENABLED = True
# No autosave: it saves revisions in the name of whoever has the editor open, reviewers and chief editors
# included, which sends approved pages back to review; Kepu's forms act once instead (see the README).
WAGTAIL_AUTOSAVE_INTERVAL = 0
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = "kepu-noreply@example.org"
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False

# Staff accounts and uploads (cms/accounts, cms/uploads; README → Security → CMS 管理端).
# Login throttling (django-axes): 5 failed logins lock that username from that address for 30 minutes;
# an admin unlocks under 设置 → 登录锁定 or with `manage.py axes_reset_username <name>`.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_ENABLE_ADMIN = False  # Django's admin is not routed; Wagtail's admin lists the lock-outs
# The second factor (django-otp, TOTP): offered to everyone under 账户 → 两步验证, asked for at login
# from whoever has set it up; production requires it of 主编 and superusers.
KEPU_REQUIRE_SECOND_FACTOR = False
OTP_TOTP_ISSUER = "Kepu 科普"
# Documents only through Wagtail's serve view, which asks cms/uploads who may download them.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# The CMS's own Content-Security-Policy (django-csp, cms/accounts/headers.py), in every environment so
# that what is tested is what runs: nothing from another host; inline script only because Wagtail 8's
# admin widgets need it, and none at all on previews, which render what editors wrote.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
