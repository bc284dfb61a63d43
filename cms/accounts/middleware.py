from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode

from .second_factor import confirmed_device, required_of

# What a signed-in user who still owes the second factor may open.
OPEN_URL_NAMES = {
    "kepu_second_factor_verify", "kepu_second_factor_setup",
    "wagtailadmin_login", "wagtailadmin_logout", "wagtailadmin_javascript_catalog", "wagtailadmin_sprite",
}


class SecondFactorMiddleware:
    """After django-otp's OTPMiddleware: a user with a device, or one production requires it of, gets
    nothing from the CMS (admin, documents, images) until they have given a code in this session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified() and not self._open(request):
            if confirmed_device(user) is not None:
                return self._to("kepu_second_factor_verify", request)
            if required_of(user):
                return self._to("kepu_second_factor_setup", request)
        return self.get_response(request)

    @staticmethod
    def _open(request):
        try:
            return resolve(request.path_info).url_name in OPEN_URL_NAMES
        except Resolver404:
            return False

    @staticmethod
    def _to(name, request):
        return redirect(f"{reverse(name)}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}")
