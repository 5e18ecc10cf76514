"""Papers and days for the tests: every field has a default, any field can be given.

``paper(number=3)`` is 2504.00003; ``paper(number=3, day=TUESDAY)`` is a paper of that month
submitted inside Tuesday's listing window. ``day(TUESDAY, papers)`` is a day as arXiv announced
it and kept in the cache (exact and fetched, so the app does not fetch it again).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from types import EllipsisType

from tui.core.listing import listing_window
from tui.core.paper import Day, Kind, Paper, Provenance

WHEN = datetime(2025, 4, 8, 12, tzinfo=UTC)
"""Submitted and updated at, unless given a ``day``: inside the listing window of LISTING_DAY."""
LISTING_DAY = date(2025, 4, 9)
CATEGORIES = ("cs.LG", "cs.CV", "cs.CL", "cs.AI")
"""The categories a day is fetched for: the settings template's."""
ANNOUNCED = Provenance(True, "catchup")
"""An exact day (a kept one is final: the app does not fetch it again)."""


def paper(
    *,
    number: int = 1,
    day: date | None = None,
    id: str | None = None,
    version: int = 1,
    title: str = "A title",
    authors: tuple[str, ...] = ("Ada Lovelace",),
    abstract: str = "An abstract.",
    categories: tuple[str, ...] = ("cs.LG",),
    published: datetime | None = None,
    updated: datetime | None = None,
    kind: Kind = Kind.NEW,
    comment: str | None = None,
    journal_ref: str | None = None,
    doi: str | None = None,
    affiliations: tuple[tuple[str, ...], ...] = (),
    authors_truncated: bool = False,
) -> Paper:
    """A paper; any field given by keyword, the rest defaulted.

    ``number`` makes the id, ``YYMM.NNNNN`` (the month of ``day``, else 2504), unless ``id`` is
    given. ``day`` puts the submission inside that listing day's window (where depends on
    ``number``, so papers of one day differ), else it is WHEN. ``updated`` is ``published``.
    """
    if published is None:
        if day is None:
            published = WHEN
        else:
            start, end = listing_window(day)
            published = start + (end - start) * ((number % 97) + 1) / 100
    return Paper(
        id=id or f"{(day or WHEN).strftime('%y%m')}.{number:05d}",
        version=version,
        title=title,
        authors=authors,
        abstract=abstract,
        categories=categories,
        published=published,
        updated=updated or published,
        kind=kind,
        comment=comment,
        journal_ref=journal_ref,
        doi=doi,
        affiliations=affiliations,
        authors_truncated=authors_truncated,
    )


def day(
    when: date = LISTING_DAY,
    papers: Iterable[Paper] = (),
    *,
    categories: tuple[str, ...] = CATEGORIES,
    fetched_at: datetime | EllipsisType | None = ...,
    source: str = "arxiv",
    provenance: Provenance = ANNOUNCED,
) -> Day:
    """The listing day ``when`` with ``papers``, fetched for ``categories``.

    By default exact (ANNOUNCED) and kept: fetched an hour after midnight UTC of ``when``
    (``fetched_at=None`` for a day never fetched).
    """
    if isinstance(fetched_at, EllipsisType):
        fetched_at = datetime.combine(when, datetime.min.time(), tzinfo=UTC) + timedelta(hours=1)
    return Day(
        date=when,
        categories=categories,
        papers=tuple(papers),
        fetched_at=fetched_at,
        source=source,
        provenance=provenance,
    )
