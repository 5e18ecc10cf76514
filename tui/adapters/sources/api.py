"""Fetch a listing day, or papers by id, from the arXiv API through ``arxiv.Client``.

``arxiv.Client`` parses the feed and pages, but it has no request timeout, retries without waiting,
ignores Retry-After and turns an empty, truncated or HTML answer into "no results" silently. So the
client is given a session that sets a timeout, makes at most one HTTP request per call and keeps the
last answer; this module asks for one page at a time, checks that answer itself, and does the
spacing (arXiv asks for one request every three seconds), retries and backoff.

One ``ArxivSource`` does one fetch at a time (it is meant for one worker thread).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

import arxiv
import requests
import urllib3

from tui.adapters.sources.settings import env_seconds
from tui.adapters.sources.web import (
    ACCEPT_ENCODING,
    DEADLINE,
    REAL_CLOCK,
    Clock,
    CutShort,
    FetchCancelled,
    FetchError,
    FetchProgress,
    HostPacer,
    ProgressCallback,
    TooSlow,
    read_body,
    retry_after_seconds,
    xml_controls_dropped,
)
from tui.core.listing import listing_window
from tui.core.paper import (
    RECONSTRUCTED,
    Day,
    Kind,
    Paper,
    listing_order,
    one_line,
    split_id,
)

__all__ = [
    "ArxivSource",
    "FetchCancelled",
    "FetchError",
    "FetchPolicy",
    "FetchProgress",
    "ProgressCallback",
]

logger = logging.getLogger(__name__)

API_URL = "https://export.arxiv.org/api/query"
MAX_PAGE_SIZE = 2000
"""The most results the API returns for one request."""
MAX_RESULTS = 10_000
"""The API pages to the first 10,000 results of a search and no further."""
IDS_PER_REQUEST = 200
"""Ids per ``id_list`` request: ~2.6 kB of URL, well inside what servers take."""

_TRUNCATED = {3, 5}
"""expat's "no element found" and "unclosed token": the answer ends early."""
_ATOM = "{http://www.w3.org/2005/Atom}"
_OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


class EmptyAnswer(FetchError):
    """Every try gave a valid feed with no entries: the query may have none, or the API fails."""


@dataclass(frozen=True)
class FetchPolicy:
    page_size: int = MAX_PAGE_SIZE
    min_interval: float = 3.0
    """Seconds between the end of one request and the start of the next (arXiv's terms)."""
    timeout: float = 30.0
    """Seconds to connect, and seconds without a byte while reading."""
    attempts: int = 4
    """Tries per page before giving up."""
    backoff: float = 2.0
    """First wait after a failure; doubles with each further failure. Retry-After wins."""
    max_wait: float = 120.0
    """Cap on one wait."""
    deadline: float = DEADLINE
    """Seconds one answer may take in all: a server trickling bytes is cut off, not retried."""

    @classmethod
    def from_env(cls) -> FetchPolicy:
        """The defaults, overridden by ARXIV_DAILY_API_MIN_INTERVAL / _TIMEOUT / _BACKOFF and
        ARXIV_DAILY_DEADLINE (s)."""
        defaults = cls()
        return cls(
            min_interval=env_seconds("ARXIV_DAILY_API_MIN_INTERVAL", defaults.min_interval),
            timeout=env_seconds("ARXIV_DAILY_API_TIMEOUT", defaults.timeout, positive=True),
            backoff=env_seconds("ARXIV_DAILY_API_BACKOFF", defaults.backoff),
            deadline=env_seconds("ARXIV_DAILY_DEADLINE", defaults.deadline, positive=True),
        )


# ---------------------------------------------------------------- the session under arxiv.Client


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: dict[str, str]
    body: bytes


class _PageBoundary(Exception):
    """The client wanted a second request within one page call."""


class _GuardedSession(requests.Session):
    """Sets a default timeout, allows one request per ``arm()``, and keeps the last answer
    (and when it ended, on ``clock``: the pacer's)."""

    def __init__(
        self, timeout: float, deadline: float = DEADLINE, clock: Clock = REAL_CLOCK
    ) -> None:
        super().__init__()
        self.timeout = timeout
        self.deadline = deadline
        self.clock = clock
        self.last: _Answer | None = None
        self.finished_at: float | None = None
        self._allowance = 0
        self.headers["Accept-Encoding"] = ACCEPT_ENCODING

    def arm(self) -> None:
        self._allowance = 1
        self.last = None

    def request(self, method: str, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        if self._allowance <= 0:
            raise _PageBoundary()
        self._allowance -= 1
        kwargs.setdefault("timeout", self.timeout)
        kwargs["stream"] = True
        started = time.monotonic()
        try:
            response = super().request(method, url, *args, **kwargs)
            try:
                body = xml_controls_dropped(read_body(response, self.deadline, started))
            except (urllib3.exceptions.ReadTimeoutError, TimeoutError):
                raise requests.Timeout() from None
            except (urllib3.exceptions.HTTPError, OSError):
                raise CutShort() from None
            finally:
                response.close()
            # What arxiv.Client reads (response.text, .content) is this body.
            response._content = body
            response._content_consumed = True
            self.last = _Answer(response.status_code, dict(response.headers), body)
        finally:
            self.finished_at = self.clock.monotonic()
        return response


# ---------------------------------------------------------------- outcomes of one request


@dataclass(frozen=True)
class _Page:
    results: list[arxiv.Result]
    total: int


@dataclass(frozen=True)
class _Failure:
    summary: str
    """What went wrong, e.g. "arXiv is busy (HTTP 503)"."""
    retryable: bool = True
    retry_after: float | None = None
    empty: bool = False
    """The answer was a valid feed with no entries."""


def _error_entry(root: ET.Element) -> str | None:
    """The message of the API's error feed (an entry titled Error), if this is one."""
    for entry in root.iter(f"{_ATOM}entry"):
        if one_line(entry.findtext(f"{_ATOM}title")) == "Error":
            return one_line(entry.findtext(f"{_ATOM}summary")) or "unknown error"
    return None


def _page_text(body: bytes) -> str:
    """A short readable excerpt of a non-feed answer (e.g. an HTML "Rate exceeded." page)."""
    text = body[:4000].decode("utf-8", "replace")
    text = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", " ", text)
    text = one_line(re.sub(r"<[^>]*>", " ", text))
    return text[:80] + ("…" if len(text) > 80 else "")


def _not_a_feed(body: bytes) -> _Failure:
    excerpt = _page_text(body)
    detail = f": {excerpt!r}" if excerpt else ""
    return _Failure(f"arXiv answered with a page that is not a feed{detail}")


# ---------------------------------------------------------------- papers


def paper_from_result(result: arxiv.Result, kind: Kind = Kind.NEW) -> Paper:
    """A Paper from one ``arxiv.Result``; ValueError if its id is not an arXiv id."""
    paper_id, version = split_id(result.entry_id)
    categories = tuple(dict.fromkeys(c for c in [result.primary_category, *result.categories] if c))
    authors = tuple(one_line(a.name) for a in result.authors)
    affiliations = tuple(tuple(one_line(x) for x in a.affiliation) for a in result.authors)
    return Paper(
        id=paper_id,
        version=version or 1,
        title=one_line(result.title),
        authors=authors,
        abstract=one_line(result.summary),
        categories=categories,
        published=_utc(result.published),
        updated=_utc(result.updated),
        kind=kind,
        comment=one_line(result.comment) or None,
        journal_ref=one_line(result.journal_ref) or None,
        doi=one_line(result.doi) or None,
        affiliations=affiliations if any(affiliations) else (),
    )


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _minute(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M")


def day_query(categories: Sequence[str], start: datetime, end: datetime) -> str:
    """One search for the papers first submitted in the window ``[start, end)``.

    Since November 2025 the API rewrites ``lastUpdatedDate:`` to ``submittedDate:`` and
    ``submittedDate`` is the *first* version's submission time: replacements of a day cannot be
    asked for by date at all (they come from OAI-PMH or arXiv's pages). Operators have no
    precedence, so every group is parenthesised. The range is inclusive, in whole minutes, GMT,
    and ends with the cutoff's own minute (the busiest of the day); the window's exact edges are
    applied to the answer afterwards.
    """
    cats = " OR ".join(f"cat:{c}" for c in categories)
    span = f"[{_minute(start)} TO {_minute(end)}]"
    return f"({cats}) AND (submittedDate:{span})"


def kind_in_window(paper: Paper, followed: set[str], start: datetime, end: datetime) -> Kind | None:
    """How the listing of window ``[start, end)`` shows this paper, or None if it does not."""
    if start <= paper.published < end:
        return Kind.NEW if paper.primary_category in followed else Kind.CROSS
    if start <= paper.updated < end and paper.published < start:
        return Kind.REPLACE
    return None


def classify(
    results: Sequence[arxiv.Result], categories: Sequence[str], start: datetime, end: datetime
) -> list[Paper]:
    """The day's papers: in the window, deduped (highest version), new then cross then replace."""
    followed = set(categories)
    chosen: dict[str, Paper] = {}
    for result in results:
        try:
            paper = paper_from_result(result)
        except ValueError:
            logger.warning("skipping an entry with an unexpected id: %s", result.entry_id)
            continue
        if not followed.intersection(paper.categories):
            continue
        kind = kind_in_window(paper, followed, start, end)
        if kind is None:
            continue
        held = chosen.get(paper.id)
        if held is None or paper.version > held.version:
            chosen[paper.id] = paper.with_kind(kind)
    return sorted(chosen.values(), key=listing_order)


# ---------------------------------------------------------------- the source


class ArxivSource:
    """Fetches from the arXiv API (or ARXIV_DAILY_API_URL) politely; says clearly when it can't."""

    def __init__(
        self,
        api_url: str | None = None,
        policy: FetchPolicy | None = None,
        *,
        pacer: HostPacer | None = None,
    ) -> None:
        """``pacer``: where the requests are booked (by default the one every source of this
        API's host shares, on the real clock; a test passes one on a fake clock)."""
        self.api_url = api_url or os.environ.get("ARXIV_DAILY_API_URL") or API_URL
        self.policy = policy or FetchPolicy.from_env()
        self.requests_made = 0
        self._pacer = pacer if pacer is not None else HostPacer.for_url(self.api_url)
        self._clock = self._pacer.clock
        self._page_size = max(1, min(self.policy.page_size, MAX_PAGE_SIZE))
        self._session = _GuardedSession(self.policy.timeout, self.policy.deadline, self._clock)
        self._client = arxiv.Client(page_size=self._page_size, delay_seconds=0, num_retries=0)
        self._client._session = self._session
        template = self.api_url.replace("{", "{{").replace("}", "}}")
        self._client.query_url_format = template + ("&" if "?" in template else "?") + "{}"
        self._last_request_end: float | None = None

    @property
    def host(self) -> str:
        return urlsplit(self.api_url).netloc or self.api_url

    # -- public

    def fetch_day(
        self,
        day: date,
        categories: Sequence[str],
        *,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> Day:
        """The listing dated ``day`` reconstructed from submission times: its new and cross-listed
        papers as far as the API can tell (no held papers, no replacements: ``RECONSTRUCTED``)."""
        cats = tuple(dict.fromkeys(c.strip() for c in categories if c.strip()))
        if not cats:
            raise ValueError("no categories to fetch")
        start, end = listing_window(day)
        search = arxiv.Search(
            query=day_query(cats, start, end),
            max_results=None,
            sort_by=arxiv.SortCriterion.SubmittedDate,
            sort_order=arxiv.SortOrder.Descending,
        )
        results = self._collect(
            search,
            empty_means=f"arXiv returned no papers for {', '.join(cats)} on {day.isoformat()}",
            progress=progress,
            cancel=cancel,
        )
        papers = classify(results, cats, start, end)
        return Day(
            date=day,
            categories=cats,
            papers=tuple(papers),
            fetched_at=datetime.now(UTC),
            source="arxiv",
            provenance=RECONSTRUCTED,
        )

    def fetch_ids(
        self,
        ids: Sequence[str],
        *,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> list[Paper]:
        """The papers with these ids (a versioned id gives that version), in the API's order.

        Ids arXiv does not know are left out; a malformed id makes arXiv reject the request.
        """
        wanted = list(dict.fromkeys(i.strip() for i in ids if i.strip()))
        papers: list[Paper] = []
        per_request = min(IDS_PER_REQUEST, self._page_size)
        for first in range(0, len(wanted), per_request):
            chunk = wanted[first : first + per_request]
            search = arxiv.Search(id_list=chunk, max_results=None)
            for result in self._collect(search, empty_means=None, progress=progress, cancel=cancel):
                try:
                    papers.append(paper_from_result(result))
                except ValueError:
                    logger.warning("skipping an entry with an unexpected id: %s", result.entry_id)
        return papers

    # -- paging, spacing, retries

    def _collect(
        self,
        search: arxiv.Search,
        *,
        empty_means: str | None,
        progress: ProgressCallback | None,
        cancel: threading.Event | None,
    ) -> list[arxiv.Result]:
        """Every result of ``search``, one page per request.

        ``empty_means``: the message when the first page stays empty (None: empty is an answer).
        """
        collected: list[arxiv.Result] = []
        seen: set[str] = set()
        total: int | None = None
        made = 0
        failures = 0
        wait = 0.0

        def report(message: str, *, failed: bool = False) -> None:
            if progress is not None:
                progress(FetchProgress(made, len(collected), total, message, failed))

        while total is None or len(collected) < total:
            self._wait_turn(wait, cancel)
            outcome = self._request_page(search, offset=len(collected))
            made += 1
            self.requests_made += 1
            if isinstance(outcome, _Page) and not outcome.results:
                if total is None and empty_means is None:
                    report("arXiv has no such papers")
                    return []
                outcome = self._empty_page(len(collected), total)
            if isinstance(outcome, _Failure):
                if not outcome.retryable:
                    report(outcome.summary, failed=True)
                    raise FetchError(outcome.summary)
                failures += 1
                if failures >= self.policy.attempts:
                    report(outcome.summary, failed=True)
                    message = self._give_up_message(outcome, failures, total, empty_means)
                    if outcome.empty and total is None:
                        raise EmptyAnswer(message)
                    raise FetchError(message)
                wait = self._backoff(failures, outcome.retry_after)
                pause = max(wait, self.policy.min_interval)
                shown = f"{pause:.0f}" if pause >= 1 else f"{pause:.1f}"
                report(
                    f"{outcome.summary}; retrying in {shown} s "
                    f"(try {failures + 1} of {self.policy.attempts})",
                    failed=True,
                )
                continue
            failures = 0
            wait = 0.0
            fresh = [r for r in outcome.results if r.entry_id not in seen]
            if not fresh:
                raise FetchError(
                    f"arXiv's API sent the same papers again after {len(collected):,} "
                    "(it does not page); stopped"
                )
            seen.update(r.entry_id for r in fresh)
            collected.extend(fresh)
            # An id_list chunk fits in one page: what came back is the answer, whatever the count
            # says (recorded answers give the count of the whole search). Only the first 10,000
            # results of a search can be paged to.
            total = len(collected) if search.id_list else max(outcome.total, len(collected))
            total = min(total, MAX_RESULTS)
            report(f"received {len(collected):,} of {total:,} papers")
            if cancel is not None and cancel.is_set() and len(collected) < total:
                raise FetchCancelled("fetch cancelled")
        return collected

    @staticmethod
    def _empty_page(received: int, total: int | None) -> _Failure:
        if total is None:
            return _Failure("arXiv sent an empty feed", empty=True)
        return _Failure(
            f"arXiv sent an empty page after {received:,} of {total:,} papers", empty=True
        )

    @staticmethod
    def _give_up_message(
        failure: _Failure, tries: int, total: int | None, empty_means: str | None
    ) -> str:
        if failure.empty and total is None and empty_means is not None:
            return (
                f"{empty_means} after {tries} tries (no announcement that day, a holiday? "
                "or the API is failing); try again later"
            )
        return f"{failure.summary} ({tries} tries); try again later"

    def _backoff(self, failures: int, retry_after: float | None) -> float:
        wait = self.policy.backoff * 2 ** (failures - 1) if retry_after is None else retry_after
        return min(wait, self.policy.max_wait)

    def _wait_turn(self, extra: float, cancel: threading.Event | None) -> None:
        """Wait ``min_interval`` after the last request to this API (from any source), and
        ``extra`` (a backoff) after this source's last request."""
        if cancel is not None and cancel.is_set():
            raise FetchCancelled("fetch cancelled")
        own_ready = (self._last_request_end or self._clock.monotonic()) + extra
        self._pacer.wait_for_turn(self.policy.min_interval, own_ready, cancel)

    def _request_page(self, search: arxiv.Search, offset: int) -> _Page | _Failure:
        page_search = arxiv.Search(
            query=search.query,
            id_list=search.id_list,
            max_results=offset + self._page_size,
            sort_by=search.sort_by,
            sort_order=search.sort_order,
        )
        results: list[arxiv.Result] = []
        self._session.arm()
        try:
            results.extend(self._results(page_search, offset))
        except _PageBoundary:
            pass  # a short page: the next request picks up where this one ended
        except arxiv.HTTPError:
            pass  # the status is judged below, from the answer itself
        except TooSlow:
            return _Failure(
                f"arXiv took over {self.policy.deadline:g} s to answer", retryable=False
            )
        except CutShort:
            return _Failure("arXiv cut the connection before the answer was complete")
        except requests.Timeout:
            return _Failure(f"arXiv did not answer within {self.policy.timeout:g} s")
        except requests.ConnectionError:
            return _Failure(f"could not connect to arXiv ({self.host})")
        except requests.RequestException as err:
            return _Failure(f"the request to arXiv failed ({type(err).__name__})")
        except (ValueError, TypeError, AttributeError) as err:
            # arxiv's feed parser trips over a value it cannot read (e.g. a garbled date).
            logger.warning("unreadable arXiv answer: %r", err)
            return _Failure("arXiv sent an answer that could not be read")
        finally:
            self._last_request_end = self._session.finished_at or self._clock.monotonic()
            self._pacer.finished(self._last_request_end)
        answer = self._session.last
        if answer is None:
            return _Failure("arXiv sent no answer")
        if answer.status != 200:
            return self._judge_status(answer)
        return self._judge_feed(answer.body, results, offset)

    def _results(self, search: arxiv.Search, offset: int) -> Iterator[arxiv.Result]:
        yield from self._client.results(search, offset=offset)

    def _judge_status(self, answer: _Answer) -> _Failure:
        status = answer.status
        retry_after = retry_after_seconds(answer.headers.get("Retry-After"))
        if status == 429:
            return _Failure("arXiv asks to slow down (HTTP 429)", retry_after=retry_after)
        if 400 <= status < 500 and status != 408:
            message = None
            with contextlib.suppress(ET.ParseError):
                message = _error_entry(ET.fromstring(answer.body))
            if message:
                return _Failure(f"arXiv rejected the request: {message}", retryable=False)
            return _Failure(f"arXiv rejected the request (HTTP {status})", retryable=False)
        if status == 503:
            return _Failure("arXiv is busy (HTTP 503)", retry_after=retry_after)
        return _Failure(f"arXiv answered HTTP {status}", retry_after=retry_after)

    def _judge_feed(
        self, body: bytes, results: list[arxiv.Result], offset: int
    ) -> _Page | _Failure:
        try:
            root = ET.fromstring(body)
        except ET.ParseError as error:
            head = body[:500].lstrip().lower()
            if not (head.startswith(b"<?xml") or head.startswith(b"<feed")):
                return _not_a_feed(body)
            if error.code in _TRUNCATED:
                return _Failure("arXiv sent a feed that stops short (truncated)")
            line, _ = error.position
            return _Failure(f"arXiv sent a feed that is not well-formed XML (line {line})")
        if root.tag != f"{_ATOM}feed":
            return _not_a_feed(body)
        message = _error_entry(root)
        if message is not None:
            return _Failure(f"arXiv rejected the request: {message}", retryable=False)
        total_text = (root.findtext(f"{_OPENSEARCH}totalResults") or "").strip()
        total = int(total_text) if total_text.isdigit() else offset + len(results)
        return _Page(results, total)
