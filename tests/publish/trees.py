"""What publishing tests share: the ``folders`` fixture and ways to look at a built tree.

``folders`` is a plain fixture (tests/publish/conftest.py offers it to this folder); a module
that wants it for every test says ``pytestmark = pytest.mark.usefixtures("folders")``. A test
module outside tests/publish/ imports it from here.
"""

import hashlib
import os
from pathlib import Path

import pytest


@pytest.fixture
def folders(settings, tmp_path):
    """content/, site/ and builds/ in the test's own tmp_path."""
    settings.KEPU_CONTENT_DIR = tmp_path / "content"
    settings.KEPU_SITE_DIR = tmp_path / "site"
    settings.KEPU_BUILDS_DIR = tmp_path / "builds"
    return tmp_path


def snapshot(root):
    """{relative path: sha256} of every file under root (following the site/ link)."""
    root = Path(os.path.realpath(root))
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*")) if p.is_file()
    }


def inodes(root):
    """{relative path: inode} of every file under root: which files are the very same ones."""
    root = Path(root)
    return {p.relative_to(root).as_posix(): p.stat().st_ino for p in root.rglob("*") if p.is_file()}


def site_text(settings):
    """All text the public can reach, except the theme's own assets."""
    root = Path(os.path.realpath(settings.KEPU_SITE_DIR))
    chunks = []
    for path in sorted(root.rglob("*")):
        public = path.suffix in (".html", ".json", ".xml") and "assets" not in path.relative_to(root).parts
        if path.is_file() and public:
            chunks.append(path.read_text("utf-8"))
    return "\n".join(chunks)


def site_file(settings, *parts):
    return Path(settings.KEPU_SITE_DIR, *parts)
