"""Load test: editors working in the admin under gunicorn while publishes run.

    DATABASE_URL=$(bash scripts/postgres.sh) python bench/load.py --editors 10 --seconds 30

Sets up a throw-away production installation on this machine (production settings, a fresh
PostgreSQL database on the DATABASE_URL server, the sample content, one story per editor), starts
gunicorn and a publish worker on loopback, then for ``--seconds`` N logged-in editors (threads, one
keep-alive connection each) loop: open the explorer, open their story's edit view, save a draft.
Meanwhile a chief editor publishes a story every ``--publish-every`` seconds through the admin, and
the script watches the static site for each new version. Prints requests/s, p50/p95 latency per
kind of request, errors (there must be none) and how long each publish took to reach the site.
Nothing leaves 127.0.0.1.
"""

import argparse
import http.client
import json
import os
import re
import statistics
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSWORD = "kepu-load-pass-123"

# Run in the deployment (manage.py shell): N editors with a story each, and a story to publish.
SETUP = """
import json
from django.contrib.auth.models import Group
from cms.core.models import User
from cms.moderation.roles import CHIEF_EDITOR, EDITOR
from cms.programmes.models import ProgrammePage
from cms.stories.models import StoryPage

programme = ProgrammePage.objects.live().order_by("home_order", "pk").first()

def story(slug, title):
    page = StoryPage.objects.filter(slug=slug).first()
    if page is None:
        page = StoryPage(title=title, slug=slug, scientist_name="压测", discipline="物理", summary="压测用的故事。",
                         body=[("paragraph", "<p>第一版。</p>")])
        programme.add_child(instance=page)
        page.save_revision().publish()
    return page

editors = []
for number in range(1, EDITORS + 1):
    user = User.objects.filter(username=f"load-editor-{number}").first()
    if user is None:
        user = User.objects.create_user(f"load-editor-{number}", f"load{number}@example.org", PASSWORD)
        user.groups.add(Group.objects.get(name=EDITOR))
    editors.append([user.username, story(f"load-{number}", f"压测故事 {number}").pk])
chief = User.objects.filter(username="load-chief").first()
if chief is None:
    chief = User.objects.create_user("load-chief", "load-chief@example.org", PASSWORD)
    chief.groups.add(Group.objects.get(name=CHIEF_EDITOR))
published = story("load-published", "压测发布")
print(json.dumps({"programme": programme.pk, "programme_slug": programme.slug, "editors": editors,
                  "chief": chief.username, "published": published.pk, "published_path": published.url_path}))
"""


def draftail(text):
    """One paragraph in the admin's rich text format (Draftail's content state)."""
    block = {
        "key": "kepu0",
        "type": "unstyled",
        "depth": 0,
        "text": text,
        "inlineStyleRanges": [],
        "entityRanges": [],
        "data": {},
    }
    return json.dumps({"blocks": [block], "entityMap": {}}, ensure_ascii=False)


def story_form(title, slug, text):
    """The story edit form as the admin posts it (see wagtail.test.utils.form_data)."""
    data = {
        "title": title,
        "slug": slug,
        "scientist_name": "压测",
        "discipline": "物理",
        "institution": "",
        "summary": "压测用的故事。",
        "portrait": "",
        "portrait_alt": "",
        "tags": "",
        "body-count": "1",
        "body-0-type": "paragraph",
        "body-0-value": draftail(text),
        "body-0-deleted": "",
        "body-0-order": "0",
        "body-0-id": str(uuid.uuid4()),
    }
    for formset in ("honours", "sources", "related_stories", "corrections", "comments"):
        data.update(
            {
                f"{formset}-TOTAL_FORMS": "0",
                f"{formset}-INITIAL_FORMS": "0",
                f"{formset}-MIN_NUM_FORMS": "0",
                f"{formset}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


class RequestFailed(Exception):
    pass


class AdminClient:
    """A logged-in browser in miniature: one keep-alive connection, its cookies and CSRF token.

    ``connect`` opens the connection; ``host`` is what the browser would put in the Host header. Talking
    to gunicorn directly, the client adds what nginx would: X-Forwarded-Proto: https."""

    def __init__(self, connect, host, *, direct=True, record=None):
        self._connect, self.host, self.cookies = connect, host, {}
        self.origin = f"https://{host}"
        self.connection = connect()
        self.record = record or (lambda kind, seconds, ok: None)
        self.extra = {"X-Forwarded-Proto": "https"} if direct else {}

    @classmethod
    def to_gunicorn(cls, port, record=None):
        return cls(
            lambda: http.client.HTTPConnection("127.0.0.1", port, timeout=120), f"127.0.0.1:{port}", record=record
        )

    def request(self, kind, method, path, form=None, expect=(200,)):
        headers = {"Host": self.host, **self.extra, "Accept-Language": "zh-CN,zh;q=0.9", "Referer": self.origin + path}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}, doseq=True).encode()
            headers.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin})
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (OSError, http.client.HTTPException) as error:
                self.connection.close()
                self.connection = self._connect()
                # The server closed an idle keep-alive connection before it read the request: a browser
                # sends the request again on a new connection, and so does this client, once.
                if attempt == 1 and isinstance(
                    error, (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)
                ):
                    continue
                self.record(kind, time.perf_counter() - started, False)
                raise RequestFailed(f"{method} {path}: {error!r}") from error
        seconds = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        ok = response.status in expect
        self.record(kind, seconds, ok)
        if not ok:
            raise RequestFailed(f"{method} {path}: HTTP {response.status} {response.getheader('Location', '')}")
        return response, content.decode("utf-8", "replace")

    def login(self, username, password):
        self.request("login", "GET", "/admin/login/")
        response, _ = self.request(
            "login", "POST", "/admin/login/", {"username": username, "password": password}, expect=(302,)
        )
        if not response.getheader("Location", "").endswith("/admin/"):
            raise RequestFailed(f"login as {username} failed")

    def save(self, kind, page_id, form, publish=False):
        """Post the edit form; the admin answers a successful save (or publish) with a redirect."""
        if publish:
            form = {**form, "action-publish": "1"}
        response, content = self.request(kind, "POST", f"/admin/pages/{page_id}/edit/", form, expect=(302, 200))
        if response.status != 302:
            errors = re.findall(r'class="error-message"[^>]*>\s*<span>([^<]+)', content)[:3]
            raise RequestFailed(f"save of page {page_id} refused: {errors or 'no redirect'}")


@dataclass
class Report:
    seconds: float = 0.0
    latencies: dict = field(default_factory=dict)  # kind → [seconds]
    errors: list = field(default_factory=list)
    publishes: list = field(default_factory=list)  # (requested at, seconds until live or None)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind, seconds, ok):
        with self.lock:
            if ok:
                self.latencies.setdefault(kind, []).append(seconds)

    def fail(self, message):
        with self.lock:
            self.errors.append(message)

    @property
    def requests(self):
        return sum(len(v) for v in self.latencies.values())

    @property
    def live_publishes(self):
        return [s for _, s in self.publishes if s is not None]

    def lines(self):
        def pct(values, q):
            return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]

        out = [
            f"{self.requests} requests in {self.seconds:.1f} s: {self.requests / self.seconds:.1f} requests/s, "
            f"{len(self.errors)} errors"
        ]
        for kind, values in sorted(self.latencies.items()):
            out.append(
                f"  {kind:<12} n={len(values):<6} p50={pct(values, 50) * 1000:7.1f} ms  "
                f"p95={pct(values, 95) * 1000:7.1f} ms"
            )
        live = self.live_publishes
        out.append(
            f"publishes: {len(self.publishes)} requested, {len(live)} live"
            + (f", median {statistics.median(live):.1f} s from the chief's click to the public site" if live else "")
        )
        out += [f"  error: {e}" for e in self.errors[:10]]
        return out


def run_load(client, setup, site, *, editors, seconds, publish_every=5.0, min_publishes=0, max_seconds=None, grace=300):
    """Drive the admin for ``seconds`` (longer, up to ``max_seconds``, until ``min_publishes`` publishes
    have reached ``site``). ``client(record)`` makes an AdminClient; ``setup`` is what SETUP printed.
    Afterwards waits up to ``grace`` seconds for the publishes still on their way."""
    report = Report()
    stop = threading.Event()
    started = time.monotonic()
    live_file = Path(site, *setup["published_path"].strip("/").split("/")[1:], "index.html")

    def editor(username, page_id, number):
        admin = client(report.record)
        try:
            admin.login(username, PASSWORD)
            version = 0
            while not stop.is_set():
                version += 1
                admin.request("explorer", "GET", f"/admin/pages/{setup['programme']}/")
                admin.request("edit view", "GET", f"/admin/pages/{page_id}/edit/")
                text = f"{username} 的第 {version} 版草稿。"
                admin.save("save draft", page_id, story_form(f"压测故事 {number}", f"load-{number}", text))
        except RequestFailed as error:
            report.fail(f"{username}: {error}")

    def chief():
        """Publish a new version every ``publish_every`` seconds; note when each reaches the site."""
        admin = client(report.record)
        pending = []  # [(marker, requested at)], oldest first
        try:
            admin.login(setup["chief"], PASSWORD)
            version, next_at = 0, time.monotonic()
            while True:
                now = time.monotonic()
                text = live_file.read_text(encoding="utf-8") if pending and live_file.is_file() else ""
                live = [index for index, (marker, _) in enumerate(pending) if marker in text]
                if live:  # the newest version online stands for the earlier ones it replaced
                    report.publishes += [(at, now - at) for _, at in pending[: live[-1] + 1]]
                    del pending[: live[-1] + 1]
                if stop.is_set():
                    if not pending or now - stopped[0] > grace:
                        break
                elif now >= next_at:
                    version += 1
                    marker = f"发布标记-{version}-{uuid.uuid4().hex[:8]}"
                    admin.save(
                        "publish", setup["published"], story_form("压测发布", "load-published", marker), publish=True
                    )
                    pending.append((marker, time.monotonic()))
                    next_at = time.monotonic() + publish_every
                time.sleep(0.1)
        except RequestFailed as error:
            report.fail(f"chief: {error}")
        report.publishes += [(at, None) for _, at in pending]

    stopped = [None]
    threads = [
        threading.Thread(target=editor, args=(name, page, n), daemon=True)
        for n, (name, page) in enumerate(setup["editors"][:editors], start=1)
    ]
    publisher = threading.Thread(target=chief, daemon=True)
    for thread in [*threads, publisher]:
        thread.start()
    while not report.errors:
        elapsed = time.monotonic() - started
        if (elapsed >= seconds and len(report.live_publishes) >= min_publishes) or elapsed >= (max_seconds or 1e9):
            break
        time.sleep(0.1)
    stopped[0] = time.monotonic()
    stop.set()
    for thread in threads:
        thread.join(timeout=180)
    report.seconds = stopped[0] - started
    publisher.join(timeout=grace + 30)
    return report


def main():
    from tests.deploy import Deployment, free_port, postgres_url

    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--editors", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--publish-every", type=float, default=5.0, help="seconds between the chief's publishes")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    args = parser.parse_args()
    if not postgres_url():
        sys.exit("需要 PostgreSQL（生产配置）：DATABASE_URL=$(bash scripts/postgres.sh) python bench/load.py")

    with tempfile.TemporaryDirectory(prefix="kepu-load-") as folder:
        deployment = Deployment(folder, production=True)
        try:
            print("preparing: migrate, collectstatic, sample content, first publish …", flush=True)
            setup = prepare(deployment, args.editors)
            port = free_port()
            gunicorn = deployment.start_gunicorn(port, workers=args.web_workers, threads=args.threads)
            deployment.start_worker()
            print(
                f"{args.editors} editors for {args.seconds:g} s against gunicorn "
                f"({args.web_workers} workers × {args.threads} threads) on 127.0.0.1:{port} …",
                flush=True,
            )
            load_before = os.getloadavg()[0]
            report = run_load(
                lambda record: AdminClient.to_gunicorn(port, record),
                setup,
                deployment.site,
                editors=args.editors,
                seconds=args.seconds,
                publish_every=args.publish_every,
            )
            server_errors = deployment.errors(gunicorn)
        finally:
            deployment.close()
    print("\n".join(report.lines()))
    print(f"server errors logged: {len(server_errors)}" + "".join(f"\n{error}" for error in server_errors[:3]))
    load_after = os.getloadavg()[0]
    print(f"machine load average (1 min): {load_before:.1f} before, {load_after:.1f} after ({os.cpu_count()} CPUs)")
    print("command: " + " ".join(["python", "bench/load.py", *sys.argv[1:]]))
    sys.exit(1 if report.errors or server_errors else 0)


def prepare(deployment, editors, migrate=None):
    """Migrate (or ``migrate(deployment)``: the tests copy a migrated database), collect static files, load
    the sample content, add the editors, publish. Returns SETUP's answer."""
    if migrate is None:
        deployment.manage("migrate", "--noinput", "-v0")
    else:
        migrate(deployment)
    deployment.manage("collectstatic", "--noinput", "-v0")
    deployment.manage("load_sample_content")
    answer = deployment.manage("shell", "-c", f"EDITORS = {int(editors)}\nPASSWORD = {PASSWORD!r}\n{SETUP}")
    deployment.manage("publish_site", "--no-progress")
    return json.loads(answer.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
