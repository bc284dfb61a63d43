"""复制到公众号 in the admin: preview at phone width, copy, ZIP of the images, Weibo caption."""

from csp.decorators import csp_replace
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from wagtail.models import Page

from .qr import qr_svg
from .wechat import NotOnSite, article_for, weibo_caption

NO_SCRIPT = {"script-src": ["'none'"], "connect-src": ["'none'"], "form-action": ["'none'"]}


def _article(request, page_id):
    page = get_object_or_404(Page, pk=page_id).specific
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return page, article_for(page)


def wechat(request, page_id):
    try:
        page, article = _article(request, page_id)
    except NotOnSite:
        messages.error(request, "这个页面还不在公众网站上（未发布，或发布还没有完成），暂时不能复制到公众号。")
        return redirect("wagtailadmin_explore", Page.objects.get(pk=page_id).get_parent().pk)
    caption = weibo_caption(article)
    return render(request, "reach/wechat.html", {
        "page": page, "article": article, "caption": caption, "caption_length": len(caption),
        "copy_html": mark_safe(article.html),  # cleaned by wechat.clean: inline styles, data: images only
        "qr": mark_safe(qr_svg(article.canonical_url, title="扫码在手机上打开原文")),
        "image_sizes": [(name, len(data)) for name, data, _type in article.images],
    })


@csp_replace(NO_SCRIPT)
def wechat_preview(request, page_id):
    _page, article = _article(request, page_id)
    document = ('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
                '<meta name="viewport" content="width=device-width, initial-scale=1">'
                f"<title>公众号预览</title></head><body style=\"margin:0;padding:16px;background:#ffffff\">"
                f"{article.html}</body></html>")
    return HttpResponse(document)


def wechat_zip(request, page_id):
    page, article = _article(request, page_id)
    response = HttpResponse(article.zip_bytes(weibo_caption(article)), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="wechat-{page.pk}-{page.slug}.zip"'
    return response
