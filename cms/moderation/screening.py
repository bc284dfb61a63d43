"""Automatic screening: the checks the 自动筛查 task runs on a submitted revision.

Each problem is a sentence an author can act on: where it is and what to do. Watched terms
are not problems; they become a note for the reviewer.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.db import models
from django.utils.html import strip_tags
from modelcluster.models import get_all_child_relations
from wagtail import blocks
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageBlock
from wagtail.models import Page, PageLogEntry

from .sanitiser import sanitise_with_report

SANITISED_ACTION = "kepu.sanitised"
PAGE_TEXT_FIELDS = ("title", "seo_title", "search_description")


@dataclass
class Item:
    """One piece of content: where it is, what it is, its value, and how to replace it."""

    location: str
    kind: str  # text | html | image | page
    value: object
    replace: object = None


def _label(thing):
    return str(getattr(thing, "label", None) or getattr(thing, "verbose_name", None) or thing.name)


def _walk_block(location, block, value):
    if value is None:
        return
    if isinstance(block, blocks.RichTextBlock):
        yield Item(location, "html", value.source, replace=lambda clean, v=value: setattr(v, "source", clean))
    elif isinstance(block, ImageBlock):
        yield Item(location, "image", value)
    elif isinstance(block, blocks.StructBlock):
        for name, child in block.child_blocks.items():
            yield from _walk_block(f"{location} · {_label(child)}", child, value.get(name))
    elif isinstance(block, blocks.ListBlock):
        for index, child_value in enumerate(value, 1):
            yield from _walk_block(f"{location} 第 {index} 项", block.child_block, child_value)
    elif isinstance(block, blocks.StreamBlock):
        yield from _walk_stream(location, value)
    elif isinstance(block, blocks.PageChooserBlock):
        yield Item(location, "page", value)
    elif isinstance(value, str):
        yield Item(location, "text", value)


def _walk_stream(location, stream):
    for index, child in enumerate(stream, 1):
        yield from _walk_block(f"{location}第 {index} 块（{_label(child.block)}）", child.block, child.value)


def _walk_model_fields(obj, prefix, own_fields):
    for model_field in obj._meta.concrete_fields:
        if model_field.name not in own_fields:
            continue
        location = f"{prefix}{_label(model_field)}"
        value = getattr(obj, model_field.name)
        if isinstance(model_field, RichTextField):
            yield Item(location, "html", value or "",
                       replace=lambda clean, name=model_field.name: setattr(obj, name, clean))
        elif isinstance(model_field, StreamField):
            yield from _walk_stream(location, value)
        elif isinstance(model_field, (models.CharField, models.TextField)) and not model_field.choices:
            if value:
                yield Item(location, "text", value)
        elif isinstance(model_field, models.ForeignKey) and issubclass(model_field.related_model, Page):
            target = getattr(obj, model_field.name)
            if target is not None:
                yield Item(location, "page", target)


def walk(page):
    """Every piece of text, HTML, image and page link in a page and its inline children."""
    own = {f.name for f in page._meta.concrete_fields if f.model is not Page} | set(PAGE_TEXT_FIELDS)
    own -= {"page_ptr"}
    yield from _walk_model_fields(page, "", own)
    for relation in get_all_child_relations(page):
        accessor = relation.get_accessor_name()
        for index, child in enumerate(getattr(page, accessor).all(), 1):
            label = f"{relation.related_model._meta.verbose_name} 第 {index} 项 · "
            child_fields = {f.name for f in child._meta.concrete_fields} - {"id", "page", "sort_order"}
            yield from _walk_model_fields(child, label, child_fields)


class _LinksAndImages(HTMLParser):
    def __init__(self, source):
        super().__init__(convert_charrefs=True)
        self.page_ids, self.images_without_alt = [], 0
        self.feed(source)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("linktype") == "page" and (attrs.get("id") or "").isdigit():
            self.page_ids.append(int(attrs["id"]))
        if (tag == "embed" and attrs.get("embedtype") == "image") or tag == "img":
            if not (attrs.get("alt") or "").strip():
                self.images_without_alt += 1

    handle_startendtag = handle_starttag


@dataclass
class ScreeningResult:
    problems: list = field(default_factory=list)
    flags: list = field(default_factory=list)

    @property
    def passed(self):
        return not self.problems

    def comment(self):
        if self.problems:
            lines = ["自动筛查未通过，请修改以下问题后重新提交："]
            lines += [f"{n}. {p}" for n, p in enumerate(self.problems, 1)]
            if self.flags:
                lines.append("另有需要留意的内容：" + "；".join(self.flags))
            return "\n".join(lines)
        if self.flags:
            return "自动筛查通过。请初审留意：" + "；".join(self.flags)
        return "自动筛查通过。"


def _terms(kind):
    from .models import TermList

    terms = set()
    for term_list in TermList.objects.filter(active=True, kind=kind):
        terms.update(term_list.term_set())
    return sorted(terms, key=lambda t: (-len(t), t))


def _check_terms(result, location, text, blocked, watched):
    lowered = text.lower()
    for term in blocked:
        if term.lower() in lowered:
            result.problems.append(f"「{location}」含有禁用词“{term}”，请删除或改写。")
    for term in watched:
        if term.lower() in lowered:
            result.flags.append(f"「{location}」含有关注词“{term}”")


def _check_page_link(result, location, target_id, target=None):
    target = target or Page.objects.filter(pk=target_id).first()
    if target is None:
        result.problems.append(f"「{location}」链接的页面（编号 {target_id}）已被删除，请移除或更换链接。")
    elif not target.live:
        result.problems.append(f"「{location}」链接的页面《{target.title}》尚未发布，请等它发布后再提交，或移除该链接。")


def screen_page(page, revision=None):
    """Run every check on ``page`` (a specific page object, typically a revision's)."""
    result = ScreeningResult()
    blocked, watched = _terms("blocked"), _terms("watched")
    for item in walk(page):
        if item.kind == "text":
            _check_terms(result, item.location, item.value, blocked, watched)
        elif item.kind == "html":
            _check_terms(result, item.location, strip_tags(item.value), blocked, watched)
            report = sanitise_with_report(item.value)
            if report.changed:
                result.problems.append(
                    f"「{item.location}」的富文本含有不允许的内容（{report.describe()}）。请在编辑器中删除后重新提交。"
                )
            found = _LinksAndImages(item.value)
            for page_id in found.page_ids:
                _check_page_link(result, item.location, page_id)
            if found.images_without_alt:
                result.problems.append(
                    f"「{item.location}」中有 {found.images_without_alt} 张图片缺少替代文本，请补上。"
                )
        elif item.kind == "image":
            if not getattr(item.value, "decorative", False) and not (item.value.contextual_alt_text or "").strip():
                result.problems.append(
                    f"「{item.location}」的图片缺少替代文本，请描述图片内容；纯装饰图片请勾选“装饰性图片”。"
                )
        elif item.kind == "page":
            _check_page_link(result, item.location, item.value.pk, item.value)

    for name in ("portrait",):
        if getattr(page, f"{name}_id", None) and not (getattr(page, f"{name}_alt", "") or "").strip():
            result.problems.append(f"「{_label(page._meta.get_field(name))}」缺少替代文本，请补上。")
    _check_resource(result, page)

    if revision is not None:
        for entry in PageLogEntry.objects.filter(revision=revision, action=SANITISED_ACTION):
            for change in entry.data.get("changes", []):
                result.problems.append(
                    f"保存时清理程序改动了「{change['location']}」（{change['description']}）。"
                    "请检查清理后的内容，确认无误后再保存并重新提交。"
                )
    return result


def _check_resource(result, page):
    if not hasattr(page, "licence") or not hasattr(page, "kind"):
        return
    if not page.licence:
        result.problems.append("「许可协议」未选择。科普资源必须注明使用许可，请选择一种许可协议。")
    area = page.get_parent().specific if page.pk and page.get_parent() else None
    if area is not None and hasattr(area, "institute_id") and area.institute_id != page.institute_id:
        result.problems.append(f"本资源位于“{area.title}”，贡献机构必须是“{area.institute}”。")


def screen_revision(revision):
    return screen_page(revision.as_object(), revision=revision)


def sanitise_page(page):
    """Sanitise every piece of rich text in ``page`` in place; return what had to change."""
    changes = []
    for item in walk(page):
        if item.kind != "html" or item.replace is None:
            continue
        report = sanitise_with_report(item.value)
        if report.changed:
            item.replace(report.clean)
            changes.append({"location": item.location, "description": report.describe()})
    return changes
