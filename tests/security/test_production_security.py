"""The production settings: what they enforce on staff sessions and what headers the CMS sends."""

import json
import subprocess
import sys

from tests.test_settings import ROOT, environment

READ = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "second_factor": s.KEPU_REQUIRE_SECOND_FACTOR, "session_age": s.SESSION_COOKIE_AGE,
    "save_every_request": s.SESSION_SAVE_EVERY_REQUEST, "secure_cookie": s.SESSION_COOKIE_SECURE,
    "hsts": s.SECURE_HSTS_SECONDS, "csp": s.CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "middleware": s.MIDDLEWARE, "axes_address": s.AXES_CLIENT_IP_CALLABLE,
}))
"""


def production_settings(**env):
    clean = environment(
        SECRET_KEY="kepu-" + "a1B2c3D4e5" * 6, DATABASE_URL="postgres://kepu@db.invalid/kepu",
        ALLOWED_HOSTS="cms.kepu.example.org", **env,
    )
    result = subprocess.run([sys.executable, "-c", READ], cwd=ROOT, env=clean, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_requires_the_second_factor_and_ends_idle_sessions():
    values = production_settings()
    assert values["second_factor"] is True
    assert values["session_age"] == 2 * 60 * 60 and values["save_every_request"] is True
    assert values["secure_cookie"] is True and values["hsts"] >= 31536000
    assert values["csp"]["default-src"] == ["'self'"] and values["csp"]["object-src"] == ["'none'"]
    assert values["axes_address"] == "cms.accounts.throttling.client_address"
    assert values["middleware"][-1] == "axes.middleware.AxesMiddleware"


def test_check_deploy_warns_when_the_second_factor_is_turned_off(tmp_path):
    clean = environment(
        SECRET_KEY="kepu-" + "a1B2c3D4e5" * 6, DATABASE_URL="postgres://kepu@db.invalid/kepu",
        ALLOWED_HOSTS="kepu.example.org", STATIC_ROOT=str(tmp_path / "static"), KEPU_REQUIRE_SECOND_FACTOR="0",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0 and "kepu.W001" in result.stdout + result.stderr


def test_nginx_forwarded_address_is_the_one_counted():
    from django.test import RequestFactory

    from cms.accounts.throttling import client_address

    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="127.0.0.1")
    assert client_address(request) == "203.0.113.9"  # what the client wrote before it is not trusted
    assert client_address(RequestFactory().get("/", REMOTE_ADDR="192.0.2.1")) == "192.0.2.1"


def test_the_cms_sends_its_security_headers(client, users):
    response = client.get("/admin/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'self'" in policy and "object-src 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
