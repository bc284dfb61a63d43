"""The examples in deploy/ are real: systemd accepts the units, the commands they start exist and
accept their options, gunicorn accepts its configuration, and kepu.env is enough for production."""

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

from tests.deploy import ROOT
from tests.test_settings import environment

DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").iterdir())
VENV_BIN = Path(sys.executable).parent


def installed(text):
    """A unit or file as installed on this machine: the checkout and its virtualenv where they are here."""
    return (
        text.replace("/srv/kepu/app/.venv/bin/", f"{VENV_BIN}/")
        .replace("/srv/kepu/app", str(ROOT))
        .replace("/etc/kepu/kepu.env", str(DEPLOY / "kepu.env"))
    )


def env_file():
    lines = (DEPLOY / "kepu.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))


def test_systemd_accepts_the_units(tmp_path):
    for unit in UNITS:
        (tmp_path / unit.name).write_text(installed(unit.read_text()))
    names = [name.replace("@.service", "@1.service") for name in sorted(p.name for p in tmp_path.iterdir())]
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *names], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr


@pytest.mark.parametrize("unit", [u for u in UNITS if u.suffix == ".service"], ids=lambda u: u.name)
def test_unit_commands_exist_and_take_their_options(unit):
    (command,) = re.findall(r"^ExecStart=(.+)$", unit.read_text(), re.M)
    command = installed(command).replace("$(date +%%Y%%m%%d-%%H%%M%%S)", "now")
    words = shlex.split(command.replace("%H", "host").replace("%i", "1"))
    if words[0] == "/bin/sh":  # sh -c 'exec …'
        words = shlex.split(words[-1])[1:]
    program, *args = words
    assert Path(program).is_file() or (ROOT / program).is_file(), program
    if program.endswith("gunicorn"):
        check = subprocess.run([program, "--check-config", *args], cwd=ROOT, capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        return
    assert args[0] == "manage.py"
    name, *options = args[1:]
    parser = load_command_class(get_commands()[name], name).create_parser("manage.py", name)
    parser.parse_args(options)  # raises CommandError on an unknown option


def test_the_environment_file_names_what_production_needs():
    production = (ROOT / "cms" / "settings" / "production.py").read_text()
    required = set(re.findall(r'_require\("(\w+)"\)', production))
    folders = {"MEDIA_ROOT", "STATIC_ROOT", "KEPU_CONTENT_DIR", "KEPU_BUILDS_DIR", "KEPU_SITE_DIR"}
    values = env_file()
    assert required | folders | {"DJANGO_SETTINGS_MODULE", "ALLOWED_HOSTS"} <= set(values)
    assert folders <= set(re.findall(r'os\.environ\.get\("(\w+)"\)', production))
    started = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT, env=environment(**values), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert started.returncode == 0, started.stderr
