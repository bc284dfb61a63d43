"""How a programme page renders for the public site (its listing is added by the publish step)."""


# What programme_document reads, fetched for all programmes at once by the exporter.
EXPORT_PREFETCH = ("logo",)


def programme_document(page, context):
    image = context.image_path(page.logo) if page.logo else None
    meta = context.front_matter(
        page, kind="programme", description=page.tagline, programme=page, image=image,
        brand_colour=page.brand_colour, order=page.home_order,
    )
    return context.document(page, meta, context.richtext(page.introduction))
