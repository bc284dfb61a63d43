"""Staff accounts: login throttling with a Chinese lock-out page that an admin lifts; the second factor
required of chief editors and superusers in production, offered to everyone else."""

import time

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD

LOGIN = "/admin/login/"


def log_in(client, username, password=PASSWORD, address="192.0.2.10"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def code(device, steps_ahead=0):
    """The code the user's authenticator app shows (``steps_ahead`` × 30 s later, for a second login)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def test_five_failed_logins_lock_the_account_from_that_address(client, users):
    for _ in range(4):
        response = log_in(client, "editor", "wrong-password")
        assert response.status_code == 200 and "密码不匹配" in response.content.decode()  # the form again
    response = log_in(client, "editor", "wrong-password")  # the fifth
    assert response.status_code == 429
    response = log_in(client, "editor")  # even the right password, now
    assert response.status_code == 429
    text = response.content.decode()
    assert "账户已暂时锁定" in text and "登录失败次数过多（5 次）" in text and "30 分钟后再试" in text
    assert "_auth_user_id" not in client.session
    # From another address the editor still gets in (a lock-out is per username and address).
    assert log_in(client, "editor", address="198.51.100.7").status_code == 302


def test_an_admin_lifts_a_lock_out_in_the_admin(client, users):
    for _ in range(5):
        log_in(client, "reviewer", "wrong-password")
    assert log_in(client, "reviewer").status_code == 429

    client.force_login(users["admin"])
    listing = client.get("/admin/lockouts/").content.decode()
    assert "reviewer" in listing and "192.0.2.10" in listing
    attempt = AccessAttempt.objects.get(username="reviewer")
    response = client.post(f"/admin/lockouts/delete/{attempt.pk}/")
    assert response.status_code == 302
    client.logout()
    assert log_in(client, "reviewer").status_code == 302


def test_only_superusers_see_the_lock_outs(client, users):
    log_in(client, "reviewer", "wrong-password")
    for role in ("chief", "editor"):
        client.force_login(users[role])
        assert client.get("/admin/lockouts/").status_code == 302  # Wagtail's "no permission" redirect
    client.force_login(users["admin"])
    assert client.get(reverse("lockouts:add")).status_code == 302  # records come from failed logins only


def test_the_reset_command_lifts_a_lock_out(client, users):
    for _ in range(5):
        log_in(client, "chief", "wrong-password")
    assert log_in(client, "chief").status_code == 429
    call_command("axes_reset_username", "chief")
    assert log_in(client, "chief").status_code == 302


@pytest.fixture
def required(settings):
    settings.KEPU_REQUIRE_SECOND_FACTOR = True  # as cms.settings.production has it


@pytest.mark.parametrize("role", ["chief", "admin"])
def test_chief_editors_and_superusers_set_up_the_second_factor_first(client, users, required, role):
    assert log_in(client, role).status_code == 302
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/second-factor/setup/?next=%2Fadmin%2Fpages%2F"
    for url in ("/admin/", "/admin/images/", "/documents/1/x.pdf", "/media/images/x.png"):
        assert client.get(url)["Location"].startswith("/admin/second-factor/setup/"), url

    setup = client.get(response["Location"])
    text = setup.content.decode()
    assert "设置两步验证" in text and "主编和管理员的账户必须启用两步验证" in text and "<svg" in text
    device = TOTPDevice.objects.get(user=users[role], confirmed=False)
    response = client.post("/admin/second-factor/setup/", {"code": "000000", "next": "/admin/pages/"})
    assert "验证码不正确或已过期" in response.content.decode()

    device.refresh_from_db()
    device.throttle_reset()  # django-otp makes the next try wait after a wrong code
    response = client.post("/admin/second-factor/setup/", {"code": code(device), "next": "/admin/pages/"})
    assert response.status_code == 302 and response["Location"] == "/admin/pages/"
    assert client.get("/admin/").status_code == 200


def test_a_chief_editor_gives_the_code_at_every_login(client, users, required):
    device = TOTPDevice.objects.create(user=users["chief"], name="Kepu", confirmed=True)
    log_in(client, "chief")
    response = client.get("/admin/")
    assert response["Location"] == "/admin/second-factor/?next=%2Fadmin%2F"
    # Setting up a new device is no way round it.
    assert "设置两步验证" not in client.get("/admin/second-factor/setup/").content.decode()

    page = client.get("/admin/second-factor/").content.decode()
    assert "两步验证" in page and "身份验证器应用" in page
    response = client.post("/admin/second-factor/", {"code": code(device), "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"  # never off the CMS host
    assert client.get("/admin/").status_code == 200

    client.logout()
    log_in(client, "chief")
    assert client.get("/admin/").status_code == 302  # a new session asks again
    device.refresh_from_db()
    response = client.post("/admin/second-factor/", {"code": code(device), "next": "/admin/"})
    assert "验证码不正确或已过期" in response.content.decode()  # a code works once
    response = client.post("/admin/second-factor/", {"code": code(device, steps_ahead=1), "next": "/admin/"})
    assert response.status_code == 200  # throttled for a moment after the wrong one
    device.refresh_from_db()
    device.throttle_reset()
    response = client.post("/admin/second-factor/", {"code": code(device, steps_ahead=1), "next": "/admin/"})
    assert response.status_code == 302 and client.get("/admin/").status_code == 200


def test_editors_are_not_required_to(client, users, required):
    for role in ("editor", "reviewer", "contributor"):
        client.logout()
        log_in(client, role)
        assert client.get("/admin/").status_code == 200, role


def test_development_offers_it_without_requiring_it(client, users, settings):
    assert settings.KEPU_REQUIRE_SECOND_FACTOR is False  # cms.settings.base, which dev and test keep
    for role in ("chief", "admin"):
        client.logout()
        log_in(client, role)
        assert client.get("/admin/").status_code == 200, role
    account = client.get("/admin/account/").content.decode()
    assert "/admin/second-factor/setup/" in account and "两步验证" in account
    setup = client.get("/admin/second-factor/setup/").content.decode()
    assert "设置两步验证" in setup and "必须启用" not in setup
