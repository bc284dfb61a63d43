"""Charts as self-contained SVG, drawn on the server: no script, no font or file from anywhere.

Each chart has a <title> and <desc> (read by screen readers through role="img" and
aria-labelledby); the report shows the same figures in a table beside it. Labels are Chinese
in the system's Chinese fonts.
"""

import itertools
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe

FONT = "PingFang SC, Hiragino Sans GB, Microsoft YaHei, Noto Sans CJK SC, sans-serif"
COLOURS = ("#1f5fa8", "#e07b00", "#2e8b57", "#a23b72", "#6b6b6b")
_ids = itertools.count(1)


@dataclass
class Series:
    name: str
    values: list
    colour: str = ""


def _number(value):
    return f"{value:,}"


def _nice_max(value):
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return int(step * magnitude)
    return int(10 * magnitude)


def _text_width(text, size):
    """Rough width of a label: Han characters are square, others about half."""
    return sum(size if ord(ch) > 0x2E7F else size * 0.55 for ch in text)


def _open(title, description, width, height):
    number = next(_ids)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" aria-labelledby="chart-{number}-title chart-{number}-desc" '
        f'font-family="{FONT}" font-size="13" style="max-width:100%;height:auto">',
        f'<title id="chart-{number}-title">{escape(title)}</title>',
        f'<desc id="chart-{number}-desc">{escape(description)}</desc>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="12" y="24" font-size="16" font-weight="bold" fill="#222">{escape(title)}</text>',
    ]


def _legend(series, x, y):
    parts = []
    for item in series:
        parts.append(f'<rect x="{x:.0f}" y="{y - 10}" width="12" height="12" fill="{item.colour}"/>'
                     f'<text x="{x + 16:.0f}" y="{y}" fill="#333">{escape(item.name)}</text>')
        x += 28 + _text_width(item.name, 13)
    return parts


def _coloured(series):
    return [Series(s.name, list(s.values), s.colour or COLOURS[n % len(COLOURS)]) for n, s in enumerate(series)]


def _describe(labels, series):
    return "；".join(f"{label}：" + "，".join(f"{s.name} {_number(s.values[n])}" for s in series)
                    for n, label in enumerate(labels))


def bar_chart(title, labels, series, width=640):
    """Horizontal bars, one group per label, one bar per series (e.g. 本季度 and 上季度)."""
    series = _coloured(series)
    labels = [str(label) for label in labels]
    label_width = min(220, max([_text_width(label, 13) for label in labels] + [40]) + 16)
    bar, gap = 16, 10
    group = bar * len(series) + gap
    top = 60 if len(series) > 1 else 40
    height = top + group * max(len(labels), 1) + 16
    biggest = _nice_max(max([v for s in series for v in s.values] + [0]))
    plot = width - label_width - 70
    parts = _open(title, _describe(labels, series), width, height)
    if len(series) > 1:
        parts += _legend(series, 12, 48)
    for n, label in enumerate(labels):
        y = top + n * group
        shown = label if _text_width(label, 13) <= label_width - 16 else label[: int((label_width - 30) / 13)] + "…"
        parts.append(f'<text x="{label_width - 8:.0f}" y="{y + group / 2 + 2:.0f}" text-anchor="end" '
                     f'fill="#333">{escape(shown)}</text>')
        for m, item in enumerate(series):
            value = item.values[n]
            length = plot * value / biggest
            by = y + m * bar
            parts.append(f'<rect x="{label_width:.0f}" y="{by}" width="{length:.1f}" height="{bar - 3}" '
                         f'fill="{item.colour}"/>'
                         f'<text x="{label_width + length + 4:.1f}" y="{by + bar - 5}" font-size="12" '
                         f'fill="#333">{_number(value)}</text>')
    parts.append(f'<line x1="{label_width:.0f}" y1="{top - 4}" x2="{label_width:.0f}" y2="{height - 12}" '
                 'stroke="#999"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def line_chart(title, labels, series, width=640, height=300):
    """Lines over time (months, quarters): one line per series, a dot and its value at each point."""
    series = _coloured(series)
    labels = [str(label) for label in labels]
    left, right, top, bottom = 64, 44, 60, 48
    plot_w, plot_h = width - left - right, height - top - bottom
    biggest = _nice_max(max([v for s in series for v in s.values] + [0]))
    parts = _open(title, _describe(labels, series), width, height)
    parts += _legend(series, 12, 48)
    for tick in range(5):
        value = biggest * tick / 4
        y = top + plot_h - plot_h * tick / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e3e3e3"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="#555">'
                     f'{_number(round(value))}</text>')
    count = max(len(labels), 1)
    step = plot_w / max(count - 1, 1)
    every = max(1, round(count / 8))  # at most about 8 labels under the axis
    for n, label in enumerate(labels):
        x = left + (step * n if count > 1 else plot_w / 2)
        if n % every == 0 or n == count - 1:
            parts.append(f'<text x="{x:.1f}" y="{height - bottom + 18}" text-anchor="middle" font-size="12" '
                         f'fill="#555">{escape(label)}</text>')
    for item in series:
        points = []
        for n, value in enumerate(item.values):
            x = left + (step * n if count > 1 else plot_w / 2)
            y = top + plot_h - plot_h * value / biggest
            points.append((x, y, value))
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _v in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{item.colour}" stroke-width="2"/>')
        for x, y, value in points:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{item.colour}">'
                         f'<title>{escape(item.name)} {_number(value)}</title></circle>')
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#999"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
