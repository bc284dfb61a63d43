"""Wagtail's image and document forms with every upload passed through the image validator.

Wired in by WAGTAILIMAGES_IMAGE_FORM_BASE and WAGTAILDOCS_DOCUMENT_FORM_BASE, so the single
upload, the multiple uploader and the choosers' upload tabs all use them.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

from .images import clean_image_upload, looks_like_image


class ValidatedImageField(WagtailImageField):
    """Wagtail's image field, fed the validated, metadata-free copy of the upload."""

    def to_python(self, data):
        if data in self.empty_values or not hasattr(data, "read"):
            return super().to_python(data)
        return super().to_python(clean_image_upload(data))


class KepuImageForm(BaseImageForm):
    file = ValidatedImageField(label=_("文件"))


class KepuDocumentForm(BaseDocumentForm):
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "read") and not getattr(upload, "_committed", False) \
                and looks_like_image(upload.name):
            try:
                return clean_image_upload(upload)
            except ValidationError as error:
                raise ValidationError(error.messages) from None
        return upload
