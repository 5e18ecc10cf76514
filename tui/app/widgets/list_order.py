"""The orders the day's list can be read in (S cycles them): arXiv's, newest first, by title."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from operator import attrgetter

from tui.app.widgets.paper_row import readable_title
from tui.core.filters import Match
from tui.core.paper import Kind

SECTION_ORDER = (Kind.NEW, Kind.CROSS, Kind.REPLACE)
"""arXiv's /new page's sections, in its order."""
_SECTION_RANK = {kind: rank for rank, kind in enumerate(SECTION_ORDER)}
_kind_of = attrgetter("paper.kind")


class ListOrder(StrEnum):
    DAY = "day"
    """The listing's own order, in arXiv's sections (new, cross-lists, replacements)."""
    NEWEST = "newest"
    """The most recently submitted (version 1) first."""
    TITLE = "title"
    """Title A–Z."""

    @property
    def label(self) -> str:
        return _LABELS[self]

    def next(self) -> ListOrder:
        orders = list(ListOrder)
        return orders[(orders.index(self) + 1) % len(orders)]


_LABELS = {
    ListOrder.DAY: "day order",
    ListOrder.NEWEST: "newest first",
    ListOrder.TITLE: "title A–Z",
}


def in_sections(kinds: Sequence[Kind]) -> bool:
    """Whether papers of these kinds, in this order, are grouped in arXiv's sections."""
    ranks = list(map(_SECTION_RANK.__getitem__, kinds))
    return ranks == sorted(ranks)


def arrange(
    matches: Sequence[Match], order: ListOrder, *, sections: bool = False
) -> tuple[Match, ...]:
    """``matches`` in ``order``: the day's order (grouped into arXiv's sections with
    ``sections``, the order within each kept), or sorted, ties kept in the day's order."""
    if sections:
        # Sorted by rank without a Python call per paper (a day's 5,000 at every view).
        ranks = list(map(_SECTION_RANK.__getitem__, map(_kind_of, matches)))
        if ranks == sorted(ranks):
            return tuple(matches)  # grouped already (a list arranged before)
        return tuple(map(matches.__getitem__, sorted(range(len(ranks)), key=ranks.__getitem__)))
    if order is ListOrder.NEWEST:
        return tuple(sorted(matches, key=lambda m: m.paper.published, reverse=True))
    if order is ListOrder.TITLE:
        return tuple(sorted(matches, key=lambda m: readable_title(m.paper.title).casefold()))
    return tuple(matches)
