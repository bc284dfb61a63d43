"""Kepu as it runs on a server: real processes (publish workers, the scheduler, gunicorn, nginx) in
their own folders and database, talking over loopback. Used by the production tests and bench/load.py.

The database is a SQLite file, or, when DATABASE_URL names a PostgreSQL server, a fresh database on
that server made for this deployment and dropped afterwards (production settings need PostgreSQL).
"""

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "kepu-deploy-test-" + "q7W2e9R4t1" * 5


def postgres_url():
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, what, timeout=240, process=None):
    """Poll ``condition`` until it returns something true; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what}: the process exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.05)


# Runs management commands as ``manage.py`` does, each in a process of its own forked from this one,
# which has set Django up once (what a ``manage.py`` start spends its first seconds on). Reads one
# request a line ({"argv", "env", "out", "err", "umask"}), answers {"pid"}; answers {"exited", "code"}
# (the code as subprocess gives it: -N for signal N) when a process it forked ends.
# Before each fork it has no thread but its own and no database connection (none is shared: each
# command opens its own). A forked process's environment is this one's, as settings left it (TZ…),
# with the request's RUNTIME_ENV values; it then runs the command and ends as ``python manage.py``
# would: atexit and finalisation, an uncaught exception's traceback and exit status 1, SIGINT's death.
LAUNCHER = r"""
import gc, json, os, select, sys, threading
import django
from django.db import connections
django.setup()
connections.close_all()
from django.core.management import execute_from_command_line

answers = os.fdopen(os.dup(1), "w", buffering=1)
os.dup2(2, 1)  # (nothing else may write to the answers)
RUNTIME_ENV = set(json.loads(sys.argv[1]))
gc.freeze()  # (what the set-up made is not traversed, so not copied page by page, by each child's collector)


def start(request):
    answers.close()
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
    out = os.open(request["out"], flags, 0o644)
    err = out if request["err"] == request["out"] else os.open(request["err"], flags, 0o644)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    os.dup2(out, 1)
    os.dup2(err, 2)
    for fd in {out, err}:
        os.close(fd)
    if request["umask"] != -1:
        os.umask(request["umask"])
    for name in RUNTIME_ENV:
        if name in request["env"]:
            os.environ[name] = request["env"][name]
        else:
            os.environ.pop(name, None)
    sys.argv = request["argv"]


children, pending = set(), b""
while True:
    if select.select([0], [], [], 0.05)[0]:
        chunk = os.read(0, 65536)
        if not chunk:
            break
        pending += chunk
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            assert threading.active_count() == 1, threading.enumerate()
            assert all(c.connection is None for c in connections.all(initialized_only=True))
            pid = os.fork()
            if pid == 0:  # (never goes round the loop again: ends as the command's process)
                start(json.loads(line))
                execute_from_command_line(sys.argv)
                sys.exit()
            children.add(pid)
            answers.write(json.dumps({"pid": pid}) + "\n")
    for pid in list(children):
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            children.discard(pid)
            answers.write(json.dumps({"exited": pid, "code": os.waitstatus_to_exitcode(status)}) + "\n")
"""

# What a forked command may have set otherwise than the launcher: read when used, not by the settings
# (and pytest's name of the test and phase running, which it changes as it goes).
RUNTIME_ENV = {"KEPU_PUBLISH_STOP_AT", "KEPU_PUBLISH_STOP_FILE", "PYTEST_CURRENT_TEST"}


class Launcher:
    """The LAUNCHER process of a deployment, and the processes it forked (as ``Forked``)."""

    def __init__(self, deployment):
        self.env = deployment.env()
        self.process = subprocess.Popen([sys.executable, "-c", LAUNCHER, json.dumps(sorted(RUNTIME_ENV))], cwd=ROOT,
                                        env=self.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.exits, self.pids, self.changed, self.ended = {}, [], threading.Condition(), False
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            answer = json.loads(line)
            with self.changed:
                if "pid" in answer:
                    self.pids.append(answer["pid"])
                else:
                    self.exits[answer["exited"]] = answer["code"]
                self.changed.notify_all()
        with self.changed:
            self.ended = True
            self.pids.append(None)
            self.changed.notify_all()

    def can_run(self, env):
        return {k for k in env.keys() | self.env.keys() if env.get(k) != self.env.get(k)} <= RUNTIME_ENV

    def run(self, argv, env, out, err, umask=-1):
        request = {"argv": ["manage.py", *argv], "env": env, "out": str(out), "err": str(err), "umask": umask}
        with self.changed:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
            self.changed.wait_for(lambda: self.pids)
            pid = self.pids.pop(0)
        if pid is None:
            raise RuntimeError(f"the launcher ended with {self.process.wait()}")
        return Forked(self, pid)

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=60)


class Forked:
    """A process the launcher forked, used as a ``subprocess.Popen``: pid, poll, wait, send_signal, kill."""

    def __init__(self, launcher, pid):
        self.launcher, self.pid, self.returncode, self.args = launcher, pid, None, ["manage.py"]

    def poll(self):
        self.returncode = self.launcher.exits.get(self.pid)
        return self.returncode

    def wait(self, timeout=None):
        with self.launcher.changed:
            if not self.launcher.changed.wait_for(lambda: self.pid in self.launcher.exits or self.launcher.ended,
                                                  timeout):
                raise subprocess.TimeoutExpired(self.args, timeout)
        if self.poll() is None:
            raise RuntimeError(f"the launcher ended with {self.launcher.process.wait()}, process {self.pid} unseen")
        return self.returncode

    def send_signal(self, sig):
        if self.poll() is None:
            os.kill(self.pid, sig)

    def kill(self):
        self.send_signal(signal.SIGKILL)


class Deployment:
    """One installation of Kepu in ``folder``: media/, content/, builds/, site/, static/ and logs.

    ``publish_umask``: the umask of the processes that publish (``publish_site``, the workers), e.g.
    0o077 to prove that what they write is readable by a web server running as another user.
    """

    def __init__(self, folder, *, production=False, publish_umask=-1):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.production = production
        self.publish_umask = publish_umask
        self.processes = []
        self.launcher = None
        self._database = None
        server = postgres_url()
        if server:
            parts = urlsplit(server)
            self._database = f"{parts.path.lstrip('/') or 'kepu'}_deploy_{secrets.token_hex(4)}"
            self._admin("CREATE DATABASE {}")
            self.database_url = urlunsplit(parts._replace(path="/" + self._database))
        elif production:
            raise RuntimeError("production settings need PostgreSQL: set DATABASE_URL")
        else:
            self.database_url = f"sqlite:///{self.folder / 'db.sqlite3'}"

    def _admin(self, statement):
        import psycopg
        from psycopg import sql

        parts = urlsplit(postgres_url())
        with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
            connection.execute(sql.SQL(statement).format(sql.Identifier(self._database)))

    @property
    def site(self):
        return self.folder / "site"

    def env(self, **extra):
        env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "KEPU_PUBLISH_STOP_AT")}
        env.update(PYTHONPATH=str(ROOT), DATABASE_URL=self.database_url, PYTHONUNBUFFERED="1")
        if self.production:
            env.update(
                DJANGO_SETTINGS_MODULE="cms.settings.production",
                SECRET_KEY=SECRET_KEY,
                ALLOWED_HOSTS="127.0.0.1,localhost,cms.kepu.example.org",
                WAGTAILADMIN_BASE_URL="https://localhost",
                MEDIA_ROOT=str(self.folder / "media"),
                STATIC_ROOT=str(self.folder / "static"),
                KEPU_CONTENT_DIR=str(self.folder / "content"),
                KEPU_SITE_DIR=str(self.site),
                KEPU_BUILDS_DIR=str(self.folder / "builds"),
                KEPU_REQUIRE_SECOND_FACTOR="0",  # the load test's chief editor signs in with a password
            )
        else:
            env.update(DJANGO_SETTINGS_MODULE="cms.settings.test", KEPU_TEST_DIR=str(self.folder))
        env.update(extra)
        return env

    def fork_commands(self):
        """From now on, run the management commands in processes forked from one that has set Django
        up (LAUNCHER), unless they need other settings: each skips Django's start-up, and is otherwise
        the command as ``manage.py`` runs it (its own process, signals, exit code, umask, log)."""
        self.launcher = Launcher(self)

    def _forked(self, args, env, out, err, umask):
        env = self.env(**env)
        if self.launcher is None or not self.launcher.can_run(env):
            return None
        return self.launcher.run(args, env, out, err, umask)

    def manage(self, *args, timeout=600, **env):
        """Run a management command to completion; return its stdout."""
        umask = self.publish_umask if args[:1] == ("publish_site",) else -1
        with tempfile.TemporaryDirectory(prefix="kepu-manage-") as output:  # (not in the deployment's folder)
            out, err = Path(output) / "out", Path(output) / "err"
            for path in (out, err):
                path.touch()
            process = self._forked(args, env, out, err, umask)
            if process is not None:
                try:
                    process.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
                    raise
                stdout, stderr = out.read_text(), err.read_text()
        if process is not None:
            if process.returncode != 0:
                raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{stdout}\n{stderr}")
            return stdout
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=timeout,
            umask=umask,
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self, *command, name, umask=-1, **env):
        """Start a long-running process (a list of arguments); its output goes to <folder>/<name>.log."""
        log = open(self.folder / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(list(command), cwd=ROOT, env=self.env(**env), stdout=log, stderr=subprocess.STDOUT,
                                   umask=umask)
        process.log_path, process.log_file = self.folder / f"{name}.log", log
        self.processes.append(process)
        return process

    def start_manage(self, *args, name, umask=-1, **env):
        log = self.folder / f"{name}.log"
        process = self._forked(args, env, log, log, umask)
        if process is None:
            return self.start(sys.executable, "manage.py", *args, name=name, umask=umask, **env)
        process.log_path, process.log_file = log, open(os.devnull)  # noqa: SIM115 (closed by stop)
        self.processes.append(process)
        return process

    def start_worker(self, name="worker", **env):
        return self.start_manage(
            "db_worker",
            "--backend",
            "publish",
            "--queue-name",
            "publish",
            "--interval",
            "0.2",
            "--no-startup-delay",
            "--no-reload",
            name=name,
            umask=self.publish_umask,
            **env,
        )

    def start_gunicorn(self, port, workers=2, threads=4, name="gunicorn"):
        """gunicorn as deploy/systemd/kepu-web.service runs it, on a port of this machine."""
        process = self.start(
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "deploy/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            name=name,
        )
        wait_for(lambda: _listening(port), "gunicorn to listen", process=process)
        return process

    def stop(self, process, sig=signal.SIGTERM, timeout=60):
        if process.poll() is None:
            process.send_signal(sig)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        process.log_file.close()
        return process.returncode

    def query(self, statement, *params):
        """Rows of one SQL query on this deployment's database (placeholders: %s)."""
        if self._database:
            import psycopg

            with psycopg.connect(self.database_url) as connection:
                return connection.execute(statement, params).fetchall()
        import sqlite3
        from contextlib import closing

        with closing(sqlite3.connect(self.folder / "db.sqlite3", timeout=30)) as connection:
            return connection.execute(statement.replace("%s", "?"), params).fetchall()

    def log(self, process):
        return process.log_path.read_text(errors="replace")

    def errors(self, process):
        """The errors a process logged (production settings log them to stderr, with their tracebacks)."""
        return re.findall(r"^ERROR .*(?:\n(?![A-Z]+ |\[|\d+\.\d+\.\d+\.\d+ - ).*)*", self.log(process), re.M)

    def close(self):
        for process in self.processes:
            self.stop(process)
        if self.launcher is not None:
            self.launcher.close()
        if self._database:
            self._admin("DROP DATABASE IF EXISTS {} WITH (FORCE)")


def _listening(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def site_tree(site):
    """{relative path: bytes} of every file of the live site (following the site/ link)."""
    real = Path(os.path.realpath(site))
    return {p.relative_to(real).as_posix(): p.read_bytes() for p in sorted(real.rglob("*")) if p.is_file()}
