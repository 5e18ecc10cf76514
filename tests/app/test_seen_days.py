"""Finding a day's papers seen before on the loader's worker (the day cache's indexes and the
flags), posting them after the day's index, and keeping each day's marks for the session."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from app_helpers import FIXED_NOW, make_day, make_paper
from factories import CATEGORIES, paper
from factories import day as make_listing

from tui.adapters.day_cache import DayCache
from tui.adapters.sources.api import ArxivSource
from tui.adapters.store import FlagStore
from tui.app.messages import DayIndexed
from tui.app.services.day_feed import DayFeed
from tui.app.services.day_sources import DaySources, once
from tui.app.services.flag_keeper import FlagFacts, FlagKeeper
from tui.app.services.seen_days import DaySeen, SeenDays, SeenFacts, find_seen
from tui.core.paper import Day, Kind
from tui.core.rules import make_rules
from tui.core.seen import SeenBefore

MONDAY, TUESDAY = date(2025, 4, 7), date(2025, 4, 8)


@pytest.fixture
def keeper(tmp_path: Path) -> Iterator[FlagKeeper]:
    flags = FlagKeeper(
        lambda: FlagStore(tmp_path / "flags"),
        on_opened=lambda notices: None,
        on_open_failed=lambda reason: None,
        on_write_failed=lambda ids, reason: None,
    )
    yield flags
    flags.close()


def test_find_seen_reads_the_earlier_days_and_the_flags(tmp_path: Path, keeper: FlagKeeper) -> None:
    cache = DayCache(tmp_path / "days")
    crossed = make_paper(1, MONDAY)
    cache.save(make_listing(MONDAY, [crossed]))
    replaced = paper(
        id="2503.00042",
        kind=Kind.REPLACE,
        version=3,
        published=datetime(2025, 3, 1, tzinfo=UTC),
        updated=datetime(2099, 1, 1, tzinfo=UTC),  # starred (now) before this version
    )
    keeper.set("starred", [replaced.id], True).result(timeout=5)
    tuesday = make_listing(
        TUESDAY, [crossed.with_kind(Kind.CROSS), replaced, make_paper(2, TUESDAY)]
    )
    found = find_seen(tuesday, once(lambda: cache), keeper)
    assert found == {
        crossed.id: SeenBefore(MONDAY),
        replaced.id: SeenBefore(None, 3, "starred"),
    }
    assert found[replaced.id].text == "v3 · you starred an earlier version"
    assert find_seen(make_listing(MONDAY, [crossed]), once(lambda: cache), keeper) == {}


def test_a_day_keeps_the_marks_it_had_first_and_takes_new_ones() -> None:
    days = SeenDays(kept=2)
    first = {"a": SeenBefore(None, 2, "read")}
    assert days.keep(TUESDAY, first) == first
    # Read again today in its new version, it would no longer be found: it keeps its mark.
    again = days.keep(TUESDAY, {"b": SeenBefore(MONDAY)})
    assert again == {"a": SeenBefore(None, 2, "read"), "b": SeenBefore(MONDAY)}
    days.keep(MONDAY, {})
    days.keep(date(2025, 4, 4), {})  # only the two newest kept: Tuesday's marks go
    assert days.keep(TUESDAY, {}) == {}


def test_the_screens_facts_answer_is_seen(keeper: FlagKeeper) -> None:
    facts = SeenFacts(keeper, {"2504.00001": SeenBefore(MONDAY)})
    assert isinstance(facts, FlagFacts)
    assert facts.is_seen_before("2504.00001") and not facts.is_seen_before("2504.00002")
    assert not facts.is_read("2504.00001")


class Posted(list[object]):
    def __call__(self, message: object) -> None:
        self.append(message)
        shown = getattr(message, "shown", None)
        if isinstance(shown, threading.Event):
            shown.set()


def feed(tmp_path: Path, seen: dict[str, SeenBefore], **kwargs: object) -> tuple[DayFeed, Posted]:
    cache = DayCache(tmp_path / "days")
    cache.save(make_day(TUESDAY, 3))
    sources = DaySources(
        cache=once(lambda: cache), source=ArxivSource, demo=False, now=lambda: FIXED_NOW
    )
    posted = Posted()

    def find(day: Day) -> dict[str, SeenBefore]:
        return seen

    day_feed = DayFeed(sources, CATEGORIES, (), posted, seen=find, **kwargs)  # type: ignore[arg-type]
    return day_feed, posted


def test_the_marks_are_posted_after_the_days_index(tmp_path: Path) -> None:
    marks = {"2504.00002": SeenBefore(MONDAY)}
    day_feed, posted = feed(tmp_path, marks)
    day_feed.load(TUESDAY, 4, threading.Event(), first=False)
    kinds = [type(message).__name__ for message in posted]
    assert kinds == ["DayLoaded", "DayIndexed", "DaySeen", "LoadFinished"]
    seen = posted[2]
    assert isinstance(seen, DaySeen) and seen.seen == marks and seen.generation == 4
    assert seen.day is posted[1].day  # type: ignore[attr-defined]


def test_a_kill_rule_asking_is_seen_gets_the_days_marks(tmp_path: Path) -> None:
    class NoFlags:
        def is_read(self, paper_id: str) -> bool:
            return False

        def is_starred(self, paper_id: str) -> bool:
            return False

    day_feed, posted = feed(
        tmp_path,
        {"2504.00002": SeenBefore(MONDAY)},
        rules=make_rules(hide=["is:seen"]),
        facts=NoFlags,
    )
    day_feed.load(TUESDAY, 1, threading.Event(), first=False)
    indexed = next(m for m in posted if isinstance(m, DayIndexed))
    hidden = [indexed.day.papers[i].id for i in indexed.cleared.hidden]
    assert hidden == ["2504.00002"]
