"""Which papers of a listing day the reader has seen before (tui.core.seen), found on the day
loader's worker as the day's index is built, and kept per day for the session.

Found from the day cache's small index files (the newest earlier kept day that listed each
paper) and from the flags as they are when the day arrives. Kept per day: coming back to a day,
a paper keeps the mark it had (reading a replacement today does not take away "v3 · you read
v1"), and a paper read or starred today is not marked (it is read or starred; its row says so).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import KW_ONLY, dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from textual.message import Message

from tui.app.services.flag_keeper import FlagFacts, FlagKeeper
from tui.core.paper import Day
from tui.core.query import Facts
from tui.core.seen import SeenBefore, day_seen_before

if TYPE_CHECKING:
    from tui.adapters.day_cache import DayCache

DAYS_KEPT = 32
"""Days whose marks the session keeps (a day is a few hundred small entries at most)."""

SeenMap = Mapping[str, SeenBefore]
"""A day's papers seen before, by id (without version)."""


@dataclass(repr=False)  # a day's repr is its papers': not in every log line
class DaySeen(Message):
    """A day's papers seen before (posted after its DayIndexed)."""

    day: Day
    seen: SeenMap
    _: KW_ONLY
    generation: int
    seconds: float = 0.0
    """How long finding them took on the worker (tests, benchmark)."""


def find_seen(day: Day, cache: Callable[[], DayCache], flags: FlagKeeper) -> dict[str, SeenBefore]:
    """Worker thread: ``day``'s papers seen before. Waits for the flag store to open (at start-up
    it opens after the first paint); a cache it cannot read marks nothing."""
    flags.settle()
    try:
        listed = cache().shown_before((paper.id for paper in day.papers), day.date)
    except (OSError, ValueError):
        listed = {}
    get = flags.get

    def times(paper_id: str) -> tuple[datetime | None, datetime | None]:
        flag = get(paper_id)
        return (
            flag.read_changed if flag.read else None,
            flag.starred_changed if flag.starred else None,
        )

    return day_seen_before(day.papers, listed, times)


class SeenDays:
    """The marks of the days shown this session (UI thread)."""

    def __init__(self, kept: int = DAYS_KEPT) -> None:
        self._days: OrderedDict[date, SeenMap] = OrderedDict()
        self._kept = kept

    def keep(self, day: date, found: SeenMap) -> SeenMap:
        """``found`` for ``day``, a paper already marked this session keeping its first mark."""
        earlier = self._days.pop(day, None)
        merged = {**found, **earlier} if earlier else found
        self._days[day] = merged
        while len(self._days) > self._kept:
            self._days.popitem(last=False)
        return merged


class SeenFacts(FlagFacts):
    """The screen's facts for the search language: the flags, and ``is:seen`` of the day shown."""

    def __init__(self, flags: FlagKeeper, seen: SeenMap) -> None:
        super().__init__(flags)
        self._seen = seen

    def is_seen_before(self, paper_id: str) -> bool:
        return paper_id in self._seen


class WithSeen:
    """Any facts, with ``is:seen`` answered from one day's marks (the kill rules' facts)."""

    def __init__(self, facts: Facts, seen: SeenMap) -> None:
        self._facts = facts
        self._seen = seen

    def is_read(self, paper_id: str) -> bool:
        return self._facts.is_read(paper_id)

    def is_starred(self, paper_id: str) -> bool:
        return self._facts.is_starred(paper_id)

    def tags(self, paper_id: str) -> tuple[str, ...]:
        """``tag:`` and ``is:tagged``, where the facts know the tags."""
        tags = getattr(self._facts, "tags", None)
        return () if tags is None else tuple(tags(paper_id))

    def is_seen_before(self, paper_id: str) -> bool:
        return paper_id in self._seen

    def __getattr__(self, name: str) -> Any:
        return getattr(self._facts, name)  # whatever else the facts answer
