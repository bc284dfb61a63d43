"""A damaged, cut-short or foreign backup is refused before anything changes.

Each bad archive is made from a real backup the way it happens in life (a copy cut short, a flipped
byte, somebody else's tar.gz, a member added or lost, a backup from a newer Kepu or the other
engine). After the backup the installation is changed (a story deleted, an upload added), so a
restore that went through would show; each refusal must name the file, say that nothing changed,
and leave the database (row counts of every table, a digest of pages, revisions and images) and the
media/ and site/ folders exactly as they were.
"""

import hashlib
import io
import json
import tarfile

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from cms.stories.models import StoryPage
from tests.conftest import make_image, make_story

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DIGESTED = ("wagtailcore_page", "wagtailcore_revision", "wagtailimages_image")


def database_state():
    tables = sorted(connection.introspection.table_names())
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
        digests = {}
        for table in DIGESTED:
            cursor.execute(f'SELECT * FROM "{table}" ORDER BY 1')
            digests[table] = hashlib.sha256(repr(cursor.fetchall()).encode()).hexdigest()
    return counts, digests


def folder_state(root):
    return sorted(
        (path.relative_to(root).as_posix(), path.is_dir() or hashlib.sha256(path.read_bytes()).hexdigest())
        for path in root.rglob("*")
    )


def installation():
    return database_state(), folder_state(settings.MEDIA_ROOT), folder_state(settings.KEPU_SITE_DIR)


@pytest.fixture
def good_backup(programme, tmp_path, settings):
    settings.KEPU_SITE_DIR = tmp_path / "site"
    (settings.KEPU_SITE_DIR / "gushi").mkdir(parents=True)
    (settings.KEPU_SITE_DIR / "index.html").write_text("<h1>科普</h1>", encoding="utf-8")
    (settings.KEPU_SITE_DIR / "gushi" / "index.html").write_text("<h1>故事</h1>", encoding="utf-8")
    make_story(programme, portrait=make_image("肖像"), portrait_alt="示意肖像")
    make_story(programme, title="草稿", slug="caogao", publish=False)
    archive = tmp_path / "kepu.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    # Since the backup: a story deleted, an upload added. A restore would undo both.
    StoryPage.objects.filter(slug="caogao").delete()
    (settings.MEDIA_ROOT / "later.txt").write_text("备份之后上传的", encoding="utf-8")
    return archive


def members(archive):
    with tarfile.open(archive, "r:gz") as tar:
        return [(info, tar.extractfile(info).read() if info.isfile() else None) for info in tar.getmembers()]


def write(path, entries):
    with tarfile.open(path, "w:gz") as tar:
        for info, data in entries:
            info.size = len(data) if data is not None else 0
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def with_checksums(entries):
    """The entries with the checksum list recomputed to match them (as a careful forger would)."""
    body = [(info, data) for info, data in entries if info.name != "kepu-backup-checksums.json"]
    sums = {info.name: data and hashlib.sha256(data).hexdigest() for info, data in body}
    return [*body, (tarfile.TarInfo("kepu-backup-checksums.json"), json.dumps(sums).encode())]


def with_header(entries, **changes):
    info, data = entries[0]
    header = {**json.loads(data), **changes}
    return with_checksums([(info, json.dumps(header).encode()), *entries[1:]])


def flipped(data, at):
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:]


def cut(size):
    return lambda archive, out: out.write_bytes(archive.read_bytes()[:size(archive.stat().st_size)])


def flip_compressed(archive, out):
    data = archive.read_bytes()
    out.write_bytes(flipped(data, len(data) // 2))


def flip_database_byte(archive, out):
    entries = [
        (info, flipped(data, len(data) // 2) if info.name.startswith("database.") else data)
        for info, data in members(archive)
    ]
    write(out, entries)  # gzip is whole; only the member's SHA-256 can tell


def foreign(archive, out):
    write(out, [(tarfile.TarInfo("notes/readme.txt"), "别人的文件".encode())])


def extra_member(archive, out):
    entries = members(archive)
    write(out, [*entries[:-1], (tarfile.TarInfo("media/extra.txt"), b"not in the list"), entries[-1]])


def missing_member(archive, out):
    entries = members(archive)
    lost = next(info.name for info, data in entries if info.name.startswith("media/original_images/") and info.isfile())
    write(out, [(info, data) for info, data in entries if info.name != lost])


def newer_kepu(archive, out):
    entries = members(archive)
    header = json.loads(entries[0][1])
    write(out, with_header(entries, migrations=[*header["migrations"], "stories.9999_from_the_future"]))


def other_engine(archive, out):
    other = {"sqlite": ("postgresql", "database.pgdump"), "postgresql": ("sqlite", "database.sqlite3")}
    engine, database = other[connection.vendor]
    write(out, with_header(members(archive), engine=engine, database=database))


def older_format(archive, out):
    write(out, with_header(members(archive), format=1, kind=None))


CASES = {
    "cut to 100 B": (cut(lambda size: 100), "不完整，拒绝恢复：文件在结尾之前就断了"),
    "cut to half": (cut(lambda size: size // 2), "不完整，拒绝恢复：文件在结尾之前就断了"),
    "all but the last KiB": (cut(lambda size: size - 1024), "不完整，拒绝恢复：文件在结尾之前就断了"),
    "all but the last 10 bytes": (cut(lambda size: size - 10), "不完整，拒绝恢复：文件在结尾之前就断了"),
    # A flipped compressed byte breaks deflate or gzip's CRC, or ends the stream early: both refuse.
    "a byte flipped in the compressed stream": (flip_compressed, "(已损坏|不完整)，拒绝恢复"),
    "a byte flipped in the database member": (
        flip_database_byte, "已损坏，拒绝恢复：1 个条目的 SHA-256 与校验清单不符，如 database\\."),
    "a foreign tar.gz": (foreign, "不是 Kepu 备份：开头没有 kepu-backup.json"),
    "an extra member": (extra_member, "已损坏，拒绝恢复：多出 1 个校验清单里没有的条目，如 media/extra.txt"),
    "a member missing": (missing_member, "已损坏，拒绝恢复：缺少 1 个条目，如 media/original_images/"),
    "a backup from a newer Kepu": (newer_kepu, "更新的 Kepu 版本.*stories.9999_from_the_future.*请先升级 Kepu"),
    "a backup from the other engine": (other_engine, "不能恢复到这个安装：这份备份来自 (SQLite|PostgreSQL) 数据库"),
    "a backup in the format before checksums": (older_format, "备份格式版本 1 与本版本 Kepu 的格式 2 不同"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_backup_is_refused_and_changes_nothing(case, good_backup, tmp_path):
    make_bad, expected = CASES[case]
    bad = tmp_path / "bad.tar.gz"
    make_bad(good_backup, bad)
    before = installation()

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(bad), interactive=False, stdout=io.StringIO())

    message = str(refused.value)
    assert message.startswith(f"备份文件 {bad} "), message
    assert "没有改动任何内容；请" in message, message
    assert refused.match(expected)
    assert installation() == before


def test_a_member_that_climbs_out_is_refused_even_with_a_matching_list(good_backup, tmp_path):
    """Checksums say the archive is as written, not that it is safe: a name leading out of the
    scratch folder is refused before it is written."""
    entries = members(good_backup)
    bad = write(tmp_path / "bad.tar.gz", with_checksums([*entries[:-1], (tarfile.TarInfo("../escape.txt"), b"x")]))
    before = installation()
    with pytest.raises(CommandError, match="已损坏，拒绝恢复：条目 ../escape.txt 会写到解压目录之外"):
        call_command("restore", str(bad), interactive=False)
    assert installation() == before
    assert not (tmp_path.parent / "escape.txt").exists()


def test_the_question_comes_after_the_check(good_backup, tmp_path, monkeypatch):
    """Asked only once the whole archive is known good; a cut archive gets no question at all."""
    asked = []
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or "no")
    bad = tmp_path / "bad.tar.gz"
    cut(lambda size: size - 10)(good_backup, bad)
    with pytest.raises(CommandError, match="不完整"):
        call_command("restore", str(bad))
    assert asked == []
    with pytest.raises(CommandError, match="已取消"):
        call_command("restore", str(good_backup))
    assert len(asked) == 1 and asked[0].startswith("备份已校验完好。")
