"""The admin speaks Chinese to every role: no English left on the pages editors use.

Each role logs in and opens the pages of their day (dashboard, a programme's explorer, a story's
editor, the add form, images, documents, snippets, account, search, workflow history). What a
person reads there (text, and the aria-label, placeholder and title attributes a screen reader or a
tooltip shows) must not contain an English phrase. Only what people typed (titles, user names,
file names) and a tiny allow-list of names that stay Latin in Chinese software are left alone.
"""

import json
import re
from html.parser import HTMLParser

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents.models import Document

from cms.resources.models import ContributionAreaPage, ResourcePage
from cms.stories.models import StoryPage
from tests.moderation.conftest import add_url, make_resource

# Names that stay Latin in Chinese software: the CMS and the site's name (Wagtail, Kepu 科普),
# the browser technology the admin needs (JavaScript), and URL, which Wagtail's own zh_Hans
# catalogue writes in many labels ("URL 路径") and every editor understands.
ALLOWED = {"Wagtail", "Kepu", "JavaScript", "URL"}

LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
HAN = re.compile(r"[\u3400-\u9fff]+")
# Machine-made text a person did not write in English prose: versions, e-mail addresses, paths,
# file names, colours and dates.
NOT_PROSE = re.compile(
    r"[\w.+-]+@[\w.-]+|https?://\S+|/\S*|\b[\w-]+\.(?:png|jpe?g|gif|webp|pdf|txt)\b|#[0-9a-fA-F]{3,6}\b"
)
SKIPPED_TAGS = {"script", "style", "template"}
# A side panel's error counter: the script writes a number there (the server leaves "None").
SKIPPED_ATTRIBUTES = {"data-side-panel-toggle-counter"}
VOID_TAGS = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
ATTRIBUTES = ("aria-label", "placeholder", "title")
# The account page lists every time zone and each language by its own name: not ours to translate.
UNTRANSLATED_SELECTS = {"locale-current_time_zone", "locale-preferred_language"}


class ReadableText(HTMLParser):
    """Collects what a person reads: text nodes and the attributes that are read out or shown."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skipping = None  # [tag, depth] of an element whose content is not read
        self.chunks = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.skipping:
            self.skipping[1] += tag == self.skipping[0]
            return
        unread = tag in SKIPPED_TAGS or any(name in attrs for name in SKIPPED_ATTRIBUTES)
        if unread or (tag == "select" and attrs.get("name") in UNTRANSLATED_SELECTS):
            if tag not in VOID_TAGS:
                self.skipping = [tag, 1]
            return
        for name in ATTRIBUTES:
            if attrs.get(name):
                self.chunks.append(f"@{name}: {attrs[name]}")

    def handle_endtag(self, tag):
        if self.skipping and tag == self.skipping[0]:
            self.skipping[1] -= 1
            if not self.skipping[1]:
                self.skipping = None

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.chunks.append(" ".join(data.split()))


def english(html, typed):
    """The chunks of readable text with English in them, leaving out what users typed.

    Chinese text with an English phrase inside ("Sort by '标题' in ascending order.") counts:
    each stretch between Han characters is looked at on its own.
    """
    parser = ReadableText()
    parser.feed(html)
    found = []
    for chunk in parser.chunks:
        text = chunk.split(": ", 1)[1] if chunk.startswith("@") else chunk
        text = NOT_PROSE.sub(" ", text)
        for value in sorted(typed, key=len, reverse=True):
            text = text.replace(value, " ")
        words = [word for stretch in HAN.split(text) for word in LATIN_WORD.findall(stretch)]
        if any(word not in ALLOWED for word in words):
            found.append(chunk)
    return found


@pytest.fixture
def material(users, programme, story, image, institute):
    """What the pages show: a story in review, an image, a document, a contribution area."""
    document = Document.objects.create(title="科普讲座讲义", file=ContentFile(b"%PDF-1.4\n", name="lecture.pdf"))
    story.save_revision(user=users["editor"])
    story.get_workflow().start(story, users["editor"])
    area = ContributionAreaPage(title="示例物理研究所投稿区", slug="contrib-physics", institute=institute)
    programme.add_child(instance=area)
    area.save_revision().publish()
    resource = make_resource(area, institute, title="实验室开放日")
    resource.save_revision(user=users["contributor"])
    typed = {user.username for user in users.values()} | {
        programme.slug, story.slug, area.slug, resource.slug, image.file.name, document.file.name,
    }
    return {"area": area, "resource": resource, "document": document, "typed": typed}


def role_urls(role, programme, story, material):
    """The pages a person in this role opens in a working day (each must answer 200)."""
    if role == "contributor":
        parent, page = material["area"], material["resource"]
        add = add_url(ResourcePage, parent)
    else:
        parent, page, add = programme, story, add_url(StoryPage, programme)
    urls = [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_explore", args=(parent.pk,)),
        reverse("wagtailadmin_pages:edit", args=(page.pk,)),
        reverse("wagtailadmin_account"),
        reverse("wagtailadmin_pages:search") + "?q=钱学森",
        reverse("wagtailadmin_pages:workflow_history", args=(page.pk,)),
    ]
    if role != "reviewer":  # reviewers only review: they add no pages, images or documents
        urls += [add, reverse("wagtailimages:index"), reverse("wagtaildocs:index")]
    if role in ("chief", "admin"):  # snippets (institutes, subjects) are the chief editor's
        urls.append(reverse("wagtailsnippets:index"))
    return urls


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["editor", "reviewer", "chief", "contributor", "admin"])
def test_admin_pages_have_no_english_left(client, users, programme, story, material, role):
    client.force_login(users[role])
    left = {}
    for url in role_urls(role, programme, story, material):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        for chunk in english(response.content.decode(), material["typed"]):
            left.setdefault(chunk, url)
    assert left == {}, "\n".join(f"{url} | {chunk}" for chunk, url in left.items())


@pytest.mark.django_db
def test_login_page_is_chinese(client):
    response = client.get(reverse("wagtailadmin_login"))
    assert english(response.content.decode(), set()) == []
    assert "密码" in response.content.decode()


@pytest.mark.django_db
def test_javascript_catalogue_has_the_streamfield_words(editor_client):
    """The admin's JS strings (StreamField, autosave) come from Kepu's djangojs catalogue."""
    response = editor_client.get(reverse("wagtailadmin_javascript_catalog"))
    assert response.status_code == 200
    # Django writes the merged catalogue as JSON: const newcatalog = {...};
    catalogue = json.loads(re.search(r"const newcatalog = (\{.*?\n\s*\});", response.content.decode(), re.S).group(1))
    assert catalogue["Insert a block"] == "插入内容块"
    assert catalogue["Split block"] == "拆分内容块"
    assert catalogue["Autosave in progress…"] == "正在自动保存…"
    assert catalogue["Write something or type ‘/’ to insert a block"] == "输入文字，或键入“/”插入内容块"
