"""Back up and restore everything Kepu cannot rebuild: the database, uploaded media and the
folders other apps name in ``settings.KEPU_BACKUP_DIRS`` (such as the publish manifest).

A backup is one ``.tar.gz`` holding ``kepu-backup.json`` (what it is), the database in its
engine's own format (``database.sqlite3`` from SQLite's online backup, or ``database.pgdump``
from ``pg_dump -Fc``) and each folder under its name. content/ and site/ are not in it: the
publish step rebuilds them from the database.
"""

import datetime
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
MANIFEST = "kepu-backup.json"


class BackupError(Exception):
    """Raised with a message for the operator, in Chinese."""


def _engine():
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"不支持的数据库类型：{vendor}（仅支持 SQLite 和 PostgreSQL）。")
    return vendor


def _pg_env():
    db = connection.settings_dict
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return env, args, db["NAME"]


def _run(command, env=None):
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{result.stderr.strip() or result.stdout.strip()}")


def _dump_database(directory):
    engine = _engine()
    if engine == "sqlite":
        target = directory / "database.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(target) as out:
            connection.connection.backup(out)
        out.close()
        return target.name
    env, args, name = _pg_env()
    target = directory / "database.pgdump"
    _run(["pg_dump", "-Fc", "--no-owner", "--no-privileges", *args, "-f", str(target), name], env=env)
    return target.name


def _restore_database(directory, filename):
    engine = _engine()
    source = directory / filename
    if engine == "sqlite":
        if not filename.endswith(".sqlite3"):
            raise BackupError("这份备份来自 PostgreSQL，不能恢复到 SQLite 数据库。")
        connection.ensure_connection()
        with sqlite3.connect(source) as backup:
            backup.backup(connection.connection)
        backup.close()
        return
    if not filename.endswith(".pgdump"):
        raise BackupError("这份备份来自 SQLite，不能恢复到 PostgreSQL 数据库。")
    env, args, name = _pg_env()
    connection.close()
    _run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
         *args, "-d", name, str(source)],
        env=env,
    )


def _applied_migrations():
    rows = MigrationRecorder(connection).migration_qs.values_list("app", "name")
    return sorted(f"{app}.{name}" for app, name in rows)


def backup_dirs():
    dirs = {"media": settings.MEDIA_ROOT, **getattr(settings, "KEPU_BACKUP_DIRS", {})}
    return {name: Path(path) for name, path in dirs.items()}


def create_backup(output):
    """Write a backup archive to ``output`` (a path) and return that path."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kepu-backup-") as tmp:
        tmp = Path(tmp)
        database = _dump_database(tmp)
        meta = {
            "format": FORMAT,
            "engine": connection.vendor,
            "database": database,
            "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "migrations": _applied_migrations(),
            "dirs": sorted(name for name, path in backup_dirs().items() if path.exists()),
        }
        (tmp / MANIFEST).write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(tmp / MANIFEST, arcname=MANIFEST)
            archive.add(tmp / database, arcname=database)
            for name in meta["dirs"]:
                archive.add(backup_dirs()[name], arcname=name)
        partial.replace(output)  # a half-written archive never takes the real name
    return output


def read_manifest(archive_path):
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            meta = json.load(archive.extractfile(MANIFEST))
    except (OSError, KeyError, tarfile.TarError, json.JSONDecodeError) as error:
        raise BackupError(f"{archive_path} 不是有效的 Kepu 备份：{error}") from error
    if meta.get("format") != FORMAT:
        raise BackupError(f"不认识的备份格式版本：{meta.get('format')}。")
    return meta


def restore_backup(archive_path):
    """Replace the database and the backed-up folders by the archive's. Returns its manifest."""
    meta = read_manifest(archive_path)
    unknown = set(meta["migrations"]) - set(_applied_migrations())
    if unknown:
        raise BackupError(
            "这份备份来自更新的 Kepu 版本（含本版本没有的数据库迁移，如 "
            f"{sorted(unknown)[0]}），请先升级 Kepu 再恢复。"
        )
    with tempfile.TemporaryDirectory(prefix="kepu-restore-") as tmp:
        tmp = Path(tmp)
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(tmp, filter="data")
        _restore_database(tmp, meta["database"])
        for name, path in backup_dirs().items():
            _replace_dir(tmp / name, path)
    return meta


def _replace_dir(source, target):
    """Swap ``target`` for ``source`` by renames, so it is never half-restored."""
    target.parent.mkdir(parents=True, exist_ok=True)
    incoming = target.with_name(target.name + ".restoring")
    shutil.rmtree(incoming, ignore_errors=True)
    if source.exists():
        shutil.copytree(source, incoming)
    else:
        incoming.mkdir()
    outgoing = target.with_name(target.name + ".replaced")
    shutil.rmtree(outgoing, ignore_errors=True)
    if target.exists():
        target.rename(outgoing)
    incoming.rename(target)
    shutil.rmtree(outgoing, ignore_errors=True)
