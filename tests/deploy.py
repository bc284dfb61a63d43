"""Kepu as it runs on a server: real processes (publish workers, the scheduler, gunicorn, nginx) in
their own folders and database, talking over loopback. Used by the production tests and bench/load.py.

The database is a SQLite file, or, when DATABASE_URL names a PostgreSQL server, a fresh database on
that server made for this deployment and dropped afterwards (production settings need PostgreSQL).
"""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
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

    def manage(self, *args, timeout=600, **env):
        """Run a management command to completion; return its stdout."""
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=timeout,
            umask=self.publish_umask if args[:1] == ("publish_site",) else -1,
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
        return self.start(sys.executable, "manage.py", *args, name=name, umask=umask, **env)

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
        if self._database:
            self._admin("DROP DATABASE IF EXISTS {} WITH (FORCE)")


def _listening(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def site_tree(site):
    """{relative path: bytes} of every file of the live site (following the site/ link)."""
    real = Path(os.path.realpath(site))
    return {p.relative_to(real).as_posix(): p.read_bytes() for p in sorted(real.rglob("*")) if p.is_file()}
