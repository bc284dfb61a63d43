from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import DEFAULT_DAYS, MAX_DAYS, PreviewLink


class PreviewLinkForm(forms.ModelForm):
    expires_at = forms.DateTimeField(
        label=_("有效期至"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("最长 %(days)s 天，默认 %(default)s 天（北京时间）。")
        % {"days": MAX_DAYS, "default": DEFAULT_DAYS},
    )

    class Meta:
        model = PreviewLink
        fields = ["name", "organisation", "email", "expires_at"]

    def __init__(self, *args, page, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.page = page
        self.instance.created_at = timezone.now()
        if not self.is_bound:
            default = timezone.localtime(self.instance.created_at + timedelta(days=DEFAULT_DAYS))
            self.initial["expires_at"] = default.replace(second=0, microsecond=0)
