"""The MkDocs build with its pages shared out to processes (KEPU_BUILD_PROCESSES, mkdocs_plugin/shards.py):
the same bytes and warnings as a build in one process, and a failure in any process fails the build,
with every forked process reaped."""

import os
import signal
from pathlib import Path
from types import SimpleNamespace

import pytest

from cms.hant.models import MirrorSettings
from cms.publish import build, swap
from cms.publish.errors import BuildError
from cms.publish.mkdocs_plugin import shards
from cms.publish.pipeline import publish
from tests.conftest import make_image, make_story
from tests.publish.trees import snapshot


@pytest.fixture
def forks(monkeypatch):
    """Small builds shared out too (a process per page at least), and the pid of every process forked."""
    monkeypatch.setattr(shards, "PAGES_PER_PROCESS", 1)
    pids, fork = [], os.fork

    def recorded():
        pid = fork()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", recorded)
    return pids


def reaped(pid):
    """Neither running nor left a zombie: the build waited for it."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@pytest.mark.django_db
@pytest.mark.usefixtures("folders")
def test_a_site_built_by_two_processes_is_the_one_built_by_one(settings, programme, forks):
    """A full build, and an incremental one (MkDocs' --dirty) after an edit: the changed pages shared out."""
    mirror = MirrorSettings.load()  # the Traditional mirror's build is shared out as well
    mirror.enabled, mirror.profile, mirror.prefix = True, "s2hk", "zh-hant"
    mirror.save()
    portrait = make_image("肖像", size=(600, 600))
    for number, (title, slug) in enumerate([("李四光", "li-siguang"), ("华罗庚", "hua-luogeng"),
                                            ("钱三强", "qian-sanqiang"), ("袁隆平", "yuan-longping")]):
        body = [("paragraph", f'<p>见<a href="/gezhi-lundao/">{title}的栏目</a>。</p>')]
        story = make_story(programme, title=title, slug=slug, portrait=portrait if number % 2 else None,
                           portrait_alt=title, body=body)
        story.tags.add("科学家", title)
        story.save_revision().publish()

    def built(processes, full=True):
        settings.KEPU_BUILD_PROCESSES = processes
        result = publish(full=full)
        assert result.incremental is not full
        return snapshot(Path(swap.builds_dir()) / result.build_id / "site"), sorted(result.warnings)

    one = built(1)
    assert not forks
    two = built(2)
    # The mirror's build in a process of its own beside the site's, each build in one process.
    assert len(forks) == 1 and all(reaped(pid) for pid in forks)
    assert two == one
    assert any(path.startswith("zh-hant/gezhi-lundao/li-siguang/") for path in two[0])
    four = built(4)  # two builds side by side, each shared out to two processes
    assert len(forks) == 3 and all(reaped(pid) for pid in forks)  # (the mirror's second: forked by its own)
    assert four == one

    story.title = "袁隆平：杂交水稻之父"  # its page, the listing, its tag pages
    story.save_revision().publish()
    incremental = built(2, full=False)
    # The incremental builds one after the other in this process (build.run_jobs), each shared out to two.
    assert len(forks) == 5 and all(reaped(pid) for pid in forks)
    assert incremental == built(1)


def docs_tree(root, pages):
    """A minimal MkDocs source: ``pages`` {name: Markdown body or (front matter JSON, body)}."""
    docs = root / "docs"
    (docs / "media").mkdir(parents=True)
    (docs / "media" / "note.txt").write_text("附件", "utf-8")
    for name, text in pages.items():
        meta, body = text if isinstance(text, tuple) else (f'{{"title": "{name}"}}', text)
        (docs / name).write_text(f"---\n{meta}\n---\n\n{body}\n", "utf-8")
    site = SimpleNamespace(site_name="测试", base_url="https://kepu.example.org/", description="", copyright="")
    config = build.mkdocs_config(site=site, content_dir=docs, site_dir=root / "site", nav=[])
    build.write_config(root / "mkdocs.yml", config)
    return root / "mkdocs.yml"


def run(config_file, settings, processes):
    settings.KEPU_BUILD_PROCESSES = processes
    return build.run_mkdocs(config_file, source_date_epoch=0)


@pytest.fixture
def plugins(monkeypatch):
    """The plugin of each build run (its ``written``: the files MkDocs wrote, by every process)."""
    made = []

    class Recorded(build.KepuPlugin):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(build, "KepuPlugin", Recorded)
    return made


# MkDocs lists index.md first, then by name: with two processes the build process takes index.md and
# b.md, the forked one a.md and c.md.
PAGES = {"index.md": "首页，见 [甲](a.md)。", "a.md": "甲，见 [不存在](missing.md)。",
         "b.md": "乙，[附件](media/note.txt)。", "c.md": "丙，见 [乙](b.md)。"}


def test_each_file_is_written_once_and_the_warnings_of_every_process_are_returned(settings, tmp_path, forks,
                                                                                     plugins):
    one = run(docs_tree(tmp_path / "one", PAGES), settings, 1)
    before = snapshot(tmp_path / "one" / "site")
    two = run(docs_tree(tmp_path / "two", PAGES), settings, 2)
    assert len(forks) == 1 and reaped(forks[0])
    assert snapshot(tmp_path / "two" / "site") == before
    written_once, written_by_two = plugins[0].written, plugins[1].written
    assert "a.md" not in written_by_two and {"a/index.html", "404.html", "media/note.txt"} <= set(written_by_two)
    assert sorted(written_by_two) == sorted(written_once)  # (no file twice)
    assert two == one
    assert any("'a.md' contains a link 'missing.md'" in warning for warning in two)  # a.md: the forked process's


@pytest.mark.parametrize("broken", ["a.md", "b.md"])  # in the forked process's share, in the build process's
def test_a_failed_share_fails_the_build_and_every_process_is_reaped(settings, tmp_path, forks, broken):
    pages = {**PAGES, broken: ('{"title": "坏页", "template": "no-such-template.html"}', "正文")}
    with pytest.raises(BuildError, match="mkdocs 构建失败：.*no-such-template.html"):
        run(docs_tree(tmp_path, pages), settings, 2)
    assert len(forks) == 1 and reaped(forks[0])


def test_a_forked_process_that_dies_fails_the_build(settings, tmp_path, forks, monkeypatch):
    def dies_in_forked_process(self):
        if self.forked:
            os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(shards.Shards, "check_parent", dies_in_forked_process)
    with pytest.raises(BuildError, match="构建子进程被信号 9 终止"):
        run(docs_tree(tmp_path, PAGES), settings, 2)
    assert len(forks) == 1 and reaped(forks[0])


def test_a_small_build_stays_in_one_process(settings, tmp_path, monkeypatch):
    """An approval's few pages are not worth a fork (PAGES_PER_PROCESS as it is)."""
    forked = []
    monkeypatch.setattr(os, "fork", lambda: forked.append(1))
    run(docs_tree(tmp_path, PAGES), settings, 8)
    assert not forked
