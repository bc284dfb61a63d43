"""Admin: the fixed pairs (繁体转换词对) as a snippet, with what the current profile would write
without the pair beside each, so that an editor sees what the pair changes."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import MirrorSettings, TermPair
from .profiles import opencc_converter


class WithoutPairColumn(Column):
    """The term as OpenCC writes it with the mirror's profile, without any pair."""

    def get_value(self, instance):
        return opencc_converter(MirrorSettings.load().profile).convert(instance.term)


class TermPairViewSet(SnippetViewSet):
    model = TermPair
    icon = "globe"
    menu_label = _("繁体转换词对")
    menu_order = 190
    add_to_admin_menu = True
    list_display = ["term", "conversion", WithoutPairColumn("without_pair", label=_("不设词对时的转换")),
                    "region", "note"]
    list_filter = ["region"]
    search_fields = ["term", "conversion", "note"]


register_snippet(TermPairViewSet)
