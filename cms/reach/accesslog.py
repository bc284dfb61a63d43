"""Reading nginx's combined log format and deciding which lines are a reader opening a page.

    $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"

A line counts when it is a GET answered 200, for a page (a path ending in ``/`` or ``.html``),
not an asset, feed, sitemap or the search page and its index, and the user agent is not a bot.
A listing's archive page (``/gezhi-lundao/page/stories/7/``, ``/tags/航天/page/3/``, ``/library/page/2/``)
counts as a read of its listing (``/gezhi-lundao/``): the reports count readers per programme, and the
older cards of a listing are that listing, not a page of their own.
"""

import datetime
import re
from urllib.parse import unquote

LINE = re.compile(
    r'(?P<ip>\S+) \S+ \S+ \[(?P<dd>\d\d)/(?P<mon>\w{3})/(?P<yyyy>\d{4}):[^\]]*\] '
    r'"(?P<method>[A-Z]+) (?P<target>\S+)[^"]*" (?P<status>\d{3}) \S+ "[^"]*" "(?P<agent>[^"]*)"'
)
MONTHS = {name: number for number, name in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)}

# Crawlers, monitors, link previewers and scripts (case-insensitive). WeChat's and Weibo's in-app
# browsers are readers: MicroMessenger, Weibo and the like are not in this list.
BOT = re.compile(
    r"bot\b|bot/|spider|crawl|slurp|scrapy|curl/|wget/|python-|httpx|go-http-client|java/|okhttp|"
    r"libwww|headless|phantomjs|lighthouse|pingdom|uptime|monitor|feedfetcher|facebookexternalhit|"
    r"preview|archiver|bytespider|yisou|sogou|petalbot|semrush|ahrefs|^-?$",
    re.IGNORECASE,
)
# Everything the publish step writes beside the pages, and the static search page with its index.
NOT_PAGES = ("/assets/", "/media/", "/search/", "/stylesheets/", "/javascripts/")
EXCLUDED_PAGES = {"/404.html"}
MAX_PATH = 500
# An archive page: its listing's path, ``page`` (a slug no page may take), a section key for a document's
# listings, and the page's number (docs/paginated-listings.md §1).
ARCHIVE = re.compile(r"(?P<listing>/(?:[^/]+/)*)page/(?:[a-z][a-z0-9-]*/)?[1-9][0-9]*/")


def page_path(target):
    """The canonical path (``/gezhi-lundao/qian-xuesen/``) a request target reads, or None if it is
    not a page. The query string and fragment are dropped, percent-escapes decoded; an archive page
    reads as its listing."""
    path = target.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/") or path in EXCLUDED_PAGES or path.startswith(NOT_PAGES):
        return None
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    elif not path.endswith("/"):
        if not path.endswith(".html"):
            return None
        path = path[: -len(".html")] + "/"
    path = unquote(path, errors="strict") if "%" in path else path
    if len(path) > MAX_PATH or "//" in path or "/../" in path or "/./" in path or not path.isprintable():
        return None  # no page has such an address (and a NUL or a very long name is no file name either)
    archive = ARCHIVE.fullmatch(path)
    return archive["listing"] if archive else path


def is_bot(agent):
    return BOT.search(agent) is not None


class LogLine:
    """The parts of a counted line: the day, the page's path and who (address and user agent)."""

    __slots__ = ("day", "path", "ip", "agent")

    def __init__(self, day, path, ip, agent):
        self.day, self.path, self.ip, self.agent = day, path, ip, agent


class LineReader:
    """Reads lines into :class:`LogLine` (or None), remembering the paths and days it has decoded."""

    def __init__(self):
        self.days, self.paths, self.bots = {}, {}, {}

    def __call__(self, line):
        match = LINE.match(line)
        if match is None or match["status"] != "200" or match["method"] != "GET":
            return None
        target = match["target"]
        path = self.paths.get(target, False)
        if path is False:
            try:
                path = page_path(target)
            except UnicodeDecodeError:
                path = None
            if len(self.paths) > 200_000:  # bounded: a flood of distinct targets cannot grow it
                self.paths.clear()
            self.paths[target] = path
        if path is None:
            return None
        agent = match["agent"]
        bot = self.bots.get(agent)
        if bot is None:
            if len(self.bots) > 100_000:
                self.bots.clear()
            bot = self.bots[agent] = is_bot(agent)
        if bot:
            return None
        key = (match["yyyy"], match["mon"], match["dd"])
        day = self.days.get(key)
        if day is None:
            try:
                day = self.days[key] = datetime.date(int(key[0]), MONTHS[key[1]], int(key[2]))
            except (KeyError, ValueError):
                return None
        return LogLine(day, path, match["ip"], agent)


TIME = re.compile(r"\S+ \S+ \S+ \[([^\]]+)\]")


def time_of(line):
    """When a log line (any status) was written, for putting files in order; None if it is not one."""
    match = TIME.match(line)
    try:
        return datetime.datetime.strptime(match[1], "%d/%b/%Y:%H:%M:%S %z") if match else None
    except ValueError:
        return None
