"""``manage.py restore`` as an operator runs it, into a fresh database nobody has migrated yet.

A backup of the suite's database (SQLite or PostgreSQL) is restored by a separate process into a new,
empty database of the same engine: a cut archive is refused with exit code 1, the message and no
traceback, and the empty database stays empty; the whole archive restores and is migrated.
"""

import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from wagtail.models import Page

from tests.conftest import make_image, make_story

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ROOT = Path(__file__).resolve().parent.parent


class FreshSqlite:
    def __init__(self, folder):
        self.path = folder / "fresh.sqlite3"
        self.url = f"sqlite:///{self.path}"

    def query(self, sql):
        if not self.path.exists():
            return None
        with sqlite3.connect(self.path) as db:
            return db.execute(sql.replace("<tables>", "SELECT name FROM sqlite_master WHERE type = 'table'")).fetchall()

    def drop(self):
        pass


class FreshPostgres:
    def __init__(self, folder):
        settings = connection.settings_dict
        self.name = f"{settings['NAME']}_fresh"
        self.conninfo = dict(host=settings["HOST"], port=settings["PORT"], user=settings["USER"],
                             password=settings["PASSWORD"])
        self.url = (f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:{settings['PORT']}"
                    f"/{self.name}")
        self.drop()
        with psycopg.connect(dbname="postgres", autocommit=True, **self.conninfo) as admin:
            admin.execute(f'CREATE DATABASE "{self.name}"')

    def query(self, sql):
        tables = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        with psycopg.connect(dbname=self.name, **self.conninfo) as db:
            return db.execute(sql.replace("<tables>", tables)).fetchall()

    def drop(self):
        with psycopg.connect(dbname="postgres", autocommit=True, **self.conninfo) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def fresh(tmp_path):
    database = {"sqlite": FreshSqlite, "postgresql": FreshPostgres}[connection.vendor](tmp_path)
    yield database
    database.drop()


def manage(database, folder, *args):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.test", "KEPU_TEST_DIR": str(folder),
           "DATABASE_URL": database.url}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


def test_restore_into_an_unmigrated_database(programme, fresh, tmp_path):
    portrait = make_image("肖像")
    make_story(programme, portrait=portrait, portrait_alt="示意肖像")
    pages = Page.objects.count()
    archive = tmp_path / "kepu.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[:-10])
    installation = tmp_path / "installation"
    before = fresh.query("<tables>")

    refused = manage(fresh, installation, "restore", str(cut), "--no-input")
    assert refused.returncode == 1
    assert f"备份文件 {cut} 不完整，拒绝恢复" in refused.stderr
    assert "没有改动任何内容" in refused.stderr and "Traceback" not in refused.stderr
    assert fresh.query("<tables>") == before
    assert not (installation / "media").exists()

    restored = manage(fresh, installation, "restore", str(archive), "--no-input")
    assert restored.returncode == 0, restored.stderr
    assert "已恢复" in restored.stdout
    assert fresh.query("SELECT COUNT(*) FROM wagtailcore_page") == [(pages,)]
    assert manage(fresh, installation, "migrate", "--check").returncode == 0  # nothing left to migrate
    assert (installation / "media" / portrait.file.name).read_bytes() == Path(portrait.file.path).read_bytes()
