"""``safe_href``: the public site's URL rule for the admin preview, so that a link the site would not
make (javascript:, data: …, however spelled) is not a live link on the CMS's own origin either."""

from django import template

from cms.publish.markdown_text import safe_href as _safe_href

register = template.Library()


@register.filter
def safe_href(url):
    """The URL percent-encoded as the public site writes it, or "" if it may not be linked."""
    return _safe_href(url) or ""
