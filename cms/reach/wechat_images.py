"""Images for the WeChat editor: JPEG (or PNG when transparent), at most 1080 px wide and 1 MB."""

import io

from PIL import Image, ImageOps

MAX_WIDTH = 1080
MAX_BYTES = 1024 * 1024


def _has_alpha(image):
    return image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)


def _encode(image, fmt, quality):
    out = io.BytesIO()
    if fmt == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def reencode(path):
    """(bytes, extension, width, height) of the image file at ``path``, ready for WeChat."""
    with Image.open(path) as opened:
        opened.load()
        image = ImageOps.exif_transpose(opened)
    if image.width > MAX_WIDTH:
        image = image.resize((MAX_WIDTH, round(image.height * MAX_WIDTH / image.width)), Image.Resampling.LANCZOS)
    if _has_alpha(image):
        image = image.convert("RGBA")
        data = _encode(image, "PNG", None)
        if len(data) <= MAX_BYTES:
            return data, "png", image.width, image.height
        flattened = Image.new("RGB", image.size, "#ffffff")
        flattened.paste(image, mask=image.getchannel("A"))
        image = flattened
    image = image.convert("RGB")
    while True:
        for quality in (88, 80, 70, 60):
            data = _encode(image, "JPEG", quality)
            if len(data) <= MAX_BYTES:
                return data, "jpg", image.width, image.height
        image = image.resize((max(1, image.width * 4 // 5), max(1, image.height * 4 // 5)), Image.Resampling.LANCZOS)
