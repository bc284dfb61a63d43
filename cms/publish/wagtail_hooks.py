"""The admin shows the last publishes: when, what changed, how long, errors."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from .views import PublishJobsView


class LastPublishPanel(Component):
    name = "kepu_last_publish"
    order = 50
    template_name = "publish/last_publish_panel.html"

    def get_context_data(self, parent_context=None):
        from .models import PublishJob

        # The last publish that ran, and the one waiting (with the error it is being retried for).
        return {"job": PublishJob.objects.exclude(status=PublishJob.Status.QUEUED).first(),
                "pending": PublishJob.objects.filter(status=PublishJob.Status.QUEUED).order_by("created_at").first()}


@hooks.register("construct_homepage_panels")
def add_last_publish_panel(request, panels):
    panels.append(LastPublishPanel())


@hooks.register("register_admin_urls")
def register_publish_urls():
    return [path("publish/", PublishJobsView.as_view(), name="kepu_publish_jobs")]


@hooks.register("register_reports_menu_item")
def register_publish_menu_item():
    return MenuItem(_("发布记录"), reverse("kepu_publish_jobs"), icon_name="upload", order=900)
