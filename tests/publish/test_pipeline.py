"""The publish step: live pages → content/ → a verified build swapped into site/."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.utils import timezone
from wagtail.models import GroupApprovalTask, Page, PageViewRestriction, Workflow, WorkflowTask

from cms.publish import swap
from cms.publish.errors import VerificationError
from cms.publish.models import PublishJob
from cms.publish.pipeline import publish
from tests.conftest import make_story
from tests.publish.trees import site_file, site_text, snapshot

pytestmark = pytest.mark.usefixtures("folders")


def test_only_live_public_pages_reach_the_site(settings, programme, users):
    live = make_story(programme, title="活页甲 LIVEMARK", slug="live-a", body=[("paragraph", "<p>LIVEBODY</p>")])
    live.tags.add("甲标签")
    live.save_revision().publish()
    live.body = [("paragraph", "<p>DRAFTSECRET</p>")]
    live.save_revision()  # a newer draft revision of a live page

    make_story(programme, title="草稿 DRAFTMARK", slug="draft", publish=False)

    in_review = make_story(programme, title="审核中 REVIEWMARK", slug="review", publish=False)
    workflow = Workflow.objects.create(name="测试流程")
    task = GroupApprovalTask.objects.create(name="初审")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    workflow.start(in_review, users["editor"])
    assert in_review.workflow_in_progress

    unpublished = make_story(programme, title="已撤下 UNPUBMARK", slug="unpublished")
    unpublished.unpublish()

    expired = make_story(programme, title="已过期 EXPIREDMARK", slug="expired")
    Page.objects.filter(pk=expired.pk).update(expire_at=timezone.now() - timedelta(days=1))

    private = make_story(programme, title="私密 PRIVATEMARK", slug="private")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="secret")

    doomed = make_story(programme, title="将删除 DELETEMARK", slug="doomed")
    doomed.tags.add("删除标签")
    doomed.save_revision().publish()
    leaving = make_story(programme, title="将撤下 LEAVINGMARK", slug="leaving")

    result = publish()
    assert result.build_id
    text = site_text(settings)
    for marker in ("LIVEMARK", "LIVEBODY", "DELETEMARK", "LEAVINGMARK"):
        assert marker in text
    for marker in ("DRAFTSECRET", "DRAFTMARK", "REVIEWMARK", "UNPUBMARK", "EXPIREDMARK", "PRIVATEMARK"):
        assert marker not in text, marker
    assert site_file(settings, "gezhi-lundao", "live-a", "index.html").is_file()
    assert not site_file(settings, "gezhi-lundao", "draft").exists()
    assert sorted(result.changes.added) == sorted(
        ["index.md", "gezhi-lundao/index.md", "gezhi-lundao/live-a.md", "gezhi-lundao/doomed.md",
         "gezhi-lundao/leaving.md"]
    )

    # Unpublishing or deleting removes the page and its traces: listings, tags, feed, search, sitemap.
    doomed.delete()
    Page.objects.get(pk=leaving.pk).specific.unpublish()
    result = publish()
    assert result.changes.removed == ["gezhi-lundao/doomed.md", "gezhi-lundao/leaving.md"]
    text = site_text(settings)
    assert "LIVEMARK" in text
    assert "DELETEMARK" not in text and "LEAVINGMARK" not in text
    assert "删除标签" not in text
    assert not site_file(settings, "gezhi-lundao", "doomed").exists()
    assert not Path(settings.KEPU_CONTENT_DIR, "gezhi-lundao", "doomed.md").exists()
    assert "live-a" in site_file(settings, "sitemap.xml").read_text()
    assert "doomed" not in site_file(settings, "sitemap.xml").read_text()


def test_two_publishes_give_identical_trees(settings, programme, image):
    story = make_story(programme, title="量子之光", slug="quantum", portrait=image, portrait_alt="肖像")
    story.tags.add("量子")
    story.save_revision().publish()
    first = publish()
    site_before = snapshot(settings.KEPU_SITE_DIR)
    content_before = snapshot(settings.KEPU_CONTENT_DIR)

    again = publish()
    assert again.up_to_date and again.files_written == 0 and again.build_id is None

    rebuilt = publish(full=True)
    assert rebuilt.build_id != first.build_id
    assert swap.live_build() == rebuilt.build_id
    assert rebuilt.files_written == 0
    assert snapshot(settings.KEPU_SITE_DIR) == site_before
    assert snapshot(settings.KEPU_CONTENT_DIR) == content_before
    # Images became responsive renditions at stable paths, referenced by srcset.
    html = site_file(settings, "gezhi-lundao", "quantum", "index.html").read_text()
    assert f"media/images/{image.pk}-" in html and "480w" in html


def test_incremental_publish_after_editing_one_story(settings, programme):
    story = make_story(programme, title="李四光", slug="li-siguang", body=[("paragraph", "<p>地质学家。</p>")])
    make_story(programme, title="华罗庚", slug="hua-luogeng")
    publish()
    before = snapshot(settings.KEPU_SITE_DIR)

    story.refresh_from_db()  # as an editor opens it: with the time it first went live
    story.body = [("paragraph", "<p>地质学家，中国地质力学的创立者。</p>")]
    story.save_revision().publish()
    result = publish()

    assert result.changes.changed == ["gezhi-lundao/li-siguang.md"]
    assert not result.changes.added and not result.changes.removed
    assert result.files_written == 1
    after = snapshot(settings.KEPU_SITE_DIR)
    changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    assert {p for p in changed if not p.startswith("search/")} == {"gezhi-lundao/li-siguang/index.html"}
    # The search index: a new folder for the one shard holding the page, and the list of shards.
    shards = {p.split("/")[2] for p in changed if p.startswith("search/s/")}
    assert len(shards) == 2 and "search/shards.json" in changed


def test_verification_stops_a_broken_link_and_keeps_the_site(settings, programme):
    make_story(programme, title="好故事", slug="good")
    good = publish()
    before = snapshot(settings.KEPU_SITE_DIR)

    make_story(programme, title="坏链接", slug="bad", body=[("paragraph", '<p><a href="/nowhere/">断链</a></p>')])
    with pytest.raises(VerificationError) as failure:
        publish()
    assert any("/nowhere/" in problem for problem in failure.value.problems)
    assert swap.live_build() == good.build_id
    assert snapshot(settings.KEPU_SITE_DIR) == before
    assert not list(Path(settings.KEPU_BUILDS_DIR).glob(".staging-*"))

    with pytest.raises(CommandError, match="校验失败"):
        call_command("publish_site", "--no-progress")
    job = PublishJob.objects.first()
    assert job.status == PublishJob.Status.FAILED and "/nowhere/" in job.error


def test_rollback_restores_the_previous_build(settings, programme):
    story = make_story(programme, title="第一版", slug="story")
    first = publish()
    first_tree = snapshot(settings.KEPU_SITE_DIR)
    story.title = "第二版"
    story.save_revision().publish()
    second = publish()
    assert snapshot(settings.KEPU_SITE_DIR) != first_tree

    call_command("publish_rollback")
    assert swap.live_build() == first.build_id
    assert snapshot(settings.KEPU_SITE_DIR) == first_tree
    call_command("publish_rollback", second.build_id)
    assert swap.live_build() == second.build_id
    with pytest.raises(CommandError):
        call_command("publish_rollback", "no-such-build")


def test_publish_site_command_reports_a_summary(settings, programme, capsys):
    make_story(programme, title="命令行", slug="cli")
    call_command("publish_site", "--no-progress")
    out = capsys.readouterr().out
    assert "新增 3" in out and "用时" in out
    call_command("publish_site", "--no-progress")
    assert "没有变化" in capsys.readouterr().out
    assert [job.status for job in PublishJob.objects.order_by("pk")] == ["published", "unchanged"]


def test_richtext_becomes_markdown_with_local_links(settings, programme):
    target = make_story(programme, title="目标", slug="target")
    hidden = make_story(programme, title="草稿目标", slug="hidden", publish=False)
    html = (
        f'<h2>小标题</h2><p><b>粗体</b>与<i>斜体</i>，H<sub>2</sub>O，x<sup>2</sup>，'
        f'<a linktype="page" id="{target.pk}">站内</a>，<a linktype="page" id="{hidden.pk}">未公开</a>，'
        f'<a href="https://example.org/">站外</a></p><ul><li>一</li></ul><script>alert(1)</script>'
    )
    make_story(programme, title="来源", slug="source", body=[("paragraph", html)])
    from cms.core.models import SiteSettings
    from cms.publish.pipeline import export
    from cms.publish.state import current

    export(settings.KEPU_CONTENT_DIR, SiteSettings.load(), current())
    text = Path(settings.KEPU_CONTENT_DIR, "gezhi-lundao", "source.md").read_text()
    assert "## 小标题" in text
    assert "**粗体**与*斜体*，H<sub>2</sub>O，x<sup>2</sup>" in text
    assert "[站内](target.md)" in text
    assert "未公开" in text and "hidden" not in text
    assert "[站外](https://example.org/)" in text
    assert "- 一" in text
    assert "<script>" not in text
    front = yaml.safe_load(text.split("---\n")[1])  # JSON front matter, read as YAML like any generator does
    assert (front["kind"], front["programme"], front["canonical"]) == ("story", "gezhi-lundao", "/gezhi-lundao/source/")


def test_verification_refuses_a_page_moved_out_of_the_site_during_the_build(settings, programme):
    """Verification checks a build against the same public pages the export rendered: a page moved out
    of the site while the build ran is no longer public, though it is still live."""
    story = make_story(programme, title="移出站点", slug="moved-out")
    publish()
    live_build = swap.live_build()
    story.body = [("paragraph", "<p>第二版。</p>")]
    story.save_revision().publish()
    outside = Page.get_first_root_node().add_child(instance=Page(title="站外", slug="outside"))

    def move_out(stage, done=None, total=None):
        if stage == "verify":
            Page.objects.get(pk=story.pk).move(outside, pos="last-child")

    with pytest.raises(VerificationError, match="moved-out.md 对应的页面已不再公开"):
        publish(progress=move_out)
    assert swap.live_build() == live_build


def test_forgetting_what_a_worker_kept_renders_and_verifies_everything_again(settings, home, programme,
                                                                            monkeypatch):
    from cms.publish import verify
    from cms.publish.protocol import Publishable
    from cms.publish.state import current

    make_story(programme, title="忘记", slug="forget")
    publish()
    rendered, parsed = [], []
    for cls in Publishable.__subclasses__():
        monkeypatch.setattr(cls, "to_document", lambda self, context, original=cls.to_document: (
            rendered.append(self.pk), original(self, context))[1])
    scan = verify._scan_file
    monkeypatch.setattr(verify, "_scan_file", lambda path, *args: (parsed.append(path), scan(path, *args))[1])
    make_story(programme, title="又一篇", slug="another")
    publish()
    assert home.pk not in rendered  # it came from what the worker kept
    pages = len(list(Path(settings.KEPU_SITE_DIR).rglob("*.html")))
    assert 0 < len(parsed) < pages  # the pages that changed, not the others

    rendered.clear()
    state = current()
    state.forget()
    assert (state.renders.entries, state.written.files, state.records, state.scans.scans) == ({}, {}, {}, None)
    make_story(programme, title="第三篇", slug="third")
    publish()  # as a new worker's first publish (which still reuses the scans saved with the live build)
    assert sorted(rendered) == sorted(Page.objects.live().exclude(depth=1).values_list("pk", flat=True))


def test_verification_refuses_an_incomplete_search_index(settings, programme):
    import json
    import shutil

    from cms.publish import manifest, verify

    make_story(programme, title="搜索", slug="searchable")
    result = publish()
    build = Path(settings.KEPU_BUILDS_DIR) / result.build_id
    copy = Path(settings.KEPU_BUILDS_DIR) / "copy"
    shutil.copytree(build / "site", copy)
    saved = manifest.read_manifest(build / "manifest.json")
    assert verify.verify(copy, saved).problems == []

    (pages,) = copy.glob("search/s/*/pages.json")
    pages.write_text(json.dumps([url for url in json.loads(pages.read_text()) if url != "gezhi-lundao/searchable/"]))
    assert any("搜索索引不完整" in p for p in verify.verify(copy, saved).problems)

    (copy / "gezhi-lundao" / "stray").mkdir()
    (copy / "gezhi-lundao" / "stray" / "index.html").write_text("<html></html>")
    assert any("stray" in p and "不对应" in p for p in verify.verify(copy, saved).problems)


def test_two_publishes_never_run_over_each_other(settings, programme):
    from cms.publish.lock import PublishLocked, publish_lock

    with publish_lock():
        with pytest.raises(PublishLocked):
            publish(wait=False)
        with pytest.raises(CommandError, match="另一个发布正在进行"):
            call_command("publish_site", "--no-progress", "--no-wait")
    assert publish(wait=False).build_id


def test_text_reaches_the_site_as_text_never_as_html(settings, programme):
    """Titles, summaries, quotes and captions are plain text: markup in them is shown, not run."""
    story = make_story(
        programme, title='<img src=x onerror="alert(1)">标题', slug="markup", summary='摘要"><script>alert(2)</script>',
        body=[
            ("quote", {"text": "<script>alert(3)</script> *不是强调*", "attribution": "<b>某人</b>"}),
            ("timeline", {"heading": "<i>大事</i>", "events": [{"year": 1950, "month": None, "event": "<u>事件</u>"}]}),
        ],
    )
    story.honours.create(title="<em>荣誉</em>", year=1999)
    story.save_revision().publish()
    publish()
    html = site_file(settings, "gezhi-lundao", "markup", "index.html").read_text()
    for markup in ("<img src=x", "<script>alert", "<b>某人", "<i>大事", "<u>事件", "<em>荣誉", "<em>不是强调"):
        assert markup not in html, markup
    assert "&lt;img src=x onerror=" in html and "&lt;script&gt;alert(3)&lt;/script&gt; *不是强调*" in html
    home = site_file(settings, "gezhi-lundao", "index.html").read_text()
    assert "<img src=x" not in home and "&lt;img src=x" in home


def test_front_matter_reads_back_exactly_with_the_yaml_parsers_generators_use():
    """Front matter is written as JSON; every text an editor can enter must read back the same
    through PyYAML (MkDocs uses its C loader), including the characters YAML treats specially."""
    from cms.publish.write import serialise
    from tests.moderation.conftest import xss_vectors

    texts = [record.get("payload") or record.get("input") or json.dumps(record, ensure_ascii=False)
             for _stem, _index, record in xss_vectors()]
    texts += ["行一\u2028行二\u2029", "\x7f\x85\x9f\ufeff\ufffe\uffff", "---\n...\n---", "𝄞 😀 钱学森", "a: b # c",
              "'\"\\"]
    meta = {"title": texts[-1], "texts": texts, "nested": [{"value": text} for text in texts[:50]], "n": 3, "x": None}
    data = serialise(meta, "正文").decode("utf-8")
    front = data.split("\n---\n", 1)[0].removeprefix("---\n")
    for loader in (yaml.SafeLoader, yaml.CSafeLoader):
        assert yaml.load(front, Loader=loader) == meta
    assert data.endswith("\n---\n\n正文\n")
