"""The triage screen's day feed, without a screen: what it posts for a cached day, a fetched
one, an unreachable arXiv at start, a day left while it loads, and the demo."""

from __future__ import annotations

import threading
import time
from datetime import date
from pathlib import Path

from app_helpers import FIXED_NOW, make_day, serve_day
from arxiv_double import ArxivDouble
from factories import CATEGORIES
from textual.message import Message
from timing import poll_until

from tui.adapters.day_cache import DayCache
from tui.adapters.sample import load_sample_day
from tui.adapters.sources.api import ArxivSource
from tui.adapters.sources.day_loader import DayLoader
from tui.app.messages import DayIndexed, DayLoaded, FetchFailed, LoadFinished
from tui.app.services.day_feed import DayFeed
from tui.app.services.day_sources import DaySources, once

DAY = date(2025, 4, 9)


class Posted:
    """What the feed posts, in order; each day counts as painted at once."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    def __call__(self, message: Message) -> None:
        self.messages.append(message)
        if isinstance(message, DayLoaded):
            message.shown.set()

    def kinds(self) -> list[str]:
        return [type(message).__name__ for message in self.messages]

    def days(self) -> list[DayLoaded]:
        return [m for m in self.messages if isinstance(m, DayLoaded)]


def feed(tmp_path: Path, *, demo: bool = False) -> tuple[DayFeed, Posted, DayCache]:
    cache = DayCache(tmp_path / "days")
    sources = DaySources(
        cache=once(lambda: cache),
        source=ArxivSource,
        demo=demo,
        now=lambda: FIXED_NOW,
        loader=lambda: DayLoader(now=lambda: FIXED_NOW),
    )
    posted = Posted()
    return DayFeed(sources, CATEGORIES, (), posted), posted, cache


def test_a_kept_day_comes_from_the_cache_without_asking_arxiv(
    tmp_path: Path, arxiv_double: ArxivDouble
) -> None:
    day_feed, posted, cache = feed(tmp_path)
    cache.save(make_day(DAY, 5))
    day_feed.load(DAY, 7, threading.Event(), first=True)
    assert posted.kinds() == ["DayLoaded", "DayIndexed", "LoadFinished"]
    loaded = posted.days()[0]
    assert (len(loaded.day.papers), loaded.still_fetching, loaded.generation) == (5, False, 7)
    indexed = posted.messages[1]
    assert isinstance(indexed, DayIndexed) and len(indexed.index) == 5
    assert arxiv_double.requests == []


def test_a_day_not_kept_is_fetched_shown_and_kept(
    tmp_path: Path, arxiv_double: ArxivDouble
) -> None:
    day_feed, posted, cache = feed(tmp_path)
    serve_day(arxiv_double, make_day(DAY, 4))
    day_feed.load(DAY, 1, threading.Event(), first=False)
    final = posted.days()[-1]
    assert not final.still_fetching and len(final.day.papers) == 4
    assert final.day.provenance.exact
    assert isinstance(posted.messages[-1], LoadFinished)
    assert not any(isinstance(m, FetchFailed) for m in posted.messages)
    kept = cache.load(DAY, CATEGORIES)
    assert kept is not None and len(kept.papers) == 4


def test_arxiv_unreachable_at_start_shows_the_sample_day_and_says_why(
    tmp_path: Path, arxiv_double: ArxivDouble
) -> None:
    day_feed, posted, _ = feed(tmp_path)
    arxiv_double.fail_next(503, times=1000)
    day_feed.load(DAY, 1, threading.Event(), first=True)
    stand_in = posted.days()[0]
    assert stand_in.day.source == "sample"
    assert stand_in.note is not None and stand_in.note.startswith("sample day — arXiv unreachable")
    assert isinstance(posted.messages[-1], LoadFinished)


def test_a_day_left_while_it_loads_ends_at_once(tmp_path: Path, arxiv_double: ArxivDouble) -> None:
    day_feed, posted, _ = feed(tmp_path)
    arxiv_double.stall_next(10.0, times=5)
    cancel = threading.Event()
    worker = threading.Thread(target=day_feed.load, args=(DAY, 3, cancel, False))
    worker.start()
    poll_until(lambda: len(arxiv_double.requests) >= 1, "the load's first (stalled) request")
    left = time.monotonic()
    cancel.set()
    worker.join(5)
    assert not worker.is_alive()
    assert time.monotonic() - left < 1.0  # not the stalled request's 10 s
    assert posted.kinds()[-1] == "LoadFinished"
    assert not any(isinstance(m, FetchFailed) for m in posted.messages)


def test_the_demo_never_fetches(tmp_path: Path, arxiv_double: ArxivDouble) -> None:
    day_feed, posted, _ = feed(tmp_path, demo=True)
    sample = load_sample_day()
    day_feed.load(sample.date, 1, threading.Event(), first=True)
    assert posted.days()[0].day.source == "sample"
    other = date(2025, 4, 8)
    day_feed.load(other, 2, threading.Event(), first=False)
    failed = [m for m in posted.messages if isinstance(m, FetchFailed)]
    assert [m.reason for m in failed] == ["nothing cached for this day (the demo never fetches)"]
    assert arxiv_double.requests == []


def test_progress_reports_of_working_requests_bring_no_stand_in(
    tmp_path: Path, arxiv_double: ArxivDouble
) -> None:
    # A day older than catchup's 90 days: the API and OAI-PMH report progress ("read 5
    # records from arXiv's OAI-PMH") with no papers counted yet; that is not a failure, and
    # the sample day must not stand in for it (a CI run once showed it did).
    old = date(2024, 12, 11)
    day_feed, posted, _ = feed(tmp_path)
    serve_day(arxiv_double, make_day(old, 3))
    day_feed.load(old, 1, threading.Event(), first=True)
    sources = {m.day.source for m in posted.days()}
    assert "sample" not in sources
    final = posted.days()[-1]
    assert len(final.day.papers) == 3 and not final.still_fetching
