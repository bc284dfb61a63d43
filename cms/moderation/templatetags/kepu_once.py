"""{% kepu_once_fields %}: the hidden fields that make an admin page form act once (cms/moderation/once.py)."""

from django import template
from django.utils.html import format_html

from cms.moderation.once import TASK_STATE_FIELD, TOKEN_FIELD, new_token

register = template.Library()


@register.simple_tag
def kepu_once_fields(page=None):
    """A token new with every rendering, and the review step the form was rendered for (if any)."""
    task_state = page.current_workflow_task_state if page is not None and page.pk else None
    return format_html(
        '<input type="hidden" name="{}" value="{}"><input type="hidden" name="{}" value="{}">',
        TOKEN_FIELD, new_token(), TASK_STATE_FIELD, task_state.pk if task_state else "",
    )
