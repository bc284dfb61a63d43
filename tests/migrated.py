"""A migrated database made once per test run, for the tests that run Kepu in real processes on a
database of their own (tests/deploy.py, the kill tests): they start from a copy of it instead of
running every migration again in a subprocess (half a minute each).

``migrated_database`` (a session fixture) gives ``fill(deployment)``: the deployment's database (a
SQLite file, or the fresh PostgreSQL database it made) becomes a copy of one that ``manage.py migrate``
made in this run: the same schema and the rows the migrations write. ``migrated_sqlite`` is the
migrated SQLite file itself, for a test that always runs on SQLite.

The copies are exact: a SQLite file copied with SQLite's backup API, a PostgreSQL database created
from the migrated one as its template (CREATE DATABASE … TEMPLATE).
"""

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.deploy import ROOT, Deployment, postgres_url


def copy_sqlite(source, target):
    """Copy a SQLite database file (with what its write-ahead log holds) to ``target``."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def _clone_postgres(template_url, target_url):
    import psycopg
    from psycopg import sql

    template, target = (urlsplit(url).path.lstrip("/") for url in (template_url, target_url))
    admin = urlunsplit(urlsplit(target_url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(target)))
        connection.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(target),
                                                                              sql.Identifier(template)))


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """A SQLite file with every migration applied (``manage.py migrate`` with the test settings)."""
    folder = tmp_path_factory.mktemp("migrated-sqlite")
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "KEPU_PUBLISH_STOP_AT")}
    env.update(DJANGO_SETTINGS_MODULE="cms.settings.test", KEPU_TEST_DIR=str(folder), PYTHONPATH=str(ROOT),
               DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}")
    done = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    return folder / "db.sqlite3"


@pytest.fixture(scope="session")
def migrated_database(request, tmp_path_factory):
    """``fill(deployment)``: make the deployment's fresh database a migrated one (see the module docstring)."""
    if not postgres_url():
        source = request.getfixturevalue("migrated_sqlite")

        def fill(deployment):
            copy_sqlite(source, deployment.folder / "db.sqlite3")

        yield fill
        return
    template = Deployment(tmp_path_factory.mktemp("migrated-postgres"))
    try:
        template.manage("migrate", "--noinput", "-v0")

        def fill(deployment):
            _clone_postgres(template.database_url, deployment.database_url)

        yield fill
    finally:
        template.close()
