"""Chinese search on the public site: the static index cms/sitesearch/index.py writes, read by a real
Chromium through themes/assets/kepu-search.js, on the published sample content."""

import functools
import hashlib
import json
import os
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from wagtail.models import Page

from cms.core.search import han_bigrams
from cms.publish.markdown_text import md_text
from cms.publish.pipeline import publish
from cms.sitesearch import index as search
from cms.stories.models import StoryPage
from tests.browser import block_outside_requests, serve_folder
from tests.conftest import make_story

pytestmark = pytest.mark.usefixtures("folders")


def live_site(settings):
    return Path(os.path.realpath(settings.KEPU_SITE_DIR))


def pages_with(site_dir, word):
    """Site URLs of the pages holding every pair (or the character) of ``word``, from the index files."""
    search_dir = Path(site_dir) / "search"
    listing = json.loads((search_dir / "shards.json").read_text("utf-8"))
    wanted = [("c" if len(t) == 1 else "g", t) for t in search.text_terms(word)] or [("c", word)]
    merged = listing["postings"]
    counts = {"g": merged["grams"], "c": merged["chars"]}
    tables = {
        (kind, term): search.read_bucket(
            search_dir / search.bucket_path(listing, kind, search.term_hash(term) % counts[kind]))
        for kind, term in wanted
    }
    found = set()
    for position, shard in enumerate(listing["shards"]):
        urls = json.loads((search_dir / shard["dir"] / "pages.json").read_text("utf-8"))
        common = None
        for (_kind, term), table in tables.items():
            pages = {page for page, _ in table.get(position, {}).get(term, [])}
            common = pages if common is None else common & pages
        found |= {urls[page] for page in common or ()}
    return found


def tree(root):
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(Path(root).rglob("*"))
        if p.is_file()
    }


# Without a database: the writer, shards, incremental updates -------------------------------------


def test_terms_are_han_pairs_characters_and_words():
    pairs = han_bigrams("中国航天之父钱学森 天眼").split()
    assert search.text_terms("中国航天之父钱学森，FAST 天眼") == [*pairs, "fast"]
    assert search.text_terms("光") == ["光"]
    record = search.make_record(
        '---\ntitle: 钱学森\ndescription: 航天\n---\n\n![肖像](a.webp){ width="3" }\n\n'
        "他在[加州理工学院](https://example.org/x)学习。<figure>图</figure>\n".encode()
    )
    assert record == {"title": "钱学森", "text": "航天\n肖像 他在加州理工学院学习。 图"}


def test_search_records_show_escaped_text_as_the_reader_typed_it():
    typed = "公式 {x} 与 a*b_c `代码` [方括号] <b>&amp; | ~波浪~ \\反斜杠"
    record = search.make_record(f"---\ntitle: 记号\n---\n\n# {md_text(typed)}\n\n{md_text(typed)}\n".encode())
    assert record["text"] == f"{typed} {typed}"


def write_documents(content_dir, count, extra=""):
    pages = {}
    for i in range(count):
        data = f"---\ntitle: 第{i}篇\n---\n\n第{i}篇正文，共同的词：统筹法。{extra if i == 3 else ''}\n".encode()
        path = f"p/page-{i:02d}.md"
        (content_dir / path).parent.mkdir(parents=True, exist_ok=True)
        (content_dir / path).write_bytes(data)
        pages[path] = {"sha256": hashlib.sha256(data).hexdigest(), "revision": i + 1, "page": i + 1}
    return {"pages": pages}


def test_one_changed_page_rebuilds_one_shard_and_never_writes_into_the_previous_build(tmp_path):
    content, cache = tmp_path / "content", tmp_path / "cache"
    manifest = write_documents(content, 40)
    first = search.build_index(tmp_path / "one", content, manifest, cache_dir=cache, target=8)
    assert first == {"pages": 40, "shards": 8, "built": 8, "linked": 0, "kept": 0}
    assert pages_with(tmp_path / "one", "统筹法") == {f"p/page-{i:02d}/" for i in range(40)}
    assert search.verify(tmp_path / "one", [search.page_url(p) for p in manifest["pages"]]) == []
    before = tree(tmp_path / "one")

    changed = write_documents(content, 40, extra="新增的词：优选法。")
    second = search.build_index(
        tmp_path / "two", content, changed, previous=tmp_path / "one/search", cache_dir=cache, target=8
    )
    assert second == {"pages": 40, "shards": 8, "built": 1, "linked": 7, "kept": 0}
    assert pages_with(tmp_path / "two", "优选法") == {"p/page-03/"}
    assert tree(tmp_path / "one") == before  # hard links, never written through
    # The bucket files: those the new words fall in are new, most are the first build's (hard links).
    one, two = (json.loads((tmp_path / name / "search/shards.json").read_text("utf-8")) for name in ("one", "two"))
    buckets = two["postings"]["grams"]
    bucket = search.term_hash("优选") % buckets
    new = tmp_path / "two/search" / search.bucket_path(two, "g", bucket)
    assert not new.samefile(tmp_path / "one/search" / search.bucket_path(one, "g", bucket))
    assert new.parent.parent.name not in search.group_folders(one)  # its group folder renamed
    files = {(kind, number): [tmp_path / name / "search" / search.bucket_path(listed, kind, number)
                              for name, listed in (("one", one), ("two", two))]
             for kind in ("g", "c") for number in range(two["postings"]["grams" if kind == "g" else "chars"])}
    shared = [bucket for bucket, (old, path) in files.items() if path.samefile(old)]
    assert len(shared) > len(files) / 2

    # The same folder built again (e.g. an incremental build that hard-linked the last one in): kept.
    third = search.build_index(tmp_path / "two", content, changed, cache_dir=cache, target=8)
    assert third["kept"] == 8 and third["built"] == 0

    # A listing page whose cards changed: its document is new, its search record is not.
    listing = content / "p/page-05.md"
    listing.write_bytes(listing.read_bytes().replace(b"title:", "sections: [{title: 新卡片}]\ntitle:".encode()))
    changed["pages"]["p/page-05.md"]["sha256"] = hashlib.sha256(listing.read_bytes()).hexdigest()
    fourth = search.build_index(tmp_path / "two", content, changed, cache_dir=cache, target=8)
    assert fourth["kept"] == 8 and fourth["built"] == 0

    # A page removed: gone from the index and from the record cache.
    del changed["pages"]["p/page-03.md"]
    search.build_index(tmp_path / "two", content, changed, cache_dir=cache, target=8)
    assert pages_with(tmp_path / "two", "优选法") == set()
    urls = [search.page_url(p) for p in changed["pages"]]
    assert search.verify(tmp_path / "two", urls) == []
    assert len(list(cache.glob("*/*.json"))) == 39
    assert sorted(p.name for p in (tmp_path / "two/search").iterdir()) == ["p", "s", "shards.json"]
    folders = sorted(p.name for p in (tmp_path / "two/search/s").iterdir())
    assert len(folders) == 9 and folders[-1].startswith("t2s-")  # 8 shards and the Traditional → Simplified table
    groups = search.group_folders(json.loads((tmp_path / "two/search/shards.json").read_text("utf-8")))
    assert sorted(p.name for p in (tmp_path / "two/search/p").iterdir()) == groups  # this build's bucket files only

    # Staging a build copies the index, bucket files and shards alike (hard links), and nothing else.
    (tmp_path / "staged/search/p/stale").mkdir(parents=True)
    search.mirror(tmp_path / "two/search", tmp_path / "staged/search")
    assert tree(tmp_path / "staged") == tree(tmp_path / "two")
    assert search.verify(tmp_path / "staged", urls) == []


def test_verify_reports_a_missing_a_stale_and_a_broken_shard(tmp_path):
    content = tmp_path / "content"
    manifest = write_documents(content, 6)
    search.build_index(tmp_path / "site", content, manifest, cache_dir=None, target=2)
    urls = [search.page_url(p) for p in manifest["pages"]]
    assert search.verify(tmp_path / "site", urls) == []
    assert any("未被索引" in p for p in search.verify(tmp_path / "site", [*urls, "p/new/"]))
    assert any("已不公开" in p for p in search.verify(tmp_path / "site", urls[1:]))
    fold = next((tmp_path / "site/search/s").glob("t2s-*"))
    next(fold.iterdir()).unlink()
    assert any("繁简对照表不完整" in p for p in search.verify(tmp_path / "site", urls))
    shard = next(p for p in (tmp_path / "site/search/s").iterdir() if p != fold)
    (shard / "g.seg").unlink()
    assert any(f"分片 search/s/{shard.name}/ 不完整" in p for p in search.verify(tmp_path / "site", urls))
    merged = next((tmp_path / "site/search/p").iterdir())
    next((merged / "c").iterdir()).unlink()
    assert any(f"词表文件不完整：search/p/{merged.name}/" in p for p in search.verify(tmp_path / "site", urls))
    (tmp_path / "site/search/shards.json").unlink()
    assert search.verify(tmp_path / "site", urls) == ["搜索索引缺失：search/shards.json"]


# The published sample content, in a real browser ---------------------------------------------------


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def served(settings):
    """The live site on 127.0.0.1 (a small threaded static server)."""

    def start():
        handler = functools.partial(_Quiet, directory=str(live_site(settings)))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    servers = []
    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def story_words(content):
    """{story URL: (a four-character Chinese word from its body, its title)}, from the exported documents."""
    words = {}
    for story in StoryPage.objects.live().filter(retracted=False):  # a retracted one is found by no search
        path = next(content.rglob(f"{story.slug}.md"))
        record = search.make_record(path.read_bytes())
        body = record["text"].split("\n", 1)[-1]
        runs = [run for run in re.findall(r"[\u4e00-\u9fff]{6,}", body) if not run.startswith("示例")]
        url = "/" + search.page_url(path.relative_to(content).as_posix())
        words[url] = (runs[len(runs) // 2][1:5], record["title"])
    return words


def test_sample_site_search_in_a_browser(db, public_site, browser):
    """The sample site as the run built it once (tests/public_site.py): its search index was built by
    the second build of an approval's publish."""
    with serve_folder(public_site.root) as base:
        check_sample_site_search(public_site, base.rstrip("/"), browser)


def check_sample_site_search(public_site, base, browser):
    words = story_words(public_site.content)
    assert len(words) >= 20

    context = browser.new_context(viewport={"width": 360, "height": 780})
    blocked = []
    block_outside_requests(context, blocked)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(base + "/")

    # A reader on a phone: the header's search button opens the search page; they type a word.
    story_url, (word, title) = sorted(words.items())[0]
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url("**/search/**")
    box = page.get_by_role("searchbox", name="搜索全站内容").last
    box.fill(word)
    box.press("Enter")
    page.locator(".kepu-search__result a", has_text=title).first.wait_for()
    assert word in page.locator(".kepu-search__results").inner_text()
    assert page.locator(".kepu-search__results mark").first.inner_text() == word
    assert "q=" in page.url

    # Every story is found by a word from its body, and every page holding that word is found.
    site = public_site.root
    texts = {
        "/" + url: search.record_text(json.loads(path.read_text("utf-8")))
        for url, path in ((json.loads(p.read_text())["url"], p) for p in site.glob("search/s/*/d/*.json"))
    }
    for url, (word, _) in words.items():
        found = set(page.evaluate("w => window.kepuSearch.searchUrls(w)", word))
        holding = {u for u, text in texts.items() if word in text}
        assert url in found and holding <= found, (word, url, found)
    assert story_url[1:] in pages_with(site, words[story_url][0])

    # The bucket file the script asks for is the one the index wrote, and nginx caches it for good, at
    # any number of group folders (one here; 256 at 10,000 pieces, 512 at 30,000: three hex digits).
    conf = (Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf").read_text()
    forever = re.search(r'location ~ "(\^[^"]*/search/[^"]+)"\s*{\s*expires max;', conf).group(1)
    for count, labels in [(1, {"00"}), (16, {"00", "0f"}), (256, {"00", "ff"}), (512, {"000", "1ff"}),
                          (4096, {"000", "fff"}), (4097, {"0000", "1000"})]:
        listed = {"grams": count * 64, "chars": count * 8, "groups": [f"{n:012x}" for n in range(count)]}
        seen = set()
        for kind, bucket in [("g", 0), ("g", count - 1), ("c", count * 8 - 1), ("g", count * 64 - 1), ("c", 1)]:
            path = page.evaluate("([l, k, b]) => window.kepuSearch.bucketPath(l, k, b)", [listed, kind, bucket])
            assert path == search.bucket_path({"postings": listed}, kind, bucket), (count, kind, bucket)
            assert re.search(forever, "/search/" + path), path
            seen.add(path.split("/")[1].split("-")[0])
        assert labels <= seen, (count, seen)

    assert not blocked and not errors
    context.close()


def test_a_removed_page_leaves_the_index(settings, programme, browser, served):
    kept = make_story(programme, title="留下的故事", slug="kept", body=[("paragraph", "<p>共同的话题：优选法。</p>")])
    doomed = make_story(programme, title="将撤下", slug="doomed", body=[("paragraph", "<p>独有的词：蛟龙号潜航。</p>")])
    publish()
    assert pages_with(live_site(settings), "蛟龙号") == {"gezhi-lundao/doomed/"}

    Page.objects.get(pk=doomed.pk).specific.unpublish()
    publish()
    site = live_site(settings)
    assert pages_with(site, "蛟龙号") == set()
    assert pages_with(site, "优选法") == {"gezhi-lundao/kept/"}
    listed = [json.loads(p.read_text()) for p in site.glob("search/s/*/pages.json")]
    assert "gezhi-lundao/doomed/" not in sum(listed, [])

    context = browser.new_context()
    blocked = []
    block_outside_requests(context, blocked)
    page = context.new_page()
    page.goto(served() + "/search/?q=蛟龙号")
    page.get_by_text("没有找到包含“蛟龙号”的内容。").wait_for()
    page.goto(page.url.split("?")[0] + "?q=优选法")
    page.locator(".kepu-search__result a", has_text=kept.title).wait_for()
    assert not blocked
    context.close()
