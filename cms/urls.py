from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.moderation import outcome
from cms.uploads.views import serve_upload

# The CMS host serves no public pages: the public reads the static site. Page previews are served by
# Wagtail inside the admin; documents and image files only to the staff who may use them (cms/uploads/).
urlpatterns = [
    path("admin/", include(outcome.admin_urls)),  # before Wagtail's: a repeated review click says what happened
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("preview/", include("cms.previews.urls")),  # outside experts' preview links (cms/previews/), no login
    path(settings.MEDIA_URL.strip("/") + "/<path:path>", serve_upload, name="kepu_upload"),
    # The CMS root only leads editors to the admin.
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
