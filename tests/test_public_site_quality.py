"""Quality gates on the built sample site, with the real checkers a reviewer would run.

- axe-core in Chromium: no accessibility violation on the home page and one page of every kind;
- the Nu HTML Checker (vnu.jar, run on Java): no error on the same pages;
- linkinator over the whole site served on 127.0.0.1: no broken link or anchor;
- while the pages load, no request leaves 127.0.0.1.

The checkers come from the npm registry (package.json; ``npm ci`` in scripts/setup.sh).
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser import block_outside_requests
from tests.public_site import build_sample_site, one_page_per_kind, serve

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
# The sample site is built in the test database (then rolled back): every test here needs it set up.
pytestmark = pytest.mark.django_db

LINKINATOR = NODE_MODULES / "linkinator" / "build" / "src" / "cli.js"


def require(path, what):
    if not path.is_file():
        raise RuntimeError(f"缺少 {what}（{path}）：请在项目根目录运行 npm ci。")


@pytest.fixture(scope="module")
def sample_site(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        site, content = build_sample_site(tmp_path_factory.mktemp("sample-site"))
    pages = one_page_per_kind(content)
    pages["404"] = "/404.html"
    return site, pages


@pytest.fixture(scope="module")
def served(sample_site):
    site, _pages = sample_site
    with serve(site) as url:
        yield url


def test_every_kind_of_page_is_checked(sample_site):
    _site, pages = sample_site
    assert {"home", "programme", "story", "column", "column_article", "resource", "tag", "404"} <= set(pages)


def test_axe_finds_no_violation_and_nothing_leaves_the_machine(browser, sample_site, served):
    require(AXE, "axe-core")
    _site, pages = sample_site
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="zh-CN")
    blocked, requested = [], []
    block_outside_requests(context, blocked)
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    report = {}
    try:
        for kind, path in sorted(pages.items()):
            page.goto(served + path.lstrip("/"), wait_until="networkidle")
            page.add_script_tag(path=str(AXE))
            violations = page.evaluate(
                """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
                    .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`)"""
            )
            if violations:
                report[f"{kind} {path}"] = violations
    finally:
        context.close()
    assert report == {}, json.dumps(report, ensure_ascii=False, indent=1)
    assert blocked == [], f"页面请求了本机之外的地址：{blocked}"
    assert requested, "no request was seen: the check did not run"


def test_nu_html_checker_reports_no_error(sample_site):
    require(VNU, "vnu-jar")
    java = shutil.which("java")
    if java is None:
        raise RuntimeError("找不到 java：请安装 default-jre-headless。")
    site, pages = sample_site
    files = []
    for path in sorted(set(pages.values())):
        rel = path.strip("/")
        file = site / rel if rel.endswith(".html") else site / rel / "index.html"
        assert file.is_file(), file
        files.append(str(file))
    run = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", *files],
                         capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or '{"messages": []}')["messages"]
    errors = [f"{Path(m.get('url', '')).parent.name}: {m.get('message')} «{m.get('extract', '')}»"
              for m in messages if m.get("type") == "error"]
    assert errors == [], "\n".join(errors)
    assert run.returncode == 0


def test_no_broken_link_or_anchor_in_the_whole_site(served):
    require(LINKINATOR, "linkinator")
    node = shutil.which("node")
    run = subprocess.run(
        [node, str(LINKINATOR), served, "--recurse", "--check-fragments", "--format", "json",
         # Only this site is checked: links to other hosts (sources, the canonical host) need the network.
         "--skip", "^(?!" + re.escape(served) + ")", "--concurrency", "8", "--timeout", "20000"],
        capture_output=True, text=True, timeout=600,
    )
    result = json.loads(run.stdout)
    checked = [link for link in result["links"] if link["state"] != "SKIPPED"]
    broken = [f"{link['url']} ← {link.get('parent')} ({link.get('status')})"
              for link in checked if link["state"] == "BROKEN"]
    assert broken == [], "\n".join(broken)
    assert len(checked) > 50, f"linkinator checked only {len(checked)} links: the crawl did not run"
