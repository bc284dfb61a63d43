"""Corrections (更正) and retractions (撤稿) of a live page, for any page type that mixes them in
(debunks, integrity documents, stories, column articles, resources).

A correction is a dated note (what was wrong, what is right) kept as an inline of the page: it is
part of the page's revision, so it goes through the page's normal review before readers see it.
A retraction is three fields on the page; only a chief editor may set them, and the reason is
required. A retracted page still renders: a tombstone (title, date, why it was withdrawn) at its
URL, with front matter for the publish step.

A page type adds ``Retractable`` to its bases, a ``CorrectionNote`` subclass with
``page = ParentalKey(<page>, related_name="corrections")``, ``InlinePanel("corrections")`` and
``Retractable.retraction_panels`` to its panels, ``RetractionFormMixin`` to its form, "corrections"
to its export prefetch, and its ``to_document`` returns ``tombstone(page, context, kind, programme)`` when the page is
retracted, else ``correctable_document(page, context, meta, body)``.

Front matter the publish step is to honour (docs/publish-seams.md 4 and 5):
- ``retracted: true`` with ``retraction: {date, reason}`` (and ``container: true``, ``tags: []``):
  keep the page built at its URL, leave it out of its parent's ``sections``, tag and library pages,
  the search index and sitemap.xml, and print ``<meta name="robots" content="noindex">``;
- ``corrections: [{date, wrong, right}]``, newest first: in the piece's feed entry, and on a
  site-wide 更正记录 page listing every correction newest first.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Orderable

from cms.moderation.roles import CHIEF_EDITOR


def is_chief_editor(user):
    return bool(user and (user.is_superuser or user.groups.filter(name=CHIEF_EDITOR).exists()))


class CorrectionNote(Orderable):
    """One dated correction. Concrete subclasses add ``page = ParentalKey(<page>, related_name="corrections")``."""

    date = models.DateField(_("更正日期"))
    wrong = models.TextField(_("原文有误之处"), max_length=500)
    right = models.TextField(_("更正为"), max_length=500)

    panels = [FieldPanel("date"), FieldPanel("wrong"), FieldPanel("right")]

    class Meta(Orderable.Meta):
        abstract = True
        verbose_name = _("更正说明")
        verbose_name_plural = _("更正说明")

    def text(self):
        return f"原文：{' '.join(self.wrong.split())}；更正为：{' '.join(self.right.split())}"


class Retractable(models.Model):
    """The retraction fields and their rule (model side: a reason is required)."""

    retracted = models.BooleanField(
        _("撤稿"), default=False,
        help_text=_("只有主编可以撤稿。撤稿后原网址保留一个撤稿说明页，内容从列表和搜索中移除。"),
    )
    retraction_reason = models.TextField(_("撤稿原因"), blank=True, max_length=500)
    retracted_at = models.DateField(_("撤稿日期"), null=True, blank=True)

    retraction_panels = [
        MultiFieldPanel([FieldPanel("retracted"), FieldPanel("retraction_reason"), FieldPanel("retracted_at")],
                        heading=_("撤稿（仅主编）")),
    ]

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.retracted:
            if not (self.retraction_reason or "").strip():
                raise ValidationError({"retraction_reason": _("撤稿必须填写撤稿原因，读者会在原网址看到它。")})
            if self.retracted_at is None:
                self.retracted_at = timezone.localdate()


class RetractionFormMixin:
    """Admin form rule: only a chief editor may retract or un-retract a page."""

    def clean(self):
        cleaned_data = super().clean()
        user = getattr(self, "for_user", None)
        # Before _post_clean the instance still holds the latest revision's values.
        if cleaned_data.get("retracted", False) != self.instance.retracted and not is_chief_editor(user):
            self.add_error("retracted", _("只有主编可以撤稿或撤销撤稿。"))
        return cleaned_data


def live_corrections(page):
    """The page's corrections, newest first."""
    return sorted(page.corrections.all(), key=lambda c: (c.date, c.pk or 0), reverse=True)


def corrections_meta(page):
    """Front matter ``corrections``: [{date, wrong, right}], newest first (feeds and 更正记录 read it)."""
    return [{"date": c.date.isoformat(), "wrong": " ".join(c.wrong.split()), "right": " ".join(c.right.split())}
            for c in live_corrections(page)]


def corrections_markdown(page, context):
    """The note at the top of the page: every correction, dated, in words."""
    notes = live_corrections(page)
    if not notes:
        return ""
    lines = ['<aside class="kepu-correction" markdown="1">', "", f"**更正** （共 {len(notes)} 处）", ""]
    for note in notes:
        lines.append(f"- {note.date.isoformat()}：原文{context.plain(note.wrong)}；"
                     f"现更正为：{context.plain(note.right)}")
    lines += ["", "</aside>"]
    return "\n".join(lines)


def corrections_json_ld(page):
    """schema.org ``correction`` values: CorrectionComment objects, newest first."""
    return [{"@type": "CorrectionComment", "datePublished": c.date.isoformat(), "text": c.text()}
            for c in live_corrections(page)]


def tombstone(page, context, kind, programme=None):
    """The document a retracted page leaves at its URL: title, date, why it was withdrawn. Nothing
    else of the piece is read (no portrait, facts, card, files, structured data, tags or corrections),
    so nothing of it is exported. A page type's ``to_document`` returns this first when
    ``page.retracted``."""
    when = page.retracted_at.isoformat() if page.retracted_at else None
    meta = context.front_matter(page, kind=kind, description="本文已撤稿", programme=programme,
                                retracted=True, container=True,
                                retraction={"date": when, "reason": " ".join(page.retraction_reason.split())})
    body = (f'<div class="kepu-retraction" markdown="1">\n\n**本文已撤稿**{f"（{when}）" if when else ""}\n\n'
            f"撤稿原因：{context.plain(page.retraction_reason)}\n\n</div>")
    return context.document(page, meta, body)


CORRECTED = "已更正"


def correctable_document(page, context, meta, body):
    """A live piece's document with its corrections: the correction note above ``body``, front
    matter ``corrections`` and 已更正 on its card."""
    meta["corrections"] = corrections_meta(page)
    if meta["corrections"]:
        card = meta.setdefault("card", {})
        card["facts"] = [*card.get("facts", []), CORRECTED]
    return context.document(page, meta, "\n\n".join(p for p in (corrections_markdown(page, context), body) if p))
