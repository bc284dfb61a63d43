"""Google's documented properties for the structured data the trust pages print, and a checker
that reads JSON-LD as a JSON-LD processor does (pyld expands it to full schema.org IRIs).

From https://developers.google.com/search/docs/appearance/structured-data/factcheck
("Structured data type definitions", ClaimReview):

- ClaimReview, required: claimReviewed (Text), reviewRating (Rating), url (URL of the page).
  Recommended: author (Organization or Person, with name and url), itemReviewed (Claim).
- Rating (reviewRating), required: alternateName (the verdict in words).
  Recommended: bestRating, ratingValue, worstRating (a number scale), name.
- Claim (itemReviewed), recommended: appearance, firstAppearance (CreativeWork: where the claim
  appeared, and first), author, datePublished.
schema.org: ClaimReview.correction is a CorrectionComment (or Text/URL) with text and datePublished.
"""

from pyld import jsonld

SCHEMA = "https://schema.org/"
# Only the properties the site promises; what Google lists as recommended is required here.
REQUIRED = {
    "ClaimReview": {"claimReviewed", "reviewRating", "url", "author", "itemReviewed", "datePublished"},
    "Rating": {"alternateName", "ratingValue", "bestRating", "worstRating"},
    "Claim": {"appearance", "firstAppearance"},
    "CreativeWork": {"name"},
    "Organization": {"name", "url"},
    "CorrectionComment": {"text", "datePublished"},
}
NESTED_TYPES = {"reviewRating": "Rating", "itemReviewed": "Claim", "appearance": "CreativeWork",
                "firstAppearance": "CreativeWork", "author": "Organization", "correction": "CorrectionComment"}


def _offline_loader(url, options=None):
    """schema.org's context, without the network: every term is a schema.org property."""
    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                "document": {"@context": {"@vocab": SCHEMA}}}
    raise jsonld.JsonLdError(f"no network: {url}", "loading document failed")


def expand(data):
    """The JSON-LD ``data`` expanded: [{IRI: [values]}]."""
    return jsonld.expand(data, {"documentLoader": _offline_loader})


def problems(node, expected_type, where="ClaimReview"):
    """What is missing in an expanded node of ``expected_type`` and in its nested nodes."""
    found = []
    types = [t.removeprefix(SCHEMA) for t in node.get("@type", [])]
    if expected_type not in types:
        found.append(f"{where}: @type {types} is not {expected_type}")
    for name in sorted(REQUIRED[expected_type]):
        values = node.get(SCHEMA + name)
        if not values or all(v.get("@value", v.get("@id", v)) in ("", None, {}) for v in values):
            found.append(f"{where}: no {name}")
    for name, nested_type in NESTED_TYPES.items():
        for value in node.get(SCHEMA + name, []):
            if isinstance(value, dict) and "@value" not in value and "@id" not in value:
                found.extend(problems(value, nested_type, f"{where}.{name}"))
    return found


def value(node, *path):
    """The first value at a property path of an expanded node (``value(n, "reviewRating", "alternateName")``)."""
    for name in path:
        node = node[SCHEMA + name][0]
    return node.get("@value", node.get("@id")) if isinstance(node, dict) else node
