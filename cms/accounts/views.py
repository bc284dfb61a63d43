"""The second factor in the admin: set up an authenticator app, give its code after signing in."""

from base64 import b32encode

import django_otp
import segno
from django import forms
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from . import second_factor


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("验证码"), max_length=8, help_text=_("身份验证器应用当前显示的 6 位数字。"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = self.cleaned_data["code"]
        if not second_factor.check_code(self.device, code):
            raise forms.ValidationError(_("验证码不正确或已过期，请输入应用里当前的验证码。多次输错需稍候再试。"))
        return code


def _next_url(request):
    url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    safe = url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return url if safe else reverse("wagtailadmin_home")


def _render(request, template, **context):
    return TemplateResponse(request, template, {"next": _next_url(request), **context})


@never_cache
@sensitive_post_parameters("code")
def verify(request):
    device = second_factor.confirmed_device(request.user)
    if device is None:
        query = urlencode({REDIRECT_FIELD_NAME: _next_url(request)})
        return redirect(f"{reverse('kepu_second_factor_setup')}?{query}")
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        django_otp.login(request, device)
        return redirect(_next_url(request))
    return _render(request, "accounts/second_factor_verify.html", form=form)


@never_cache
@sensitive_post_parameters("code")
def setup(request):
    user = request.user
    if second_factor.confirmed_device(user) is not None and not user.is_verified():
        return verify(request)  # replacing a device takes the current one's code first
    device = second_factor.pending_device(user)
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        second_factor.confirm(device)
        django_otp.login(request, device)
        return redirect(_next_url(request))
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return _render(
        request, "accounts/second_factor_setup.html", form=form, required=second_factor.required_of(user),
        qr_code=segno.make(device.config_url, error="m").svg_inline(scale=4, title=str(_("扫描此二维码"))),
        secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
    )
