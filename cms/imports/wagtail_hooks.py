from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import views


@hooks.register("register_admin_urls")
def register_import_urls():
    return [
        path("imports/", views.upload, name="imports_upload"),
        path("imports/<int:batch_id>/", views.batch_detail, name="imports_batch"),
        path("imports/template.xlsx", views.template, name="imports_template"),
    ]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("imports.add_importbatch")


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ImportMenuItem(_("批量导入"), reverse("imports_upload"), icon_name="upload", order=145)
