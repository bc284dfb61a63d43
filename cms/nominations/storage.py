"""Where a nomination's photos and attachments are kept: Wagtail images and documents in the
nominating institute's own collection (机构投稿·<机构名>), so only that institute and the editorial
staff may see or download them (cms/uploads)."""

from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from cms.moderation.roles import institute_collection

from .models import NominationAttachment, NominationPhoto


def store_photos(nomination, photos):
    """Replace the nomination's photos with ``photos`` [(clean file, original name, original size)]."""
    collection = institute_collection(nomination.unit.institute)
    Image = get_image_model()
    nomination.photos.all().delete()
    for order, (upload, name, size) in enumerate(photos, start=1):
        image = Image.objects.create(
            title=f"{nomination.nominee_name}（推荐照片 {order}）", file=upload, collection=collection,
        )
        NominationPhoto.objects.create(
            nomination=nomination, image=image, original_name=name, original_size=size, sort_order=order,
        )


def store_attachments(nomination, attachments):
    collection = institute_collection(nomination.unit.institute)
    Document = get_document_model()
    nomination.attachments.all().delete()
    for upload, name in attachments:
        document = Document.objects.create(
            title=f"{nomination.nominee_name}：{name}", file=upload, collection=collection,
        )
        NominationAttachment.objects.create(nomination=nomination, document=document, original_name=name)
