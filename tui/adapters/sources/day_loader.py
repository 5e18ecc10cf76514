"""Which of arXiv's sources gives a listing day, and how exactly.

For a listing date D (checked against arXiv's calendar first):

1. the newest listing: arXiv's RSS when its channel is dated D (it rolls over at midnight
   US-Eastern, four hours after the 20:00 announcement), else arXiv's ``/list/<subject>/new``
   pages when they show D, else the catchup pages;
2. up to 90 days back: arXiv's ``/catchup/<subject>/D`` pages, arXiv's own table of the mailing;
3. older (or when the pages fail): reconstructed — new and cross-listed papers by first-version
   submission time from the API, replacements from OAI-PMH's version dates — and labelled so.

An exact day's papers get their versions, times and full records from the API by ``id_list``
(``early`` hears the day before that, so a screen can show it at once). Every day says where it
came from in ``Day.provenance``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from tui.adapters.sources.settings import env_seconds
from tui.adapters.sources.web import (
    FetchCancelled,
    FetchError,
    FetchProgress,
    HostUnreachable,
    ProgressCallback,
)
from tui.core.calendar import Calendar, Listing, default_calendar, in_catchup
from tui.core.paper import RECONSTRUCTED_NOTE, Day, Paper, Provenance, listing_order

if TYPE_CHECKING:
    from tui.adapters.sources.announced import WebListings
    from tui.adapters.sources.api import ArxivSource
    from tui.adapters.sources.oai_source import OaiSource

DAY_DEADLINE = 900.0
"""Seconds one day's fetch may take in all, by default (every request has its own deadline too)."""

RssFetch = Callable[[Sequence[str]], tuple[date | None, list[Paper]]]
"""The newest listing of these categories from the RSS: (its date, its papers); RssError."""


def _fetch_rss(categories: Sequence[str]) -> tuple[date | None, list[Paper]]:
    from tui.adapters.sources.rss import fetch_rss
    from tui.adapters.sources.settings import env_seconds
    from tui.adapters.sources.web import DEADLINE

    return fetch_rss(
        categories,
        timeout=env_seconds("ARXIV_DAILY_API_TIMEOUT", 30.0, positive=True),
        deadline=env_seconds("ARXIV_DAILY_DEADLINE", DEADLINE, positive=True),
    )


def _api() -> ArxivSource:
    from tui.adapters.sources.api import ArxivSource

    return ArxivSource()


def _web() -> WebListings:
    from tui.adapters.sources.announced import WebListings

    return WebListings()


def _oai() -> OaiSource:
    from tui.adapters.sources.oai_source import OaiSource

    return OaiSource()


class NotAnnounced(FetchError):
    """arXiv has not announced the listing the calendar expected."""


class Sources:
    """Where days come from; each client built on first use (on the fetching thread)."""

    def __init__(
        self,
        api: Callable[[], ArxivSource] = _api,
        web: Callable[[], WebListings] = _web,
        oai: Callable[[], OaiSource] = _oai,
        rss: RssFetch = _fetch_rss,
    ) -> None:
        self.rss = rss
        self._factories = (api, web, oai)
        self._lock = threading.Lock()
        self._api: ArxivSource | None = None
        self._web: WebListings | None = None
        self._oai: OaiSource | None = None

    def get_api(self) -> ArxivSource:
        with self._lock:
            if self._api is None:
                self._api = self._factories[0]()
            return self._api

    def get_web(self) -> WebListings:
        with self._lock:
            if self._web is None:
                self._web = self._factories[1]()
            return self._web

    def get_oai(self) -> OaiSource:
        with self._lock:
            if self._oai is None:
                self._oai = self._factories[2]()
            return self._oai


@dataclass(frozen=True)
class Loaded:
    day: Day
    warnings: tuple[str, ...] = ()
    """Sources that could not help (shown quietly: the day is still the best there is)."""


class DayLoader:
    """Fetches listing days from the best source for each date. Thread-safe: each call keeps
    its own state; the sources it shares pace their requests per host."""

    def __init__(
        self,
        sources: Sources | None = None,
        calendar: Calendar | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.sources = sources or Sources()
        self.calendar = calendar or default_calendar()
        self.now = now or (lambda: datetime.now(UTC))
        self.day_deadline = env_seconds("ARXIV_DAILY_DAY_DEADLINE", DAY_DEADLINE, positive=True)

    def fetch(
        self,
        day: date,
        categories: Sequence[str],
        *,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        early: Callable[[Day], None] | None = None,
    ) -> Loaded:
        """The listing dated ``day`` for ``categories``. NoListing (a ValueError) for a date
        without a listing; FetchError when no source could give it, or when it takes longer
        than ``day_deadline`` seconds in all (cron runs must not pile up); FetchCancelled."""
        cats = tuple(dict.fromkeys(c.strip() for c in categories if c.strip()))
        if not cats:
            raise ValueError("no categories to fetch")
        stop = threading.Event()
        ended = threading.Event()

        def watch() -> None:
            began = time.monotonic()
            while not ended.is_set():
                if cancel is not None and cancel.is_set():
                    break
                if time.monotonic() - began > self.day_deadline:
                    break
                ended.wait(0.05)
            stop.set()

        threading.Thread(target=watch, name="day-deadline", daemon=True).start()
        try:
            return self._fetch(day, cats, progress, stop, early)
        except FetchCancelled:
            if cancel is not None and cancel.is_set():
                raise
            raise FetchError(
                f"gave up on {day.isoformat()} after {self.day_deadline:g} s "
                "(ARXIV_DAILY_DAY_DEADLINE)"
            ) from None
        finally:
            ended.set()

    def _fetch(
        self,
        day: date,
        cats: tuple[str, ...],
        progress: ProgressCallback | None,
        cancel: threading.Event,
        early: Callable[[Day], None] | None,
    ) -> Loaded:
        now = self.now()
        self.calendar.check(day, now)
        listing = self.calendar.listing(day)
        tried: list[str] = []
        warnings: list[str] = []
        exact = self._exact(listing, cats, now, tried, progress, cancel, early)
        if exact is not None:
            papers, provenance = exact
            found = self._day(listing, cats, papers, provenance, now)
            if early is not None:
                early(found)
            found = self._with_api_records(found, warnings, progress, cancel)
        else:
            # The exact sources that should have had the day, and why they did not.
            warnings += tried
            found = self._reconstructed(listing, cats, now, warnings, progress, cancel)
        if listing.date > self.calendar.holidays_known_through() and (
            not found.papers or not found.provenance.exact
        ):
            warnings.append(
                f"arXiv's holidays of {listing.date.year} are not known here: if arXiv did not "
                f"announce on {listing.date.isoformat()}, add it to holidays.txt"
            )
        return Loaded(found, tuple(warnings))

    # ------------------------------------------------------------------ exact sources

    def _exact(
        self,
        listing: Listing,
        cats: tuple[str, ...],
        now: datetime,
        tried: list[str],
        progress: ProgressCallback | None,
        cancel: threading.Event | None,
        early: Callable[[Day], None] | None = None,
    ) -> tuple[list[Paper], Provenance] | None:
        """The day from arXiv's announcement, or None (``tried`` says why each source failed)."""

        def failed(reason: str) -> None:
            tried.append(reason)
            if progress is not None:
                progress(FetchProgress(len(tried), 0, None, reason, failed=True))

        newest = listing.date == self.calendar.latest_listing_day(now)
        from tui.adapters.sources.announced import OtherListing

        if newest:
            from tui.adapters.sources.announced import kinds_for
            from tui.adapters.sources.rss import RssError

            try:
                listed, papers = self.sources.rss(cats)
            except RssError as error:
                # Quietly: the /new pages usually answer when the RSS does not.
                tried.append(str(error))
            else:
                if listed == listing.date:
                    return kinds_for(papers, cats), Provenance(True, "rss")
                # Expected from 20:00 to midnight US-Eastern: not a failure worth a word.
        pages_for: list[str] = []
        if newest:
            pages_for.append("listing")
        if in_catchup(listing.date, now):
            pages_for.append("catchup")
        for source in pages_for:
            _check(cancel)
            web = self.sources.get_web()
            fetch = web.newest if source == "listing" else web.catchup

            def so_far(papers: list[Paper], source: str = source) -> None:
                if early is not None:
                    partial = Provenance(True, source, "more pages to come", partial=True)
                    early(self._day(listing, cats, papers, partial, now))

            try:
                pages = fetch(listing, cats, progress=progress, cancel=cancel, on_subject=so_far)
            except FetchCancelled:
                raise
            except OtherListing as error:
                if source == "listing" and error.shown < error.wanted:
                    # Not announced after all (arXiv is late, the clock is fast, or a holiday
                    # arXiv's table does not list): no other source has the day either.
                    raise NotAnnounced(
                        f"{listing.date.isoformat()}: not announced yet — arXiv's /new page "
                        f"still shows {error.shown.isoformat()} (if arXiv did not announce "
                        "that day, add it to holidays.txt)"
                    ) from None
                failed(str(error))
                continue
            except FetchError as error:
                failed(str(error))
                if isinstance(error, HostUnreachable):
                    break  # the catchup pages live on the same host
                continue
            return list(pages.papers), Provenance(True, source)
        return None

    def _with_api_records(
        self,
        found: Day,
        warnings: list[str],
        progress: ProgressCallback | None,
        cancel: threading.Event | None,
    ) -> Day:
        """The exact day with the API's record of each paper (versions, times, full authors)."""
        if not found.papers:
            return found
        from tui.adapters.sources.announced import enrich

        try:
            records = self.sources.get_api().fetch_ids(
                [p.id for p in found.papers], progress=progress, cancel=cancel
            )
        except FetchCancelled:
            raise
        except FetchError as error:
            warnings.append(f"versions and dates not filled in: {error}")
            missing = replace(found.provenance, partial=True, note="versions and dates missing")
            return replace(found, provenance=missing)
        known = {p.id: p for p in records}
        return replace(found, papers=tuple(enrich(found.papers, known)))

    # ------------------------------------------------------------------ reconstructed

    def _reconstructed(
        self,
        listing: Listing,
        cats: tuple[str, ...],
        now: datetime,
        warnings: list[str],
        progress: ProgressCallback | None,
        cancel: threading.Event | None,
    ) -> Day:
        from tui.adapters.sources.api import EmptyAnswer

        empty: EmptyAnswer | None = None
        try:
            api_day = self.sources.get_api().fetch_day(
                listing.date, cats, progress=progress, cancel=cancel
            )
        except EmptyAnswer as error:
            # No new papers by submission time (or an API failing quietly): the replacements
            # may still be there.
            papers: list[Paper] = []
            empty = error
        else:
            papers = list(api_day.papers)
        try:
            replaced = self.sources.get_oai().replacements(
                listing, cats, progress=progress, cancel=cancel
            )
        except FetchCancelled:
            raise
        except FetchError as error:
            if empty is not None:
                raise empty from None
            warnings.append(f"replacements not fetched: {error}")
            note = RECONSTRUCTED_NOTE
        else:
            if empty is not None and not replaced:
                raise empty
            have = {p.id for p in papers}
            papers += [p for p in replaced if p.id not in have]
            note = "held papers and papers revised since may be missing"
        provenance = Provenance(False, "api", note)
        return self._day(listing, cats, papers, provenance, now)

    @staticmethod
    def _day(
        listing: Listing,
        cats: tuple[str, ...],
        papers: Sequence[Paper],
        provenance: Provenance,
        now: datetime,
    ) -> Day:
        return Day(
            date=listing.date,
            categories=cats,
            papers=tuple(sorted(papers, key=listing_order)),
            fetched_at=now,
            source="arxiv",
            provenance=provenance,
        )


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise FetchCancelled("fetch cancelled")
