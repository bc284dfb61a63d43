"""The README's run command, as a new user starts it: from another program, in a fresh checkout.

What a person meets (issue 12): the URLs are printed only once the admin and the public site answer; the public site
answers a missing page with the site's own 404 page, in Chinese; the publish worker is one process
(no autoreloader); and Ctrl+C stops everything the command started, even when a script started it.
"""

import os
import shutil
import signal
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

from tests.deploy import free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent
# What a checkout holds besides the generated folders and the installed tools (shared, not copied).
LEFT_OUT = {".git", ".venv", "node_modules", "var", "site", "content", "media", "__pycache__", ".ruff_cache"}


def checkout(folder):
    """A copy of this checkout in ``folder``, with the installed virtualenv beside it (no reinstall)."""
    folder.mkdir()
    for entry in ROOT.iterdir():
        if entry.name in LEFT_OUT:
            continue
        if entry.is_dir():
            shutil.copytree(entry, folder / entry.name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(entry, folder / entry.name)
    for generated in ("content", "media"):
        (folder / generated).mkdir()
    (folder / ".venv").symlink_to(ROOT / ".venv")
    return folder


def processes_in(folder):
    """{pid: command line} of every process whose working folder is ``folder``."""
    found = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if os.path.realpath(proc / "cwd") == str(folder):
                found[int(proc.name)] = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # gone meanwhile, or not ours to read
    return found


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def test_run_command_serves_when_it_says_so_and_ctrl_c_stops_everything(tmp_path):
    folder = checkout(tmp_path / "kepu").resolve()
    admin_port, site_port = free_port(), free_port()
    env = {**os.environ, "PORT": str(admin_port), "SITE_PORT": str(site_port), "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)  # the run command's embedded default: SQLite in var/
    env.pop("DJANGO_SETTINGS_MODULE", None)
    # Started by another program, as a script would: not from an interactive terminal.
    run = subprocess.Popen(["bash", "scripts/run.sh"], cwd=folder, env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    printed = []
    try:
        for line in run.stdout:
            printed.append(line)
            if "管理后台：" in line:
                # The moment the addresses are printed, both answer (the site is checked below).
                status, html = get(f"http://127.0.0.1:{admin_port}/admin/login/")
                assert status == 200, "".join(printed)
                assert "登录" in html
                break
        else:
            raise AssertionError("run.sh ended without printing the admin's address:\n" + "".join(printed))

        status, html = get(f"http://127.0.0.1:{site_port}/no-such-page/")
        assert status == 404
        assert "页面不存在" in html and "Error response" not in html  # the site's page, not Python's
        status, html = get(f"http://127.0.0.1:{site_port}/")
        assert status == 200 and "格致论道" in html  # the sample content, published

        running = processes_in(folder)
        workers = [command for command in running.values() if "db_worker" in command]
        assert len(workers) == 1, running  # one worker process: no autoreloader beside it
        assert any("run_scheduler" in command for command in running.values()), running
        assert any("runserver" in command for command in running.values()), running

        run.send_signal(signal.SIGINT)  # Ctrl+C
        assert run.wait(timeout=30) != 0
        # Everything it started has stopped: nothing is left running in its folder.
        wait_for(lambda: not processes_in(folder), "every process of the run command to stop", timeout=30)
    finally:
        if run.poll() is None:
            run.kill()
        for pid in processes_in(folder):
            os.kill(pid, signal.SIGKILL)
