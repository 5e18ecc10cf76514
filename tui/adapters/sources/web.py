"""Polite HTTP to arXiv's hosts: spacing shared per host, timeouts, deadlines, retries.

arXiv asks for 3 s between API and OAI-PMH requests and 15 s between page requests (robots.txt
crawl delay). Every source of one host (the API, the listing pages, OAI-PMH, the RSS: on a test
double they are all one host) books its requests on the same ``HostPacer``, so two sources
together never ask a host faster than the slower rule allows.

Endpoints and intervals come from the environment, like the API's:

=========  ==========================  ===================================  ========
source     address                     default                              interval
=========  ==========================  ===================================  ========
API        ``ARXIV_DAILY_API_URL``     https://export.arxiv.org/api/query   3 s
pages      ``ARXIV_DAILY_WEB_URL``     https://arxiv.org                    15 s
OAI-PMH    ``ARXIV_DAILY_OAI_URL``     https://oaipmh.arxiv.org/oai         3 s
RSS        ``ARXIV_DAILY_RSS_URL``     https://rss.arxiv.org/rss/{...}      0 s
=========  ==========================  ===================================  ========

Each interval is overridable with ``ARXIV_DAILY_<SOURCE>_MIN_INTERVAL`` (seconds).
"""

from __future__ import annotations

import re
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import ClassVar, Protocol
from urllib.parse import urlsplit

import requests
import urllib3

from tui.adapters.sources.settings import env_seconds

USER_AGENT = "arxiv-daily (a terminal reader of the daily listings)"


class FetchError(Exception):
    """A fetch that did not work out; ``str(err)`` is one line to show the user."""


class FetchCancelled(FetchError):
    """The caller set the cancel event."""


class HostUnreachable(FetchError):
    """Every try to a host failed (no connection, timeouts, busy answers)."""


@dataclass(frozen=True)
class FetchProgress:
    requests: int
    """Requests made so far in this fetch (failed ones included)."""
    papers: int
    """Entries received so far."""
    total: int | None
    """Entries the source says there are (None until known)."""
    message: str
    failed: bool = False
    """The report of a failed request (retried, or given up), not of progress."""


ProgressCallback = Callable[[FetchProgress], None]


def host_of(url: str) -> str:
    return urlsplit(url).netloc or url


_XML_FORBIDDEN = re.compile(
    rb"[\x00-\x08\x0b\x0c\x0e-\x1f]"
    rb"|&#(?:x0*(?:[0-8bcef]|1[0-9a-f])|0*(?:[0-8]|1[1-2]|1[4-9]|2[0-9]|3[01]));",
    re.IGNORECASE,
)


def xml_controls_dropped(body: bytes) -> bytes:
    """``body`` without the control characters XML 1.0 forbids (raw, or as character
    references): one such character in one entry must not cost a whole feed. UTF-8 never
    uses these bytes inside a multi-byte character, so nothing else is touched."""
    return _XML_FORBIDDEN.sub(b"", body)


class CutShort(Exception):
    """The connection ended before the answer did."""


class TooSlow(Exception):
    """An answer still coming in when its deadline passed (a server trickling bytes)."""


def read_body(response: requests.Response, deadline: float, started: float) -> bytes:
    """The whole body of a streamed ``response``, or TooSlow once ``deadline`` seconds have
    passed since ``started``: read a system call at a time (each within the socket's timeout),
    so that a server sending a byte at a time meets the deadline too.

    The body is decompressed here, not by urllib3: its decoder keeps reading until some bytes
    come out, so a trickled gzip stream that yields nothing (a long header field, a slow first
    block) would never give the deadline a look. A stream that does not decompress is CutShort.
    """
    decoder = _decoder(response.headers.get("Content-Encoding", ""))
    chunks: list[bytes] = []
    try:
        while chunk := response.raw.read1(65536, decode_content=False):
            chunks.append(decoder.decompress(chunk) if decoder is not None else chunk)
            if time.monotonic() - started > deadline:
                raise TooSlow()
        if decoder is not None:
            chunks.append(decoder.flush())
    except zlib.error:
        raise CutShort() from None
    return b"".join(chunks)


def _decoder(encoding: str) -> zlib._Decompress | None:
    """A decompressor for a Content-Encoding we ask for (gzip, deflate); None for identity."""
    name = encoding.strip().lower()
    if name in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if name == "deflate":
        return zlib.decompressobj(zlib.MAX_WBITS)
    return None


ACCEPT_ENCODING = "gzip, deflate"
"""What is asked for: the encodings ``read_body`` can undo (not br or zstd, whatever requests
would offer when their modules happen to be installed)."""


DEADLINE = 60.0
"""Seconds one answer may take in all, by default (``ARXIV_DAILY_DEADLINE``)."""


class Clock(Protocol):
    """The time the spacing of requests is counted in (a test drives a fake one)."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (``time.monotonic``)."""
        ...

    def sleep_until(self, moment: float, cancel: threading.Event | None) -> None:
        """Return once ``monotonic()`` reaches ``moment``; FetchCancelled as soon as ``cancel``
        is set meanwhile."""
        ...


class RealClock:
    """The process's monotonic clock, and real waits on it."""

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep_until(self, moment: float, cancel: threading.Event | None) -> None:
        while (remaining := moment - time.monotonic()) > 0:
            if cancel is None:
                time.sleep(remaining)
            elif cancel.wait(remaining):
                raise FetchCancelled("fetch cancelled")


REAL_CLOCK: Clock = RealClock()


class HostPacer:
    """When the next request to one host may start; shared by every source in the process.

    Its times are ``clock``'s (the real one for the shared pacers of ``for_url``)."""

    _by_host: ClassVar[dict[str, HostPacer]] = {}
    _registry_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, clock: Clock = REAL_CLOCK) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._last_start: float | None = None
        self._before_last: float | None = None
        self._last_end: float | None = None

    @classmethod
    def for_url(cls, url: str) -> HostPacer:
        with cls._registry_lock:
            return cls._by_host.setdefault(host_of(url), cls())

    def reserve(self, interval: float, not_before: float) -> float:
        """The monotonic time at which the caller may send its request; booked for it."""
        with self._lock:
            ready = max(self.clock.monotonic(), not_before)
            for previous in (self._last_start, self._last_end):
                if previous is not None:
                    ready = max(ready, previous + interval)
            self._before_last, self._last_start = self._last_start, ready
            return ready

    def release(self, booked: float) -> None:
        """Give back a booking that was not used (the wait for it was cancelled), unless a
        later booking already counts from it."""
        with self._lock:
            if self._last_start == booked:
                self._last_start = self._before_last

    def wait_for_turn(
        self, interval: float, not_before: float, cancel: threading.Event | None
    ) -> None:
        """Book a start ``interval`` after this host's last request and wait for it; the
        booking is given back if ``cancel`` is set meanwhile (FetchCancelled)."""
        booked = self.reserve(interval, not_before)
        try:
            wait_until(booked, cancel, self.clock)
        except FetchCancelled:
            self.release(booked)
            raise

    def finished(self, at: float) -> None:
        with self._lock:
            self._last_end = max(self._last_end or at, at)


def wait_until(ready_at: float, cancel: threading.Event | None, clock: Clock = REAL_CLOCK) -> None:
    """Wait until ``clock`` reaches ``ready_at``; FetchCancelled once ``cancel`` is set."""
    clock.sleep_until(ready_at, cancel)


@dataclass(frozen=True)
class WebPolicy:
    min_interval: float
    timeout: float = 30.0
    """Seconds to connect, and seconds without a byte while reading."""
    deadline: float = DEADLINE
    """Seconds one request may take in all (a server trickling bytes is cut off, not retried)."""
    attempts: int = 3
    backoff: float = 2.0
    max_wait: float = 120.0

    @classmethod
    def from_env(cls, name: str, min_interval: float) -> WebPolicy:
        """``ARXIV_DAILY_<NAME>_MIN_INTERVAL`` over ``min_interval``; the API's timeout/backoff."""
        return cls(
            min_interval=env_seconds(f"ARXIV_DAILY_{name}_MIN_INTERVAL", min_interval),
            timeout=env_seconds("ARXIV_DAILY_API_TIMEOUT", 30.0, positive=True),
            deadline=env_seconds("ARXIV_DAILY_DEADLINE", DEADLINE, positive=True),
            backoff=env_seconds("ARXIV_DAILY_API_BACKOFF", 2.0),
        )


@dataclass(frozen=True)
class WebAnswer:
    status: int
    body: bytes
    headers: dict[str, str]


class PoliteClient:
    """GETs to one host's pages, spaced, timed out and retried; one fetch at a time."""

    def __init__(self, name: str, policy: WebPolicy) -> None:
        self.name = name
        """How the user knows this source: "arXiv's listing pages", "arXiv's OAI-PMH"."""
        self.policy = policy
        self.requests_made = 0
        self._session = requests.Session()
        self._session.headers["User-Agent"] = USER_AGENT
        self._session.headers["Accept-Encoding"] = ACCEPT_ENCODING

    def close(self) -> None:
        """Let go of the connection kept alive for the next request."""
        self._session.close()

    def get(
        self,
        url: str,
        *,
        cancel: threading.Event | None = None,
        accept: Callable[[WebAnswer], bool] = lambda answer: answer.status == 200,
        progress: ProgressCallback | None = None,
    ) -> WebAnswer:
        """The answer to GET ``url`` that ``accept`` takes (an HTTP 200 by default).

        Busy answers (429, 5xx), timeouts and cut connections are tried again, waiting the
        backoff or the server's Retry-After; other answers are returned for the caller to judge.
        FetchError once the tries are used up.
        """
        pacer = HostPacer.for_url(url)
        failures = 0
        extra = 0.0
        while True:
            if cancel is not None and cancel.is_set():
                raise FetchCancelled("fetch cancelled")
            pacer.wait_for_turn(self.policy.min_interval, time.monotonic() + extra, cancel)
            self.requests_made += 1
            try:
                answer = self._get_once(url)
            except _Transient as problem:
                summary, retry_after = str(problem), None
            else:
                if accept(answer) or not _busy(answer.status):
                    return answer
                summary = f"{self.name} answered HTTP {answer.status}"
                retry_after = retry_after_seconds(answer.headers.get("Retry-After"))
            finally:
                pacer.finished(time.monotonic())
            failures += 1
            if failures >= self.policy.attempts:
                tried = f" (tried {failures} times)" if failures > 1 else ""
                raise HostUnreachable(f"{summary}{tried}; try again later")
            backoff = self.policy.backoff * 2 ** (failures - 1)
            extra = min(backoff if retry_after is None else retry_after, self.policy.max_wait)
            if progress is not None:
                pause = max(extra, self.policy.min_interval)
                shown = f"{pause:.0f}" if pause >= 1 else f"{pause:.1f}"
                progress(
                    FetchProgress(
                        self.requests_made,
                        0,
                        None,
                        f"{summary}; retrying in {shown} s "
                        f"(try {failures + 1} of {self.policy.attempts})",
                        failed=True,
                    )
                )

    def _get_once(self, url: str) -> WebAnswer:
        started = time.monotonic()
        try:
            with self._session.get(url, timeout=self.policy.timeout, stream=True) as response:
                body = read_body(response, self.policy.deadline, started)
                return WebAnswer(response.status_code, body, dict(response.headers))
        except CutShort:
            raise _Transient(
                f"{self.name} sent a compressed answer that would not decompress"
            ) from None
        except TooSlow:
            raise HostUnreachable(
                f"{self.name} took over {self.policy.deadline:g} s to answer; try again later"
            ) from None
        except (requests.Timeout, urllib3.exceptions.ReadTimeoutError, TimeoutError):
            raise _Transient(
                f"{self.name} did not answer within {self.policy.timeout:g} s"
            ) from None
        except requests.ConnectionError:
            raise _Transient(f"could not connect to {self.name} ({host_of(url)})") from None
        except (urllib3.exceptions.HTTPError, OSError):
            raise _Transient(f"{self.name} cut the answer short") from None
        except requests.RequestException as error:
            raise _Transient(
                f"the request to {self.name} failed ({type(error).__name__})"
            ) from None


class _Transient(Exception):
    pass


def _busy(status: int) -> bool:
    return status in (408, 429) or status >= 500


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds a Retry-After header asks to wait (a number, or an HTTP date); None if none."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
