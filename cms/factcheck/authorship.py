"""专家作者: experts from the directory who wrote a piece (stories, column articles, debunks).

A page type mixes in ``ExpertAuthored`` (before ``Page``), adds ``ExpertAuthored.expert_author_panels``
to its panels and ``AUTHORS_PREFETCH`` to its export prefetch, and writes ``byline(page, context)``
into its body and ``public_author_names(page)`` into its front matter ``authors``. The choice is part
of the page's revision, so it goes through review like the rest of the piece. Only public experts
reach the site, by name, title and institute, linked to their expert page; an internal expert is
left out, and contact fields are never read.
"""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel

from .listing import link_to

AUTHORS_PREFETCH = "expert_authors__public_pages"  # the authors and their pages, for all pieces at once


class ExpertAuthored(models.Model):
    expert_authors = ParentalManyToManyField(
        "factcheck.Expert", blank=True, verbose_name=_("专家作者"), related_name="%(app_label)s_%(class)s_written",
        help_text=_("撰写本文的应急科普专家库专家。只有“公开”的专家会在网站上署名，并出现在其专家页面的“撰写的文章”中。"),
    )

    expert_author_panels = [FieldPanel("expert_authors", widget=forms.CheckboxSelectMultiple)]

    class Meta:
        abstract = True


def public_authors(page):
    """The piece's expert authors who are public, in the directory's order (by name)."""
    return [expert for expert in page.expert_authors.all() if expert.is_public]


def public_author_names(page):
    return [expert.name for expert in public_authors(page)]


def byline(page, context):
    """``专家作者：[name](their page)（title，institute）、…`` for the public authors, or ""."""
    names = []
    for expert in public_authors(page):
        name = context.plain(expert.name)
        link = link_to(context, page, expert.public_page)
        who = f"[{name}]({link})" if link else name
        names.append(f"{who}（{context.plain(expert.title)}，{context.plain(expert.institute)}）")
    return f"专家作者：{'、'.join(names)}" if names else ""
