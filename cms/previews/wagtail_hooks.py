"""Admin: 外审预览链接 in each page's header menu and the page listing's ⋯ menu; the links' actions
(made, viewed, commented on, revoked) in the page's history."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.log_actions import LogFormatter

from cms.publish.protocol import Publishable

from . import admin_views


class PreviewLinksButton(PageMenuItem):
    label = _("外审预览链接")
    icon_name = "view"
    url_name = "previews_links"

    def is_shown(self, user):
        return (self.page.depth > 1 and issubclass(self.page.specific_class or object, Publishable)
                and admin_views.can_share(user, self.page))


@hooks.register("register_page_listing_more_buttons")
def preview_links_in_listing(page, user, next_url=None):
    yield PreviewLinksButton(page=page, priority=56)


@hooks.register("register_page_header_buttons")
def preview_links_in_header(page, user, view_name, next_url=None):
    yield PreviewLinksButton(page=page, priority=67)


@hooks.register("register_admin_urls")
def register_preview_urls():
    return [
        path("previews/page/<int:page_id>/", admin_views.links, name="previews_links"),
        path("previews/<int:link_id>/revoke/", admin_views.revoke, name="previews_revoke"),
    ]


def _who(entry):
    return f"{entry.data.get('name', '')}（{entry.data.get('organisation', '')}）"


@hooks.register("register_log_actions")
def register_preview_log_actions(actions):
    @actions.register_action("previews.create")
    class Created(LogFormatter):
        label = _("生成外审预览链接")

        def format_message(self, log_entry):
            return f"为外部专家 {_who(log_entry)} 生成预览链接，有效期至 {log_entry.data.get('expires_at', '')[:16]}"

    @actions.register_action("previews.view")
    class Viewed(LogFormatter):
        label = _("外审预览")

        def format_message(self, log_entry):
            data = log_entry.data
            link, revision = data.get('link'), data.get('revision')
            return f"外部专家 {_who(log_entry)} 通过预览链接 #{link} 查看了草稿（版本 {revision}）"

    @actions.register_action("previews.comment")
    class Commented(LogFormatter):
        label = _("外审意见")

        def format_message(self, log_entry):
            return f"外部专家 {_who(log_entry)} 通过预览链接 #{log_entry.data.get('link')} 留下意见"

        def format_comment(self, log_entry):
            return log_entry.data.get("comment", "")

    @actions.register_action("previews.revoke")
    class Revoked(LogFormatter):
        label = _("撤销外审预览链接")

        def format_message(self, log_entry):
            return f"撤销了给外部专家 {_who(log_entry)} 的预览链接 #{log_entry.data.get('link')}"


