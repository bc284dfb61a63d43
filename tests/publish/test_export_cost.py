"""The export step costs what the change costs: what is the same as the last publish wrote is neither
serialised, hashed nor read back, and each shortcut still gives the bytes a cold export gives, and
writes again a file that is no longer as it was written."""

from pathlib import Path

import pytest

from cms.core.models import SiteSettings
from cms.publish import write
from cms.publish.pipeline import export
from cms.publish.state import PublishState
from tests.conftest import make_story
from tests.publish.trees import folders, snapshot  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("folders")]


@pytest.fixture
def stories(programme):
    made = []
    for title, slug in [("李四光", "li-siguang"), ("华罗庚", "hua-luogeng"), ("钱三强", "qian-sanqiang")]:
        story = make_story(programme, title=title, slug=slug)
        story.tags.add("科学家")
        story.save_revision().publish()
        made.append(story)
    return made


def exported(settings, state):
    return export(Path(settings.KEPU_CONTENT_DIR), SiteSettings.load(), state)


@pytest.fixture
def reads(monkeypatch, settings):
    """The content/ files read back, and the files hashed, as the export runs."""
    seen = {"read": [], "hashed": 0}
    read_bytes, sha256 = Path.read_bytes, write.sha256

    def reading(path):
        if Path(path).is_relative_to(settings.KEPU_CONTENT_DIR) and path.name != write.MANIFEST_NAME:
            seen["read"].append(Path(path).relative_to(settings.KEPU_CONTENT_DIR).as_posix())
        return read_bytes(path)

    def hashing(data):
        seen["hashed"] += 1
        return sha256(data)

    monkeypatch.setattr(Path, "read_bytes", reading)
    monkeypatch.setattr(write, "sha256", hashing)
    return seen


def test_files_written_as_they_are_are_not_read_back_and_a_damaged_one_is_written_again(settings, stories, reads,
                                                                                         monkeypatch):
    monkeypatch.setattr(write, "FULL_CHECK_EVERY", 1)  # (every write checks every file: write.WrittenFiles.check_due)
    state = PublishState(restored=True)
    exported(settings, state)
    content = Path(settings.KEPU_CONTENT_DIR)
    cold = snapshot(content)
    qr_codes = sorted(path for path in cold if path.endswith("/qr.svg"))
    assert qr_codes and "feed.xml" in cold  # (files of bytes: the QR codes beside pages, the feeds)

    reads["read"].clear()
    reads["hashed"] = 0
    out = exported(settings, state)
    assert reads == {"read": [], "hashed": 0}  # nothing read back, nothing hashed again
    assert out.written == [] and snapshot(content) == cold

    (content / qr_codes[0]).write_bytes(b"<svg/>")  # damaged (another size, another mtime)
    (content / qr_codes[1]).unlink()
    (content / "feed.xml").write_bytes(b"x" * (content / "feed.xml").stat().st_size)  # (the same size)
    out = exported(settings, state)
    assert sorted(out.written) == sorted([qr_codes[0], qr_codes[1], "feed.xml"])
    assert snapshot(content) == cold


# generate.Finished: the pages a change reaches made again, the rest reused. Pure: a synthetic tree of
# documents changed step by step at random, each step's pages (documents, listings and their archive
# pages in pages of 2, the files beside them) compared with those made from nothing.

SEED_TREE = {  # path: (parent, title, extra front matter)
    "index.md": (None, "科普", {}),
    "a/index.md": ("index.md", "格致论道", {"image": "a.png", "card": {"colour": "#c00"}}),
    "b/index.md": ("index.md", "科学大院", {"children_sequence": True, "children_sort": "-order"}),
    "c/index.md": ("index.md", "学风宣传月", {"container": True, "gathers": [1, 5, 9]}),
    "a/x/index.md": ("a/index.md", "名师专栏", {}),
}


def _tree(rng):
    spec = {path: [parent, title, dict(extra)] for path, (parent, title, extra) in SEED_TREE.items()}
    for number in range(12):
        parent = rng.choice(["a/index.md", "b/index.md", "a/x/index.md", "c/index.md"])
        spec[f"{parent.rsplit('/', 1)[0]}/p{number}.md"] = [parent, f"文章{number}", {
            "tags": rng.sample(["光学", "地质", "数学"], rng.randint(0, 2)), "order": rng.randint(0, 5),
            "published": f"2025-03-{rng.randint(1, 28):02d}T09:00:00+08:00",
            **({"facets": {"学科": rng.sample(["物理", "化学"], rng.randint(1, 2))}} if number % 3 else {})}]
    return spec


def _documents(spec, ids):
    """Fresh Document objects (as a publish renders or takes from its cache); ``ids``: {path: page id},
    kept between calls (a page keeps its id when others come and go), a new path numbered next."""
    from cms.publish.paths import canonical_of
    from cms.publish.protocol import Document

    for path in sorted(spec):
        ids.setdefault(path, len(ids) + 1)
    keys = {"文章": "articles", "故事": "stories"}  # (a page type gives both)
    documents = {path: Document(path=path, meta={"title": title, "canonical": canonical_of(path), **extra},
                                body=f"{title}。", page_id=ids[path], group=extra.get("group", "文章"),
                                group_key=keys[extra.get("group", "文章")])
                 for path, (_parent, title, extra) in spec.items()}
    for path, (parent, _title, _extra) in sorted(spec.items()):
        if parent is not None:
            documents[parent].children.append(path)
    return documents


def _change(spec, rng):
    """One edit an editor could make: a title, a flag, a sequence, a campaign, a page added, moved or removed."""
    pieces = [path for path in spec if path.rsplit("/", 1)[-1].startswith("p")]
    path = rng.choice(sorted(spec))
    parent, title, extra = spec[path]
    kind = rng.choice(["title", "listed", "container", "retracted", "sequence", "gathers", "date", "group", "add",
                       "remove", "move", "tags", "card", "corrections", "old", "facets", "sort"])
    if kind == "title":
        spec[path][1] = title + "新"
    elif kind in ("listed", "container", "retracted"):
        extra[kind] = not extra.get(kind, kind == "listed")
    elif kind == "sequence":
        extra["children_sequence"] = not extra.get("children_sequence")
    elif kind == "gathers":
        extra["gathers"] = rng.sample(range(1, 20), 3)
    elif kind == "date":
        extra["published"] = f"2025-04-{rng.randint(1, 28):02d}T09:00:00+08:00"
    elif kind == "group":
        extra["group"] = rng.choice(["文章", "故事"])
    elif kind == "tags":
        extra["tags"] = rng.sample(["光学", "地质", "数学", "化学"], 2)
    elif kind == "card":
        extra["card"] = {"facts": [rng.choice(["甲", "乙"])]}
    elif kind == "corrections":
        extra["corrections"] = [{"date": "2025-05-01", "wrong": "甲", "right": "乙"}]
    elif kind == "facets":
        extra["facets"] = {"学科": rng.sample(["物理", "化学", "数学"], 2)}
    elif kind == "sort":
        extra["children_sort"] = rng.choice([None, "-issue", "-order"])  # (paginated: never ascending)
    elif kind in ("add", "old") and kind == "old":  # an old piece inserted: every newer card moves by one
        new_parent = rng.choice(["a/index.md", "b/index.md", "a/x/index.md"])
        spec[f"{new_parent.rsplit('/', 1)[0]}/p{len(spec) + rng.randint(100, 999)}.md"] = [new_parent, "旧文章", {
            "published": f"2025-01-{rng.randint(1, 28):02d}T09:00:00+08:00", "tags": ["光学", "地质"],
            "facets": {"学科": ["物理"]}}]
    elif kind == "add":
        new_parent = rng.choice([p for p in spec if p.endswith("index.md")])
        spec[f"{new_parent.rsplit('/', 1)[0]}/p{len(spec) + rng.randint(100, 999)}.md"] = [new_parent, "新文章", {}]
    elif kind in ("remove", "move") and pieces:
        victim = rng.choice(pieces)
        moved = spec.pop(victim)
        if kind == "move":
            new_parent = rng.choice(["a/index.md", "b/index.md", "a/x/index.md"])
            moved[0] = new_parent
            spec[f"{new_parent.rsplit('/', 1)[0]}/{victim.rsplit('/', 1)[-1]}"] = moved


@pytest.mark.parametrize("seed", range(6))
def test_pages_made_again_only_where_a_change_reaches_equal_pages_made_from_nothing(seed, monkeypatch):
    import datetime
    import random
    from zoneinfo import ZoneInfo

    from cms.publish import generate

    if seed % 2:  # feeds shorter than their sections: a change below a feed's oldest item leaves it as it was
        monkeypatch.setattr(generate, "FEED_LENGTH", 3)
    rng = random.Random(seed)
    spec = _tree(rng)
    memo = generate.Finished()
    now = datetime.datetime(2025, 6, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    reused, archives, kept, ids = 0, 0, 0, {}

    def made(documents, finished=None, qr=True):
        return generate.generate(documents, site_name="科普", base_url="https://kepu.example.org", description="",
                                 now=now, finished=finished, page_size=2,
                                 qr_code=(lambda url: url.encode()) if qr else None)

    last = None
    for step in range(40):
        documents = _documents(spec, ids)
        qr = step % 7 != 3  # (generated pages with QR codes and without)
        out = made(documents, memo, qr)
        fresh = made(_documents(spec, ids), qr=qr)  # as if made from nothing
        assert out.pages == fresh.pages
        assert out.listings == fresh.listings
        assert out.attachments == fresh.attachments and out.files == fresh.files
        if last is not None:
            reused += sum(last.pages.get(path) is page for path, page in out.pages.items())
            paged = [path for path, (meta, _body) in out.listings.items() if "pager" in meta]
            archives += len(paged)
            kept += sum(last.listings.get(path) is out.listings[path] for path in paged)
        last = out
        _change(spec, rng)
    assert reused > 40 * 5  # (most pages are not reached by one change: the shortcut is taken)
    assert archives > 40 * 5 and kept > archives / 3  # (archive pages too)


def test_a_piece_added_makes_again_its_parent_and_ancestors_not_its_siblings_pages():
    """An editor's usual approval, a new piece in a programme: the programme's page lists it and the
    home page's 最新内容 may, but the programme's other pieces show only the programme's title and
    link, which did not change, and its archive pages (pages of 2 here) hold older pieces only."""
    import datetime
    from zoneinfo import ZoneInfo

    from cms.publish import generate

    spec = {path: [parent, title, dict(extra)] for path, (parent, title, extra) in SEED_TREE.items()}
    for number in range(6):
        spec[f"a/x/p{number}.md"] = ["a/x/index.md", f"名师{number}", {}]
        spec[f"b/p{number}.md"] = ["b/index.md", f"大院{number}", {"order": number}]
    now = datetime.datetime(2025, 6, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    memo, ids = generate.Finished(), {}

    def made_again(edit):
        """(the pages made again, the archive pages made again)."""
        before, archives = dict(memo.pages), {path: page for made in memo.listings.values()
                                              for path, (_recipe, page) in made.items()}
        edit()
        pages, made = generate.finish_documents(_documents(spec, ids), now=now, memo=memo, size=2)
        assert (pages, made) == generate.finish_documents(_documents(spec, ids), now=now, size=2)  # from nothing
        again = [path for pages in made.values() for path, (_recipe, page) in pages.items()
                 if archives.get(path) is not page]
        return sorted(path for path, page in pages.items() if before.get(path) is not page), sorted(again)

    made_again(lambda: None)
    # 名师专栏 (a/x) lists 6 pieces in pages of 2: p5 p4 first (newest, by path here), p3 p2 on archive 2,
    # p1 p0 on archive 1. One more (p9, the newest) is a third card on the first page, the archives untouched.
    assert made_again(lambda: spec.update({"a/x/p9.md": ["a/x/index.md", "新文章", {}]})) == ([
        "a/index.md", "a/x/index.md", "a/x/p9.md", "index.md"], [])  # (a/index.md: 名师专栏's card counts it)
    # In sequence (children_sequence), the pieces link to the one before and after: they are made again.
    # 科学大院 (b) lists by ``-order``: p9 (order -1) comes last, the oldest place, and moves every card by one.
    assert made_again(lambda: spec.update({"b/p9.md": ["b/index.md", "新文章", {"order": -1}]})) == ([
        "b/index.md", "b/p0.md", "b/p1.md", "b/p2.md", "b/p3.md", "b/p4.md", "b/p5.md", "b/p9.md", "index.md"],
        ["b/page/articles/1.md", "b/page/articles/2.md"])
    # The oldest piece removed: the others move by one too.
    assert made_again(lambda: spec.pop("a/x/p0.md")) == (["a/index.md", "a/x/index.md", "index.md"], [
        "a/x/page/articles/1.md", "a/x/page/articles/2.md"])

    def renamed_with_a_new_piece():  # the programme's own title and its children change in one publish
        spec["a/index.md"][1] = "格致论道讲坛"
        spec["a/p7.md"] = ["a/index.md", "新文章", {}]

    assert made_again(renamed_with_a_new_piece) == ([  # its descendants show its title in their breadcrumbs
        "a/index.md", "a/p7.md", "a/x/index.md", "a/x/p1.md", "a/x/p2.md", "a/x/p3.md", "a/x/p4.md", "a/x/p5.md",
        "a/x/p9.md", "index.md"], ["a/x/page/articles/1.md", "a/x/page/articles/2.md"])


def test_an_approval_serialises_and_writes_no_archive_page_again(settings, programme, monkeypatch):
    """Pages of 2: 格致论道's four stories tagged 地质 are s4 s3 on its page and the tag's, s2 s1 on their archive
    pages. A fifth story is a third card on the first pages: the archive pages are neither serialised
    nor written again (nor, so, converted, built or verified again: their sha256 is the same)."""
    settings.KEPU_LISTING_PAGE_SIZE = 2
    for number in range(1, 5):
        story = make_story(programme, title=f"故事{number}", slug=f"s{number}")
        story.tags.add("地质")
        story.save_revision().publish()
    state = PublishState(restored=True)
    exported(settings, state)
    archives = ["gezhi-lundao/page/stories/1.md", "tags/地质/page/1.md"]
    assert all((Path(settings.KEPU_CONTENT_DIR) / path).is_file() for path in archives)

    story = make_story(programme, title="故事5", slug="s5")
    story.tags.add("地质")
    story.save_revision().publish()
    serialised, serialise = [], write.serialise
    monkeypatch.setattr(write, "serialise", lambda meta, body: serialised.append(meta["canonical"]) or serialise(
        meta, body))
    out = exported(settings, state)
    assert {"gezhi-lundao/index.md", "tags/地质.md", "gezhi-lundao/s5.md"} <= set(out.written)
    assert not set(archives) & set(out.written)
    assert "/gezhi-lundao/" in serialised and not [url for url in serialised if "/page/" in url]
