"""The editors' side: the preview links of a page (from its header's ⋯ menu), made and revoked."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from wagtail.log_actions import log
from wagtail.models import Page

from .forms import PreviewLinkForm
from .models import PreviewLink, token_digest

PERMISSION = "previews.add_previewlink"


def can_share(user, page):
    """Editors, reviewers and chief editors who may edit the page."""
    return user.has_perm(PERMISSION) and page.permissions_for_user(user).can_edit()


def _page(request, page_id):
    page = get_object_or_404(Page, pk=page_id).specific
    if not can_share(request.user, page):
        raise PermissionDenied
    return page


def links(request, page_id):
    page = _page(request, page_id)
    form = PreviewLinkForm(request.POST or None, page=page)
    if request.method == "POST" and form.is_valid():
        link, token = PreviewLink.issue(page=page, user=request.user, **form.cleaned_data)
        log(instance=page, action="previews.create", user=request.user,
            data={"link": link.pk, "name": link.name, "organisation": link.organisation,
                  "expires_at": link.expires_at.isoformat()})
        request.session[f"kepu_preview_token_{link.pk}"] = token  # shown once, on the next page
        return redirect("previews_links", page.pk)
    made = []
    for link in PreviewLink.objects.filter(page=page).select_related("created_by", "revoked_by"):
        token = request.session.pop(f"kepu_preview_token_{link.pk}", None)
        url = request.build_absolute_uri(reverse("previews_root", args=[token])) if token else ""
        if token and token_digest(token) != link.token_hash:
            url = ""
        made.append((link, url))
    return render(request, "previews/links.html", {"page": page, "form": form, "links": made})


@require_POST
def revoke(request, link_id):
    link = get_object_or_404(PreviewLink, pk=link_id)
    page = _page(request, link.page_id)
    if link.revoke(request.user):
        log(instance=page, action="previews.revoke", user=request.user,
            data={"link": link.pk, "name": link.name, "organisation": link.organisation})
        messages.success(request, f"已撤销给 {link.name}（{link.organisation}）的预览链接。")
    else:
        messages.info(request, "这个预览链接此前已经撤销。")
    return redirect("previews_links", page.pk)
