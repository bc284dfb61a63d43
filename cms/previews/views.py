"""The outside expert's side: ``/preview/<token>/…`` on the CMS host, no login.

A valid link shows the page's latest revision (``serving.page_html``) and logs the view in the
page's history; the theme's files and the page's own files are served beside it; any other path
under the link goes to the public site, which shows what is published. An expired or revoked
link answers 410 with a page in Chinese, an unknown one 404. Every answer is noindex, gives its
address (it holds the token) to no other site, and carries the public site's Content-Security-Policy.
"""

import logging
from urllib.parse import quote

from csp.decorators import csp_exempt
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from wagtail.log_actions import log

from cms.publish import theme_scripts
from cms.publish.errors import BuildError, ExportError, VerificationError

from . import builds, serving
from .document import NotPreviewable
from .models import PreviewLink

logger = logging.getLogger("kepu.previews")
COMMENT_LIMIT = 2000
FILES = ("assets/", "media/")  # the theme's files and the draft's own


def _headers(response, site=None):
    response["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    response["Referrer-Policy"] = "same-origin"
    response["X-Frame-Options"] = "DENY"
    scope = theme_scripts.scope_of(site.base_url) if site else "/"
    response["Content-Security-Policy"] = theme_scripts.content_security_policy(scope) + "; frame-ancestors 'none'"
    return response


def _refused(request, link):
    if link is None:
        title, message, status = "链接无效", "这个预览链接不存在。请检查链接是否完整复制。", 404
    elif link.state == "revoked":
        title, message, status = "链接已撤销", "这个预览链接已被编辑部撤销，不能再查看草稿。", 410
    else:
        title, message, status = "链接已过期", "这个预览链接已过期，不能再查看草稿。", 410
    return _headers(render(request, "previews/gone.html", {"title": title, "message": message}, status=status))


def _site():
    from cms.core.models import SiteSettings

    return SiteSettings.load()


@csp_exempt()
@never_cache
def preview(request, token, path=""):
    link = PreviewLink.objects.for_token(token)
    if link is None or link.state != "valid":
        return _refused(request, link)
    page, site = link.page.specific, _site()
    # A file: the theme's, the draft's media, or one beside the draft's page (its QR code); pages end in /.
    is_file = path.startswith(FILES) or bool(path) and not path.endswith("/")
    try:
        build = serving.build_for(page) if is_file else builds.preview_build(page)
    except NotPreviewable as problem:
        return _cannot(request, site, str(problem), 409)
    except VerificationError:
        logger.exception("外审预览：页面 %s 的草稿含有主题之外的可执行内容，拒绝显示", page.pk)
        return _cannot(request, site, "这份草稿没有通过公众网站的安全检查，不能预览；编辑部已收到错误记录。", 503)
    except (ExportError, BuildError):
        logger.exception("外审预览：页面 %s 的草稿无法构建", page.pk)
        return _cannot(request, site, "这份草稿暂时无法按公众网站的样式生成，编辑部已收到错误记录。", 503)
    found = serving.file_path(build, path) if is_file else None
    if found is not None:
        return _headers(serving.file_response(found), site)
    if path.startswith(FILES):
        return _refused_file(request)
    if path != build.url:
        if path:  # another page of the site: what the public sees there
            return _headers(HttpResponseRedirect(site.base_url.rstrip("/") + "/" + quote(path)), site)
        query = request.META.get("QUERY_STRING", "")
        return _headers(HttpResponseRedirect(_link_url(token, build.url) + (f"?{query}" if query else "")), site)
    log(instance=page, action="previews.view", data={
        "link": link.pk, "name": link.name, "organisation": link.organisation, "revision": build.revision_id})
    html = serving.page_html(build, link, request=request, comment_url=reverse("previews_comment", args=[token]),
                             commented=request.GET.get("commented") == "1")
    return _headers(HttpResponse(html, content_type="text/html; charset=utf-8"), site)


def _cannot(request, site, message, status):
    return _headers(render(request, "previews/gone.html", {"title": "暂时无法预览", "message": message},
                           status=status), site)


def _refused_file(request):
    return _headers(render(request, "previews/gone.html", {
        "title": "没有这个文件", "message": "预览链接只提供这篇草稿本身用到的图片和文件。"}, status=404))


def _link_url(token, url=""):
    return reverse("previews_page", args=[token, url]) if url else reverse("previews_root", args=[token])


@csp_exempt()
@never_cache
@require_POST
def comment(request, token):
    """The outside expert's comment, kept in the page's history for the editors."""
    link = PreviewLink.objects.for_token(token)
    if link is None or link.state != "valid":
        return _refused(request, link)
    text = request.POST.get("comment", "").strip()[:COMMENT_LIMIT]
    if text:
        log(instance=link.page.specific, action="previews.comment", data={
            "link": link.pk, "name": link.name, "organisation": link.organisation, "comment": text})
    return _headers(HttpResponseRedirect(_link_url(token) + "?commented=1"))
