"""The built sample site, for the tests that read it as the public does.

``build_sample_site`` loads the sample content into the test database inside a transaction,
publishes it into a folder of its own and rolls the transaction back: the site stays on disk,
the database is as it was. ``serve`` serves a folder on 127.0.0.1 the way a static web server
would (directory URLs, the site's own 404 page).
"""

import os
import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings


def build_sample_site(folder):
    folder = Path(folder)
    paths = {
        "KEPU_CONTENT_DIR": folder / "content",
        "KEPU_SITE_DIR": folder / "site",
        "KEPU_BUILDS_DIR": folder / "builds",
        "MEDIA_ROOT": folder / "media",
    }
    with override_settings(**paths), transaction.atomic():
        call_command("load_sample_content", verbosity=0)
        call_command("publish_site", "--no-progress", "--full")
        transaction.set_rollback(True)
    return Path(os.path.realpath(paths["KEPU_SITE_DIR"])), paths["KEPU_CONTENT_DIR"]


def front_matter(markdown_file):
    text = Path(markdown_file).read_text("utf-8")
    return yaml.safe_load(text.split("---\n", 2)[1]) if text.startswith("---\n") else {}


def one_page_per_kind(content_dir):
    """{kind: site URL path} for the first document of every kind (home, programme, story …)."""
    content_dir = Path(content_dir)
    pages = {}
    for path in sorted(content_dir.rglob("*.md"), key=lambda p: (len(p.parts), p.as_posix())):
        if path.name == "README.md":
            continue
        meta = front_matter(path)
        kind = meta.get("kind") or "page"
        if kind not in pages and meta.get("canonical"):
            pages[kind] = meta["canonical"]
    return pages


class _Handler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)


@contextmanager
def serve(directory):
    """Serve ``directory`` on 127.0.0.1; yields the base URL (ending in /)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
