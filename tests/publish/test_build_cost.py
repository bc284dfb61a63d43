"""What the build step of an approval costs follows the change, not the site.

An incremental build of one edited story, from the manifest's paths (``sources``) and the paths whose
output the staging folder lacks (``missing``), does the same work in a site of 4 stories and of 40:
the same files listed and looked at (stat), the one page rendered, no static file copied, no theme
template rendered again, no walk of the installed theme's folders (Material's icons) once its files
are listed in the template cache folder; and it is byte for byte the full build of the same content.
An approval's builds (all incremental) run in the publishing process: nothing is forked for them.
"""

import os
from pathlib import Path
from types import SimpleNamespace

import material
import mkdocs.utils

from cms.publish import build, fsutil, paths
from cms.publish.mkdocs_plugin import plugin as kepu_plugin
from tests.publish import test_build_processes
from tests.publish.trees import snapshot

forks, reaped = test_build_processes.forks, test_build_processes.reaped  # (forks: a fixture)

SITE = SimpleNamespace(site_name="测试", base_url="https://kepu.example.org/", description="", copyright="")
NAV = [{"title": "格致论道", "path": "gezhi/index.md"}]


def page(title, body):
    return f'---\n{{"title": "{title}"}}\n---\n\n{body}\n'


def site_files(stories):
    """A content folder as the export writes one: a home page, a programme listing every story, each
    story with its image."""
    files = {
        "index.md": page("首页", "见[格致论道](gezhi/index.md)。"),
        "gezhi/index.md": page("格致论道", "\n".join(f"- [第{n}讲](s{n}.md)" for n in range(stories))),
    }
    for n in range(stories):
        files[f"gezhi/s{n}.md"] = page(f"第{n}讲", f"![图](../media/s{n}.png)\n\n正文{n}。见[栏目](index.md)。")
        files[f"media/s{n}.png"] = f"png {n}"
    return files


def write(root, files):
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, "utf-8")


def config_file(root, docs, site_dir):
    root.mkdir(parents=True, exist_ok=True)
    config = build.mkdocs_config(site=SITE, content_dir=docs, site_dir=site_dir, nav=NAV)
    build.write_config(root / "mkdocs.yml", config)
    return root / "mkdocs.yml"


class Work:
    """What a build does, counted: stat calls, folder entries read (and the folders walked), the Files
    MkDocs holds, pages and templates rendered, static files copied."""

    def __init__(self, monkeypatch):
        self.stats, self.entries, self.walked, self.files = 0, 0, [], None
        self.pages, self.templates, self.copied = [], [], []
        stat, scandir, walk = os.stat, os.scandir, os.walk

        def counted_stat(*args, **kwargs):
            self.stats += 1
            return stat(*args, **kwargs)

        def counted_scandir(*args, **kwargs):
            with scandir(*args, **kwargs) as found:
                entries = list(found)
            self.entries += len(entries)
            return _Listing(entries)

        def recorded_walk(top, *args, **kwargs):
            self.walked.append(os.path.abspath(top))
            return walk(top, *args, **kwargs)

        on_nav, on_post_page, on_post_template = (kepu_plugin.KepuPlugin.on_nav, kepu_plugin.KepuPlugin.on_post_page,
                                                  kepu_plugin.KepuPlugin.on_post_template)

        def nav(plugin, nav, *, config, files):
            self.files = len(files)
            return on_nav(plugin, nav, config=config, files=files)

        def post_page(plugin, output, *, page, config):
            self.pages.append(page.file.src_uri)
            return on_post_page(plugin, output, page=page, config=config)

        def post_template(plugin, output, *, template_name, config):
            self.templates.append(template_name)
            return on_post_template(plugin, output, template_name=template_name, config=config)

        copy_file = mkdocs.utils.copy_file
        monkeypatch.setattr(os, "stat", counted_stat)
        monkeypatch.setattr(os, "scandir", counted_scandir)
        monkeypatch.setattr(os, "walk", recorded_walk)
        monkeypatch.setattr(kepu_plugin.KepuPlugin, "on_nav", nav)
        monkeypatch.setattr(kepu_plugin.KepuPlugin, "on_post_page", post_page)
        monkeypatch.setattr(kepu_plugin.KepuPlugin, "on_post_template", post_template)
        monkeypatch.setattr(mkdocs.utils, "copy_file", lambda source, target: self.copied.append(target) or copy_file(
            source, target))

    def counts(self):
        return {"stats": self.stats, "entries": self.entries, "files": self.files, "pages": self.pages,
                "templates": self.templates, "copied": self.copied}


class _Listing:
    """What os.scandir returns (an iterator and a context manager), over entries already read."""

    def __init__(self, entries):
        self._entries = iter(entries)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._entries)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def close(self):
        pass


def approval(tmp_path, monkeypatch, stories):
    """One story edited in a site of ``stories``: the incremental build's work (Work.counts) and
    folders walked, after checking it is the full build of the same content."""
    root = tmp_path / str(stories)
    docs, cache = root / "docs", tmp_path / "template-cache"  # (one cache folder, as the builds/ of a site)
    files = site_files(stories)
    write(docs, files)
    live = root / "live"
    build.run_mkdocs(config_file(live, docs, live / "site"), source_date_epoch=0, template_cache=cache)

    write(docs, {"gezhi/s1.md": page("第1讲", "![图](../media/s1.png)\n\n改过的正文。见[栏目](index.md)。")})
    staging = root / "staging"
    fsutil.link_tree(live / "site", staging / "site")
    (staging / "site" / paths.output_path("gezhi/s1.md")).unlink()  # (staging.prepare: the stale output)
    config = config_file(staging, docs, staging / "site")
    work = Work(monkeypatch)
    warnings = build.run_mkdocs(config, source_date_epoch=0, dirty=True, template_cache=cache, sources=list(files),
                                missing={"gezhi/s1.md"})
    monkeypatch.undo()

    full = root / "full"
    assert warnings == build.run_mkdocs(config_file(full, docs, full / "site"), source_date_epoch=0,
                                        template_cache=cache)
    assert snapshot(staging / "site") == snapshot(full / "site")
    return work.counts(), work.walked


def test_an_approvals_build_does_the_same_work_in_a_site_ten_times_larger(settings, tmp_path, monkeypatch):
    settings.KEPU_BUILD_PROCESSES = 1
    small, small_walked = approval(tmp_path, monkeypatch, 4)
    large, large_walked = approval(tmp_path, monkeypatch, 40)
    assert small["pages"] == large["pages"] == ["gezhi/s1.md"]
    assert small["templates"] == large["templates"] == []  # 404.html and the search page are there already
    assert small["copied"] == large["copied"] == []
    assert large == small
    # Walked: the empty folder MkDocs lists instead of docs_dir, and Kepu's themes/ (not Material's folders).
    assert [Path(top).name.startswith("kepu-docs-") for top in large_walked] == [True, False]
    assert small_walked[1:] == large_walked[1:] == [str(Path(settings.KEPU_THEMES_DIR).resolve())]
    assert not any(Path(top).is_relative_to(os.path.dirname(material.__file__)) for top in large_walked)


def test_an_approvals_builds_run_in_this_process_and_full_ones_side_by_side(settings, tmp_path, forks):
    settings.KEPU_BUILD_PROCESSES = 2
    files = site_files(3)
    for name in ("a", "b"):
        write(tmp_path / name / "docs", files)

    def jobs(dirty):
        made = []
        for name in ("a", "b"):
            docs = tmp_path / name / "docs"
            made.append(build.Job(config_file(tmp_path / name / ("next" if dirty else "live"), docs,
                                              tmp_path / name / ("next" if dirty else "live") / "site"),
                                  dirty=dirty, sources=list(files)))
        return made

    build.run_jobs(jobs(dirty=False))
    assert len(forks) == 1 and reaped(forks[0])  # the second build beside the first
    for name in ("a", "b"):
        fsutil.link_tree(tmp_path / name / "live" / "site", tmp_path / name / "next" / "site")
        write(tmp_path / name / "docs", {"gezhi/s1.md": page("第1讲", "改过。")})
        (tmp_path / name / "next" / "site" / paths.output_path("gezhi/s1.md")).unlink()
    build.run_jobs(jobs(dirty=True))  # (one page each: not shared out either)
    assert len(forks) == 1
    for name in ("a", "b"):
        assert "改过。" in (tmp_path / name / "next" / "site" / "gezhi" / "s1" / "index.html").read_text("utf-8")
