"""Paginated listings (docs/paginated-listings.md, §10): every listing keeps its newest P to 2P-1 cards on its
own page and the older ones on archive pages of P, numbered from the oldest, so that growth does not touch
them. Pure: documents built by hand, expectations worked out by hand (no database), but for the last test,
which publishes (the theme over a facet value's archive page)."""

import base64
import datetime
import hashlib
import json
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cms.publish import generate, paginate
from cms.publish.errors import ExportError
from cms.publish.paths import archive_path, canonical_of, check_paths
from cms.publish.protocol import Document

BASE = "https://kepu.example.org"
NOW = datetime.datetime(2025, 6, 1, tzinfo=ZoneInfo("Asia/Shanghai"))


# paginate: (N, P) → (cards on the first page, archive pages A)


@pytest.mark.parametrize(("count", "size", "first", "archived"), [
    (0, 20, 0, 0), (19, 20, 19, 0), (39, 20, 39, 0), (40, 20, 20, 1), (59, 20, 39, 1), (60, 20, 20, 2),
    (2013, 50, 63, 39),
])
def test_split_gives_the_first_page_p_to_2p_minus_1_cards_and_the_rest_to_archives_of_p(count, size, first, archived):
    front, archives = paginate.split(count, size)
    assert (len(front), len(archives)) == (first, archived)
    assert front.stop == count  # the newest
    assert all(len(r) == size for r in archives)


def test_archive_pages_are_numbered_from_the_oldest():
    front, archives = paginate.split(2013, 50)
    assert (archives[0].start, archives[0].stop - 1) == (0, 49)
    assert (archives[38].start, archives[38].stop - 1) == (1900, 1949)
    assert (front.start, front.stop - 1) == (1950, 2012)
    grown, more = paginate.split(2014, 50)
    assert more == archives and (grown.start, grown.stop - 1) == (1950, 2013)  # archives untouched
    front, archives = paginate.split(2050, 50)
    assert len(archives) == 40 and (archives[39].start, archives[39].stop - 1) == (1950, 1999)
    assert (front.start, front.stop - 1) == (2000, 2049)


def test_pager_links_newer_older_and_oldest():
    def url(k):
        return f"/a/page/k/{k}/"

    first = {"title": "格致论道", "url": "/a/"}
    assert paginate.pager(1, 3, first, url) == {"number": 1, "first": first, "newer": "/a/page/k/2/"}
    assert paginate.pager(2, 3, first, url) == {"number": 2, "first": first, "newer": "/a/page/k/3/",
                                                "older": "/a/page/k/1/", "oldest": "/a/page/k/1/"}
    assert paginate.pager(3, 3, first, url) == {"number": 3, "first": first, "newer": "/a/",
                                                "older": "/a/page/k/2/", "oldest": "/a/page/k/1/"}
    assert paginate.pager(1, 1, first, url) == {"number": 1, "first": first, "newer": "/a/"}


def test_years_link_each_year_to_the_archive_page_of_its_newest_archived_card():
    # ordinals 0–5 archived on pages of 2 (0–1, 2–3, 4–5): 2021 2021 2022 2022 2022 2024
    years = ["2021", "2021", "2022", "2022", "2022", "2024"]
    archives = [range(0, 2), range(2, 4), range(4, 6)]
    assert paginate.years(archives, years.__getitem__) == [("2024", 3), ("2022", 3), ("2021", 1)]
    assert paginate.years([], years.__getitem__) == []


def test_deltas():
    assert paginate.deltas([0, 3, 4, 5, 12]) == [0, 3, 1, 1, 7]
    assert paginate.deltas([12, 0, 4]) == [0, 4, 8]
    assert paginate.deltas([]) == []


def test_archive_paths_and_the_reserved_page_slug():
    assert archive_path("gezhi-lundao/index.md", 7, "stories") == "gezhi-lundao/page/stories/7.md"
    assert archive_path("tags/航天.md", 3) == "tags/航天/page/3.md"
    assert archive_path("library/index.md", 3) == "library/page/3.md"
    assert archive_path("library/受众/公众.md", 3) == "library/受众/公众/page/3.md"
    with pytest.raises(ExportError):
        archive_path("a/index.md", 1, "7")  # a key is never a number
    for path in ["a/page.md", "a/page/index.md", "page.md", "a/page/b.md"]:
        with pytest.raises(ExportError, match="页面别名“page”为发布系统保留（用于分页），请换一个别名"):
            check_paths({1: path})
    check_paths({1: "a/pages.md", 2: "a/paged/index.md"})


# generate: pages and their front matter


def doc(path, title, children=(), day=1, year=2025, **meta):
    meta = {"title": title, "canonical": canonical_of(path), "date": f"{year}-03-{day:02d}",
            "published": f"{year}-03-{day:02d}T09:00:00+08:00", **meta}
    return Document(path=path, meta=meta, body=f"{title}。", children=list(children), group="科学家故事",
                    group_key="stories")


def site(pieces, **extra):
    """The home page, 格致论道 (gezhi/index.md) and ``pieces`` ({path: Document}) below it."""
    return {"index.md": doc("index.md", "科普", children=["gezhi/index.md"]),
            "gezhi/index.md": doc("gezhi/index.md", "格致论道", children=sorted(pieces), **extra), **pieces}


def made(documents, size, memo=None, qr=False):
    return generate.generate(documents, site_name="科普", base_url=BASE, description="", now=NOW, page_size=size,
                             finished=memo, qr_code=(lambda url: b"<svg/>") if qr else None)


def key(url):
    """A library card's key: 24 bits of the SHA-256 of its URL, in base64url (4 characters)."""
    return base64.urlsafe_b64encode(hashlib.sha256(url.encode()).digest()[:3]).decode()


def members(ordinals, *urls):
    """members.json as written: the delta-encoded ordinals and the keys of their cards, in order."""
    return json.dumps({"n": ordinals, "k": "".join(key(url) for url in urls)}, separators=(",", ":")).encode()


def titles(items):
    return [item["title"] for item in items]


def five_stories(**meta):
    return {f"gezhi/s{i}.md": doc(f"gezhi/s{i}.md", f"s{i}", day=i, **meta) for i in range(1, 6)}


def test_five_stories_in_pages_of_two():
    out = made(site(five_stories(tags=["航天"])), 2, qr=True)
    (section,) = out.pages["gezhi/index.md"][0]["sections"]
    assert titles(section["items"]) == ["s5", "s4", "s3"]
    assert section["count"] == 5 and section["key"] == "stories"
    assert section["archive"] == {"older": "/gezhi/page/stories/1/",
                                  "years": [{"year": "2025", "url": "/gezhi/page/stories/1/"}]}
    meta, body = out.listings["gezhi/page/stories/1.md"]
    assert titles(meta["items"]) == ["s2", "s1"]
    assert meta["pager"] == {"number": 1, "first": {"title": "格致论道", "url": "/gezhi/"}, "newer": "/gezhi/"}
    assert meta["kind"] == "archive" and meta["canonical"] == "/gezhi/page/stories/1/"
    assert meta["title"] == "科学家故事 · 第 1 页 · 格致论道"
    assert meta["breadcrumbs"] == [{"title": "科普", "url": "/"}, {"title": "格致论道", "url": "/gezhi/"}]
    assert meta["description"] == "格致论道的科学家故事，按发布先后第 1–2 篇（2025-03-01 至 2025-03-02）。"
    assert body == meta["description"]
    assert "qr_code" not in meta and "gezhi/page/stories/1/qr.svg" not in out.attachments
    # A tag's first page has its QR code (as every generated first page), its archive page none.
    assert out.listings["tags/航天.md"][0]["qr_code"] and "tags/航天/qr.svg" in out.attachments
    assert "qr_code" not in out.listings["tags/航天/page/1.md"][0]
    assert not [path for path in out.attachments if path.startswith("tags/航天/page/")]
    sitemap = out.files["sitemap.xml"].decode()
    assert f"{BASE}/gezhi/" in sitemap and "/page/" not in sitemap


def test_a_listing_under_2p_has_no_archive():
    out = made(site(five_stories()), 3)
    (section,) = out.pages["gezhi/index.md"][0]["sections"]
    assert titles(section["items"]) == ["s5", "s4", "s3", "s2", "s1"] and "archive" not in section
    assert not [path for path in out.listings if "/page/" in path]


def test_children_of_a_type_without_a_listing_key_are_listed_whole():
    """An event list or an integrity section lists its children in its own body, and its theme template
    shows no sections: archive pages of it would be linked from nowhere, so there are none."""
    events = {f"gezhi/e{i}.md": replace(doc(f"gezhi/e{i}.md", f"e{i}", day=i), group="活动", group_key="")
              for i in range(1, 6)}
    out = made(site(events), 2)
    (section,) = out.pages["gezhi/index.md"][0]["sections"]
    assert titles(section["items"]) == ["e5", "e4", "e3", "e2", "e1"]
    assert section["count"] == 5 and "archive" not in section and "key" not in section
    assert not [path for path in out.listings if "/page/" in path]


def test_a_middle_archive_page_links_both_ways():
    pieces = {f"gezhi/s{i}.md": doc(f"gezhi/s{i}.md", f"s{i}", day=i) for i in range(1, 10)}  # 9 in pages of 2: A = 3
    out = made(site(pieces), 2)
    assert titles(out.pages["gezhi/index.md"][0]["sections"][0]["items"]) == ["s9", "s8", "s7"]
    assert [titles(out.listings[f"gezhi/page/stories/{n}.md"][0]["items"]) for n in (3, 2, 1)] == [
        ["s6", "s5"], ["s4", "s3"], ["s2", "s1"]]
    assert out.listings["gezhi/page/stories/2.md"][0]["pager"] == {
        "number": 2, "first": {"title": "格致论道", "url": "/gezhi/"}, "newer": "/gezhi/page/stories/3/",
        "older": "/gezhi/page/stories/1/", "oldest": "/gezhi/page/stories/1/"}
    assert out.listings["gezhi/page/stories/3.md"][0]["pager"]["newer"] == "/gezhi/"


def test_years_only_on_listings_sorted_by_date():
    pieces = {"gezhi/a.md": doc("gezhi/a.md", "a", year=2022, order=3),
              "gezhi/b.md": doc("gezhi/b.md", "b", year=2023, order=2),
              "gezhi/c.md": doc("gezhi/c.md", "c", year=2023, day=5, order=1),
              "gezhi/d.md": doc("gezhi/d.md", "d", year=2024, order=4),
              "gezhi/e.md": doc("gezhi/e.md", "e", year=2025, order=5)}
    (section,) = made(site(pieces), 2).pages["gezhi/index.md"][0]["sections"]
    assert titles(section["items"]) == ["e", "d", "c"]
    assert section["archive"]["years"] == [{"year": "2023", "url": "/gezhi/page/stories/1/"},
                                           {"year": "2022", "url": "/gezhi/page/stories/1/"}]
    out = made(site(pieces, children_sort="-order"), 2)
    (section,) = out.pages["gezhi/index.md"][0]["sections"]
    assert titles(section["items"]) == ["e", "d", "a"]  # order 5, 4, 3 …
    assert section["archive"] == {"older": "/gezhi/page/stories/1/"}  # … no years
    meta = out.listings["gezhi/page/stories/1.md"][0]
    assert titles(meta["items"]) == ["b", "c"] and meta["description"] == "格致论道的科学家故事，第 1–2 篇。"


def test_a_listing_sorted_ascending_is_not_paginated_but_refused():
    """Archive 1 holds the end of the display order: sorted by ``order`` ascending, 更早的… would lead
    to the highest orders. No page type sorts its paginated children so; one that did is refused."""
    pieces = {f"gezhi/s{i}.md": doc(f"gezhi/s{i}.md", f"s{i}", day=i, order=i) for i in range(1, 6)}
    with pytest.raises(ExportError, match="gezhi/index.md 按 order 升序排列子页面，不能分页"):
        made(site(pieces, children_sort="order"), 2)
    with pytest.raises(ExportError, match="按 order 升序"):  # even while it fits one page: not once it grows
        made(site(pieces, children_sort="order"), 3)


def test_unlisted_and_retracted_pieces_take_no_ordinal():
    pieces = five_stories(facets={"受众": ["公众"]}, tags=["航天"])
    pieces["gezhi/s2.md"].meta["listed"] = False
    pieces["gezhi/s4.md"].meta.update(retracted=True, retraction={"date": "2025-04-01", "reason": "无法核实"})
    out = made(site(pieces), 1)  # three listed, s5 s3 s1, one a page: s5 first, then archives 2 (s3) and 1 (s1)
    library = out.listings["library/index.md"][0]
    assert [(i["title"], i["n"]) for i in library["items"]] == [("s5", 2)]
    assert [(i["title"], i["n"]) for i in out.listings["library/page/2.md"][0]["items"]] == [("s3", 1)]
    assert [(i["title"], i["n"]) for i in out.listings["library/page/1.md"][0]["items"]] == [("s1", 0)]
    assert "library/page/3.md" not in out.listings
    assert out.attachments["library/受众/公众/members.json"] == members([0, 1, 1], "/gezhi/s1/", "/gezhi/s3/",
                                                                       "/gezhi/s5/")
    assert titles(out.listings["tags/航天/page/1.md"][0]["items"]) == ["s1"]
    (section,) = out.pages["gezhi/index.md"][0]["sections"]
    assert section["count"] == 3 and titles(section["items"]) == ["s5"]


def resources():
    """Five resources: 公众 has s1, s3, s5 (ordinals 0, 2, 4); 学生 s2 and s4."""
    pieces = five_stories()
    for number, piece in enumerate(pieces.values(), 1):
        piece.meta["facets"] = {"受众": ["公众" if number % 2 else "学生"], "学科": ["物理"]}
    return pieces


def test_the_library_in_pages_of_two():
    out = made(site(resources()), 2, qr=True)
    library, _ = out.listings["library/index.md"]
    assert [(item["n"], item["k"]) for item in library["items"]] == [
        (4, key("/gezhi/s5/")), (3, key("/gezhi/s4/")), (2, key("/gezhi/s3/"))]
    assert library["count"] == 5 and library["archive"] == {"older": "/library/page/1/"}
    assert library["filter"] == {"size": 2, "archived": 1, "archive": "/library/page/"}
    assert "facet_urls" not in json.dumps(library)
    assert library["facet_nav"] == [
        {"name": "受众", "values": [
            {"title": "公众", "url": "/library/受众/公众/", "count": 3, "members": "/library/受众/公众/members.json"},
            {"title": "学生", "url": "/library/受众/学生/", "count": 2, "members": "/library/受众/学生/members.json"}]},
        {"name": "学科", "values": [
            {"title": "物理", "url": "/library/学科/物理/", "count": 5, "members": "/library/学科/物理/members.json"}]}]
    assert out.attachments["library/受众/公众/members.json"] == members([0, 2, 2], "/gezhi/s1/", "/gezhi/s3/",
                                                                       "/gezhi/s5/")
    assert out.attachments["library/受众/学生/members.json"] == members([1, 2], "/gezhi/s2/", "/gezhi/s4/")
    assert json.loads(out.attachments["library/学科/物理/members.json"])["n"] == [0, 1, 1, 1, 1]
    assert len(json.loads(out.attachments["library/学科/物理/members.json"])["k"]) == 5 * 4
    archive, _ = out.listings["library/page/1.md"]
    assert [(i["title"], i["n"], i["k"]) for i in archive["items"]] == [("s2", 1, key("/gezhi/s2/")),
                                                                        ("s1", 0, key("/gezhi/s1/"))]
    assert archive["library"] is True and "qr_code" not in archive
    facet, _ = out.listings["library/受众/公众.md"]
    assert titles(facet["items"]) == ["s5", "s3", "s1"] and facet["count"] == 3  # 3 < 2P: no archive
    assert facet["facet_nav"][0] == {"name": "受众", "values": [{"title": "公众", "url": "/library/受众/公众/"},
                                                               {"title": "学生", "url": "/library/受众/学生/"}]}
    assert "n" not in facet["items"][0]
    physics = out.listings["library/学科/物理/page/1.md"][0]
    assert titles(physics["items"]) == ["s2", "s1"] and physics["facet"] == {"name": "学科", "value": "物理"}
    assert physics["breadcrumbs"][-1] == {"title": "物理", "url": "/library/学科/物理/"}


def test_after_a_removal_an_ordinal_names_another_card_and_its_key_says_so():
    """Unpublishing the oldest (s1) moves every newer resource down one place: a reader whose /library/
    came before it finds at place 1 (s3 then) s3's key no longer, but s4's."""
    pieces = resources()
    before = made(site(pieces), 2)
    del pieces["gezhi/s1.md"]
    after = made(site(pieces), 2)
    assert after.attachments["library/受众/公众/members.json"] == members([1, 2], "/gezhi/s3/", "/gezhi/s5/")
    assert after.attachments["library/受众/学生/members.json"] == members([0, 2], "/gezhi/s2/", "/gezhi/s4/")
    was = {i["n"]: i["k"] for i in before.listings["library/index.md"][0]["items"]}
    now = {i["n"]: i["k"] for i in after.listings["library/index.md"][0]["items"]}
    assert was[3] == key("/gezhi/s4/") and now[3] == key("/gezhi/s5/")


def test_generated_pages_on_one_path_are_refused():
    # A facet named "page" with a value "1": its page would be the library's archive page 1.
    pieces = resources()
    for piece in pieces.values():
        piece.meta["facets"]["page"] = ["1"]
    with pytest.raises(ExportError, match="library/page/1.md"):
        made(site(pieces), 2)


def test_two_sections_with_one_key_are_refused():
    pieces = five_stories()
    pieces["gezhi/s1.md"] = replace(pieces["gezhi/s1.md"], group="专栏")  # another group, the same key
    with pytest.raises(ExportError, match="gezhi/index.md 的两组子页面使用了同一个列表键：stories"):
        made(site(pieces), 2)


# Growth: what one approval makes again (by identity with the last publish's objects)


def many(count, key="stories"):
    pieces = {}
    for number in range(count):
        day = datetime.date(2010, 1, 1) + datetime.timedelta(days=number)
        path = f"gezhi/p{number:05d}.md"
        pieces[path] = Document(
            path=path, meta={"title": f"第{number}篇", "canonical": f"/gezhi/p{number:05d}/", "date": day.isoformat(),
                             "published": f"{day.isoformat()}T09:00:00+08:00", "tags": ["航天"]},
            body="。", group="科学家故事", group_key=key)
    return pieces


def archives_made_again(before, after):
    return sorted(path for path, page in after.listings.items() if "pager" in page[0]
                  and before.listings.get(path) is not page)


def test_growth_makes_again_only_the_first_page_and_one_new_archive_in_p():
    memo = generate.Finished()
    pieces = many(2014)
    newest = pieces.pop("gezhi/p02013.md")
    before = made(site(pieces), 50, memo)
    assert len([p for p in before.listings if p.startswith("gezhi/page/")]) == 39
    after = made(site({**pieces, newest.path: newest}), 50, memo)  # 2,013 → 2,014
    assert archives_made_again(before, after) == []
    assert after.pages["gezhi/index.md"] is not before.pages["gezhi/index.md"]
    assert after.listings["tags/航天.md"] is not before.listings["tags/航天.md"]
    assert after.listings["tags/航天.md"][0]["count"] == 2014
    assert len(after.pages["gezhi/index.md"][0]["sections"][0]["items"]) == 64

    pieces = many(2050)
    newest = pieces.pop("gezhi/p02049.md")
    before = made(site(pieces), 50, memo)  # 2,049
    after = made(site({**pieces, newest.path: newest}), 50, memo)  # 2,050
    assert archives_made_again(before, after) == [
        "gezhi/page/stories/39.md", "gezhi/page/stories/40.md", "tags/航天/page/39.md", "tags/航天/page/40.md"]
    assert after.listings["gezhi/page/stories/39.md"][0]["pager"]["newer"] == "/gezhi/page/stories/40/"
    assert titles(after.listings["gezhi/page/stories/40.md"][0]["items"])[::49] == ["第1999篇", "第1950篇"]

    old = pieces["gezhi/p00130.md"]
    pieces[old.path] = replace(old, meta={**old.meta, "title": "第130篇（修订）"})  # an old card edited
    again = made(site({**pieces, newest.path: newest}), 50, memo)
    assert archives_made_again(after, again) == ["gezhi/page/stories/3.md", "tags/航天/page/3.md"]
    assert again.listings["tags/航天.md"] is after.listings["tags/航天.md"]  # its first page shows newer cards
    assert "第130篇（修订）" in titles(again.listings["gezhi/page/stories/3.md"][0]["items"])


@pytest.mark.parametrize("size", [2, 3])
def test_a_page_size_change_leaves_no_page_of_the_old_size(size):
    memo = generate.Finished()
    made(site(resources()), 2, memo)
    out = made(site(resources()), size, memo)
    fresh = made(site(resources()), size)
    assert out.listings == fresh.listings and out.pages == fresh.pages and out.attachments == fresh.attachments


# The theme over a facet value's archive page (a real publish, pages of 2)


@pytest.mark.django_db
def test_a_facet_value_s_archive_page_marks_its_value_as_the_current_listing_not_page(folders, settings,
                                                                                      programme, institute):
    """Four videos in pages of 2: /library/类型/视频/ holds the newest two, …/page/1/ the oldest. On that archive
    page the 视频 link leads to the value's first page, which is not this page: aria-current="true"
    (the current listing), not "page". The value's own first page keeps "page"."""
    from bs4 import BeautifulSoup

    from cms.publish import swap
    from cms.publish.pipeline import publish
    from tests.moderation.conftest import make_resource

    settings.KEPU_LISTING_PAGE_SIZE = 2
    for number in range(1, 5):
        make_resource(programme, institute, title=f"视频{number}", publish=True)
    publish(full=True)
    site = Path(swap.builds_dir()) / swap.live_build() / "site"

    def current(path):
        soup = BeautifulSoup((site / path / "index.html").read_text("utf-8"), "html.parser")
        return [(a.get_text(strip=True), a["aria-current"]) for a in soup.select(".kepu-facet a[aria-current]")]

    assert current("library/类型/视频/page/1") == [("视频", "true")]
    assert current("library/类型/视频") == [("视频", "page")]
