from django.db import transaction
from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, HelpPanel, ObjectList
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import views
from .forms import NominationForm
from .models import Call, Nomination, Objection, Round
from .permissions import UnitPermissionPolicy, is_chief

LOG_ACTIONS = {
    "nominations.score": (_("评分"), _("专家评分")),
    "nominations.conflict": (_("声明回避"), _("专家声明利益冲突并回避")),
    "nominations.advance": (_("进入下一轮"), _("评审组长决定进入下一轮")),
    "nominations.shortlist": (_("列入公示"), _("评审组长决定列入公示名单")),
    "nominations.confirm_winner": (_("确认获选"), _("主编在公示期满后确认获选")),
}


@hooks.register("register_log_actions")
def register_nomination_log_actions(actions):
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)


register_permission_policy(Nomination, UnitPermissionPolicy(Nomination))
register_permission_policy(Objection, UnitPermissionPolicy(Objection, unit_path="nomination__unit"))


class OwnUnitOnly:
    """A nomination (or objection) of another unit does not exist for this user."""

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not self.permission_policy.user_has_any_permission_for_instance(self.request.user, ["change", "view"], obj):
            raise Http404
        return obj


class InOneTransaction:
    """The form's checks (the unit's quota) and the save in one transaction: see NominationForm."""

    def post(self, request, *args, **kwargs):
        with transaction.atomic():
            return super().post(request, *args, **kwargs)


def own_unit_only(view_class):
    return type(f"OwnUnit{view_class.__name__}", (OwnUnitOnly, view_class), {})


class CallViewSet(SnippetViewSet):
    model = Call
    icon = "trophy"
    menu_label = _("评选活动")
    list_display = ["title", "honour", "honour_year", "opens_at", "closes_at"]


class RoundViewSet(SnippetViewSet):
    model = Round
    icon = "tasks"
    menu_label = _("评审轮次")
    list_display = ["__str__", "starts_at", "ends_at", "chair"]
    list_filter = ["call"]


class NominationViewSet(SnippetViewSet):
    model = Nomination
    icon = "user"
    menu_label = _("推荐")
    list_display = ["nominee_name", "unit", "call", "stage", "created_at"]
    list_filter = ["call"]
    search_fields = ["nominee_name", "work_unit"]
    edit_handler = ObjectList([
        HelpPanel(_("推荐单位的投稿人在截止时间前提交，不能超过本单位名额。事迹材料、推荐意见、照片（张数、格式、大小、"
                    "“姓名+序号”的文件名）和附件须符合评选活动的要求，否则不能提交，已填写的内容会保留。")),
        FieldPanel("unit"),
        FieldPanel("nominee_name"),
        FieldPanel("work_unit"),
        FieldPanel("discipline"),
        FieldPanel("deeds"),
        FieldPanel("recommendation"),
        FieldPanel("photos"),
        FieldPanel("attachments"),
    ], base_form_class=NominationForm)
    add_view_class = type("NominationCreateView", (InOneTransaction, snippet_views.CreateView), {})
    edit_view_class = type("NominationEditView", (InOneTransaction, own_unit_only(snippet_views.EditView)), {})
    delete_view_class = own_unit_only(snippet_views.DeleteView)
    history_view_class = own_unit_only(snippet_views.HistoryView)
    usage_view_class = own_unit_only(snippet_views.UsageView)
    inspect_view_class = own_unit_only(snippet_views.InspectView)
    copy_view_enabled = False

    def get_queryset(self, request):
        return self.permission_policy.instances_user_has_any_permission_for(request.user, ["change", "view"])


class ObjectionViewSet(SnippetViewSet):
    model = Objection
    icon = "warning"
    menu_label = _("公示异议")
    list_display = ["nomination", "objector", "received_at", "upheld"]
    edit_view_class = own_unit_only(snippet_views.EditView)
    delete_view_class = own_unit_only(snippet_views.DeleteView)
    history_view_class = own_unit_only(snippet_views.HistoryView)

    def get_queryset(self, request):
        return self.permission_policy.instances_user_has_any_permission_for(request.user, ["change", "view"])


class SelectionGroup(SnippetViewSetGroup):
    items = (CallViewSet, NominationViewSet, RoundViewSet, ObjectionViewSet)
    menu_icon = "trophy"
    menu_label = _("评选")
    menu_order = 160


register_snippet(SelectionGroup)


@hooks.register("register_admin_urls")
def register_review_urls():
    return [
        path("nominations/review/", views.my_rounds, name="nominations_my_rounds"),
        path("nominations/review/<int:round_id>/<int:nomination_id>/", views.score, name="nominations_score"),
        path("nominations/ranking/<int:round_id>/", views.round_ranking, name="nominations_ranking"),
        path("nominations/winners/<int:call_id>/", views.confirm_call_winners, name="nominations_winners"),
    ]


class ReviewMenuItem(MenuItem):
    def is_shown(self, request):
        return is_chief(request.user) or Round.objects.filter(experts=request.user).exists() \
            or Round.objects.filter(chair=request.user).exists()


@hooks.register("register_admin_menu_item")
def register_review_menu_item():
    return ReviewMenuItem(_("评审"), reverse("nominations_my_rounds"), icon_name="tasks", order=161)
