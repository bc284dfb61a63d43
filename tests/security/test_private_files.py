"""Documents and image files of pages that are not live reach nobody without the right permission;
the CMS host serves no pages; once a page is live, the public site has its files."""

import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from wagtail.documents.models import Document

from cms.core.models import Institute, User
from cms.moderation.roles import CONTRIBUTOR, institute_collection
from cms.publish.pipeline import publish
from cms.resources.models import ContributionAreaPage, ResourceFile, ResourcePage
from tests.conftest import PASSWORD, make_image


@pytest.fixture
def chemistry(db):
    return Institute.objects.create(name="示例化学研究所", kind="research_institute", region="上海")


@pytest.fixture
def chemist(users, roles, chemistry):
    """The contributor of the second institute (users["contributor"] is 示例物理研究所's)."""
    user = User.objects.create_user(username="chemist", password=PASSWORD, institute=chemistry)
    user.groups.add(roles[CONTRIBUTOR])
    return user


@pytest.fixture
def draft(programme, chemistry, chemist):
    """A resource of 示例化学研究所 in its contribution area, not live, with its document and image."""
    area = ContributionAreaPage(title="化学所投稿区", slug="contrib-chemistry", institute=chemistry)
    programme.add_child(instance=area)
    area.save_revision().publish()
    collection = institute_collection(chemistry)
    document = Document.objects.create(
        title="未发布的讲义", collection=collection, uploaded_by_user=chemist,
        file=ContentFile(b"UNPUBLISHED-HANDOUT", name="handout.txt"),
    )
    image = make_image(title="未发布的插图")
    image.collection = collection
    image.save()
    resource = ResourcePage(
        title="化学实验讲义", slug="handout", kind="courseware", institute=chemistry, licence="cc-by-4.0",
        summary="讲义。", live=False,
        body=[("paragraph", f'<p>步骤。</p><embed embedtype="image" id="{image.pk}" format="left" alt="示意图"/>')],
        files=[ResourceFile(document=document)],
    )
    area.add_child(instance=resource)
    resource.save_revision()
    resource.refresh_from_db()
    assert not resource.live
    cache.clear()  # Wagtail caches renditions by image id, which an earlier test's rolled-back image had
    rendition = image.get_rendition("max-800x600")
    return {"resource": resource, "document": document, "image": image, "rendition": rendition, "area": area}


def fetch(client, url):
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body


def urls(draft):
    return {
        "document": draft["document"].url,
        "original image": "/media/" + draft["image"].file.name,
        "rendition": draft["rendition"].url,
    }


def test_documents_go_through_the_permission_checked_view(draft):
    assert draft["document"].url == f"/documents/{draft['document'].pk}/handout.txt"
    assert draft["image"].file.name.startswith("original_images/")


def test_anonymous_requests_get_nothing(client, draft):
    for kind, url in urls(draft).items():
        status, body = fetch(client, url)
        assert status in (403, 404), kind
        assert b"UNPUBLISHED" not in body


def test_a_contributor_cannot_fetch_another_institutes_files(client, users, chemist, draft):
    client.force_login(users["contributor"])  # 示例物理研究所
    for kind, url in urls(draft).items():
        assert fetch(client, url)[0] == 403, kind


def test_the_institutes_own_contributor_and_the_editors_can(client, users, chemist, draft):
    for user in (chemist, users["editor"], users["reviewer"], users["chief"], users["admin"]):
        client.force_login(user)
        files = urls(draft)
        status, body = fetch(client, files["document"])
        assert (status, body) == (200, b"UNPUBLISHED-HANDOUT"), user.username
        for kind in ("original image", "rendition"):
            response = client.get(files[kind])
            assert response.status_code == 200 and response["Content-Type"].startswith("image/"), (user, kind)
            assert "private" in response["Cache-Control"]


def test_only_image_files_are_served_from_media(client, users, draft):
    client.force_login(users["admin"])
    document = draft["document"]
    assert fetch(client, "/media/" + document.file.name)[0] == 404
    assert fetch(client, "/media/original_images/../documents/" + os.path.basename(document.file.name))[0] == 404
    assert fetch(client, "/media/original_images/no-such-file.png")[0] == 404


def test_the_cms_host_serves_no_pages(client, users, draft):
    area = draft["area"]
    for url in ("/pages/", f"/pages/{area.slug}/", "/pages/gezhi-lundao/contrib-chemistry/", "/gezhi-lundao/"):
        assert client.get(url).status_code == 404, url
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 302  # to the login page
    # Not to staff either: previews are the admin's.
    client.force_login(users["editor"])
    assert client.get(f"/pages/{area.slug}/").status_code == 404


def test_once_live_the_public_site_links_its_files(settings, tmp_path, draft):
    settings.KEPU_CONTENT_DIR = tmp_path / "content"
    settings.KEPU_SITE_DIR = tmp_path / "site"
    settings.KEPU_BUILDS_DIR = tmp_path / "builds"

    def site_files():
        root = Path(os.path.realpath(settings.KEPU_SITE_DIR))
        return root, [p for p in root.rglob("*") if p.is_file()]

    publish()
    root, files = site_files()
    assert not (root / "media" / "documents").exists()
    assert all(b"UNPUBLISHED-HANDOUT" not in p.read_bytes() for p in files)

    draft["resource"].get_latest_revision().publish()
    publish()
    root, files = site_files()
    page = (root / "gezhi-lundao" / "contrib-chemistry" / "handout" / "index.html").read_text("utf-8")
    copies = [p for p in files if p.read_bytes() == b"UNPUBLISHED-HANDOUT"]
    assert len(copies) == 1 and copies[0].relative_to(root).parts[:2] == ("media", "documents")
    assert copies[0].relative_to(root).as_posix() in page.replace("../", "")
    rendition = next(part for part in page.split('"') if part.endswith(".webp"))
    assert (root / "gezhi-lundao" / "contrib-chemistry" / "handout" / rendition).resolve().is_file()
