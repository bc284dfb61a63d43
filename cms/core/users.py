"""Wagtail's user admin with the user's institute on the create and edit forms; the login form."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from .models import Institute


class InstituteFieldMixin(forms.Form):
    institute = forms.ModelChoiceField(
        queryset=Institute.objects.all(), required=False, label=_("所属机构"),
        help_text=_("机构投稿人只能为所属机构投稿。编辑部成员留空。"),
    )


class KepuUserCreationForm(InstituteFieldMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | {"institute"}


class KepuUserEditForm(InstituteFieldMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | {"institute"}


class UserViewSet(WagtailUserViewSet):
    def get_form_class(self, for_update=False):
        return KepuUserEditForm if for_update else KepuUserCreationForm


class KepuLoginForm(LoginForm):
    """Wagtail's login form, with a label on its password field.

    Wagtail redeclares the password field without a label, so Django derives one from the field
    name ("Password"), which no catalogue translates. Django's own label is translated (密码).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")
