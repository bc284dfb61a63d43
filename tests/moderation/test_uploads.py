"""Every hostile file through the real upload views: a Chinese message or a clean stored file."""

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection

from cms.moderation.images import PORTRAIT_MIN_WIDTH

from .conftest import HOSTILE_IMAGES, hostile_files

PERSONAL_INFO_KEYS = {"exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop"}
CHINESE = ("图片", "文件", "格式", "像素", "损坏")


def _upload(client, url_name, name, content, **data):
    data = {"title": name, "collection": Collection.get_first_root_node().pk, **data}
    return client.post(reverse(url_name), {**data, "file": SimpleUploadedFile(name, content)})


def _stored_metadata(image):
    with image.file.open("rb") as handle:
        stored = PILImage.open(io.BytesIO(handle.read()))
        stored.load()
        return dict(stored.getexif()), PERSONAL_INFO_KEYS & set(stored.info)


def test_every_hostile_file_through_the_image_upload_view(editor_client):
    files = hostile_files()
    assert len(files) > 240
    accepted, rejected, problems = [], [], []
    for path in files:
        started = time.monotonic()
        response = _upload(editor_client, "wagtailimages:add", path.name, path.read_bytes())
        elapsed = time.monotonic() - started
        if elapsed > 10:
            problems.append((path.name, f"took {elapsed:.1f}s"))
        if response.status_code == 302:
            accepted.append(path.name)
            image = Image.objects.get(title=path.name)
            exif, info = _stored_metadata(image)
            if exif or info:
                problems.append((path.name, "metadata kept", exif, info))
        elif response.status_code == 200:
            errors = response.context["form"].errors.get("file")
            if not errors or not any(word in errors[0] for word in CHINESE):
                problems.append((path.name, "no Chinese message", errors))
            rejected.append(path.name)
        else:
            problems.append((path.name, response.status_code))
    assert problems == []
    # The valid baselines get in; the bombs and broken files do not.
    assert {"hopper.jpg", "hopper.png", "hopper.webp", "hopper.gif", "exif_gps.jpg"} <= set(accepted)
    assert {"decompression_bomb.gif", "png_decompression_dos.png", "truncated_image.png",
            "truncated_jpeg.jpg", "hopper.iccprofile.tif"} <= set(rejected)
    print(f"\nhostile uploads: {len(accepted)} accepted and stored clean, {len(rejected)} rejected with a message")


def test_gps_is_stripped_and_orientation_applied(editor_client):
    gps = HOSTILE_IMAGES / "exif_gps.jpg"
    assert PILImage.open(gps).getexif().get_ifd(0x8825)  # the original carries GPS
    _upload(editor_client, "wagtailimages:add", gps.name, gps.read_bytes(), title="gps")
    assert _stored_metadata(Image.objects.get(title="gps")) == ({}, set())

    rotated = HOSTILE_IMAGES / "hopper_orientation_6.jpg"
    original = PILImage.open(rotated)
    assert original.getexif()[0x0112] == 6
    _upload(editor_client, "wagtailimages:add", rotated.name, rotated.read_bytes(), title="rotated")
    stored = Image.objects.get(title="rotated")
    assert (stored.width, stored.height) == (original.height, original.width)


def test_bomb_message_is_clear_and_in_chinese(editor_client):
    bomb = HOSTILE_IMAGES / "decompression_bomb.gif"
    response = _upload(editor_client, "wagtailimages:add", bomb.name, bomb.read_bytes(), title="bomb")
    assert response.status_code == 200
    assert "像素太多" in response.context["form"].errors["file"][0]
    assert not Image.objects.filter(title="bomb").exists()


def test_wrong_format_is_rejected_by_name(editor_client):
    tiff = next(p for p in hostile_files() if p.suffix == ".tif")
    response = _upload(editor_client, "wagtailimages:add", "x.tif", tiff.read_bytes())
    assert response.status_code == 200
    assert "JPEG、PNG、WebP 和 GIF" in str(response.context["form"].errors["file"])


@pytest.mark.parametrize("name", ["exif_gps.jpg", "truncated_jpeg.jpg", "decompression_bomb.gif", "hopper.png"])
def test_multiple_uploader_uses_the_same_validator(editor_client, name):
    path = HOSTILE_IMAGES / name
    response = editor_client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": SimpleUploadedFile(name, path.read_bytes()), "collection": Collection.get_first_root_node().pk},
    )
    assert response.status_code == 200
    data = response.json()
    if name in ("truncated_jpeg.jpg", "decompression_bomb.gif"):
        assert data["success"] is False
        assert any(word in data["error_message"] for word in CHINESE)
    else:
        assert data["success"] is True
        assert _stored_metadata(Image.objects.get(pk=data["image_id"])) == ({}, set())


@pytest.mark.parametrize("name", ["exif_gps.jpg", "truncated_jpeg.jpg", "decompression_bomb.gif"])
def test_documents_that_are_images_cross_the_validator(editor_client, name):
    path = HOSTILE_IMAGES / name
    response = _upload(editor_client, "wagtaildocs:add", name, path.read_bytes())
    if name == "exif_gps.jpg":
        assert response.status_code == 302
        document = Document.objects.get(title=name)
        with document.file.open("rb") as handle:
            stored = PILImage.open(io.BytesIO(handle.read()))
            assert not stored.getexif() and not (PERSONAL_INFO_KEYS & set(stored.info))
    else:
        assert response.status_code == 200
        assert any(word in str(response.context["form"].errors["file"]) for word in CHINESE)
        assert not Document.objects.filter(title=name).exists()


def test_small_portrait_is_rejected_with_the_reason(story):
    from django.core.exceptions import ValidationError

    from tests.conftest import make_image

    story.portrait = make_image(size=(PORTRAIT_MIN_WIDTH - 1, 600))
    story.portrait_alt = "肖像"
    with pytest.raises(ValidationError) as caught:
        story.full_clean()
    assert "肖像图片太小" in str(caught.value)
    story.portrait = make_image(size=(PORTRAIT_MIN_WIDTH, PORTRAIT_MIN_WIDTH))
    story.full_clean()
