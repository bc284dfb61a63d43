"""Production settings refuse to start without their secrets; dev and test run as documented."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from wagtail.users.models import UserProfile

ROOT = Path(__file__).resolve().parent.parent


def environment(**env):
    """This process's environment without what production must not inherit from the tests."""
    drop = ("SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if k not in drop}
    clean.update(env, DJANGO_SETTINGS_MODULE="cms.settings.production")
    return clean


def start_production(**env):
    clean = environment(**env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120,
    )


def test_production_refuses_to_start_without_secret_key():
    result = start_production(DATABASE_URL="postgres://kepu@localhost/kepu")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "拒绝启动" in result.stderr


def test_production_refuses_to_start_without_database_url():
    result = start_production(SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_production_refuses_sqlite():
    result = start_production(SECRET_KEY="x" * 50, DATABASE_URL="sqlite:///tmp/kepu.db")
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr


def test_production_starts_with_its_environment():
    result = start_production(
        SECRET_KEY="x" * 50, DATABASE_URL="postgres://kepu@localhost/kepu", ALLOWED_HOSTS="kepu.example.org"
    )
    assert result.returncode == 0, result.stderr


def test_chinese_first():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert ("en", "English") in settings.WAGTAILADMIN_PERMITTED_LANGUAGES


def test_admin_speaks_chinese_and_english_on_request(admin_client, users):
    # Chinese by default, even for a browser that asks for English first.
    assert '<html lang="zh-hans"' in admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    UserProfile.get_for_user(users["admin"])
    UserProfile.objects.filter(user=users["admin"]).update(preferred_language="en")
    assert '<html lang="en"' in admin_client.get("/admin/").content.decode()


def test_production_passes_the_deployment_checklist(tmp_path):
    clean = environment(
        SECRET_KEY="kepu-" + "a1B2c3D4e5" * 6,
        DATABASE_URL="postgres://kepu@db.invalid/kepu",
        ALLOWED_HOSTS="kepu.example.org",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
