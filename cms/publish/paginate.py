"""How a listing is cut into pages (docs/paginated-listings.md §2). Pure functions of numbers, no Django.

A listing of N items is shown newest first: d_0 … d_{N-1}. The item d_i has the ordinal N-1-i, so 0 is
the oldest. With P items a page, A = max(0, N//P - 1) archive pages: archive k (1 ≤ k ≤ A) holds the
ordinals [(k-1)P, kP), newest first; the listing's own page (its first page) holds [A·P, N), that is all
N when N < 2P, otherwise P + N mod P, between P and 2P-1. An archive page's items depend only on its
number and the listing's members, never on N: an item added at the new end touches no archive page
until the first page has 2P of them, when archive A+1 is made of its P oldest.
"""


def split(n, size):
    """(the first page's ordinals, [archive k's ordinals for k = 1 … A]): ranges of ordinals
    (ascending; the pages show them descending) of a listing of ``n`` items, ``size`` a page."""
    if size < 1:
        raise ValueError(f"page size must be at least 1: {size}")
    archived = max(0, n // size - 1)
    return range(archived * size, n), [range((k - 1) * size, k * size) for k in range(1, archived + 1)]


def pager(number, last, first, url):
    """The links of archive page ``number`` of ``last`` (≥ number): ``first`` is {"title", "url"} of the
    listing's own page, ``url(k)`` the URL of archive page k. ``newer`` is archive number+1, or the
    first page from the last archive; ``older`` and ``oldest`` (archive number-1 and archive 1) are
    absent from archive 1."""
    links = {"number": number, "first": first, "newer": url(number + 1) if number < last else first["url"]}
    if number > 1:
        links["older"] = url(number - 1)
        links["oldest"] = url(1)
    return links


def years(archives, year_of):
    """[(year, archive number)], newest year first: each year of an archived item with the archive page
    that holds its newest archived item. ``archives``: the archive ranges (``split``), ``year_of(ordinal)``
    a year ("2024") or a false value for an item without a date."""
    found, seen = [], set()
    for number in range(len(archives), 0, -1):
        for ordinal in reversed(archives[number - 1]):
            year = year_of(ordinal)
            if year and year not in seen:
                seen.add(year)
                found.append((year, number))
    return found


def deltas(ordinals):
    """The ascending ``ordinals`` as their first, then each one's distance from the one before
    ({0, 3, 4, 5, 12} → [0, 3, 1, 1, 7]), so that the numbers stay small."""
    found, previous = [], 0
    for ordinal in sorted(ordinals):
        found.append(ordinal - previous)
        previous = ordinal
    return found
