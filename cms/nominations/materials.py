"""The materials a nomination must carry, checked against its call, with a Chinese message each.

Photos: between the call's minimum and maximum count, each at least its minimum size (of the file
as uploaded), with one of its extensions, named 姓名+序号 (张三1.jpg, 张三-2.jpg …) where the name is
the nominee's, and each passing the one image validator (cms/moderation/images.py), whose
metadata-free copy is what is stored.
"""

import os
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from cms.moderation.images import clean_image_upload, looks_like_image

SEPARATORS = r"[-_ ＿—（(]?"


def base_name(upload):
    return os.path.basename((getattr(upload, "name", "") or "").replace("\\", "/"))


def photo_number(name, nominee):
    """The 序号 of a photo named 姓名+序号 for this nominee, or None."""
    stem, _ext = os.path.splitext(name)
    match = re.fullmatch(re.escape(nominee.strip()) + SEPARATORS + r"0*(\d{1,2})[)）]?", stem.strip())
    return int(match.group(1)) if match else None


def _extension(name):
    return os.path.splitext(name)[1].lower().lstrip(".")


def check_photo_count(call, count):
    if not call.photo_min <= count <= call.photo_max:
        if call.photo_min == call.photo_max:
            wanted = _("%(n)s 张") % {"n": call.photo_min}
        else:
            wanted = _("%(min)s—%(max)s 张") % {"min": call.photo_min, "max": call.photo_max}
        raise ValidationError(
            _("需要上传 %(wanted)s照片，现在是 %(count)s 张。") % {"wanted": wanted, "count": count},
            code="photo_count",
        )


def check_photo_names(names, nominee):
    """Every name is 姓名+序号 with the nominee's name, and no 序号 twice."""
    errors, seen = [], set()
    for name in names:
        number = photo_number(name, nominee)
        if number is None:
            errors.append(ValidationError(
                _("照片“%(name)s”没有按“姓名+序号”命名，或姓名与被推荐人“%(nominee)s”不一致。"
                  "请命名为“%(nominee)s1.jpg”“%(nominee)s2.jpg”……") % {"name": name, "nominee": nominee},
                code="photo_name",
            ))
        elif number in seen:
            errors.append(ValidationError(
                _("照片“%(name)s”的序号 %(number)s 与另一张照片重复。") % {"name": name, "number": number},
                code="photo_number_twice",
            ))
        else:
            seen.add(number)
    if errors:
        raise ValidationError(errors)


def clean_photos(call, nominee, uploads):
    """Check the uploaded photos; returns [(clean copy, original name, original size)] in 序号 order."""
    check_photo_count(call, len(uploads))
    errors, cleaned = [], []
    allowed = "、".join(sorted(call.extensions - {"jpeg"} if "jpg" in call.extensions else call.extensions))
    for upload in uploads:
        name = base_name(upload)
        if _extension(name) not in call.extensions:
            errors.append(ValidationError(
                _("照片“%(name)s”的格式不符合要求，只接受 %(allowed)s 格式。") % {"name": name, "allowed": allowed},
                code="photo_format",
            ))
            continue
        if upload.size < call.photo_min_bytes:
            errors.append(ValidationError(
                _("照片“%(name)s”只有 %(size)s，要求每张不小于 %(min)s。请上传原图。")
                % {"name": name, "size": filesizeformat(upload.size), "min": filesizeformat(call.photo_min_bytes)},
                code="photo_too_small",
            ))
            continue
        try:
            cleaned.append((clean_image_upload(upload, name=name), name, upload.size))
        except ValidationError as error:
            errors.extend(ValidationError(message, code="photo_invalid") for message in error.messages)
    try:
        check_photo_names([base_name(u) for u in uploads], nominee)
    except ValidationError as error:
        errors.extend(error.error_list)
    if errors:
        raise ValidationError(errors)
    return sorted(cleaned, key=lambda item: photo_number(item[1], nominee))


def check_attachment_count(call, count):
    if not call.attachments_min <= count <= call.attachments_max:
        raise ValidationError(
            _("需要上传 %(min)s—%(max)s 份附件，现在是 %(count)s 份。")
            % {"min": call.attachments_min, "max": call.attachments_max, "count": count},
            code="attachment_count",
        )


def clean_attachments(call, uploads):
    """Check the uploaded attachments; images cross the image validator. Returns [(file, original name)]."""
    check_attachment_count(call, len(uploads))
    allowed = set(getattr(settings, "WAGTAILDOCS_EXTENSIONS", None) or ["pdf", "doc", "docx"])
    errors, cleaned = [], []
    for upload in uploads:
        name = base_name(upload)
        if _extension(name) not in allowed:
            errors.append(ValidationError(
                _("附件“%(name)s”的格式不受支持。") % {"name": name}, code="attachment_format",
            ))
        elif looks_like_image(name):
            try:
                cleaned.append((clean_image_upload(upload, name=name), name))
            except ValidationError as error:
                errors.extend(ValidationError(message, code="attachment_invalid") for message in error.messages)
        else:
            cleaned.append((upload, name))
    if errors:
        raise ValidationError(errors)
    return cleaned
