"""The build step's two shortcuts, each against what it replaces.

- An incremental build given the paths docs_dir holds (``sources``, from the manifest) does not walk
  docs_dir: its file list (the plugin's ListedFiles) holds the files whose output is missing, and finds
  every other one when a page links to it. The same files as MkDocs' walk, the same bytes as a full build.
- The two builds of a publish side by side (``build.run_jobs``): a failure in either fails the step,
  with the forked process reaped and nothing moved into place.
"""

import os
import shutil
import signal
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import get_files

from cms.publish import build, fsutil, paths
from cms.publish import forks as shared_out
from cms.publish.errors import BuildError
from cms.publish.mkdocs_plugin import plugin as kepu_plugin
from cms.publish.mkdocs_plugin import shards
from tests.publish import test_build_processes
from tests.publish.trees import snapshot

forks, reaped = test_build_processes.forks, test_build_processes.reaped  # (forks: a fixture)

SITE = SimpleNamespace(site_name="测试", base_url="https://kepu.example.org/", description="", copyright="")


def page(title, body):
    return f'---\n{{"title": "{title}"}}\n---\n\n{body}\n'


# A content folder as the export writes one: pages in folders, a listing in the navigation, images,
# a file beside a page, a feed, README.md and the manifest's own file (which MkDocs leaves out).
FILES = {
    "index.md": page("首页", "见[栏目](gezhi/index.md)与[李四光](gezhi/li.md)。"),
    "gezhi/index.md": page("格致论道", "[李四光](li.md)，[华罗庚](hua.md)。"),
    "gezhi/li.md": page("李四光", '![肖像](../media/li.png)\n\n<img src="../media/li.png" srcset="../media/li.png 2x">'
                              "\n\n见[华罗庚](hua.md#早年)，[附件](li/qr.svg)，[订阅](../feed.xml)。"),
    "gezhi/hua.md": page("华罗庚", "## 早年\n\n见[李四光](li.md)。"),
    "gezhi/li/qr.svg": "<svg/>",
    "media/li.png": "png",
    "feed.xml": "<rss/>",
    "README.md": "# 说明",
    ".manifest.json": "{}",
}
NAV = [{"title": "格致论道", "path": "gezhi/index.md"}]
LISTED = ["index.md", "gezhi/index.md", "gezhi/li.md", "gezhi/hua.md", "gezhi/li/qr.svg", "media/li.png", "feed.xml"]


def content(root, files):
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
    return root


def config_file(root, docs, site_dir):
    root.mkdir(parents=True, exist_ok=True)
    config = build.mkdocs_config(site=SITE, content_dir=docs, site_dir=site_dir, nav=NAV)
    build.write_config(root / "mkdocs.yml", config)
    return root / "mkdocs.yml"


def test_the_listed_files_are_mkdocs_files(tmp_path):
    """Every path of ``sources`` is found as the File MkDocs' walk makes of it (its URL, output and
    source), and what the walk lists besides is what MkDocs leaves out anyway."""
    docs = content(tmp_path / "docs", FILES)
    config = load_config(config_file=str(config_file(tmp_path, docs, tmp_path / "site")))
    walked = get_files(config)
    listed = kepu_plugin.ListedFiles([], set(LISTED), config)
    for uri in LISTED:
        mine, theirs = listed.get_file_from_path(uri), walked.get_file_from_path(uri)
        assert (mine.dest_uri, mine.url, mine.abs_src_path, mine.abs_dest_path) == (
            theirs.dest_uri, theirs.url, theirs.abs_src_path, theirs.abs_dest_path), uri
        assert mine.dest_uri == paths.output_path(uri)
        assert mine.inclusion.is_included() or mine.is_documentation_page()  # an unchanged page: excluded
    assert {file.src_uri for file in walked if file.inclusion.is_included()} == set(LISTED)
    assert listed.get_file_from_path("README.md") is None and listed.get_file_from_path("missing.md") is None


def test_an_incremental_build_from_the_manifest_equals_a_full_build(settings, tmp_path, monkeypatch):
    settings.KEPU_BUILD_PROCESSES = 1
    docs = content(tmp_path / "docs", FILES)
    live = tmp_path / "live"
    build.run_mkdocs(config_file(live, docs, live / "site"), source_date_epoch=0)

    # An edit of one page, a new page with a new image; their outputs are missing from the new build.
    changed = {"gezhi/hua.md": page("华罗庚", "## 早年\n\n自学成才。见[李四光](li.md)与[袁隆平](yuan.md)。"),
               "gezhi/yuan.md": page("袁隆平", "![稻](../media/rice.png)，[李四光](li.md)。"),
               "media/rice.png": "rice"}
    content(docs, changed)
    staging = tmp_path / "staging"
    fsutil.link_tree(live / "site", staging / "site")
    for uri in changed:
        out = staging / "site" / paths.output_path(uri)
        if out.exists():
            out.unlink()
    walked, made, walk, mkdtemp = [], [], os.walk, tempfile.mkdtemp
    monkeypatch.setattr(os, "walk", lambda top, *args, **kwargs: walked.append(top) or walk(top, *args, **kwargs))
    monkeypatch.setattr(tempfile, "mkdtemp", lambda *args, **kwargs: made.append(mkdtemp(*args, **kwargs)) or made[-1])
    warnings = build.run_mkdocs(config_file(staging, docs, staging / "site"), source_date_epoch=0, dirty=True,
                                sources=[*LISTED, *changed])
    monkeypatch.undo()
    assert walked and not any(Path(top) == docs for top in walked)  # docs_dir was not walked (the theme's were)
    assert made and not any(Path(folder).exists() for folder in made)  # the empty folder listed instead: gone

    full = tmp_path / "full"
    full_warnings = build.run_mkdocs(config_file(full, docs, full / "site"), source_date_epoch=0)
    assert snapshot(staging / "site") == snapshot(full / "site")
    assert warnings == full_warnings
    # Unchanged pages are the live build's files (hard links), the changed ones new.
    assert (staging / "site/gezhi/li/index.html").stat().st_ino == (live / "site/gezhi/li/index.html").stat().st_ino
    assert (staging / "site/gezhi/hua/index.html").stat().st_ino != (live / "site/gezhi/hua/index.html").stat().st_ino


@pytest.mark.parametrize("broken", ["first", "beside"])
def test_a_failed_build_fails_the_step_with_every_process_reaped(settings, tmp_path, forks, broken):
    settings.KEPU_BUILD_PROCESSES = 2
    bad = {**FILES, "gezhi/li.md": '---\n{"title": "坏页", "template": "no-such-template.html"}\n---\n\n正文\n'}
    moved = []
    jobs = []
    for name in ("first", "beside"):
        docs = content(tmp_path / name / "docs", bad if name == broken else FILES)
        jobs.append(build.Job(config_file(tmp_path / name, docs, tmp_path / name / "site"),
                              after=lambda name=name: moved.append(name)))
    with pytest.raises(BuildError, match="mkdocs 构建失败：.*no-such-template.html"):
        build.run_jobs(jobs)
    assert len(forks) == 1 and reaped(forks[0])
    assert not moved


def test_builds_side_by_side_are_the_builds_one_after_the_other(settings, tmp_path, forks):
    def step(processes):
        settings.KEPU_BUILD_PROCESSES = processes
        root = tmp_path / str(processes)
        jobs = []
        for name, files in (("a", FILES), ("b", {**FILES, "index.md": page("首页", "见[不存在](nowhere.md)。")})):
            docs = content(root / name / "docs", files)
            jobs.append(build.Job(config_file(root / name, docs, root / name / "site")))
        warnings = build.run_jobs(jobs)
        return warnings, snapshot(root / "a" / "site"), snapshot(root / "b" / "site")

    one = step(1)
    assert not forks
    two = step(2)
    assert len(forks) == 1 and reaped(forks[0])
    assert two == one
    assert any("nowhere.md" in warning for warning in two[0])  # the warnings of the build beside, too
    shutil.rmtree(tmp_path / "1")


def test_a_build_beside_a_killed_publish_stops_at_its_next_page():
    """The publish process is SIGKILLed while the mirror's build runs beside it: that build stops (its
    staging folder is not for anyone to write into any more) instead of running on as an orphan."""
    started, ended = os.pipe(), os.pipe()  # ended: its write end held by the build beside until it ends
    publish = os.fork()
    if publish == 0:  # the publish process: starts the build beside, then blocks until killed
        try:
            os.close(started[0])
            os.close(ended[0])

            parent = os.getpid()

            def build(share):  # forks.map as build.run_jobs calls it: share 0 here, share 1 beside
                if share == 0:
                    os.close(ended[1])
                    os.read(os.pipe()[0], 1)  # (never written: this process blocks until killed)
                watch = shards.Shards(parent=parent)
                os.write(started[1], b"1")
                while True:  # a page after another
                    watch.check_parent()

            shared_out.map(build, [0, 1], 2, per_process=1)
        finally:
            os._exit(0)
    os.close(started[1])
    os.close(ended[1])
    assert os.read(started[0], 1) == b"1"
    os.kill(publish, signal.SIGKILL)
    os.waitpid(publish, 0)
    assert os.read(ended[0], 1) == b""  # (EOF: the build beside has ended)
    os.close(started[0])
    os.close(ended[0])
