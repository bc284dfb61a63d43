"""Images for the sample content, drawn with Pillow: nothing is downloaded.

Every picture is an abstract figure, plainly not a photograph of anyone; the same
seed always gives the same bytes, so loading twice finds the images already there.
"""

import hashlib
import io
import math

from PIL import Image, ImageDraw


def _colour(seed, index, lightness=0.0):
    digest = hashlib.sha256(f"{seed}:{index}".encode()).digest()
    return tuple(int(c * (1 - lightness) + 255 * lightness) for c in digest[:3])


def _png(image):
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def portrait(seed, size=(600, 750)):
    """A head-and-shoulders silhouette on a soft two-colour gradient."""
    width, height = size
    top, bottom = _colour(seed, 1, 0.55), _colour(seed, 2, 0.25)
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / (height - 1)
        draw.line([(0, y), (width, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    figure = _colour(seed, 3, 0.1)
    cx = width // 2
    draw.ellipse([cx - 120, 150, cx + 120, 420], fill=figure)
    draw.chord([cx - 260, 430, cx + 260, 1100], 180, 360, fill=figure)
    return _png(image)


def emblem(seed, brand_colour, size=(512, 512)):
    """A programme or institute emblem: concentric arcs in the brand colour."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.rounded_rectangle([16, 16, w - 16, h - 16], radius=96, fill=brand_colour)
    accent = _colour(seed, 4, 0.7)
    for i in range(4):
        r = 60 + i * 45
        start = (hashlib.sha256(f"{seed}{i}".encode()).digest()[0] / 255) * 360
        draw.arc([w / 2 - r, h / 2 - r, w / 2 + r, h / 2 + r], start, start + 250, fill=accent, width=18)
    draw.ellipse([w / 2 - 30, h / 2 - 30, w / 2 + 30, h / 2 + 30], fill="white")
    return _png(image)


def illustration(seed, size=(1200, 675)):
    """A wide illustration of orbits and waves for resources and articles."""
    w, h = size
    image = Image.new("RGB", size, _colour(seed, 5, 0.8))
    draw = ImageDraw.Draw(image)
    ink = _colour(seed, 6, 0.0)
    for k in range(5):
        points = [
            (x, h / 2 + math.sin(x / (60 + 15 * k) + k) * (40 + 25 * k))
            for x in range(0, w + 1, 8)
        ]
        draw.line(points, fill=ink, width=4)
    for k in range(7):
        x = (hashlib.sha256(f"{seed}x{k}".encode()).digest()[0] / 255) * w
        y = (hashlib.sha256(f"{seed}y{k}".encode()).digest()[0] / 255) * h
        draw.ellipse([x - 14, y - 14, x + 14, y + 14], fill=_colour(seed, 7 + k, 0.2))
    return _png(image)
