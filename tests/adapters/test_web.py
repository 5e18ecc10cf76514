"""Polite HTTP to arXiv's pages and OAI-PMH: a deadline a trickling server cannot stretch,
spacing that a cancelled wait gives back, Retry-After, and a cut answer said as such."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from arxiv_double import ArxivDouble
from timing import FakeClock

from tui.adapters.sources.web import (
    REAL_CLOCK,
    FetchCancelled,
    HostPacer,
    HostUnreachable,
    PoliteClient,
    WebPolicy,
)


@contextmanager
def raw_server(head: bytes, trickle: bytes, count: int, every: float) -> Iterator[str]:
    """An HTTP server on loopback answering every request with ``head``, then ``trickle``
    ``count`` times, ``every`` seconds apart (a server sending a byte at a time); its address."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            with connection:
                connection.recv(65536)
                connection.sendall(head)
                for _ in range(count):
                    if stop.wait(every):
                        break
                    try:
                        connection.sendall(trickle)
                    except OSError:
                        break

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        server.close()


@pytest.fixture
def trickling() -> Iterator[str]:
    """A server that promises 1,000 bytes and sends one every 0.1 s."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n"
    with raw_server(head, b"x", 1000, 0.1) as address:
        yield address + "/list/cs/new"


def test_a_server_trickling_bytes_is_cut_off_at_the_deadline(trickling: str) -> None:
    client = PoliteClient(
        "arXiv's listing pages", WebPolicy(min_interval=0, timeout=5, deadline=1.0, attempts=1)
    )
    began = time.monotonic()
    with pytest.raises(HostUnreachable) as failed:
        client.get(trickling)
    took = time.monotonic() - began
    assert "took over 1 s to answer" in str(failed.value)
    assert took < 2.5  # each byte arrives well within the 5 s timeout: the deadline cut it


def test_a_cancelled_wait_gives_its_turn_back() -> None:
    clock = FakeClock()
    pacer = HostPacer(clock)
    first = pacer.reserve(15.0, clock.monotonic())
    pacer.finished(first)
    cancel = threading.Event()
    cancel.set()
    for _ in range(5):  # five day changes in a row, each cancelled while waiting its turn
        with pytest.raises(FetchCancelled):
            pacer.wait_for_turn(15.0, clock.monotonic(), cancel)
    assert clock.now == first  # none of them waited
    nxt = pacer.reserve(15.0, clock.monotonic())
    assert nxt - first == 15.0  # not 5 x 15 s further on


def test_the_interval_counts_from_the_end_of_the_last_request() -> None:
    clock = FakeClock()
    pacer = HostPacer(clock)
    start = clock.monotonic()
    pacer.wait_for_turn(3.0, start, None)  # the first request: at once
    clock.advance(2.0)  # its answer takes 2 s
    pacer.finished(clock.monotonic())
    pacer.wait_for_turn(3.0, clock.monotonic(), None)  # 3 s after that answer ended
    pacer.finished(clock.monotonic())
    pacer.wait_for_turn(3.0, clock.monotonic() + 10.0, None)  # a backoff past the interval wins
    assert clock.waits == [start, start + 5.0, start + 15.0]


def test_the_real_clock_waits_for_real_and_stops_when_cancelled() -> None:
    cancel = threading.Event()
    cancel.set()
    REAL_CLOCK.sleep_until(REAL_CLOCK.monotonic() - 1.0, cancel)  # past: no wait, no cancel
    began = time.monotonic()
    with pytest.raises(FetchCancelled):
        REAL_CLOCK.sleep_until(REAL_CLOCK.monotonic() + 60.0, cancel)
    REAL_CLOCK.sleep_until(REAL_CLOCK.monotonic() + 0.05, None)
    assert 0.05 <= time.monotonic() - began < 5.0


def test_retry_after_is_waited_and_said(arxiv_double: ArxivDouble) -> None:
    arxiv_double.now = None
    arxiv_double.fail_next(503, retry_after=0.5)
    heard: list[str] = []
    client = PoliteClient(
        "arXiv's listing pages", WebPolicy(min_interval=0, backoff=0.01, attempts=3)
    )
    began = time.monotonic()
    answer = client.get(
        arxiv_double.base_url + "/list/cs.LG/new", progress=lambda r: heard.append(r.message)
    )
    assert answer.status == 200
    assert time.monotonic() - began >= 0.5
    assert heard == ["arXiv's listing pages answered HTTP 503; retrying in 0.5 s (try 2 of 3)"]
    assert client.requests_made == 2


def test_every_try_failing_is_one_line_naming_the_tries(arxiv_double: ArxivDouble) -> None:
    arxiv_double.fail_next(503, times=5)
    client = PoliteClient(
        "arXiv's listing pages", WebPolicy(min_interval=0, backoff=0.01, attempts=3)
    )
    with pytest.raises(HostUnreachable) as failed:
        client.get(arxiv_double.base_url + "/list/cs.LG/new")
    assert str(failed.value) == (
        "arXiv's listing pages answered HTTP 503 (tried 3 times); try again later"
    )


def test_the_api_client_meets_the_deadline_too(trickling: str) -> None:
    from datetime import date

    from tui.adapters.sources.api import ArxivSource, FetchError, FetchPolicy

    source = ArxivSource(
        api_url=trickling.replace("/list/cs/new", "/api/query"),
        policy=FetchPolicy(min_interval=0, timeout=5, deadline=1.0, attempts=4, backoff=0.01),
    )
    began = time.monotonic()
    with pytest.raises(FetchError) as failed:
        source.fetch_day(date(2025, 4, 9), ["cs.LG"])
    took = time.monotonic() - began
    assert str(failed.value) == "arXiv took over 1 s to answer"
    assert took < 2.5  # one try: a trickling answer is not asked for four times
    assert source.requests_made == 1


@pytest.fixture
def gzip_trickling() -> Iterator[str]:
    """A server whose gzip answer starts with a 60,000-byte header field (a valid gzip FEXTRA)
    sent a byte every 10 ms: nothing decompresses out of it for ten minutes."""
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
        b"Content-Encoding: gzip\r\nContent-Length: 70000\r\n\r\n"
        + b"\x1f\x8b\x08\x04"
        + b"\x00" * 6
        + (60000).to_bytes(2, "little")
    )
    with raw_server(head, b"e", 60000, 0.01) as address:
        yield address + "/rss/{categories}"


def test_a_trickled_gzip_answer_meets_the_deadline(gzip_trickling: str) -> None:
    # urllib3's own decoder reads on until something decompresses: the deadline never looked.
    client = PoliteClient(
        "arXiv's listing pages", WebPolicy(min_interval=0, timeout=5, deadline=1.0, attempts=1)
    )
    began = time.monotonic()
    with pytest.raises(HostUnreachable, match="took over 1 s to answer"):
        client.get(gzip_trickling.replace("{categories}", "cs.LG"))
    assert time.monotonic() - began < 2.5


def test_the_rss_meets_the_deadline_too(
    gzip_trickling: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.adapters.sources.rss import RssError, fetch_rss

    monkeypatch.setenv("ARXIV_DAILY_RSS_URL", gzip_trickling)
    began = time.monotonic()
    with pytest.raises(RssError) as failed:
        fetch_rss(["cs.LG"], timeout=5, deadline=1.0)
    assert str(failed.value) == "arXiv's RSS took over 1 s to answer"
    assert time.monotonic() - began < 2.5


def test_a_gzip_answer_is_read_whole(arxiv_double: ArxivDouble) -> None:
    import gzip

    arxiv_double.now = None
    client = PoliteClient("arXiv's listing pages", WebPolicy(min_interval=0, attempts=1))
    plain = client.get(arxiv_double.base_url + "/list/cs.LG/new").body
    from tui.adapters.sources.web import read_body

    class Raw:
        def __init__(self, data: bytes) -> None:
            self.data = data

        def read1(self, amount: int, decode_content: bool) -> bytes:
            assert not decode_content
            chunk, self.data = self.data[:7], self.data[7:]  # a few bytes a read
            return chunk

    class Answer:
        def __init__(self) -> None:
            self.headers = {"Content-Encoding": "gzip"}
            self.raw = Raw(gzip.compress(plain))

    assert read_body(Answer(), 60, time.monotonic()) == plain  # type: ignore[arg-type]


def test_a_mislabelled_gzip_answer_is_said_as_such_and_tried_again() -> None:
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 11\r\n"
        b"Connection: close\r\n\r\nplain bytes"
    )
    client = PoliteClient(
        "arXiv's listing pages", WebPolicy(min_interval=0, backoff=0.01, attempts=2)
    )
    with raw_server(head, b"", 0, 0) as address, pytest.raises(HostUnreachable) as failed:
        client.get(address + "/list/cs/new")
    assert str(failed.value) == (
        "arXiv's listing pages sent a compressed answer that would not decompress "
        "(tried 2 times); try again later"
    )
    assert client.requests_made == 2
