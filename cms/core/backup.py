"""Back up and restore everything Kepu cannot rebuild: the database, uploaded media and the
folders other apps name in ``settings.KEPU_BACKUP_DIRS`` (such as the publish manifest).

A backup is one ``.tar.gz`` (laid out in :mod:`cms.core.backup_archive`) holding
``kepu-backup.json`` (what it is), the database in its engine's own format (``database.sqlite3``
from SQLite's online backup, or ``database.pgdump`` from ``pg_dump -Fc``), each folder under its
name and a SHA-256 of every member. content/ and site/ are not in it: the publish step rebuilds
them from the database.

A restore first reads and checks the whole archive into a scratch folder, and refuses with a
message naming the file and what to do before it changes anything; it works on a database that
has never been migrated (the restored one is migrated afterwards).
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
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from cms.core import backup_archive as archive

FORMAT = 2  # 2: a SHA-256 of every member, and the header says it is a Kepu backup
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


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
        target = directory / DATABASE_FILES[engine]
        connection.ensure_connection()
        with sqlite3.connect(target) as out:
            connection.connection.backup(out)
        out.close()
        return target.name
    env, args, name = _pg_env()
    target = directory / DATABASE_FILES[engine]
    _run(["pg_dump", "-Fc", "--no-owner", "--no-privileges", *args, "-f", str(target), name], env=env)
    return target.name


def _restore_database(directory, filename):
    engine = _engine()
    source = directory / filename
    if engine == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(source) as backup:
            backup.backup(connection.connection)
        backup.close()
        return
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


def _known_migrations():
    """Every migration this version of Kepu has on disk (the database may not have any table yet)."""
    return {f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}


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
            "kind": archive.KIND,
            "format": FORMAT,
            "engine": connection.vendor,
            "database": database,
            "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "migrations": _applied_migrations(),
            "dirs": sorted(name for name, path in backup_dirs().items() if path.exists()),
        }
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz", dereference=True) as tar:
            writer = archive.Writer(tar)
            writer.add_bytes(archive.HEADER, json.dumps(meta, ensure_ascii=False, indent=2).encode())
            writer.add_file(database, tmp / database)
            for name in meta["dirs"]:
                writer.add_tree(name, backup_dirs()[name])
            writer.finish()
        with open(partial, "rb") as written:
            os.fsync(written.fileno())
        partial.replace(output)  # a half-written archive never takes the real name
    return output


def _check_header(meta):
    """Refuse, before anything is extracted further, a backup this installation cannot take."""
    if meta.get("format") != FORMAT:
        raise archive.ArchiveRefused(
            "incompatible",
            f"备份格式版本 {meta.get('format')} 与本版本 Kepu 的格式 {FORMAT} 不同",
            "请用写出它的那个版本的 Kepu 恢复，或用本版本重新备份",
        )
    engine = connection.vendor
    if meta.get("engine") != engine or meta.get("database") != DATABASE_FILES[engine]:
        raise archive.ArchiveRefused(
            "incompatible",
            f"这份备份来自 {ENGINE_NAMES.get(meta.get('engine'), meta.get('engine'))} 数据库，"
            f"当前数据库是 {ENGINE_NAMES[engine]}",
            "请把 DATABASE_URL 指向同一种数据库后再恢复",
        )
    unknown = sorted(set(meta.get("migrations") or []) - _known_migrations())
    if unknown:
        raise archive.ArchiveRefused(
            "incompatible",
            f"这份备份来自更新的 Kepu 版本（含本版本没有的数据库迁移，如 {unknown[0]}）",
            "请先升级 Kepu（git pull、pip install -r requirements.txt）再恢复",
        )


ADVICE = {
    "foreign": "请指定 manage.py backup 写出的 .tar.gz 文件",
    "truncated": "请重新复制这份备份，或换一份完整的（如 var/backups/ 里较早的一份）",
    "damaged": "请换一份完好的备份（如 var/backups/ 里较早的一份）",
    "unreadable": "请检查文件的读取权限和临时目录的剩余空间后再试",
}
HEADLINE = {
    "foreign": "不是 Kepu 备份",
    "truncated": "不完整，拒绝恢复",
    "damaged": "已损坏，拒绝恢复",
    "unreadable": "无法读取",
    "incompatible": "不能恢复到这个安装",
}


def verify_and_unpack(archive_path, into):
    """Check the whole archive and extract it into ``into``; return its header. Changes nothing else."""
    archive_path = Path(archive_path)
    if not archive_path.is_file():
        raise BackupError(f"找不到备份文件 {archive_path}。没有改动任何内容；请检查路径。")
    try:
        return archive.unpack(archive_path, into, _check_header)
    except archive.ArchiveRefused as refused:
        advice = refused.advice or ADVICE[refused.kind]
        raise BackupError(
            f"备份文件 {archive_path} {HEADLINE[refused.kind]}：{refused.detail}。没有改动任何内容；{advice}。"
        ) from refused


def restore_backup(archive_path, confirm=None):
    """Replace the database and the backed-up folders by the archive's. Returns its header.

    The whole archive is verified first (every member's SHA-256, gzip's CRC, the engine and the
    migrations); ``confirm(header)`` is then asked, if given; only then is anything replaced."""
    _engine()
    with tempfile.TemporaryDirectory(prefix="kepu-restore-") as tmp:
        tmp = Path(tmp)
        meta = verify_and_unpack(archive_path, tmp)
        if confirm is not None and not confirm(meta):
            raise BackupError("已取消，没有改动任何内容。")
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
