"""A real Chromium for the browser tests: Debian's /usr/bin/chromium driven by Playwright.

Nothing is downloaded: Playwright's own browser builds are never installed. A request that would
leave this machine is aborted (block_outside_requests) or, where a sweep loads many pages and wants
Chromium's cache, noted (watch_outside_requests), so a test also proves the page needs none.
"""

import os
import shutil
import threading
from contextlib import contextmanager

from cms.core.site_server import SiteRequestHandler, make_server

CHROMIUM = os.environ.get("KEPU_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
    "--disable-quic",
]
LOCAL_PREFIXES = ("http://127.0.0.1", "http://localhost", "about:", "data:", "blob:")


def require_chromium():
    if not shutil.which(CHROMIUM):
        raise RuntimeError(f"找不到 Chromium（{CHROMIUM}）：请运行 apt-get install chromium，或设置 KEPU_CHROMIUM。")


def block_outside_requests(context, blocked):
    """Abort every request to a host other than this machine, remembering its URL."""

    def handle(route):
        url = route.request.url
        if url.startswith(LOCAL_PREFIXES):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context.route("**/*", handle)


def watch_outside_requests(context, seen):
    """Note in ``seen`` the URL of every request to a host other than this machine. Watched, not
    routed (block_outside_requests): a route turns Chromium's cache off, so every page fetches and
    compiles the same stylesheets and scripts again. Nothing is aborted: the test asserts ``seen``
    is empty at its end."""
    context.on("request", lambda request: None if request.url.startswith(LOCAL_PREFIXES) else
               seen.append(request.url))


class _QuietHandler(SiteRequestHandler):
    """The development site server (the site's own 404 page), quiet."""

    def log_message(self, *args):
        pass


@contextmanager
def serve_folder(folder):
    """Serve a folder (the built site) over HTTP on 127.0.0.1; yields the base URL ending in /."""
    server = make_server(folder, handler=_QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def admin_logins(browser, admin, blocked, *, timeout=15_000, requested=None):
    """Yields ``log_in(username)``: a browser of that person's own (zh-CN, desktop size), logged in
    through the admin's login form, on the admin home. ``timeout`` (ms) is how long its actions and the
    test's expectations wait (an expectation right after a form is sent waits on the server's answer).
    Requests leaving the machine are aborted and noted in ``blocked``; every request URL goes to
    ``requested`` when given. On exit the browsers close, expectations wait Playwright's default again,
    and the live server's request threads finish before the test's database goes away."""
    from playwright.sync_api import expect

    from tests.conftest import PASSWORD

    contexts = []

    def log_in(username):
        context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
        contexts.append(context)
        context.set_default_timeout(timeout)
        block_outside_requests(context, blocked)
        if requested is not None:
            context.on("request", lambda request: requested.append(request.url))
        page = context.new_page()
        page.goto(f"{admin}login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page).to_have_url(admin)
        return page

    expect.set_options(timeout=timeout)
    try:
        yield log_in
    finally:
        expect.set_options(timeout=None)
        for context in contexts:
            context.close()
        # The live server answers each connection in a daemon thread nothing waits for.
        for thread in threading.enumerate():
            if thread.name.endswith("(process_request_thread)"):
                thread.join(timeout=10)
