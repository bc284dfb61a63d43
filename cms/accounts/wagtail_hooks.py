"""Admin wiring: the second factor's pages and account menu item; login lock-outs admins can lift."""

from axes.models import AccessAttempt
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from . import views


@hooks.register("register_admin_urls")
def second_factor_urls():
    return [
        path("second-factor/", views.verify, name="kepu_second_factor_verify"),
        path("second-factor/setup/", views.setup, name="kepu_second_factor_setup"),
    ]


@hooks.register("register_account_menu_item")
def second_factor_menu_item(request):
    return {
        "url": reverse("kepu_second_factor_setup"),
        "label": _("两步验证"),
        "help_text": _("用手机身份验证器应用的验证码保护账户（主编和管理员必须启用）。"),
    }


class ListAndDeletePolicy(ModelPermissionPolicy):
    """Records are made by failed logins, never by hand: they can be listed and deleted only."""

    def user_has_permission(self, user, action):
        return action in {"view", "delete"} and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(AccessAttempt, ListAndDeletePolicy(AccessAttempt))


class LockoutIndexView(generic.IndexView):
    page_title = _("登录锁定")


class LockoutDeleteView(generic.DeleteView):
    page_title = _("解除锁定")
    success_message = _("已解除 %(object)s 的登录锁定。")

    def get_success_message(self):
        return self.success_message % {"object": self.object.username}


class LockoutViewSet(ModelViewSet):
    """django-axes' failed-login records. Deleting one lifts that lock-out. Superusers only (the
    permissions on AccessAttempt are given to no role)."""

    model = AccessAttempt
    icon = "lock"
    menu_label = _("登录锁定")
    add_to_settings_menu = True
    copy_view_enabled = False
    index_view_class = LockoutIndexView
    delete_view_class = LockoutDeleteView
    list_display = [
        Column("username", label=_("用户名")), Column("ip_address", label=_("IP 地址")),
        Column("failures_since_start", label=_("失败次数")), DateColumn("attempt_time", label=_("最近一次")),
    ]
    search_fields = ["username", "ip_address"]
    form_fields = ["username"]  # a form Wagtail asks for; the policy never lets anyone use it


@hooks.register("register_admin_viewset")
def register_lockouts():
    return LockoutViewSet("lockouts")
