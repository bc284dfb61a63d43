import django_filters
from django.utils.translation import gettext_lazy as _

from .models import ProgrammePage


class ProgrammeFilter(django_filters.ModelChoiceFilter):
    """Admin listing filter: pages under the chosen programme."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("品牌项目"))
        kwargs.setdefault("queryset", ProgrammePage.objects.order_by("home_order"))
        super().__init__(**kwargs)

    def filter(self, qs, value):
        return qs.descendant_of(value) if value else qs
