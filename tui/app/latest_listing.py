"""The newest day exactly as arXiv announced it: the API's answer with the daily RSS laid over it.

The API is asked by submission time, so it misses papers announced late or held back and cannot
tell a cross-list from a new paper the way the announcement does; the RSS lists exactly the
announcement, but only the newest day. The RSS is read on its own daemon thread while the API
pages come in; a failure of the RSS alone leaves the API's day as it is, with a quiet warning.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import date

from tui.domain.paper import Day, Paper

RssFetch = Callable[[Sequence[str]], tuple[date | None, list[Paper]]]
"""The newest listing of these categories from the RSS: (its date, its papers); RssError."""


def fetch_latest(categories: Sequence[str]) -> tuple[date | None, list[Paper]]:
    """arXiv's RSS, waiting no longer than the API would (ARXIV_DAILY_API_TIMEOUT)."""
    # Imported here, on the fetch's thread (requests): a cached day opens without them.
    from tui.domain.rss import fetch_rss
    from tui.domain.source import FetchPolicy

    return fetch_rss(categories, timeout=FetchPolicy.from_env().timeout)


class LatestListing:
    """One RSS request, started at once on a daemon thread; ``lay_over`` waits for it."""

    def __init__(self, fetch: RssFetch, categories: Sequence[str]) -> None:
        self._done = threading.Event()
        self._result: tuple[date | None, list[Paper]] | None = None
        self._failure: str | None = None
        categories = tuple(categories)

        def run() -> None:
            from tui.domain.rss import RssError

            try:
                self._result = fetch(categories)
            except RssError as error:
                self._failure = str(error)
            except Exception as error:  # a bug or a strange answer must not cost the day
                self._failure = f"{type(error).__name__}: {error}"
            finally:
                self._done.set()

        threading.Thread(target=run, name="arxiv-rss", daemon=True).start()

    def lay_over(self, day: Day, cancel: threading.Event) -> tuple[Day, str | None]:
        """``day`` with the RSS listing merged in, and a warning when the RSS could not help."""
        from tui.domain.rss import merge
        from tui.domain.source import FetchCancelled

        while not self._done.wait(0.05):
            if cancel.is_set():
                raise FetchCancelled("the day was left while it loaded")
        if self._failure is not None:
            return day, self._failure
        assert self._result is not None
        listed, papers = self._result
        if listed is not None and listed != day.date:
            shown = day.date.strftime("%a %Y-%m-%d")
            return day, f"arXiv's RSS lists {listed.isoformat()}, not {shown}"
        return merge(day, papers), None
