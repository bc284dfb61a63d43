"""deploy/nginx.conf as it is (paths and ports moved into the test's folder, as tests/test_production.py
does) in front of a small tree published with the Traditional mirror on a host of its own: each host name
gets its own site and its own 404 page, the mirror's folder is not served on the Simplified host, and a
publish reaches both hosts with no reload."""

import os
import pwd
import shutil
import ssl
import subprocess

import pytest

from cms.hant.models import MirrorSettings
from cms.publish.pipeline import publish
from tests.conftest import make_story
from tests.deploy import free_port, wait_for
from tests.publish.trees import folders  # noqa: F401 (a fixture)
from tests.test_production import Loopback, fetch, nginx_config

pytestmark = pytest.mark.usefixtures("folders")

PUBLIC, MIRROR = "kepu.example.org", "hk.kepu.example.org"  # the names deploy/nginx.conf serves


@pytest.fixture
def nginx(tmp_path):  # the folders fixture's folder: site/ is tmp_path/site
    binary = shutil.which("nginx") or shutil.which("/usr/sbin/nginx")
    if binary is None:
        raise RuntimeError("找不到 nginx：请运行 apt-get install nginx-light（.ci/run 会安装）。")
    folder = tmp_path / "nginx"
    (folder / "temp").mkdir(parents=True)
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-keyout", str(key),
                    "-out", str(cert), "-subj", f"/CN={PUBLIC}"], check=True, capture_output=True)
    https = free_port()
    (folder / "kepu.conf").write_text(nginx_config(tmp_path, http_port=free_port(), https_port=https,
                                                   gunicorn_port=free_port(), cert=cert, key=key))
    temps = " ".join(f"{kind}_temp_path {folder}/temp/{kind};" for kind in ("client_body", "proxy", "fastcgi",
                                                                         "uwsgi", "scgi"))
    (folder / "nginx.conf").write_text(
        f"user {pwd.getpwuid(os.geteuid()).pw_name}; daemon off; worker_processes 1; pid {folder}/nginx.pid;"
        f" events {{ worker_connections 64; }}"
        f" http {{ include /etc/nginx/mime.types; access_log off; {temps} include {folder}/kepu.conf; }}")
    process = subprocess.Popen([binary, "-c", str(folder / "nginx.conf"), "-e", str(folder / "error.log")])
    context = ssl.create_default_context(cafile=str(cert))
    context.check_hostname = False  # one certificate for the test, made for the public name
    wait_for(lambda: process.poll() is not None or _answers(https, context), "nginx to listen", timeout=30)
    assert process.poll() is None, (folder / "error.log").read_text()
    yield lambda path, host: fetch(Loopback(host, https, context=context, timeout=30), path, f"{host}:{https}")
    process.terminate()
    process.wait(10)


def _answers(port, context):
    try:
        fetch(Loopback(PUBLIC, port, context=context, timeout=2), "/", PUBLIC)
    except OSError:
        return False
    return True


def test_each_host_gets_its_own_site_and_404_and_a_publish_reaches_both(db, programme, nginx):
    settings = MirrorSettings.load()
    settings.enabled, settings.profile, settings.host = True, "s2hk", f"https://{MIRROR}/"
    settings.save()
    story = make_story(programme, title="软件与信息", slug="ruanjian")
    publish(full=True)

    response, body = nginx("/gezhi-lundao/ruanjian/", PUBLIC)
    assert response.status == 200 and "软件与信息".encode() in body
    response, body = nginx("/gezhi-lundao/ruanjian/", MIRROR)
    assert response.status == 200 and "軟件與信息".encode() in body and b'lang="zh-Hant-HK"' in body
    response, body = nginx("/no-such-page/", MIRROR)  # the mirror's own 404 page
    assert response.status == 404 and b'lang="zh-Hant-HK"' in body
    response, body = nginx("/_zh-hant/gezhi-lundao/ruanjian/", PUBLIC)  # the mirror's folder: not here
    assert response.status == 404 and b'lang="zh-CN"' in body

    story.title = "软件与信息：新版"
    story.save_revision().publish()
    publish()
    assert "軟件與信息：新版".encode() in nginx("/gezhi-lundao/ruanjian/", MIRROR)[1]
    assert "软件与信息：新版".encode() in nginx("/gezhi-lundao/ruanjian/", PUBLIC)[1]
