from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.moderation import outcome

urlpatterns = [
    path("admin/", include(outcome.admin_urls)),  # before Wagtail's: a repeated review click says what happened
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # The public reads the static site; the CMS root only leads editors to the admin.
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Page previews are served by Wagtail inside the admin; no public page routes here.
urlpatterns += [path("pages/", include(wagtail_urls))]
