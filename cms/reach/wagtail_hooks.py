"""Admin: the reach reports under 报告, and 复制到公众号 for live pages."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem

from . import views, wechat_views

PERMISSION = views.PERMISSION
REPORTS = [
    ("reads", views.ReadsReportView, _("阅读量"), 910),
    ("top", views.TopPiecesReportView, _("热门内容"), 911),
    ("quarters", views.QuarterReportView, _("季度环比与影响力报告"), 912),
]


class PermittedMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


@hooks.register("register_admin_urls")
def register_reach_urls():
    urls = [
        path("reach/influence/<str:quarter>.xlsx", views.influence_report, name="reach_influence_report"),
        path("reach/wechat/<int:page_id>/", wechat_views.wechat, name="reach_wechat"),
        path("reach/wechat/<int:page_id>/preview/", wechat_views.wechat_preview, name="reach_wechat_preview"),
        path("reach/wechat/<int:page_id>/wechat.zip", wechat_views.wechat_zip, name="reach_wechat_zip"),
    ]
    for name, view, _label, _order in REPORTS:
        urls += [
            path(f"reach/{name}/", view.as_view(), name=f"reach_{name}"),
            path(f"reach/{name}/results/", view.as_view(results_only=True), name=f"reach_{name}_results"),
        ]
    return urls


for _name, _view, _label, _order in REPORTS:
    hooks.register("register_reports_menu_item", lambda name=_name, label=_label, order=_order: PermittedMenuItem(
        label, reverse(f"reach_{name}"), icon_name="doc-full", order=order))


class CopyToWeChatButton(PageMenuItem):
    label = _("复制到公众号")
    icon_name = "clipboard-list"
    url_name = "reach_wechat"

    def is_shown(self, user):
        return self.page.live and self.page.depth > 1 and self.page.permissions_for_user(user).can_edit()


@hooks.register("register_page_listing_more_buttons")
def copy_to_wechat_in_listing(page, user, next_url=None):
    yield CopyToWeChatButton(page=page, priority=55)


@hooks.register("register_page_header_buttons")
def copy_to_wechat_in_header(page, user, view_name, next_url=None):
    yield CopyToWeChatButton(page=page, priority=66)
