"""The Traditional mirror's conversion shared out to processes (KEPU_BUILD_PROCESSES,
mirror_site.shared_out): a full publish converts in forked processes and writes the very bytes one
process writes; a share that fails or dies fails the export, with every forked process reaped."""

import os
import signal
from pathlib import Path

import pytest

from cms.hant.models import MirrorSettings
from cms.publish import mirror_site, swap
from cms.publish.errors import ExportError
from cms.publish.mkdocs_plugin import shards
from cms.publish.pipeline import publish
from cms.publish.state import PublishState
from tests.conftest import make_story
from tests.publish import test_build_processes
from tests.publish.trees import folders, snapshot  # noqa: F401 (a fixture)

forks, reaped = test_build_processes.forks, test_build_processes.reaped  # (the pids forked; waited for?)


@pytest.fixture(autouse=True)
def small_shares(monkeypatch):
    """Small conversions shared out too (a process per document at least)."""
    monkeypatch.setattr(mirror_site, "PER_PROCESS", 1)


@pytest.mark.django_db
@pytest.mark.usefixtures("folders")
def test_a_mirror_converted_by_two_processes_is_the_one_converted_by_one(settings, programme, forks, monkeypatch):
    monkeypatch.setattr(shards, "PAGES_PER_PROCESS", 10_000)  # (the builds in one process: the forks are the mirror's)
    mirror = MirrorSettings.load()
    mirror.enabled, mirror.profile, mirror.prefix = True, "s2hk", "zh-hant"
    mirror.save()
    for title, slug in [("李四光：地质力学", "li-siguang"), ("华罗庚与数学", "hua-luogeng"),
                        ("钱三强的核物理", "qian-sanqiang"), ("袁隆平：杂交水稻", "yuan-longping")]:
        story = make_story(programme, title=title, slug=slug, body=[("paragraph", f"<p>{title}的故事，发展软件。</p>")])
        story.tags.add("科学家", title[:3])
        story.save_revision().publish()
    content_hant = Path(settings.KEPU_CONTENT_DIR).with_name("content-hant")

    def published(processes):
        settings.KEPU_BUILD_PROCESSES = processes
        result = publish(full=True, state=PublishState(restored=True))  # nothing kept: every document converted
        return snapshot(content_hant), snapshot(Path(swap.builds_dir()) / result.build_id / "site")

    one = published(1)
    assert not forks
    two = published(3)
    # Two converting beside this process, one building the mirror beside the Simplified build (build.run_jobs).
    assert len(forks) == 3 and all(reaped(pid) for pid in forks)
    assert two == one
    assert "軟件" in (content_hant / "gezhi-lundao" / "li-siguang.md").read_text()


def convert(item):
    return (item, os.getpid(), "繁" * item)


def test_results_come_back_in_order_from_every_process(forks):
    results = mirror_site.shared_out(convert, list(range(7)), 3)
    assert [value for value, _pid, _text in results] == list(range(7))
    assert [text for _value, _pid, text in results] == ["繁" * n for n in range(7)]
    assert {pid for _value, pid, _text in results} == {os.getpid(), *forks}  # item i by process i mod 3
    assert [pid for _value, pid, _text in results][1::3] == [forks[0]] * 2
    assert len(forks) == 2 and all(reaped(pid) for pid in forks)


@pytest.mark.parametrize("how", ["raises", "dies"])
def test_a_failed_or_dead_share_fails_the_export_and_every_process_is_reaped(forks, how):
    parent = os.getpid()

    def failing(item):
        if item == 4 and os.getpid() != parent:  # (item 4 of 6 goes to the second forked process)
            if how == "dies":
                os.kill(os.getpid(), signal.SIGKILL)
            raise ValueError("坏文档")
        return item

    with pytest.raises(ExportError, match="繁体站转换失败：" + ("ValueError: 坏文档" if how == "raises" else "")):
        mirror_site.shared_out(failing, list(range(6)), 3)
    assert len(forks) == 2 and all(reaped(pid) for pid in forks)


def test_when_its_own_share_fails_the_forked_processes_are_stopped_and_reaped(forks):
    parent = os.getpid()

    def failing(item):
        if os.getpid() == parent:
            raise ValueError("本进程失败")
        return item

    with pytest.raises(ValueError, match="本进程失败"):
        mirror_site.shared_out(failing, list(range(6)), 2)
    assert len(forks) == 1 and reaped(forks[0])
