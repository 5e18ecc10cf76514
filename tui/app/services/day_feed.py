"""Loading one listing day for the triage screen, on a worker thread, as messages.

The cached copy first (shown at once), then arXiv's where it may be newer, through the
``DayLoader`` (RSS, listing and catchup pages, the API and OAI-PMH). Starting offline with
nothing cached, the newest cached day or the bundled sample stands in. Everything it learns goes
out through ``post`` as a message carrying the load's generation, so a day the user has left is
ignored by the screen; ``cancel`` set (the day left, the screen closed) ends the load at once.

A plain class: no screen, no widget; tests drive it with a list as ``post``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from textual.message import Message

from tui.adapters.day_cache import worth_fetching
from tui.adapters.sample import load_sample_day
from tui.app.messages import (
    DayIndexed,
    DayLoaded,
    FetchFailed,
    FetchProgressed,
    LoadFinished,
    SourcesWarned,
)
from tui.app.services.day_sources import DaySources
from tui.app.services.seen_days import DaySeen, SeenMap, WithSeen
from tui.core.filters import DayIndex
from tui.core.follow import KeywordProfile
from tui.core.paper import Day, Paper
from tui.core.query import Facts, QueryIndex, asks_the_flags
from tui.core.rules import NOTHING_CLEARED, Rule, apply_rules
from tui.core.saved_search import warm_saved_searches
from tui.core.seen import asks_seen

if TYPE_CHECKING:
    from tui.adapters.sources.api import ArxivSource, FetchProgress

T = TypeVar("T")

FIRST_PAINT_WAIT = 1.0
"""Seconds a load waits for the day's rows to be painted before building its filter index."""


class DayFeed:
    """Loads days of ``categories`` from ``sources``; each ``load`` call is independent (its own
    generation and cancel event), so loads may overlap while the user moves between days."""

    def __init__(
        self,
        sources: DaySources,
        categories: Sequence[str],
        profiles: Sequence[KeywordProfile],
        post: Callable[[Message], object],
        *,
        rules: Sequence[Rule] = (),
        facts: Callable[[], Facts] | None = None,
        settle: Callable[[], None] | None = None,
        seen: Callable[[Day], SeenMap] | None = None,
    ) -> None:
        """``rules``: kill rules applied to each day as its index is built (``facts``: the
        flags their ``is:`` terms ask about). ``seen``: finds a day's papers seen before
        (``seen_days.find_seen``), posted as DaySeen after the index."""
        self.sources = sources
        self.categories = tuple(categories)
        self.profiles = tuple(profiles)
        self.rules = tuple(rules)
        self._facts = facts
        self._settle = settle
        """Waits until the flag store is open, for rules that ask about the flags."""
        self._seen = seen
        self._post = post

    def load(self, requested: date, generation: int, cancel: threading.Event, first: bool) -> None:
        """Worker thread: cache first, then arXiv; ends with LoadFinished whatever happened."""
        try:
            self._load(requested, generation, cancel, first)
        except Exception as error:  # a bug or a broken cache must not take the app down
            reason = f"{type(error).__name__}: {error}"
            self._post(
                FetchFailed(reason, requested=requested, generation=generation, had_cached=False)
            )
        finally:
            self._post(LoadFinished(requested=requested, generation=generation))

    def _load(self, requested: date, generation: int, cancel: threading.Event, first: bool) -> None:
        sources = self.sources
        post_day = partial(
            self._post_day, requested=requested, generation=generation, cancel=cancel
        )
        if sources.demo:
            sample = load_sample_day()
            if requested == sample.date:
                post_day(sample, fetching=False)
                return
        cached = sources.cache().load(requested, self.categories)
        # A day kept as arXiv announced it never changes; one kept reconstructed is asked for
        # again while an exact source still has it (the newest listing, or catchup's 90 days).
        fetch = not sources.demo and worth_fetching(cached, sources.now())
        if cached is not None:
            post_day(cached, fetching=fetch)
        if not fetch:
            if cached is None:
                reason = "nothing cached for this day (the demo never fetches)"
                self._post(
                    FetchFailed(
                        reason, requested=requested, generation=generation, had_cached=False
                    )
                )
            return

        # Imported only now (arxiv, requests): a cached day opens without them.
        from tui.adapters.sources.api import FetchCancelled, FetchError

        # Starting offline with nothing cached: show something to read (the newest cached day or
        # the sample) as soon as the first attempt fails, while the source keeps retrying.
        fall_back_early = first and cached is None
        fell_back = False

        def progress(report: FetchProgress) -> None:
            nonlocal fell_back
            if cancel.is_set():
                return
            self._post(FetchProgressed(report, generation=generation))
            # A request that failed, not a progress report of one that is working (reading
            # OAI-PMH records, say): only a failure brings the stand-in day.
            failed_attempt = report.failed and report.papers == 0
            if fall_back_early and failed_attempt and not fell_back:
                fell_back = True
                self._fall_back(post_day, report.message, retrying=True)

        def early(day: Day) -> None:
            """The exact listing, before the API fills in versions and dates."""
            if not cancel.is_set():
                post_day(day, fetching=True)

        try:
            loader = sources.day_loader()
            loaded = abandonable(
                partial(
                    loader.fetch,
                    requested,
                    self.categories,
                    progress=progress,
                    cancel=cancel,
                    early=early,
                ),
                cancel,
            )
        except FetchCancelled:
            return
        except (FetchError, ValueError) as error:
            if fall_back_early:
                self._fall_back(post_day, str(error), retrying=False)
                return
            self._post(
                FetchFailed(
                    str(error),
                    requested=requested,
                    generation=generation,
                    had_cached=cached is not None,
                )
            )
            return
        sources.cache().save(loaded.day)
        post_day(loaded.day, fetching=False)
        if loaded.warnings:
            self._post(SourcesWarned("; ".join(loaded.warnings), generation=generation))

    def _post_day(
        self,
        day: Day,
        *,
        requested: date,
        generation: int,
        cancel: threading.Event,
        fetching: bool,
        note: str | None = None,
    ) -> None:
        loaded = DayLoaded(
            day, requested=requested, generation=generation, still_fetching=fetching, note=note
        )
        self._post(loaded)
        # The rows can show before the index exists (unfiltered); counts follow with it. The
        # index is built once they are on screen: built at the same time, it holds the GIL the
        # first paint needs (a cached 5,000-paper day: rows ~100 ms later).
        deadline = time.monotonic() + FIRST_PAINT_WAIT
        while not loaded.shown.wait(0.02):
            if cancel.is_set() or time.monotonic() > deadline:
                return
        # The profiles' matches (the sidebar's counts) are made here rather than on the UI, and
        # so is what the kill rules clear (each rule scans the day once).
        index = DayIndex(day.papers, self.profiles)
        seen, seconds = None, 0.0
        if self._seen is not None and any(asks_seen(r.expr) for r in self.rules):
            began = time.perf_counter()
            seen = self._seen(day)  # a rule asks is:seen: the marks first
            seconds = time.perf_counter() - began
        query_index, cleared = None, NOTHING_CLEARED
        if self.rules and self._facts is not None:
            if self._settle is not None and any(asks_the_flags(r.expr) for r in self.rules):
                self._settle()  # at start-up the store opens after the first paint
            query_index = QueryIndex(day.papers, index.search_texts())
            facts = self._facts() if seen is None else WithSeen(self._facts(), seen)
            cleared = apply_rules(self.rules, query_index, facts)
        if any(profile.query for profile in self.profiles):
            # The saved searches' terms found here, not on the UI: counting them there is then
            # set operations (5 searches on 5,000 papers: ~25 ms here, ~1-2 ms a view there).
            if query_index is None:
                query_index = QueryIndex(day.papers, index.search_texts())
            warm_saved_searches(query_index, self.profiles)
        self._post(
            DayIndexed(day, index, generation=generation, query_index=query_index, cleared=cleared)
        )
        if self._seen is not None and not cancel.is_set():
            # After the index: the sidebar's counts do not wait for the flag store to open.
            if seen is None:
                began = time.perf_counter()
                seen = self._seen(day)
                seconds = time.perf_counter() - began
            self._post(DaySeen(day, seen, generation=generation, seconds=seconds))

    def _fall_back(self, post_day: Callable[..., None], reason: str, *, retrying: bool) -> None:
        """First day not cached, arXiv unreachable: show the newest cached day, else the sample."""
        still = " (still trying)" if retrying else ""
        cache = self.sources.cache()
        for cached_date in sorted(cache.dates(), reverse=True):
            cached = cache.load(cached_date, self.categories)
            if cached is not None:
                note = f"offline — arXiv unreachable: {reason}{still}"
                post_day(cached, fetching=retrying, note=note)
                return
        note = f"sample day — arXiv unreachable: {reason}{still}"
        post_day(load_sample_day(), fetching=retrying, note=note)


def abandonable(fetch: Callable[[], T], cancel: threading.Event) -> T:
    """Run ``fetch`` on a daemon thread; give up waiting for it as soon as ``cancel`` is set.

    The source checks ``cancel`` between requests, but a request that hangs holds on until its
    timeout. Leaving the day (or quitting) must not wait for that: the worker returns at once
    and the abandoned request ends on its own (a daemon thread never holds up the exit).
    """
    from tui.adapters.sources.api import FetchCancelled

    done = threading.Event()
    outcome: list[T | BaseException] = []

    def run() -> None:
        try:
            outcome.append(fetch())
        except BaseException as error:
            outcome.append(error)
        finally:
            done.set()

    threading.Thread(target=run, name="arxiv-fetch", daemon=True).start()
    while not done.wait(0.05):
        if cancel.is_set():
            raise FetchCancelled("the day was left while it loaded")
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result


def fetch_ids(
    source: Callable[[], ArxivSource], ids: Sequence[str], cancel: threading.Event
) -> list[Paper]:
    """Papers by id from arXiv on a worker, abandoned (FetchCancelled) when ``cancel`` is set."""
    return abandonable(partial(source().fetch_ids, ids, cancel=cancel), cancel)
