"""Kepu in production on one machine, for real: gunicorn with the production settings and
whitenoise, a publish worker, nginx in front with deploy/nginx.conf (over TLS, with a certificate
made for the test), and editors working under load while publishes run. Real processes on loopback.

As on a server, nginx's workers run as www-data and the site is root's, published with umask 077:
nginx reads only what the publish made readable by others (when the tests run as root, as CI does;
otherwise nginx runs as the test's user, and tests/publish/test_modes.py still checks the modes).

The production settings accept only PostgreSQL, so this module runs in the PostgreSQL leg
(DATABASE_URL set, as .ci/run does) and is skipped, saying why, on SQLite.
"""

import gzip
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest

from bench.load import AdminClient, prepare, run_load, story_form
from cms.sitesearch import index as search
from tests.deploy import ROOT, Deployment, free_port, postgres_url, wait_for

pytestmark = pytest.mark.skipif(
    not postgres_url(), reason="生产配置只接受 PostgreSQL：这些测试在 PostgreSQL 一轮运行（设置 DATABASE_URL）"
)

PUBLIC, CMS = "kepu.example.org", "cms.kepu.example.org"
FOREVER = "max-age=315360000"
AS_ROOT = os.geteuid() == 0
WEB_USER = "www-data"  # Debian's nginx user


@pytest.fixture(scope="module")
def server(migrated_database):
    """A production installation with the sample content published, gunicorn and a publish worker.
    Its folder is one another user can enter (pytest's own temporary folders are 0700)."""
    folder = Path(tempfile.mkdtemp(prefix="kepu-production-"))
    folder.chmod(0o755)
    deployment = Deployment(folder, production=True, publish_umask=0o077 if AS_ROOT else -1)
    try:
        setup = prepare(deployment, editors=3, migrate=migrated_database)  # a copy of the run's migrated database
        port = free_port()
        gunicorn = deployment.start_gunicorn(port)
        deployment.start_worker()
        yield SimpleNamespace(deployment=deployment, port=port, setup=setup, site=deployment.site, gunicorn=gunicorn)
    finally:
        deployment.close()
        shutil.rmtree(folder, ignore_errors=True)


def fetch(connection, path, host, **headers):
    connection.request("GET", path, headers={"Host": host, **headers})
    response = connection.getresponse()
    return response, response.read()


def test_gunicorn_serves_the_admin_and_its_static_files(server):
    port = free_port()
    gunicorn = server.deployment.start_gunicorn(port, workers=1, name="gunicorn-smoke")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    host = f"127.0.0.1:{port}"

    # Over plain HTTP the admin sends the browser to HTTPS; nginx says which one was used.
    response, _ = fetch(connection, "/admin/login/", host)
    assert response.status == 301 and response.getheader("Location") == f"https://{host}/admin/login/"
    response, body = fetch(connection, "/admin/login/", host, **{"X-Forwarded-Proto": "https"})
    page = body.decode()
    assert response.status == 200
    assert '<html lang="zh-hans"' in page and "登录" in page
    assert "max-age=31536000" in response.getheader("Strict-Transport-Security")
    assert "Secure" in response.getheader("Set-Cookie")

    # The admin's static files: collected with hashed names, compressed, cached for good (whitenoise).
    css = re.search(r"/static/wagtailadmin/css/core\.[0-9a-f]{12}\.css", page).group(0)
    response, body = fetch(connection, css, host, **{"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Cache-Control") == f"{FOREVER}, public, immutable"
    assert response.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(body) == (server.deployment.folder / "static" / css.removeprefix("/static/")).read_bytes()
    connection.close()

    assert server.deployment.stop(gunicorn) == 0  # SIGTERM: a clean stop


# nginx: deploy/nginx.conf as it is, with its paths and ports moved into the test folder.
def nginx_config(folder, *, http_port, https_port, gunicorn_port, cert, key):
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    replacements = [
        (r"\n *listen \[::\]:\d+[^;]*;", ""),
        (r"listen 80;", f"listen 127.0.0.1:{http_port};"),
        (r"listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        (r"server 127\.0\.0\.1:8000;", f"server 127.0.0.1:{gunicorn_port};"),
        (r"/etc/letsencrypt/live/kepu\.example\.org/fullchain\.pem", str(cert)),
        (r"/etc/letsencrypt/live/kepu\.example\.org/privkey\.pem", str(key)),
        (r"/srv/kepu/site", str(folder / "site")),
        (r"return 301 https://\$host\$request_uri;", f"return 301 https://$host:{https_port}$request_uri;"),
    ]
    for pattern, replacement in replacements:
        text, count = re.subn(pattern, replacement, text)
        assert count, f"deploy/nginx.conf no longer contains {pattern!r}: update this test with it"
    directives = re.sub(r"#[^\n]*", "", text)
    assert "/srv/kepu" not in directives and "/etc/letsencrypt" not in directives
    return text


@pytest.fixture(scope="module")
def nginx(server):
    binary = shutil.which("nginx") or shutil.which("/usr/sbin/nginx")
    if binary is None:
        raise RuntimeError("找不到 nginx：请运行 apt-get install nginx-light（.ci/run 会安装）。")
    folder = server.deployment.folder / "nginx"
    (folder / "temp").mkdir(parents=True)
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            f"/CN={PUBLIC}",
            "-addext",
            f"subjectAltName=DNS:{PUBLIC},DNS:{CMS}",
        ],
        check=True,
        capture_output=True,
    )
    ports = SimpleNamespace(http=free_port(), https=free_port())
    (folder / "kepu.conf").write_text(
        nginx_config(
            server.deployment.folder,
            http_port=ports.http,
            https_port=ports.https,
            gunicorn_port=server.port,
            cert=cert,
            key=key,
        )
    )
    temp = folder / "temp"
    (folder / "nginx.conf").write_text(f"""
{f"user {WEB_USER} {WEB_USER};" if AS_ROOT else ""}
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log {folder}/access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {folder}/kepu.conf;
}}
""")
    check = subprocess.run(
        [binary, "-t", "-c", str(folder / "nginx.conf"), "-e", str(folder / "error.log")],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    process = server.deployment.start(
        binary, "-c", str(folder / "nginx.conf"), "-e", str(folder / "error.log"), name="nginx"
    )
    wait_for(lambda: _listening(ports.https) and _listening(ports.http), "nginx to listen", process=process)
    context = ssl.create_default_context(cafile=str(cert))
    yield SimpleNamespace(ports=ports, context=context, process=process)
    server.deployment.stop(process, signal.SIGQUIT)


def _listening(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


class Loopback(http.client.HTTPSConnection):
    """HTTPS to a name (SNI and certificate checked for it) served on 127.0.0.1."""

    def connect(self):
        plain = socket.create_connection(("127.0.0.1", self.port), self.timeout)
        self.sock = self._context.wrap_socket(plain, server_hostname=self.host)


def test_nginx_serves_the_site_and_the_cms(server, nginx):
    port = nginx.ports.https
    site = Path(server.site)
    public = Loopback(PUBLIC, port, context=nginx.context, timeout=60)
    host = f"{PUBLIC}:{port}"

    response, body = fetch(public, "/", host)
    assert response.status == 200 and body == (site / "index.html").read_bytes()
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert response.getheader("Cache-Control") == "no-cache"
    assert response.getheader("Strict-Transport-Security")
    response, body = fetch(public, "/gezhi-lundao/", host)
    assert response.status == 200 and "格致论道".encode() in body

    response, body = fetch(public, "/no-such-page/", host)
    assert response.status == 404 and body == (site / "404.html").read_bytes()
    response, body = fetch(public, "/zh-hant/no-such-page/", host)  # the mirror's own, in Traditional script
    assert response.status == 404 and body == (site / "zh-hant" / "404.html").read_bytes()
    response, _ = fetch(public, "/admin/login/", host)
    assert response.status == 404  # the public host knows nothing of the CMS

    css = next((site / "assets" / "stylesheets").glob("main.*.min.css"))
    response, body = fetch(public, f"/assets/stylesheets/{css.name}", host, **{"Accept-Encoding": "gzip"})
    assert response.status == 200 and response.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(body) == css.read_bytes()
    assert FOREVER in response.getheader("Cache-Control")
    # The search index: its entry point is asked for every time, the folders named by their content kept.
    for prefix in ("", "zh-hant/"):
        index = site / prefix / "search"
        response, body = fetch(public, f"/{prefix}search/shards.json", host)
        assert response.status == 200 and response.getheader("Cache-Control") == "no-cache"
        entry = json.loads(body)
        groups = search.group_folders(entry)  # p/<gg>-<digest>/: each group folder of bucket files
        assert [path.name for path in sorted((index / "p").iterdir())] == groups
        last = entry["postings"]["chars"] - 1
        named = [index / search.bucket_path(entry, "g", 0), index / search.bucket_path(entry, "c", last),
                 index / entry["shards"][0]["dir"] / "pages.json", next((index / entry["fold"]["dir"]).iterdir())]
        for file in named:
            response, body = fetch(public, "/" + file.relative_to(site).as_posix(), host)
            assert response.status == 200 and body == file.read_bytes(), file
            assert response.getheader("Cache-Control") == FOREVER, file
    for xml in ("sitemap.xml", "feed.xml", "gezhi-lundao/feed.xml"):  # text/xml in mime.types
        response, body = fetch(public, f"/{xml}", host, **{"Accept-Encoding": "gzip"})
        assert response.status == 200 and response.getheader("Content-Encoding") == "gzip", xml
        assert gzip.decompress(body) == (site / xml).read_bytes()
    calendar = next(site.rglob("*.ics"))  # an event's 加入日历 file
    response, body = fetch(public, "/" + quote(calendar.relative_to(site).as_posix()), host)
    assert response.status == 200 and body == calendar.read_bytes()
    assert response.getheader("Content-Type") == "text/calendar; charset=utf-8"
    image = next((site / "media" / "images").glob("*.webp"))
    response, body = fetch(public, f"/media/images/{image.name}", host)
    assert response.status == 200 and body == image.read_bytes()
    assert response.getheader("Content-Type") == "image/webp" and FOREVER in response.getheader("Cache-Control")

    plain = http.client.HTTPConnection("127.0.0.1", nginx.ports.http, timeout=60)
    response, _ = fetch(plain, "/gezhi-lundao/", PUBLIC)
    assert response.status == 301 and response.getheader("Location") == f"https://{PUBLIC}:{port}/gezhi-lundao/"

    # The CMS through nginx: the login page, its static files, uploads; a chief editor publishes.
    cms = AdminClient(lambda: Loopback(CMS, port, context=nginx.context, timeout=120), f"{CMS}:{port}", direct=False)
    response, page = cms.request("login", "GET", "/admin/login/")
    assert '<html lang="zh-hans"' in page and "登录" in page
    static = re.search(r"/static/wagtailadmin/css/core\.[0-9a-f]{12}\.css", page).group(0)
    response, _ = cms.request("static", "GET", static)
    assert response.getheader("Cache-Control") == f"{FOREVER}, public, immutable"
    upload = next((server.deployment.folder / "media" / "original_images").iterdir())
    cms.request("media", "GET", f"/media/original_images/{upload.name}", expect=(403,))  # not anonymously

    cms.login(server.setup["chief"], "kepu-load-pass-123")
    response, _ = cms.request("media", "GET", f"/media/original_images/{upload.name}")
    assert response.getheader("Content-Type", "").startswith("image/")
    marker = "经由 nginx 发布的新版本"
    cms.save("publish", server.setup["published"], story_form("压测发布", "load-published", marker), publish=True)
    path = "/" + "/".join(server.setup["published_path"].strip("/").split("/")[1:]) + "/"
    # The worker publishes and swaps site/; nginx serves the new build with no reload.
    wait_for(lambda: marker.encode() in fetch(public, path, host)[1], "the publish to reach the public site")


def test_editors_under_load_while_publishing(server):
    """bench/load.py in short: no request fails, and publishing keeps working meanwhile."""
    report = run_load(
        lambda record: AdminClient.to_gunicorn(server.port, record),
        server.setup,
        server.site,
        editors=3,
        seconds=4,
        publish_every=2,
        min_publishes=1,
        max_seconds=300,
    )
    print("\n".join(report.lines()))
    assert report.errors == [], "\n".join(server.deployment.errors(server.gunicorn))
    assert server.deployment.errors(server.gunicorn) == []
    assert report.live_publishes, "no publish reached the site while the editors worked"
    assert {"explorer", "edit view", "save draft", "publish"} <= set(report.latencies)


def test_search_works_through_nginx_in_a_browser(server, nginx, browser):
    """A reader searches through nginx, whose worker user owns nothing of the build."""
    base = f"https://127.0.0.1:{nginx.ports.https}/"  # the public site is the port's default server
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 360, "height": 780})
    outside, index_files = [], []

    def only_this_server(route):
        if route.request.url.startswith(base):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_this_server)
    page = context.new_page()
    page.on("response", lambda r: index_files.append((r.status, r.url)) if "/search/" in r.url else None)
    page.goto(base + "search/?q=" + "钱学森")
    page.locator(".kepu-search__result a", has_text="钱学森").first.wait_for()
    assert "暂时无法使用" not in page.locator(".kepu-search__status").inner_text()
    shards = [(status, url) for status, url in index_files if "/search/s/" in url]
    assert shards and all(status == 200 for status, _ in shards), index_files
    context.close()
    assert outside == []
