"""How a programme page renders for the public site (its listings are added by the publish step)."""


def _luminance(hex_colour):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def text_on(hex_colour):
    """White or near-black, whichever reads better on the brand colour (WCAG contrast)."""
    luminance = _luminance(hex_colour)
    on_white = 1.05 / (luminance + 0.05)
    on_dark = (luminance + 0.05) / (_luminance("#1a1a1a") + 0.05)
    return "#ffffff" if on_white >= on_dark else "#1a1a1a"


# What programme_document reads, fetched for all programmes at once by the exporter.
EXPORT_PREFETCH = ("logo",)


def programme_document(page, context):
    card = {"colour": page.brand_colour, "colour_text": text_on(page.brand_colour)}
    meta = context.front_matter(
        page, kind="programme", description=page.tagline, programme=page,
        image=context.image_path(page.logo) if page.logo else None,
        brand_colour=page.brand_colour, order=page.home_order, card=card,
    )
    if page.logo:
        alt = f"{page.title}标志"
        card["image"] = context.picture(page.logo, alt, widths=(240, 480), default=240)
        meta["logo"] = context.picture(page.logo, alt, widths=(240, 480), default=240)
    return context.document(page, meta, context.richtext(page.introduction))
