"""Seen before: a paper the reader met on an earlier day (a cross-list shown again, a paper
listed again as a replacement), and what changed since — "v3 · you read an earlier version",
"listed Mon 2025-04-07".

The flag store keeps when a paper was read or starred, not which version: a replacement read
before its newest version was submitted was read in an earlier version. For a v2 that earlier
version can only be v1, and the note says so.

What a day's papers had been met before is worked out once, as the day's index is built (see
``day_seen_before``), from the flags as they were then: a paper read or starred while the day
is open is read or starred (its row says so), not "seen before", and a paper seen before stays
marked after it is read again in its new version.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from tui.core.paper import Kind, Paper
from tui.core.query import And, Expr, Not, Or, State

SEEN_STATE = "seen"
"""``is:seen`` in the search language: the papers seen before."""


@dataclass(frozen=True, slots=True)
class SeenBefore:
    listed: date | None
    """The newest earlier listing day (kept by this reader) that had the paper."""
    version: int = 0
    """The replacement's version when the reader ``verb``-ed an earlier one; 0: not known."""
    verb: str = ""
    """"read" or "starred": what the reader did to an earlier version; "" when nothing."""

    @property
    def changed(self) -> str:
        """What is new since: "v3 · you read an earlier version", "" when nothing is known."""
        if not self.verb:
            return ""
        earlier = "v1" if self.version == 2 else "an earlier version"
        return f"v{self.version} · you {self.verb} {earlier}"

    @property
    def text(self) -> str:
        """In full, for the expanded paper: "v2 · you read v1 · listed Mon 2025-04-07"."""
        parts = [self.changed] if self.changed else []
        if self.listed is not None:
            parts.append("listed " + self.listed.strftime("%a %Y-%m-%d"))
        return " · ".join(parts)

    @property
    def mark(self) -> str:
        """Short, for the row: "seen · v3, you read v1–2", "seen · listed Apr 7"."""
        if self.verb:
            earlier = "v1" if self.version == 2 else f"v1–{self.version - 1}"
            return f"seen · v{self.version}, you {self.verb} {earlier}"
        if self.listed is not None:
            return f"seen · listed {self.listed:%b} {self.listed.day}"
        return "seen"


def seen_before(
    paper: Paper,
    *,
    listed: date | None,
    read_at: datetime | None,
    starred_at: datetime | None,
) -> SeenBefore | None:
    """Whether ``paper`` was met before, and how; None for a paper new to the reader.

    ``listed``: the newest earlier cached day with the paper; ``read_at``/``starred_at``: when
    the reader marked it read or starred (None: never)."""
    version, verb = 0, ""
    if paper.kind is Kind.REPLACE and paper.version > 1:
        for done, when in (("starred", starred_at), ("read", read_at)):
            if when is not None and when < paper.updated:
                version, verb = paper.version, done
                break
    if not verb and listed is None:
        return None
    return SeenBefore(listed, version, verb)


FlagTimes = Callable[[str], tuple[datetime | None, datetime | None]]
"""A paper id -> when the reader marked it read and starred (None: it is not)."""


def day_seen_before(
    papers: Iterable[Paper], listed: Mapping[str, date], flag_times: FlagTimes
) -> dict[str, SeenBefore]:
    """The papers of a day met before, by id: ``listed`` the newest earlier kept day of each
    (``DayCache.shown_before``), ``flag_times`` the flags as they are now (see the module's
    note: call it as the day arrives)."""
    found: dict[str, SeenBefore] = {}
    for paper in papers:
        day = listed.get(paper.id)
        replaced = paper.kind is Kind.REPLACE and paper.version > 1
        if day is None and not replaced:
            continue  # the common case: no flag to look up
        read_at, starred_at = flag_times(paper.id) if replaced else (None, None)
        seen = seen_before(paper, listed=day, read_at=read_at, starred_at=starred_at)
        if seen is not None:
            found[paper.id] = seen
    return found


def asks_seen(expr: Expr | None) -> bool:
    """Whether ``expr`` has ``is:seen`` (its answer then needs the day's seen-before facts)."""
    if isinstance(expr, State):
        return expr.name == SEEN_STATE
    if isinstance(expr, Not):
        return asks_seen(expr.part)
    if isinstance(expr, And | Or):
        return any(asks_seen(part) for part in expr.parts)
    return False
