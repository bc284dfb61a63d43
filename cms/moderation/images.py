"""The one image validator for every upload: Wagtail images and documents that are images.

:func:`clean_image_upload` opens the file with Pillow restricted to JPEG, PNG, WebP and GIF,
enforces the size and pixel limits, decodes every frame (so truncated and malformed files
are caught here, not later in a rendition), and returns a re-encoded copy without EXIF, GPS,
XMP, comments or text chunks. Whatever Pillow raises on a hostile file becomes a
ValidationError with a Chinese message; nothing escapes as a 500.
"""

import io
import os
import struct
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
EXTENSIONS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "gif": "GIF"}
MIME_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
MAX_FRAMES = 300
# Portraits must be large enough to print on a programme card and a story header.
PORTRAIT_MIN_WIDTH = 400
PORTRAIT_MIN_HEIGHT = 400

# Everything Pillow raises on malformed input (see Pillow's Tests/images and testdata README).
PILLOW_ERRORS = (
    OSError, UnidentifiedImageError, ValueError, SyntaxError, IndexError, TypeError,
    KeyError, EOFError, ZeroDivisionError, struct.error,
    MemoryError, OverflowError, Image.DecompressionBombError, Image.DecompressionBombWarning,
)


def max_upload_size():
    return getattr(settings, "WAGTAILIMAGES_MAX_UPLOAD_SIZE", 20 * 1024 * 1024)


def max_pixels():
    return getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", 40_000_000)


def _read(upload):
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read()
    if hasattr(upload, "seek"):
        upload.seek(0)
    return data


def _check_size(upload):
    size = getattr(upload, "size", None)
    if size is not None and size > max_upload_size():
        raise ValidationError(
            _("图片文件太大（%(size)s），上限是 %(limit)s。请压缩后再上传。")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_upload_size())},
            code="file_too_large",
        )


def _decode(data, name):
    """Open, check and fully decode. Returns (image with frames loaded, format)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # Pillow's "corrupt EXIF" notes: we drop EXIF anyway
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            try:
                image = Image.open(io.BytesIO(data), formats=FORMATS)
            except UnidentifiedImageError:
                raise ValidationError(
                    _("“%(name)s”不是可识别的图片。只接受 JPEG、PNG、WebP 和 GIF 格式。") % {"name": name},
                    code="invalid_image_format",
                ) from None
            width, height = image.size
            frames = getattr(image, "n_frames", 1) or 1
            if width <= 0 or height <= 0:
                raise ValidationError(_("图片尺寸无效（%(w)s×%(h)s）。") % {"w": width, "h": height}, code="bad_size")
            if frames > MAX_FRAMES:
                raise ValidationError(
                    _("动图帧数太多（%(frames)s 帧），上限是 %(limit)s 帧。") % {"frames": frames, "limit": MAX_FRAMES},
                    code="too_many_frames",
                )
            if width * height * frames > max_pixels():
                raise ValidationError(
                    _("图片像素太多（%(w)s×%(h)s，共 %(frames)s 帧），上限是 %(limit)s 像素。请缩小后再上传。")
                    % {"w": width, "h": height, "frames": frames, "limit": f"{max_pixels():,}"},
                    code="file_too_many_pixels",
                )
            for index in range(frames):
                image.seek(index)
                image.load()
                if image.size != (width, height) and image.format != "GIF":
                    raise ValidationError(_("图片各帧尺寸不一致，文件可能已损坏。"), code="bad_frames")
            image.seek(0)
            return image, image.format
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ValidationError(
                _("图片像素太多，疑似“解压炸弹”，已拒绝。上限是 %(limit)s 像素。") % {"limit": f"{max_pixels():,}"},
                code="decompression_bomb",
            ) from None
        except PILLOW_ERRORS:
            raise ValidationError(
                _("“%(name)s”已损坏或不完整，无法读取。请重新导出图片后再上传。") % {"name": name},
                code="invalid_image",
            ) from None
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _strip(image, fmt):
    """Re-encode without personal metadata. EXIF orientation is applied to the pixels first."""
    frames = getattr(image, "n_frames", 1) or 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        upright = ImageOps.exif_transpose(image) if frames == 1 else image
    for key in ("exif", "comment", "xmp", "XML:com.adobe.xmp", "photoshop", "extension"):
        upright.info.pop(key, None)
    out = io.BytesIO()
    icc = image.info.get("icc_profile")
    extra = {"icc_profile": icc} if icc else {}
    if fmt == "JPEG":
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        upright.save(out, "JPEG", quality=90, optimize=True, comment=b"", **extra)
    elif fmt == "PNG":
        upright.save(out, "PNG", save_all=frames > 1, **extra)
    elif fmt == "WEBP":
        upright.save(out, "WEBP", save_all=frames > 1, lossless=bool(image.info.get("lossless")), quality=90, **extra)
    else:  # GIF: comments and application extensions other than looping are dropped
        options = {"save_all": frames > 1, "comment": b""}
        for key in ("loop", "duration"):
            if key in image.info:
                options[key] = image.info[key]
        upright.save(out, "GIF", **options)
    return out.getvalue()


def clean_image_upload(upload, name=None):
    """Validate an uploaded image and return a metadata-free copy (a Django UploadedFile).

    Raises ValidationError with a Chinese message for anything we do not store.
    """
    name = name or os.path.basename(getattr(upload, "name", "") or "image")
    _check_size(upload)
    data = _read(upload)
    if not data:
        raise ValidationError(_("上传的文件是空的。"), code="empty")
    image, fmt = _decode(data, name)
    extension = os.path.splitext(name)[1].lower().lstrip(".")
    if extension and EXTENSIONS.get(extension) != fmt:
        raise ValidationError(
            _("文件扩展名 .%(ext)s 与实际格式 %(fmt)s 不符。请使用正确的扩展名。") % {"ext": extension, "fmt": fmt},
            code="invalid_image_known_format",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            clean = _strip(image, fmt)
    except PILLOW_ERRORS:
        raise ValidationError(
            _("“%(name)s”无法重新编码，文件可能已损坏。请重新导出图片后再上传。") % {"name": name},
            code="invalid_image",
        ) from None
    finally:
        image.close()
    return SimpleUploadedFile(name, clean, content_type=MIME_TYPES[fmt])


def looks_like_image(name):
    return os.path.splitext(name or "")[1].lower().lstrip(".") in EXTENSIONS


def validate_portrait(image):
    """A story portrait must be at least PORTRAIT_MIN_WIDTH × PORTRAIT_MIN_HEIGHT pixels."""
    if image is None:
        return
    if image.width < PORTRAIT_MIN_WIDTH or image.height < PORTRAIT_MIN_HEIGHT:
        raise ValidationError(
            _("肖像图片太小（%(w)s×%(h)s 像素），至少需要 %(min_w)s×%(min_h)s 像素，才能在故事页和项目卡片上清晰显示。")
            % {"w": image.width, "h": image.height, "min_w": PORTRAIT_MIN_WIDTH, "min_h": PORTRAIT_MIN_HEIGHT},
            code="portrait_too_small",
        )
