"""Who must give a second factor (a TOTP code from an authenticator app), and their device.

Production (KEPU_REQUIRE_SECOND_FACTOR) requires it of superusers and 主编, who can publish. Anyone who
has set up a device is asked for a code at every login, in every environment.
"""

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from cms.moderation.roles import CHIEF_EDITOR


def required_of(user):
    if not settings.KEPU_REQUIRE_SECOND_FACTOR or not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name=CHIEF_EDITOR).exists()


def confirmed_device(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def pending_device(user):
    """The device being set up (a fresh secret each time setup starts over)."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Kepu", confirmed=False)


def check_code(device, code):
    """True if ``code`` is the device's current one (each code works once; django-otp throttles misses)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        return device.verify_token(code.strip())


def confirm(device):
    """The device set up becomes the user's only one."""
    TOTPDevice.objects.devices_for_user(device.user, confirmed=None).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
