"""/media/ on the CMS host: image files, each only for the staff who may use its image."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.views.decorators.cache import cache_control
from wagtail.images import get_image_model
from wagtail.utils import sendfile_streaming_backend
from wagtail.utils.sendfile import sendfile

from .access import may_download_image


def _image_of(path):
    """The image whose original or rendition is stored at ``path`` (relative to MEDIA_ROOT), or None."""
    Image = get_image_model()
    if path.startswith("original_images/"):
        return Image.objects.filter(file=path).first()
    if path.startswith("images/"):
        rendition = Image.get_rendition_model().objects.filter(file=path).select_related("image").first()
        return rendition.image if rendition else None
    return None  # documents go through /documents/<id>/<name>; nothing else is served


@cache_control(private=True, max_age=3600)
def serve_upload(request, path):
    image = _image_of(path)
    if image is None:
        raise Http404
    if not may_download_image(request.user, image):
        raise PermissionDenied
    storage = image.file.storage
    return sendfile(request, storage.path(path), backend=sendfile_streaming_backend.sendfile)
