"""A real Chromium for the browser tests: Debian's /usr/bin/chromium driven by Playwright.

Nothing is downloaded: Playwright's own browser builds are never installed. Every request
that would leave this machine is aborted, so a test also proves the page needs none.
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
