"""The orders the day's list can be read in (S cycles them): arXiv's, newest first, by title."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from tui.app.widgets.paper_row import readable_title
from tui.core.filters import Match
from tui.core.paper import Kind

SECTION_ORDER = (Kind.NEW, Kind.CROSS, Kind.REPLACE)
"""arXiv's /new page's sections, in its order."""
_SECTION_RANK = {kind: rank for rank, kind in enumerate(SECTION_ORDER)}


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


def arrange(
    matches: Sequence[Match], order: ListOrder, *, sections: bool = False
) -> tuple[Match, ...]:
    """``matches`` in ``order``: the day's order (grouped into arXiv's sections with
    ``sections``, the order within each kept), or sorted, ties kept in the day's order."""
    if sections:
        return tuple(sorted(matches, key=lambda m: _SECTION_RANK[m.paper.kind]))
    if order is ListOrder.NEWEST:
        return tuple(sorted(matches, key=lambda m: m.paper.published, reverse=True))
    if order is ListOrder.TITLE:
        return tuple(sorted(matches, key=lambda m: readable_title(m.paper.title).casefold()))
    return tuple(matches)
