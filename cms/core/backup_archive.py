"""The backup archive: a ``.tar.gz`` that says what it is first and lists a SHA-256 of every member last.

Members, in order: ``kepu-backup.json`` (what the backup is: format, engine, migrations, folders),
the database file, each folder's directories and files, and ``kepu-backup-checksums.json``
(``{member name: sha256, or null for a directory}`` of every member before it).

:func:`unpack` reads an archive through to the end of the gzip stream (so gzip's own CRC and length
are checked too) into a scratch folder, and raises :class:`ArchiveRefused` unless every member is
there exactly as listed, nothing more; the caller touches nothing before it returns.
"""

import gzip
import hashlib
import io
import json
import os
import tarfile
import zlib
from pathlib import Path

HEADER = "kepu-backup.json"
CHECKSUMS = "kepu-backup-checksums.json"
KIND = "kepu-backup"
CHUNK = 1 << 20


class ArchiveRefused(Exception):
    """Why an archive cannot be restored: ``kind`` (foreign, truncated, damaged, unreadable or
    incompatible), what was found and, if the caller knows better than the usual, what to do."""

    def __init__(self, kind, detail, advice=None):
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.advice = advice


class _Hashing:
    """A file wrapper that hashes what is read through it (what the archive holds, byte for byte)."""

    def __init__(self, raw):
        self.raw = raw
        self.sha = hashlib.sha256()

    def read(self, size=-1):
        data = self.raw.read(size)
        self.sha.update(data)
        return data


class Writer:
    """Adds members to an open ``tarfile`` (mode ``w:gz``) and remembers each one's checksum."""

    def __init__(self, tar):
        self.tar = tar
        self.sums = {}

    def add_bytes(self, name, data):
        info = tarfile.TarInfo(name)
        info.size = len(data)
        self.tar.addfile(info, io.BytesIO(data))
        self.sums[name] = hashlib.sha256(data).hexdigest()

    def add_file(self, name, path):
        try:
            raw = open(path, "rb")  # noqa: SIM115 (closed below)
        except FileNotFoundError:
            return  # deleted while the backup was being taken: it is simply not in it
        with raw:
            info = self.tar.gettarinfo(arcname=name, fileobj=raw)
            reader = _Hashing(raw)
            self.tar.addfile(info, reader)
        self.sums[name] = reader.sha.hexdigest()

    def add_tree(self, name, root):
        """A folder's directories and regular files (links to files as files; nothing else)."""
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            relative = Path(dirpath).relative_to(root).as_posix()
            arcname = name if relative == "." else f"{name}/{relative}"
            self.tar.addfile(self.tar.gettarinfo(dirpath, arcname=arcname))
            self.sums[arcname] = None
            for filename in sorted(filenames):
                path = Path(dirpath) / filename
                if path.is_file():
                    self.add_file(f"{arcname}/{filename}", path)

    def finish(self):
        self.add_bytes(CHECKSUMS, json.dumps(self.sums, ensure_ascii=False, indent=1).encode())


def unpack(archive_path, into, check_header):
    """Verify ``archive_path`` while extracting it into the empty folder ``into``; return its header.

    ``check_header(header)`` runs as soon as the header is read and raises to refuse the archive
    early (an older format without checksums, the other engine, a newer schema)."""
    try:
        with open(archive_path, "rb") as raw:
            if raw.read(2) != b"\x1f\x8b":
                raise ArchiveRefused("foreign", "不是 gzip 压缩的文件")
            raw.seek(0)
            with gzip.GzipFile(fileobj=raw) as stream:
                header = _unpack_tar(stream, Path(into), check_header)
                while stream.read(CHUNK):  # to the very end: gzip checks its CRC and length here
                    pass
    except EOFError as error:
        raise ArchiveRefused("truncated", "文件在结尾之前就断了（可能是复制或下载时中断）") from error
    except (gzip.BadGzipFile, zlib.error) as error:
        raise ArchiveRefused("damaged", f"压缩数据校验失败：{error}") from error
    except tarfile.TarError as error:
        if "unexpected end of data" in str(error):
            raise ArchiveRefused("truncated", "文件在结尾之前就断了（可能是复制或下载时中断）") from error
        raise ArchiveRefused("damaged", f"tar 结构损坏：{error}") from error
    except ValueError as error:  # the checksum list is not JSON
        raise ArchiveRefused("damaged", f"校验清单无法读取：{error}") from error
    except OSError as error:
        raise ArchiveRefused("unreadable", f"读取或解压时出错：{error}") from error
    return header


def _read_small(tar, member):
    """A small member's bytes and SHA-256."""
    data = tar.extractfile(member).read()
    return data, hashlib.sha256(data).hexdigest()


def _extract(tar, member, target):
    """Write a file member to ``target``; return the SHA-256 of what was written."""
    source, sha = tar.extractfile(member), hashlib.sha256()
    with open(target, "wb") as out:
        while data := source.read(CHUNK):
            sha.update(data)
            out.write(data)
    os.utime(target, (member.mtime, member.mtime))
    return sha.hexdigest()


def _unpack_tar(stream, into, check_header):
    with tarfile.open(fileobj=stream, mode="r|") as tar:
        members = iter(tar)
        first = next(members, None)
        if first is None or first.name != HEADER or not first.isfile() or first.size > CHUNK:
            raise ArchiveRefused("foreign", f"开头没有 {HEADER}")
        data, header_sum = _read_small(tar, first)
        try:
            header = json.loads(data)
        except ValueError as error:
            raise ArchiveRefused("foreign", f"{HEADER} 不是 JSON") from error
        if not isinstance(header, dict) or (header.get("kind") != KIND and "format" not in header):
            raise ArchiveRefused("foreign", f"{HEADER} 不是 Kepu 备份的说明")
        check_header(header)
        seen, listed = {HEADER: header_sum}, None
        for member in members:
            if listed is not None:
                raise ArchiveRefused("damaged", f"校验清单之后还有多出的条目 {member.name}")
            if member.name == CHECKSUMS and member.isfile() and member.size <= 64 * CHUNK:
                listed = json.loads(_read_small(tar, member)[0])
                continue
            if member.name in seen:
                raise ArchiveRefused("damaged", f"条目 {member.name} 出现了两次")
            try:
                tarfile.data_filter(member, str(into))  # no absolute paths, no "..", no links out
            except tarfile.FilterError as error:
                raise ArchiveRefused("damaged", f"条目 {member.name} 会写到解压目录之外") from error
            target = into / member.name
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
                seen[member.name] = None
            elif member.isfile():
                target.parent.mkdir(parents=True, exist_ok=True)
                seen[member.name] = _extract(tar, member, target)
            else:
                raise ArchiveRefused("damaged", f"含有备份不会写出的条目 {member.name}")
    if listed is None:
        raise ArchiveRefused("damaged", f"缺少校验清单 {CHECKSUMS}")
    _compare(seen, listed)
    return header


def _compare(seen, listed):
    if not isinstance(listed, dict):
        raise ArchiveRefused("damaged", f"{CHECKSUMS} 的格式不对")
    missing = sorted(set(listed) - set(seen))
    if missing:
        raise ArchiveRefused("damaged", f"缺少 {len(missing)} 个条目，如 {missing[0]}")
    extra = sorted(set(seen) - set(listed))
    if extra:
        raise ArchiveRefused("damaged", f"多出 {len(extra)} 个校验清单里没有的条目，如 {extra[0]}")
    wrong = sorted(name for name in seen if seen[name] != listed[name])
    if wrong:
        raise ArchiveRefused("damaged", f"{len(wrong)} 个条目的 SHA-256 与校验清单不符，如 {wrong[0]}")
