"""Papers for unit tests: a plain paper, and only what a test cares about given."""

from __future__ import annotations

from datetime import UTC, datetime

from tui.core.paper import Kind, Paper

WHEN = datetime(2025, 4, 8, 12, tzinfo=UTC)
"""Submitted and updated at: inside the listing window of 2025-04-09."""


def make_paper(
    id: str = "2504.00001",
    title: str = "A title",
    abstract: str = "An abstract.",
    *,
    authors: tuple[str, ...] = ("Ada Lovelace",),
    categories: tuple[str, ...] = ("cs.LG",),
    version: int = 1,
    kind: Kind = Kind.NEW,
    comment: str | None = None,
    journal_ref: str | None = None,
    doi: str | None = None,
) -> Paper:
    return Paper(
        id=id,
        version=version,
        title=title,
        authors=authors,
        abstract=abstract,
        categories=categories,
        published=WHEN,
        updated=WHEN,
        kind=kind,
        comment=comment,
        journal_ref=journal_ref,
        doi=doi,
    )
