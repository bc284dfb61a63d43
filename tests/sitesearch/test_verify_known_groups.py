"""search.verify's group check with ``known`` (groups an earlier verification found complete): such a
group is only looked for in p/, its files not counted; a group gone is caught whatever is known."""

import shutil

from cms.sitesearch import index as search


def make_groups(search_dir, monkeypatch):
    """Two groups (4 gram buckets each) of an index of 8 gram and 2 char buckets, every file there."""
    monkeypatch.setattr(search, "GROUP_GRAMS", 4)
    merged = {"grams": 8, "chars": 2, "groups": ["aaaaaaaaaaaa", "bbbbbbbbbbbb"]}
    for name, grams, chars in (("00-aaaaaaaaaaaa", (0, 2, 4, 6), (0,)), ("01-bbbbbbbbbbbb", (1, 3, 5, 7), (1,))):
        for kind, buckets in (("g", grams), ("c", chars)):
            (search_dir / "p" / name / kind).mkdir(parents=True)
            for bucket in buckets:
                (search_dir / "p" / name / kind / f"{bucket:x}.bin").write_bytes(b"x")
    return merged


def test_complete_groups_are_found(tmp_path, monkeypatch):
    merged = make_groups(tmp_path, monkeypatch)
    assert search._verify_groups(tmp_path, merged) == ([], {"00-aaaaaaaaaaaa", "01-bbbbbbbbbbbb"})


def test_a_known_group_is_not_counted_again_but_an_unknown_one_is(tmp_path, monkeypatch):
    merged = make_groups(tmp_path, monkeypatch)
    (tmp_path / "p" / "00-aaaaaaaaaaaa" / "g" / "4.bin").unlink()
    assert search._verify_groups(tmp_path, merged, known={"00-aaaaaaaaaaaa"}) == ([], {"00-aaaaaaaaaaaa",
                                                                                         "01-bbbbbbbbbbbb"})
    problems, complete = search._verify_groups(tmp_path, merged, known={"01-bbbbbbbbbbbb"})
    assert complete == {"01-bbbbbbbbbbbb"}
    assert len(problems) == 1 and "p/00-aaaaaaaaaaaa/" in problems[0] and "'g': 3" in problems[0]


def test_a_group_gone_is_caught_even_if_known(tmp_path, monkeypatch):
    merged = make_groups(tmp_path, monkeypatch)
    shutil.rmtree(tmp_path / "p" / "01-bbbbbbbbbbbb")
    problems, found = search._verify_groups(tmp_path, merged, known={"00-aaaaaaaaaaaa", "01-bbbbbbbbbbbb"})
    assert len(problems) == 1 and "p/01-bbbbbbbbbbbb/" in problems[0] and "'g': 0" in problems[0]
    assert found == {"00-aaaaaaaaaaaa"}
    assert search.check(tmp_path / "none", []).groups == frozenset()  # (no index at all: nothing found)
