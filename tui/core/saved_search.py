"""Saved searches: keyword profiles whose papers a query of the search language picks.

A saved search is a ``KeywordProfile`` with a ``query`` (``[searches]`` in the settings): the
sidebar lists and counts it, and ``--profile NAME`` chooses it, like a keyword profile. What it
matches on a day is asked of the day's ``QueryIndex``, which keeps each term's papers: once a
day's terms are found, counting the saved searches again is set operations (and a pass over
the flags for each ``is:unread``, ``is:read`` or ``is:starred``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from tui.core.follow import KeywordProfile
from tui.core.query import Expr, Facts, QueryIndex, asks_the_flags, parse_query


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a saved search (None: it can): it is shown in the sidebar and
    typed after ``--profile``, so one line of printable characters, not blank (a zero-width
    space, a tab or a control character is refused)."""
    if not name.strip():
        return "a saved search needs a name"
    if any(not c.isprintable() for c in name):
        shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)
        return f"“{shown}”: a name is one line of printable characters"
    return None


@lru_cache(maxsize=256)
def saved_query(text: str) -> Expr | None:
    """The query ``text`` means (settings checked it already: QueryError only for a bug)."""
    return parse_query(text)


def asks_about_flags(profiles: Sequence[KeywordProfile]) -> bool:
    """Whether any saved search among ``profiles`` has ``is:read``, ``is:unread`` or
    ``is:starred`` (its papers then change as the flags do)."""
    return any(p.query and asks_the_flags(saved_query(p.query)) for p in profiles)


def saved_positions(
    index: QueryIndex, profiles: Sequence[KeywordProfile], facts: Facts
) -> dict[str, frozenset[int]]:
    """Each saved search among ``profiles`` (the keyword profiles are skipped): the positions
    in ``index`` of the papers its query matches."""
    searches = [p for p in profiles if p.query]
    if not searches:
        return {}
    return {p.name: index.positions(saved_query(p.query), facts) for p in searches}


class _NoFlags:
    def is_read(self, paper_id: str) -> bool:
        return False

    def is_starred(self, paper_id: str) -> bool:
        return False


def warm_saved_searches(index: QueryIndex, profiles: Sequence[KeywordProfile]) -> None:
    """Find the terms of the saved searches among ``profiles`` in ``index`` (a worker's job, as
    a day's index is built): the index keeps them, so the counts on the UI need no scan."""
    saved_positions(index, profiles, _NoFlags())
