"""A verification works out what the theme lets pages run (its scripts' hashes) once, and again only
when a theme file is added, removed or written: not on every approval."""

import collections

from cms.publish import theme_scripts, verify


def test_the_theme_is_hashed_again_only_when_its_files_change(tmp_path, monkeypatch):
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "a.js").write_text("console.log(1);")
    (tmp_path / "main.html").write_text("<script>var a = 1;</script>")
    monkeypatch.setattr(theme_scripts, "theme_dirs", lambda: [tmp_path])
    done = collections.Counter()
    hashing = theme_scripts.script_file_hashes
    monkeypatch.setattr(theme_scripts, "script_file_hashes", lambda: (done.update(["hashed"]), hashing())[1])

    first = verify.Allowed.for_site("https://kepu.example/")
    again = verify.Allowed.for_site("https://kepu.example/", first)
    assert done["hashed"] == 1
    assert again == first and again.seen is not first.seen  # (a page's script digests are read afresh)

    elsewhere = verify.Allowed.for_site("https://kepu.example/kepu/", again)  # another scope
    assert done["hashed"] == 2 and elsewhere.root == "/kepu/"

    (tmp_path / "js" / "b.js").write_text("console.log(2);")  # a script added
    added = verify.Allowed.for_site("https://kepu.example/", again)
    assert done["hashed"] == 3 and len(added.files) == 2

    (tmp_path / "js" / "b.js").write_text("console.log(3);")  # written into (its size is the same)
    written = verify.Allowed.for_site("https://kepu.example/", added)
    assert done["hashed"] == 4 and written.files != added.files


def test_a_theme_seen_before_is_stat_ed_not_listed(tmp_path, monkeypatch):
    """Telling the theme is the same lists none of its folders (a theme package holds thousands of
    icons): its folders and script/template files are stat'ed; a name added deep down is still seen."""
    (tmp_path / "js" / "deep").mkdir(parents=True)
    (tmp_path / "js" / "a.js").write_text("console.log(1);")
    (tmp_path / "main.html").write_text("<script>var a = 1;</script>")
    for number in range(50):
        (tmp_path / "js" / "deep" / f"icon{number}.svg").write_text("<svg/>")
    monkeypatch.setattr(theme_scripts, "theme_dirs", lambda: [tmp_path])
    first = verify.Allowed.for_site("https://kepu.example/")

    listed = []
    scandir = verify.os.scandir
    monkeypatch.setattr(verify.os, "scandir", lambda path=".": (listed.append(path), scandir(path))[1])
    again = verify.Allowed.for_site("https://kepu.example/", first)
    assert listed == [] and again == first

    (tmp_path / "js" / "deep" / "b.js").write_text("console.log(2);")  # a script added two folders down
    added = verify.Allowed.for_site("https://kepu.example/", again)
    assert len(added.files) == 2 and listed  # (listed again: something changed)
    listed.clear()
    (tmp_path / "js" / "deep" / "more").mkdir()  # a folder made, then a script in it
    (tmp_path / "js" / "deep" / "more" / "c.js").write_text("console.log(3);")
    assert len(verify.Allowed.for_site("https://kepu.example/", added).files) == 3
