"""The report figures: reads (page views, unique visitors) and published pieces, grouped.

Reads come from PageReads; a page's programme, institute, type and campaigns are the page's as it is
now. A page a campaign (专题) gathers counts for that campaign, and for each campaign that gathers it
(so the campaign rows need not add up to the total); the campaign page itself counts for its campaign.
Visitors over several days are the sum of each day's unique visitors (a reader who came back on
another day counts again): the ingester keeps no identity from one day to the next.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Sum
from django.db.models.functions import Coalesce

from .models import PageReads
from .pages import PageFacts
from .periods import Quarter, month_label, quarter_label

OTHER_PAGES = "网站生成的页面（标签、资源库分类等）"
DIMENSIONS = {
    "programme": "品牌项目",
    "institute": "机构",
    "type": "内容类型",
    "campaign": "专题",
    "month": "月份",
    "quarter": "季度",
}


@dataclass
class Row:
    label: str
    views: int = 0
    visitors: int = 0
    published: int = 0


@dataclass
class PieceRow:
    rank: int
    title: str
    programme: str
    type: str
    views: int
    visitors: int
    page_id: int
    path: str


@dataclass
class ComparisonRow:
    label: str
    current: int
    previous: int

    @property
    def change(self):
        """Change against the previous quarter in percent, one decimal; None when it had none."""
        if not self.previous:
            return None
        return round(100 * (self.current - self.previous) / self.previous, 1)

    @property
    def change_text(self):
        change = self.change
        if change is None:
            return "—" if not self.current else "新增"
        return f"{change:+.1f}%"


def in_range(reads, start=None, end=None):
    if start:
        reads = reads.filter(day__gte=start)
    if end:
        reads = reads.filter(day__lte=end)
    return reads


def _published_in(facts, start, end):
    """Pieces whose first publication falls in [start, end] (local dates), live now."""
    from django.utils import timezone

    for page_id, fact in facts.pieces().items():
        when = fact["first_published_at"]
        if not fact["live"] or when is None:
            continue
        day = timezone.localdate(when)
        if (start is None or day >= start) and (end is None or day <= end):
            yield page_id, fact, day


def _labels(fact, dimension):
    """The rows a page counts in: one, or for campaigns each campaign that gathers it."""
    value = fact[dimension]
    return value if isinstance(value, list) else [value]


def reads_by(dimension, reads, start=None, end=None):
    """Rows of (label, views, visitors, published) for one dimension, most read first (time in order)."""
    if dimension not in DIMENSIONS:
        raise ValueError(dimension)
    reads = in_range(reads, start, end)
    facts = PageFacts()
    rows = defaultdict(lambda: Row(""))
    if dimension in ("month", "quarter"):
        bucket = month_label if dimension == "month" else quarter_label
        keys = {}
        for day, views, visitors in reads.values_list("day").annotate(v=Sum("views"), u=Sum("visitors")):
            key = (day.year, day.month if dimension == "month" else Quarter.of(day).number)
            keys[key] = bucket(day)
            rows[key].views += views
            rows[key].visitors += visitors
        for _page_id, _fact, day in _published_in(facts, start, end):
            key = (day.year, day.month if dimension == "month" else Quarter.of(day).number)
            keys[key] = bucket(day)
            rows[key].published += 1
        for key, label in keys.items():
            rows[key].label = label
        return [rows[key] for key in sorted(rows)]
    per_page = reads.values("page_id").annotate(v=Coalesce(Sum("views"), 0), u=Coalesce(Sum("visitors"), 0))
    for entry in per_page:
        fact = facts.get(entry["page_id"])
        for label in _labels(fact, dimension) if fact else [OTHER_PAGES]:
            rows[label].views += entry["v"]
            rows[label].visitors += entry["u"]
    for _page_id, fact, _day in _published_in(facts, start, end):
        for label in _labels(fact, dimension):
            rows[label].published += 1
    for label, row in rows.items():
        row.label = label
    return sorted(rows.values(), key=lambda row: (-row.views, -row.published, row.label))


def top_pieces(reads, start=None, end=None, limit=20):
    reads = in_range(reads, start, end).filter(page__isnull=False)
    per_page = (reads.values("page_id").annotate(v=Sum("views"), u=Sum("visitors")).order_by("-v", "page_id"))
    facts = PageFacts([entry["page_id"] for entry in per_page])
    rows = []
    for entry in per_page:
        fact = facts.get(entry["page_id"])
        if fact is None or not fact["piece"]:
            continue
        rows.append(PieceRow(len(rows) + 1, fact["title"], fact["programme"], fact["type"], entry["v"], entry["u"],
                             entry["page_id"], fact["path"]))
        if len(rows) == limit:
            break
    return rows


def quarter_on_quarter(reads, quarter):
    """Views per programme in ``quarter`` and the one before, and the total first."""
    current = {row.label: row.views for row in reads_by("programme", reads, quarter.start, quarter.end)}
    previous_quarter = quarter.previous()
    previous = {row.label: row.views
                for row in reads_by("programme", reads, previous_quarter.start, previous_quarter.end)}
    labels = sorted(set(current) | set(previous), key=lambda label: (-current.get(label, 0), label))
    rows = [ComparisonRow(label, current.get(label, 0), previous.get(label, 0)) for label in labels]
    total = ComparisonRow("合计", sum(current.values()), sum(previous.values()))
    return [total, *rows]


def views_by_page():
    """{page id: all-time page views} — what a public 阅读量 would show (for the publish step to read)."""
    return dict(PageReads.objects.filter(page__isnull=False).values_list("page_id").annotate(v=Sum("views")))


def latest_quarter(reads):
    """The quarter of the last day with reads, or None."""
    last = reads.order_by("-day").values_list("day", flat=True).first()
    return Quarter.of(last) if last else None


def all_reads():
    return PageReads.objects.all()
