"""Lists of other pages written into a page's own Markdown body, with relative links mkdocs resolves.

The publish package lists a page's children in front matter for the theme's own templates; the
trust pages (a site-wide 辟谣 list, the 应急科普 hub, 学风建设) list pages from across the tree
in their body instead. Each link goes through ``context.url`` (so a page that is not public is left
out, and the render cache knows the listing depends on it) and is written relative to the
document, to the target's Markdown file.
"""

import posixpath

from cms.publish.markdown_text import md_url


def document_path(url, page):
    """The content/ path of the document at public ``url`` (``/a/b/``) for ``page``'s type."""
    if url == "/":
        return "index.md"
    if page.specific_class.allowed_subpage_models():
        return url[1:] + "index.md"
    return url[1:-1] + ".md"


def link_to(context, here, target):
    """A Markdown link target from the page ``here`` to ``target``, or None if ``target`` is not public."""
    url = context.url(target)
    if url is None:
        return None
    own = context.url(here) or "/"
    relative = posixpath.relpath(document_path(url, target), posixpath.dirname(document_path(own, here)) or ".")
    return md_url(relative)


def public_pages(context, here, pages):
    """[(page, link)] of the public ones among ``pages`` (in their order)."""
    found = []
    for page in pages:
        link = link_to(context, here, page)
        if link is not None:
            found.append((page, link))
    return found
