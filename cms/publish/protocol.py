"""What a page type implements to appear on the public site.

A page model mixes in :class:`Publishable` and implements ``to_document(context)``, returning a
:class:`Document`: where it goes under content/, its front matter and its Markdown body. The
publish package calls that and knows nothing else about any particular page type.
"""

from dataclasses import dataclass, field


@dataclass
class Document:
    """One Markdown file with YAML front matter, relative to content/ (e.g. ``gezhi-lundao/qian.md``)."""

    path: str
    meta: dict
    body: str
    # Filled by the exporter, not by page types: the page this document comes from.
    page_id: int | None = None
    revision_id: int | None = None
    children: list = field(default_factory=list)
    group: str = ""
    group_order: int = 0  # where the group comes among its siblings' groups (the parent's subpage types)
    group_key: str = ""  # the group's key in URLs (``<parent>/page/<key>/<n>/``): the type's ``listing_key``;
    # "" (none): its parent's listing of it is not paginated
    valid_until: str | None = None  # front matter ``valid_until`` while it is still ahead of the render
    attachments: dict = field(default_factory=dict)  # content path → bytes: the page's ``attachments``


class Publishable:
    """Mixin for page models that render themselves as one public document.

    ``to_document(context)`` receives a :class:`cms.publish.context.RenderContext`, and may call
    only its public methods: ``front_matter``, ``document``, ``richtext``, ``plain``,
    ``external_link``, ``picture``, ``image_path``, ``image``, ``file``, ``url``, ``parent`` and
    ``ancestor``; ``record_object`` for an object it reads other than through them (a setting, a
    snippet) and ``once`` for what every document of a kind consults (both also what the front
    matter's ``settings.KEPU_PAGE_READS`` function calls); and read its attributes ``now`` and
    ``base_url`` (the site's address, for absolute links in files beside a page). It must return a
    :class:`Document` (``context.document(...)``). Rendering must be deterministic: the same live
    revision gives the same document. A document that links to one of the theme's scripts names it
    with ``cms.publish.theme_scripts.kepu_asset`` (the name the build ships it under).

    Front matter the theme reads besides the common fields (see ``RenderContext.front_matter``):
    ``structured_data``, a list of schema.org JSON-LD objects (dicts of plain text) printed as
    ``<script type="application/ld+json">`` in the page's head (an Event, a ClaimReview …).

    A document that depends on the time reads ``context.now`` (never the clock) and sets front
    matter ``valid_until`` (ISO 8601 with its offset) to the moment it must be rendered again: the
    render cache drops it then, and the scheduler queues a publish then (``tasks.publish_expired``).

    ``export_prefetch`` names the relations ``to_document`` reads (Django ``prefetch_related``
    lookups): the render step fetches them for all pages of the type in one query each, instead of
    one query per page. ``to_document`` then reads them with ``.all()``.

    A document that lists pages found by a query (every event, every debunk) rather than pages it
    names declares what the query reads: ``export_depends_on``, model labels (``"events.EventPage"``:
    rendered again when any public page of that type, or of a subclass, is added, changed, moved
    or removed; a snippet model: when any of its rows changes). ``export_always = True``: rendered
    at every publish (a document whose query no label describes). A type may narrow that with a
    classmethod ``export_returning(label, ids)``: given a label it declares and the ids of the pages
    of that type changed or added, the ids of its own pages whose query returns any of them today
    (more will do; None: it cannot say). Its pages then render again only when among those, or when
    a page their query returned (each read through ``context.url``) changes or goes
    (render.Changes).

    ``attachments(context)`` returns files to write beside the document, ``{file name: bytes}``
    (an event's ``.ics``): in the folder of the page's URL, so the page links to each by its name
    (the theme's 加入日历 link reads front matter ``calendar_file``). It may call the same context
    methods as ``to_document``, and is called right after it.

    ``listing_key``: the type's pages in their parent's listing, in the URLs of its archive pages
    (``/gezhi-lundao/page/stories/7/``, listings.py): ``[a-z][a-z0-9-]*``. None: the parent's listing
    of them is not paginated (all of them in its ``sections``: a type whose parent lists it in its own
    body, as the event list does, and whose theme template shows no sections).
    """

    export_prefetch = ()
    listing_key = None
    export_depends_on = ()
    export_always = False

    def attachments(self, context):
        """The files to write beside the page's document, ``{file name: bytes}`` (see above); none
        unless the type says otherwise. Called with the context ``to_document`` was given, right
        after it, so what it reads through the context is recorded with the document."""
        return {}

    def to_document(self, context):  # pragma: no cover - every page type implements it
        """The page's public :class:`Document`, made through ``context`` alone (see above): its path
        is the one the render step placed the page at (``context.document``), its front matter
        ``context.front_matter``'s with what the type adds, its body Markdown."""
        raise NotImplementedError(f"{type(self).__name__} must implement to_document()")
