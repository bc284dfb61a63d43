"""A small static web server for the built site, for development: the site's own 404.html for a
missing page (as deploy/nginx.conf does), never Python's English error page. It follows the site/
link on every request, so a publish is visible at once."""

import functools
import http.server
from pathlib import Path


class SiteRequestHandler(http.server.SimpleHTTPRequestHandler):
    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class SiteServer(http.server.ThreadingHTTPServer):
    request_queue_size = 128  # a link checker or a browser opens many connections at once (the default: 5)


def make_server(folder, port=0, handler=SiteRequestHandler):
    """A threading server for ``folder`` on 127.0.0.1 (port 0: any free port); call serve_forever()."""
    return SiteServer(("127.0.0.1", port), functools.partial(handler, directory=str(folder)))
