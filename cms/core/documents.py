"""How core content renders for the public site: the shared body blocks and the home page."""

from urllib.parse import urlsplit


def _quote(value, context):
    """A quote with its speaker: a <figure> holding the <blockquote> and a <figcaption>."""
    paragraphs = [context.plain(line) for line in value["text"].strip().splitlines() if line.strip()]
    quote = "\n\n".join(paragraphs)
    return (f'<figure class="kepu-quote" markdown="1">\n<blockquote markdown="1">\n{quote}\n</blockquote>\n'
            f'<figcaption markdown="span">'
            f"—— {context.plain(value['attribution'])}</figcaption>\n</figure>")


def _timeline(value, context):
    """Dated events as an ordered list the theme draws as a timeline."""
    lines = [f"## {context.plain(value['heading'])}", ""] if value.get("heading") else []
    lines.append('<div class="kepu-timeline" markdown="1">\n')
    for event in value["events"]:
        when = f"{event['year']} 年" + (f" {event['month']} 月" if event.get("month") else "")
        lines.append(f"1. **{when}** {context.plain(event['event'])}")
    lines.append("\n</div>")
    return "\n".join(lines)


def _video(value, context):
    """A link to the video, never an embedded player: the site makes no request to another host by itself."""
    url = getattr(value["video"], "url", "") or ""
    link = context.external_link(f"▶ {value.get('caption') or '观看视频'}", url)
    if not url or not link.startswith("["):
        return ""
    host = context.plain(urlsplit(url).hostname or "")
    return f'<p class="kepu-video" markdown="1">{link}{{ rel="noopener" }} <small>（{host}）</small></p>'


def render_block(block, context):
    kind, value = block.block_type, block.value
    if kind == "paragraph":
        return context.richtext(value.source)
    if kind == "image":
        image = value["image"]
        if image is None:
            return ""
        alt = "" if getattr(image, "decorative", False) else getattr(image, "contextual_alt_text", "") or ""
        return context.image(image, alt, caption=value.get("caption") or "", credit=value.get("credit") or "")
    if kind == "quote":
        return _quote(value, context)
    if kind == "video":
        return _video(value, context)
    if kind == "timeline":
        return _timeline(value, context)
    raise ValueError(f"没有为正文块类型 {kind} 定义发布格式")


def render_body(stream, context):
    """A BodyBlock StreamField as Markdown, blocks separated by blank lines."""
    return "\n\n".join(part.strip() for part in (render_block(b, context) for b in stream) if part and part.strip())


def home_document(page, context):
    from cms.factcheck.emergency import home_banner

    banner = home_banner(context)  # the 应急科普 banner while an emergency is flagged, until it ends
    extra = {"banner": banner, "valid_until": banner["ends"]} if banner else {}
    meta = context.front_matter(page, kind="home", children_sort="order", **extra)
    return context.document(page, meta, context.richtext(page.introduction))
