"""How core content renders for the public site: the shared body blocks and the home page."""


def _quote(text):
    return "\n".join(f"> {line}".rstrip() for line in text.strip().splitlines())


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
        return _quote(value["text"]) + f"\n>\n> —— {value['attribution']}"
    if kind == "video":
        url = getattr(value["video"], "url", "") or ""
        if not url:
            return ""
        # A link, not an iframe: the public site makes no request to third-party hosts by itself.
        return f"[▶ {value.get('caption') or '观看视频'}]({url})"
    if kind == "timeline":
        lines = [f"### {value['heading']}", ""] if value.get("heading") else []
        for event in value["events"]:
            when = f"{event['year']} 年" + (f" {event['month']} 月" if event.get("month") else "")
            lines.append(f"- **{when}**：{event['event']}")
        return "\n".join(lines)
    raise ValueError(f"没有为正文块类型 {kind} 定义发布格式")


def render_body(stream, context):
    """A BodyBlock StreamField as Markdown, blocks separated by blank lines."""
    return "\n\n".join(part.strip() for part in (render_block(b, context) for b in stream) if part and part.strip())


def home_document(page, context):
    meta = context.front_matter(page, kind="home")
    return context.document(page, meta, context.richtext(page.introduction))
