"""Preview links: the model, who may make and revoke them, and what an outsider gets (no login)."""

import hashlib
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry

from cms.previews.models import PreviewLink
from tests.conftest import make_image

pytestmark = pytest.mark.django_db


def open_link(client, token, follow=True):
    return client.get(f"/preview/{token}/", follow=follow)


def test_a_link_keeps_only_the_digest_of_its_token_and_lasts_seven_days_by_default(draft_story, users):
    before = timezone.now()
    link, token = PreviewLink.issue(page=draft_story, name="王教授", organisation="某某大学", user=users["editor"])
    assert len(token) >= 40
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {str(value) for value in PreviewLink.objects.filter(pk=link.pk).values().get().values()}
    assert timedelta(days=7) <= link.expires_at - before < timedelta(days=7, minutes=1)
    assert PreviewLink.objects.for_token(token) == link
    assert PreviewLink.objects.for_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None


def test_a_link_lasts_at_most_thirty_days_and_ends_in_the_future(draft_story):
    now = timezone.now()
    with pytest.raises(ValidationError) as too_long:
        PreviewLink.issue(page=draft_story, name="王教授", organisation="某某大学", expires_at=now + timedelta(days=31))
    assert too_long.value.message_dict["expires_at"] == ["有效期最长为 30 天。"]
    with pytest.raises(ValidationError) as past:
        PreviewLink.issue(page=draft_story, name="王教授", organisation="某某大学", expires_at=now - timedelta(hours=1))
    assert past.value.message_dict["expires_at"] == ["有效期必须晚于现在。"]
    assert not PreviewLink.objects.exists()
    PreviewLink.issue(page=draft_story, name="王教授", organisation="某某大学", expires_at=now + timedelta(days=30))


def test_editors_make_a_link_from_the_page_and_see_it_once(client, draft_story, users):
    client.force_login(users["editor"])
    url = reverse("previews_links", args=[draft_story.pk])
    header = client.get(reverse("wagtailadmin_pages:edit", args=[draft_story.pk])).content.decode()
    assert url in header  # in the page's header menu
    expires = timezone.localtime() + timedelta(days=3)
    response = client.post(url, {"name": "王教授", "organisation": "某某大学药学院", "email": "",
                                 "expires_at": expires.strftime("%Y-%m-%dT%H:%M")}, follow=True)
    page = response.content.decode()
    assert "链接只显示这一次" in page
    link = PreviewLink.objects.get()
    shown = page.split('readonly value="')[1].split('"')[0]
    token = unquote(shown.rsplit("/preview/", 1)[1].strip("/"))
    assert PreviewLink.objects.for_token(token) == link
    assert link.created_by == users["editor"]
    assert "链接只显示这一次" not in client.get(url).content.decode()
    entry = PageLogEntry.objects.get(page=draft_story, action="previews.create")
    assert entry.user == users["editor"] and "王教授（某某大学药学院）" in entry.message

    too_long = client.post(url, {"name": "李研究员", "organisation": "某所", "expires_at":
                                 (timezone.localtime() + timedelta(days=40)).strftime("%Y-%m-%dT%H:%M")})
    assert "有效期最长为 30 天。" in too_long.content.decode()
    assert PreviewLink.objects.count() == 1


def test_only_those_who_may_edit_the_page_make_or_revoke_links(client, draft_story, users, link_and_token):
    link, _token = link_and_token
    url = reverse("previews_links", args=[draft_story.pk])
    assert client.get(url).status_code == 302  # to the login page
    for name in ("reviewer", "chief"):
        client.force_login(users[name])
        assert client.get(url).status_code == 200, name
    client.force_login(users["contributor"])  # Wagtail's admin: "permission denied", back to the dashboard
    assert client.get(url)["Location"] == "/admin/"
    assert client.post(reverse("previews_revoke", args=[link.pk]))["Location"] == "/admin/"
    link.refresh_from_db()
    assert link.state == "valid"


def test_an_outsider_reads_the_draft_with_its_banner_and_the_view_is_in_the_page_history(
        client, draft_story, link_and_token):
    link, token = link_and_token
    response = open_link(client, token)
    assert response.status_code == 200
    assert unquote(response.redirect_chain[0][0]) == f"/preview/{token}/gezhi-lundao/tu-youyou/"
    html = response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow, noarchive"
    assert response["Referrer-Policy"] == "same-origin"
    assert '<meta name="robots" content="noindex, nofollow, noarchive">' in html
    assert "预览 · 未发布 · 有效期至 " + timezone.localtime(link.expires_at).strftime("%Y-%m-%d %H:%M") in html
    assert "屠呦呦：青蒿素的发现者" in html and "她从古籍中得到启发" in html
    assert '<a href="../yifabu/">已发布的故事</a>' in html  # a published page is linked as on the site
    assert "与另一份草稿。" in html  # a draft is plain text
    assert "ling-yi-fen" not in html
    entry = PageLogEntry.objects.get(page=draft_story, action="previews.view")
    assert entry.user is None and entry.data["link"] == link.pk
    assert entry.data["revision"] == draft_story.latest_revision_id
    assert "外部专家 王教授（某某大学药学院）" in entry.message
    assert "Cache-Control" in response and "no-store" in response["Cache-Control"]


def test_the_link_serves_the_drafts_own_files_and_nothing_else(client, draft_story, link_and_token):
    _link, token = link_and_token
    html = open_link(client, token).content.decode()
    portrait = html.split('class="kepu-profile')[1].split('src="../../')[1].split('"')[0]
    assert portrait.startswith("media/images/")
    served = client.get(f"/preview/{token}/{portrait}")
    assert served.status_code == 200 and served["Content-Type"] == "image/webp"
    assert served["X-Robots-Tag"] == "noindex, nofollow, noarchive"
    stylesheet = html.split('<link rel="stylesheet" href="../../')[1].split('"')[0]
    assert client.get(f"/preview/{token}/{stylesheet}").status_code == 200

    other = make_image("另一张图片")
    other_path = portrait.replace(f"images/{draft_story.portrait.pk}-", f"images/{other.pk}-")
    for path in (other_path, "media/../../../etc/passwd", "assets/../preview.json", "assets/../404.html"):
        assert client.get(f"/preview/{token}/{path}").status_code == 404, path
    # What the throwaway build also holds (its sitemap, search page) is the public site's business.
    for path in ("sitemap.xml", "search/index.html"):
        assert client.get(f"/preview/{token}/{path}")["Location"] == f"http://127.0.0.1:8001/{path}"
    # Another page of the site is what the public site shows there.
    elsewhere = client.get(f"/preview/{token}/gezhi-lundao/ling-yi-fen/")
    assert elsewhere.status_code == 302 and elsewhere["Location"].endswith("/gezhi-lundao/ling-yi-fen/")
    assert "/preview/" not in elsewhere["Location"]


@pytest.mark.parametrize("state", ["expired", "revoked"])
def test_an_expired_or_revoked_link_says_so_in_chinese(client, draft_story, link_and_token, users, state):
    link, token = link_and_token
    assert open_link(client, token).status_code == 200
    if state == "revoked":
        client.force_login(users["chief"])
        client.post(reverse("previews_revoke", args=[link.pk]))
        client.logout()
        link.refresh_from_db()
        assert link.revoked_by == users["chief"]
        assert PageLogEntry.objects.filter(page=draft_story, action="previews.revoke").count() == 1
    else:
        PreviewLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    title = {"expired": "链接已过期", "revoked": "链接已撤销"}[state]
    portrait = f"media/images/{draft_story.portrait.pk}.webp"
    for path in ("", "gezhi-lundao/tu-youyou/", "assets/stylesheets/x.css", portrait):
        response = client.get(f"/preview/{token}/{path}")
        assert response.status_code == 410, path
        assert f"<h1>{title}</h1>" in response.content.decode()
        assert response["X-Robots-Tag"] == "noindex, nofollow, noarchive"
    assert client.post(reverse("previews_comment", args=[token]), {"comment": "晚了"}).status_code == 410
    assert PageLogEntry.objects.filter(page=draft_story, action="previews.view").count() == 1
    unknown = client.get("/preview/not-a-token/")
    assert unknown.status_code == 404 and "<h1>链接无效</h1>" in unknown.content.decode()


def test_a_link_shows_only_its_own_page(client, draft_story, link_and_token):
    _link, token = link_and_token
    other = draft_story.other_draft
    response = client.get(f"/preview/{token}/gezhi-lundao/ling-yi-fen/")
    assert response.status_code == 302 and "/preview/" not in response["Location"]
    assert not PageLogEntry.objects.filter(page=other, action="previews.view").exists()


def test_the_expert_leaves_a_comment_for_the_editors(client, draft_story, link_and_token):
    link, token = link_and_token
    response = client.post(reverse("previews_comment", args=[token]), {"comment": "第二段的年份应为 1971 年。"},
                           follow=True)
    assert "意见已送达编辑部，谢谢。" in response.content.decode()
    entry = PageLogEntry.objects.get(page=draft_story, action="previews.comment")
    assert entry.data["comment"] == "第二段的年份应为 1971 年。" and entry.data["link"] == link.pk
    assert entry.comment == "第二段的年份应为 1971 年。"


def test_a_draft_under_an_unpublished_page_cannot_be_previewed_and_says_why(client, home, users):
    from cms.programmes.models import ProgrammePage
    from tests.conftest import make_story

    programme = ProgrammePage(title="新栏目", slug="xin", tagline="草稿", introduction="<p>草稿</p>", home_order=9,
                              live=False)
    home.add_child(instance=programme)
    story = make_story(programme, title="栏目下的草稿", slug="cao-gao", publish=False)
    _link, token = PreviewLink.issue(page=story, name="王教授", organisation="某某大学")
    response = client.get(f"/preview/{token}/")
    assert response.status_code == 409
    assert "这个页面的上级页面尚未发布" in response.content.decode()
    assert not PageLogEntry.objects.filter(page=story, action="previews.view").exists()


def test_a_draft_that_would_run_script_is_refused_by_the_safety_gate(client, draft_story, link_and_token, monkeypatch,
                                                                     previews_dir):
    """A page type that forgot to escape: its raw HTML would run on the CMS host. The preview answers
    with a message instead, and keeps no build of it."""
    from cms.stories.models import StoryPage

    def careless(page, context):
        document = original(page, context)
        document.body += '\n\n<img src="x" onerror="alert(1)">\n'
        return document

    original = StoryPage.to_document
    monkeypatch.setattr(StoryPage, "to_document", careless)
    _link, token = link_and_token
    response = open_link(client, token)
    assert response.status_code == 503
    assert "没有通过公众网站的安全检查" in response.content.decode()
    assert "onerror" not in response.content.decode()
    assert not [p for p in previews_dir.glob("*") if p.is_dir() and not p.name.startswith(".")]
