"""ArxivSource through the real arxiv.Client against the loopback arXiv double."""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import arxiv
import factories
import pytest
import requests
from arxiv_double import ArxivDouble, Request, Response, error_feed, feed_xml, parse_query
from timing import FakeClock

from tui.adapters.sources.api import (
    ArxivSource,
    FetchCancelled,
    FetchError,
    FetchPolicy,
    FetchProgress,
    day_query,
    paper_from_result,
)
from tui.adapters.sources.web import REAL_CLOCK, HostPacer
from tui.core.listing import listing_window
from tui.core.paper import Kind, Paper

EASTERN = ZoneInfo("America/New_York")
WEDNESDAY = date(2025, 4, 9)  # window Mon 2025-04-07 18:00 UTC .. Tue 2025-04-08 18:00 UTC
FAST = FetchPolicy(min_interval=0.01, backoff=0.01, timeout=2.0)


def eastern(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=EASTERN).astimezone(UTC)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def make_paper(
    number: int,
    published: datetime,
    *,
    updated: datetime | None = None,
    categories: tuple[str, ...] = ("cs.LG",),
    version: int = 1,
    prefix: str = "2504",
    title: str | None = None,
) -> Paper:
    """A paper as the API serves it: titled by its number, an author with accents."""
    return factories.paper(
        id=f"{prefix}.{number:05d}",
        version=version,
        title=title or f"Paper {number}",
        authors=("Ada Lovelace", "Émilie du Châtelet"),
        abstract=f"Abstract of paper {number}.",
        categories=categories,
        published=published,
        updated=updated,
    )


def many_papers(count: int, start: datetime, span: timedelta) -> list[Paper]:
    step = span / count
    return [make_paper(i + 1, start + step * i) for i in range(count)]


def ids(papers: Iterable[Paper]) -> list[str]:
    return [p.id for p in papers]


def source_for(double: ArxivDouble, policy: FetchPolicy = FAST) -> ArxivSource:
    return ArxivSource(api_url=double.url, policy=policy)


def gaps(double: ArxivDouble) -> list[float]:
    times = [r.time for r in double.query_requests]
    return [b - a for a, b in itertools.pairwise(times)]


# ---------------------------------------------------------------- the double itself


def test_double_parses_boolean_queries_with_date_ranges() -> None:
    paper = make_paper(1, utc(2025, 4, 7, 18, 0, 59), categories=("cs.CV", "cs.LG"))
    assert parse_query("cat:cs.LG")(paper)
    assert not parse_query("cat:cs.AI")(paper)
    assert parse_query("(cat:cs.AI OR cat:cs.CV) AND submittedDate:[202504071800 TO 202504071800]")(
        paper
    )
    assert not parse_query("cat:cs.LG AND submittedDate:[202504071801 TO 202504081759]")(paper)
    assert not parse_query("cat:cs.LG ANDNOT cat:cs.CV")(paper)
    assert parse_query('ti:"Paper 1" AND au:lovelace')(paper)


def test_double_pages_with_totals_and_caps_max_results(arxiv_double: ArxivDouble) -> None:
    arxiv_double.add_many(many_papers(30, utc(2025, 4, 7, 19), timedelta(hours=2)))
    query = {"search_query": "cat:cs.LG", "start": "25", "max_results": "5000"}
    answer = requests.get(arxiv_double.url, params=query, timeout=5)
    assert answer.status_code == 200
    assert "<opensearch:totalResults>30</opensearch:totalResults>" in answer.text
    assert "<opensearch:itemsPerPage>2000</opensearch:itemsPerPage>" in answer.text
    assert answer.text.count("<entry>") == 5
    (recorded,) = arxiv_double.requests
    assert recorded.params["start"] == "25" and recorded.status == 200


def test_double_answers_malformed_ids_with_the_error_feed(arxiv_double: ArxivDouble) -> None:
    answer = requests.get(arxiv_double.url, params={"id_list": "abc"}, timeout=5)
    assert answer.status_code == 400
    assert "<title>Error</title>" in answer.text
    assert "incorrect id format for abc" in answer.text


def test_double_escapes_markup_in_titles(arxiv_double: ArxivDouble) -> None:
    nasty = 'Bounds for <b> & [/] [@click=app.quit] "quotes"'
    arxiv_double.add(make_paper(1, utc(2025, 4, 7, 19), title=nasty))
    (paper,) = source_for(arxiv_double).fetch_ids(["2504.00001"])
    assert paper.title == nasty


def test_control_characters_from_the_api_are_dropped_as_the_rss_drops_them(
    arxiv_double: ArxivDouble,
) -> None:
    # XML 1.0 allows the C1 controls: \x9b is CSI, the start of a terminal escape sequence.
    arxiv_double.add(
        make_paper(1, utc(2025, 4, 7, 19), title="Clear\x9b2J screen\x85 and\x80 bell\x7f")
    )
    (paper,) = source_for(arxiv_double).fetch_ids(["2504.00001"])
    assert paper.title == "Clear2J screen and bell"


# ---------------------------------------------------------------- the window


WINDOW_CASES = [
    # listing day, window start (ET), window end (ET)
    pytest.param(date(2025, 1, 13), (2025, 1, 9), (2025, 1, 10), id="monday-EST"),
    pytest.param(date(2025, 1, 14), (2025, 1, 10), (2025, 1, 13), id="tuesday-EST"),
    pytest.param(date(2025, 4, 14), (2025, 4, 10), (2025, 4, 11), id="monday-EDT"),
    pytest.param(date(2025, 4, 15), (2025, 4, 11), (2025, 4, 14), id="tuesday-EDT"),
]


@pytest.mark.parametrize(("day", "start_day", "end_day"), WINDOW_CASES)
def test_window_edges_are_exact_to_the_second(
    arxiv_double: ArxivDouble,
    day: date,
    start_day: tuple[int, int, int],
    end_day: tuple[int, int, int],
) -> None:
    just_before_start = make_paper(1, eastern(*start_day, 13, 59, 59))
    at_start = make_paper(2, eastern(*start_day, 14, 0, 0))
    just_before_end = make_paper(3, eastern(*end_day, 13, 59, 59))
    at_end = make_paper(4, eastern(*end_day, 14, 0, 0))
    arxiv_double.add_many([just_before_start, at_start, just_before_end, at_end])

    source = source_for(arxiv_double)

    fetched = source.fetch_day(day, ["cs.LG"])
    # The same when the API's minute ranges let the edge papers through.
    everything = feed_xml(arxiv_double.papers, total=4, per_page=2000)
    arxiv_double.serve_next(everything)
    from_everything = source.fetch_day(day, ["cs.LG"])

    assert ids(fetched.papers) == [at_start.id, just_before_end.id]
    assert ids(from_everything.papers) == [at_start.id, just_before_end.id]
    assert listing_window(day) == (eastern(*start_day, 14), eastern(*end_day, 14))


def test_day_query_names_categories_and_both_dates_in_whole_minutes() -> None:
    start, end = listing_window(WEDNESDAY)
    assert day_query(["cs.LG", "cs.CV"], start, end) == (
        "(cat:cs.LG OR cat:cs.CV) AND (submittedDate:[202504071800 TO 202504081800])"
    )


def test_the_busy_last_minute_before_the_cutoff_is_asked_for_however_the_api_compares() -> None:
    # A range ending "1759" covers 17:59:59 only if the API compares whole minutes; one ending
    # at the cutoff minute covers it either way (and 18:00:xx is dropped after, by the window).
    start, end = listing_window(WEDNESDAY)
    query = day_query(["cs.LG"], start, end)
    last_second = datetime(2025, 4, 8, 17, 59, 59, tzinfo=UTC)
    ends = re.findall(r"TO (\d{12})\]", query)
    assert ends and all(
        datetime.strptime(stamp, "%Y%m%d%H%M").replace(tzinfo=UTC) >= last_second for stamp in ends
    )


# ---------------------------------------------------------------- kinds


def test_new_and_cross_are_told_apart_and_replacements_are_not_asked_for(
    arxiv_double: ArxivDouble,
) -> None:
    # Since November 2025 the API reads lastUpdatedDate as the first version's submittedDate:
    # a window query cannot find replacements, so the API's day has new and cross-lists only
    # (replacements come from OAI-PMH or arXiv's pages).
    in_window = utc(2025, 4, 8, 10)
    long_ago = utc(2024, 11, 2, 9)
    new_b = make_paper(20, in_window, categories=("cs.LG", "stat.ML"))
    new_a = make_paper(10, in_window, categories=("cs.CV",))
    cross = make_paper(15, in_window, categories=("math.OC", "cs.LG"))
    replaced = make_paper(
        7, long_ago, updated=in_window, version=2, prefix="2411", categories=("cs.LG",)
    )
    replaced_elsewhere = make_paper(
        8, long_ago, updated=in_window, version=3, prefix="2411", categories=("math.ST", "cs.CV")
    )
    old_untouched = make_paper(9, long_ago, prefix="2411")
    unfollowed = make_paper(30, in_window, categories=("astro-ph.CO",))
    arxiv_double.add_many(
        [new_b, new_a, cross, replaced, replaced_elsewhere, old_untouched, unfollowed]
    )

    fetched = source_for(arxiv_double).fetch_day(WEDNESDAY, ["cs.LG", "cs.CV"])

    assert [(p.id, p.kind) for p in fetched.papers] == [
        ("2504.00010", Kind.NEW),
        ("2504.00020", Kind.NEW),
        ("2504.00015", Kind.CROSS),
    ]
    assert fetched.categories == ("cs.LG", "cs.CV")
    assert fetched.source == "arxiv"
    assert not fetched.provenance.exact
    assert "replacements may be missing" in fetched.provenance.note
    (request,) = arxiv_double.query_requests
    assert "lastUpdatedDate" not in request.params["search_query"]


def test_asking_for_last_updated_date_would_not_find_a_replacement_either(
    arxiv_double: ArxivDouble,
) -> None:
    replaced = make_paper(5, utc(2023, 1, 5), updated=utc(2025, 4, 8, 12), version=4, prefix="2301")
    arxiv_double.add(replaced)
    arxiv_double.add(make_paper(6, utc(2025, 4, 8, 12)))
    old_query = "cat:cs.LG AND lastUpdatedDate:[202504071800 TO 202504081800]"
    answer = requests.get(arxiv_double.url, params={"search_query": old_query}, timeout=5)
    assert "2301.00005" not in answer.text and "2504.00006" in answer.text
    day = source_for(arxiv_double).fetch_day(WEDNESDAY, ["cs.LG"])
    assert [p.id for p in day.papers] == ["2504.00006"]


def test_duplicates_keep_the_highest_version(arxiv_double: ArxivDouble) -> None:
    first = make_paper(3, utc(2025, 4, 7, 20))
    second = make_paper(3, utc(2025, 4, 7, 20), updated=utc(2025, 4, 8, 9), version=2)
    arxiv_double.serve_next(feed_xml([first, second, first], total=3, per_page=2000))
    (paper,) = source_for(arxiv_double).fetch_day(WEDNESDAY, ["cs.LG"]).papers
    assert paper.version == 2


def test_entries_outside_the_window_are_dropped_even_if_the_api_sends_them(
    arxiv_double: ArxivDouble,
) -> None:
    inside = make_paper(1, utc(2025, 4, 8, 17, 59, 59))
    after = make_paper(2, utc(2025, 4, 8, 18, 0, 30))  # same minute range the API might stretch
    arxiv_double.serve_next(feed_xml([inside, after], total=2, per_page=2000))
    fetched = source_for(arxiv_double).fetch_day(WEDNESDAY, ["cs.LG"])
    assert ids(fetched.papers) == [inside.id]


# ---------------------------------------------------------------- paging and spacing


def test_paging_uses_pages_no_bigger_than_the_policy(arxiv_double: ArxivDouble) -> None:
    arxiv_double.add_many(many_papers(120, utc(2025, 4, 7, 18, 30), timedelta(hours=20)))
    source = source_for(arxiv_double, FetchPolicy(page_size=50, min_interval=0.01))

    fetched = source.fetch_day(WEDNESDAY, ["cs.LG"])

    assert len(fetched.papers) == 120
    assert len(set(ids(fetched.papers))) == 120
    requests_seen = arxiv_double.query_requests
    assert len(requests_seen) == 3 == source.requests_made
    assert [r.params["start"] for r in requests_seen] == ["0", "50", "100"]
    assert all(int(r.params["max_results"]) <= 50 for r in requests_seen)


def test_a_two_thousand_paper_day_takes_two_requests(arxiv_double: ArxivDouble) -> None:
    arxiv_double.add_many(many_papers(2100, utc(2025, 4, 7, 18, 1), timedelta(hours=23)))
    fetched = source_for(arxiv_double).fetch_day(WEDNESDAY, ["cs.LG"])
    assert len(fetched.papers) == 2100
    assert len(arxiv_double.query_requests) == 2


def test_a_five_thousand_paper_day_takes_three_requests(arxiv_double: ArxivDouble) -> None:
    arxiv_double.add_many(many_papers(5000, utc(2025, 4, 7, 18, 1), timedelta(hours=23)))
    source = ArxivSource(api_url=arxiv_double.url, policy=FetchPolicy(min_interval=0.01))
    fetched = source.fetch_day(WEDNESDAY, ["cs.LG"])
    assert len(fetched.papers) == 5000
    assert len(arxiv_double.query_requests) == 3
    assert all(r.params["max_results"] == "2000" for r in arxiv_double.query_requests)


def test_requests_are_spaced_by_the_minimum_interval(arxiv_double: ArxivDouble) -> None:
    arxiv_double.add_many(many_papers(120, utc(2025, 4, 7, 18, 30), timedelta(hours=20)))
    arxiv_double.pass_next()
    arxiv_double.fail_next(503)  # the retry of page two is spaced too
    policy = FetchPolicy(page_size=50, min_interval=0.3, backoff=0.0)
    source_for(arxiv_double, policy).fetch_day(WEDNESDAY, ["cs.LG"])
    assert len(arxiv_double.query_requests) == 4
    assert min(gaps(arxiv_double)) >= 0.3


def test_the_default_interval_is_three_seconds(
    arxiv_double: ArxivDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    # arXiv's terms, as the real source has them: 3 s, on the real clock.
    monkeypatch.delenv("ARXIV_DAILY_API_MIN_INTERVAL", raising=False)
    assert FetchPolicy().min_interval == FetchPolicy.from_env().min_interval == 3.0
    assert HostPacer.for_url(arxiv_double.url).clock is REAL_CLOCK
    # Two pages on a fake clock (its waits take no time); each answer takes it half a second.
    clock = FakeClock()
    answer = arxiv_double.routes["/api/query"]

    def half_a_second_to_answer(request: Request) -> Response:
        clock.advance(0.5)
        return answer(request)

    arxiv_double.route("/api/query", half_a_second_to_answer)
    arxiv_double.add_many(many_papers(60, utc(2025, 4, 7, 18, 30), timedelta(hours=20)))
    source = ArxivSource(
        api_url=arxiv_double.url, policy=FetchPolicy(page_size=50), pacer=HostPacer(clock)
    )
    began = time.monotonic()
    fetched = source.fetch_day(WEDNESDAY, ["cs.LG"])
    assert len(fetched.papers) == 60
    assert len(arxiv_double.query_requests) == 2
    first, second = clock.waits  # the two requests' bookings, in the clock's seconds
    assert second == first + 0.5 + 3.0  # 3 s from the end of the first answer
    assert clock.now == second + 0.5
    assert time.monotonic() - began < 3.0  # and not waited for real


def test_progress_is_reported_after_each_request(arxiv_double: ArxivDouble) -> None:
    arxiv_double.add_many(many_papers(120, utc(2025, 4, 7, 18, 30), timedelta(hours=20)))
    arxiv_double.fail_next(503)
    seen: list[FetchProgress] = []
    source = source_for(arxiv_double, FetchPolicy(page_size=50, min_interval=0.01, backoff=0.01))
    source.fetch_day(WEDNESDAY, ["cs.LG"], progress=seen.append)
    assert [p.requests for p in seen] == [1, 2, 3, 4]
    assert "HTTP 503" in seen[0].message and "retrying" in seen[0].message
    assert [(p.papers, p.total) for p in seen[1:]] == [(50, 120), (100, 120), (120, 120)]
    assert seen[-1].message == "received 120 of 120 papers"


# ---------------------------------------------------------------- failures


@pytest.fixture
def one_paper_day(arxiv_double: ArxivDouble) -> ArxivDouble:
    arxiv_double.add(make_paper(1, utc(2025, 4, 8, 9)))
    return arxiv_double


def test_a_503_is_retried(one_paper_day: ArxivDouble) -> None:
    one_paper_day.fail_next(503)
    fetched = source_for(one_paper_day).fetch_day(WEDNESDAY, ["cs.LG"])
    assert ids(fetched.papers) == ["2504.00001"]
    assert [r.status for r in one_paper_day.query_requests] == [503, 200]


def test_retry_after_on_429_is_honoured(one_paper_day: ArxivDouble) -> None:
    one_paper_day.fail_next(429, retry_after=1)
    fetched = source_for(one_paper_day).fetch_day(WEDNESDAY, ["cs.LG"])
    assert len(fetched.papers) == 1
    assert gaps(one_paper_day)[0] >= 0.95


def test_retry_after_is_capped_by_max_wait(one_paper_day: ArxivDouble) -> None:
    one_paper_day.fail_next(503, retry_after=600)
    policy = FetchPolicy(min_interval=0.01, backoff=0.01, max_wait=0.2)
    started = time.monotonic()
    source_for(one_paper_day, policy).fetch_day(WEDNESDAY, ["cs.LG"])
    assert 0.19 <= gaps(one_paper_day)[0] < 2 and time.monotonic() - started < 3


def test_backoff_doubles(one_paper_day: ArxivDouble) -> None:
    one_paper_day.fail_next(503, times=3)
    policy = FetchPolicy(min_interval=0.01, backoff=0.1)
    source_for(one_paper_day, policy).fetch_day(WEDNESDAY, ["cs.LG"])
    first, second, third = gaps(one_paper_day)
    assert first >= 0.1 and second >= 0.2 and third >= 0.4


def test_a_503_forever_gives_a_readable_error(one_paper_day: ArxivDouble) -> None:
    one_paper_day.fail_next(503, times=10)
    with pytest.raises(FetchError) as caught:
        source_for(one_paper_day).fetch_day(WEDNESDAY, ["cs.LG"])
    assert str(caught.value) == "arXiv is busy (HTTP 503) (4 tries); try again later"
    assert len(one_paper_day.query_requests) == FAST.attempts


def test_a_stalled_server_times_out_and_gives_up(one_paper_day: ArxivDouble) -> None:
    one_paper_day.stall_next(30, times=3)
    policy = FetchPolicy(min_interval=0.01, backoff=0.01, timeout=0.5, attempts=3)
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        source_for(one_paper_day, policy).fetch_day(WEDNESDAY, ["cs.LG"])
    elapsed = time.monotonic() - started
    assert str(caught.value) == "arXiv did not answer within 0.5 s (3 tries); try again later"
    assert len(one_paper_day.query_requests) == 3
    assert 1.5 <= elapsed < 5


def test_a_stall_then_an_answer_gets_the_papers(one_paper_day: ArxivDouble) -> None:
    one_paper_day.stall_next(30)
    policy = FetchPolicy(min_interval=0.01, backoff=0.01, timeout=0.5)
    fetched = source_for(one_paper_day, policy).fetch_day(WEDNESDAY, ["cs.LG"])
    assert len(fetched.papers) == 1
    assert len(one_paper_day.query_requests) == 2


def test_an_unreachable_api_gives_a_readable_error() -> None:
    source = ArxivSource(api_url="http://127.0.0.1:9/api/query", policy=FAST)
    with pytest.raises(FetchError) as caught:
        source.fetch_day(WEDNESDAY, ["cs.LG"])
    assert str(caught.value) == (
        "could not connect to arXiv (127.0.0.1:9) (4 tries); try again later"
    )


def test_an_empty_first_page_is_retried_then_an_error(arxiv_double: ArxivDouble) -> None:
    with pytest.raises(FetchError) as caught:
        source_for(arxiv_double).fetch_day(WEDNESDAY, ["cs.LG"])
    assert str(caught.value) == (
        "arXiv returned no papers for cs.LG on 2025-04-09 after 4 tries (no announcement that "
        "day, a holiday? or the API is failing); try again later"
    )
    assert len(arxiv_double.query_requests) == 4


def test_an_empty_first_page_then_a_good_one_gives_papers(one_paper_day: ArxivDouble) -> None:
    one_paper_day.empty_next()
    fetched = source_for(one_paper_day).fetch_day(WEDNESDAY, ["cs.LG"])
    assert ids(fetched.papers) == ["2504.00001"]
    assert len(one_paper_day.query_requests) == 2


def test_an_empty_later_page_is_retried(arxiv_double: ArxivDouble) -> None:
    arxiv_double.add_many(many_papers(120, utc(2025, 4, 7, 18, 30), timedelta(hours=20)))
    arxiv_double.pass_next()
    arxiv_double.empty_next()
    source = source_for(arxiv_double, FetchPolicy(page_size=50, min_interval=0.01, backoff=0.01))
    fetched = source.fetch_day(WEDNESDAY, ["cs.LG"])
    assert len(fetched.papers) == 120
    assert [r.params["start"] for r in arxiv_double.query_requests] == ["0", "50", "50", "100"]


def test_a_short_later_page_continues_where_it_ended(arxiv_double: ArxivDouble) -> None:
    papers = many_papers(120, utc(2025, 4, 7, 18, 30), timedelta(hours=20))
    arxiv_double.add_many(papers)
    newest_first = sorted(papers, key=lambda p: p.published, reverse=True)
    arxiv_double.serve_next(feed_xml(newest_first[:30], total=120, per_page=50))
    source = source_for(arxiv_double, FetchPolicy(page_size=50, min_interval=0.01))
    fetched = source.fetch_day(WEDNESDAY, ["cs.LG"])
    assert len(fetched.papers) == 120
    assert [r.params["start"] for r in arxiv_double.query_requests] == ["0", "30", "80"]


def test_a_page_that_stays_empty_gives_an_error(arxiv_double: ArxivDouble) -> None:
    arxiv_double.add_many(many_papers(120, utc(2025, 4, 7, 18, 30), timedelta(hours=20)))
    arxiv_double.pass_next()
    arxiv_double.empty_next(times=4)
    source = source_for(arxiv_double, FetchPolicy(page_size=50, min_interval=0.01, backoff=0.01))
    with pytest.raises(FetchError) as caught:
        source.fetch_day(WEDNESDAY, ["cs.LG"])
    assert str(caught.value) == (
        "arXiv sent an empty page after 50 of 120 papers (4 tries); try again later"
    )


def test_a_truncated_feed_is_retried(one_paper_day: ArxivDouble) -> None:
    whole = feed_xml(one_paper_day.papers, total=1, per_page=2000)
    one_paper_day.serve_next(whole[: len(whole) * 2 // 3])
    seen: list[FetchProgress] = []
    fetched = source_for(one_paper_day).fetch_day(WEDNESDAY, ["cs.LG"], progress=seen.append)
    assert len(fetched.papers) == 1
    assert seen[0].message.startswith("arXiv sent a feed that stops short (truncated); retrying")


def test_a_feed_that_stays_truncated_gives_an_error(arxiv_double: ArxivDouble) -> None:
    papers = many_papers(10, utc(2025, 4, 7, 18, 30), timedelta(hours=20))
    whole = feed_xml(papers, total=10, per_page=2000)
    arxiv_double.serve_next(whole[: len(whole) - 200], times=4)
    with pytest.raises(FetchError) as caught:
        source_for(arxiv_double).fetch_day(WEDNESDAY, ["cs.LG"])
    assert str(caught.value) == (
        "arXiv sent a feed that stops short (truncated) (4 tries); try again later"
    )


def test_forbidden_control_characters_in_one_entry_do_not_cost_the_day(
    arxiv_double: ArxivDouble,
) -> None:
    papers = many_papers(3, utc(2025, 4, 7, 18, 30), timedelta(hours=20))
    papers[1] = replace(papers[1], title="A \x01title with \x1b[31m controls", abstract="x&#1;y")
    body = feed_xml(papers, total=3, per_page=2000).replace(b"x&amp;#1;y", b"x&#1;y")
    assert b"\x01" in body and b"&#1;" in body
    arxiv_double.serve_next(body)
    fetched = source_for(arxiv_double).fetch_day(WEDNESDAY, ["cs.LG"])
    assert len(fetched.papers) == 3
    shown = {p.id: p for p in fetched.papers}[papers[1].id]
    assert shown.title == "A title with [31m controls"
    assert shown.abstract == "xy"


def test_a_feed_broken_mid_way_is_said_to_be_malformed_not_truncated(
    arxiv_double: ArxivDouble,
) -> None:
    papers = many_papers(3, utc(2025, 4, 7, 18, 30), timedelta(hours=20))
    body = feed_xml(papers, total=3, per_page=2000).replace(b"</title>", b"</titel>", 1)
    arxiv_double.serve_next(body, times=4)
    with pytest.raises(FetchError) as caught:
        source_for(arxiv_double).fetch_day(WEDNESDAY, ["cs.LG"])
    assert "arXiv sent a feed that is not well-formed XML (line " in str(caught.value)


def test_an_html_rate_exceeded_page_is_retried(one_paper_day: ArxivDouble) -> None:
    page = b"<html><head><title>Error</title></head><body><h1>Rate exceeded.</h1></body></html>"
    one_paper_day.serve_next(page, content_type="text/html")
    seen: list[FetchProgress] = []
    fetched = source_for(one_paper_day).fetch_day(WEDNESDAY, ["cs.LG"], progress=seen.append)
    assert len(fetched.papers) == 1
    assert "Rate exceeded." in seen[0].message
    assert "not a feed" in seen[0].message


def test_an_api_error_feed_is_reported_and_not_retried(arxiv_double: ArxivDouble) -> None:
    with pytest.raises(FetchError) as caught:
        source_for(arxiv_double).fetch_ids(["abc"])
    assert str(caught.value) == "arXiv rejected the request: incorrect id format for abc"
    assert len(arxiv_double.query_requests) == 1


def test_an_error_feed_with_status_200_is_not_retried(arxiv_double: ArxivDouble) -> None:
    arxiv_double.serve_next(error_feed("start must be non-negative"))
    with pytest.raises(FetchError, match="start must be non-negative"):
        source_for(arxiv_double).fetch_day(WEDNESDAY, ["cs.LG"])
    assert len(arxiv_double.query_requests) == 1


def test_an_unreadable_date_is_a_failure_that_is_retried(one_paper_day: ArxivDouble) -> None:
    whole = feed_xml(one_paper_day.papers, total=1, per_page=2000)
    garbled = re.sub(rb"<published>[^<]*<", b"<published>yesterday<", whole)
    one_paper_day.serve_next(garbled)
    seen: list[FetchProgress] = []
    fetched = source_for(one_paper_day).fetch_day(WEDNESDAY, ["cs.LG"], progress=seen.append)
    assert len(fetched.papers) == 1
    assert seen[0].message.startswith("arXiv sent an answer that could not be read; retrying")


def test_two_sources_for_one_api_share_the_spacing(one_paper_day: ArxivDouble) -> None:
    policy = FetchPolicy(min_interval=0.4)
    source_for(one_paper_day, policy).fetch_day(WEDNESDAY, ["cs.LG"])
    source_for(one_paper_day, policy).fetch_ids(["2504.00001"])
    assert len(one_paper_day.query_requests) == 2
    assert gaps(one_paper_day)[0] >= 0.4


# ---------------------------------------------------------------- cancel


def test_cancel_during_a_backoff_wait_returns_promptly(one_paper_day: ArxivDouble) -> None:
    one_paper_day.fail_next(503, retry_after=60)
    cancel = threading.Event()
    policy = FetchPolicy(min_interval=0.01, backoff=60)
    threading.Timer(0.3, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(FetchCancelled):
        source_for(one_paper_day, policy).fetch_day(WEDNESDAY, ["cs.LG"], cancel=cancel)
    assert time.monotonic() - started < 1.5
    assert len(one_paper_day.query_requests) == 1


def test_a_fetch_cancelled_before_it_starts_asks_nothing(one_paper_day: ArxivDouble) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(FetchCancelled):
        source_for(one_paper_day).fetch_day(WEDNESDAY, ["cs.LG"], cancel=cancel)
    assert one_paper_day.query_requests == []


def test_cancel_between_pages_stops_paging(arxiv_double: ArxivDouble) -> None:
    arxiv_double.add_many(many_papers(120, utc(2025, 4, 7, 18, 30), timedelta(hours=20)))
    cancel = threading.Event()

    def cancel_after_first_page(progress: FetchProgress) -> None:
        cancel.set()

    source = source_for(arxiv_double, FetchPolicy(page_size=50, min_interval=0.01))
    with pytest.raises(FetchCancelled):
        source.fetch_day(WEDNESDAY, ["cs.LG"], progress=cancel_after_first_page, cancel=cancel)
    assert len(arxiv_double.query_requests) == 1


# ---------------------------------------------------------------- ids, policy, conversion


def test_fetch_ids_gives_the_papers_and_skips_unknown_ones(arxiv_double: ArxivDouble) -> None:
    arxiv_double.add_many(
        [make_paper(1, utc(2025, 4, 7, 19)), make_paper(2, utc(2025, 4, 7, 20), version=3)]
    )
    papers = source_for(arxiv_double).fetch_ids(["2504.00002", "2504.09999", "2504.00001v1"])
    assert [(p.id, p.version) for p in papers] == [("2504.00002", 3), ("2504.00001", 1)]


def test_fetch_ids_of_nothing_known_is_an_empty_list(arxiv_double: ArxivDouble) -> None:
    assert source_for(arxiv_double).fetch_ids(["0000.0000"]) == []
    assert len(arxiv_double.query_requests) == 1


def test_fetch_ids_asks_in_chunks(arxiv_double: ArxivDouble) -> None:
    arxiv_double.add_many(many_papers(250, utc(2025, 4, 7, 18, 30), timedelta(hours=20)))
    wanted = [f"2504.{n:05d}" for n in range(1, 251)]
    papers = source_for(arxiv_double).fetch_ids(wanted)
    assert ids(papers) == wanted
    assert [len(r.params["id_list"].split(",")) for r in arxiv_double.query_requests] == [
        200,
        50,
    ]


def test_the_source_uses_the_api_url_and_policy_from_the_environment(
    arxiv_double: ArxivDouble,
) -> None:
    source = ArxivSource()
    assert source.api_url == arxiv_double.url
    assert (source.policy.min_interval, source.policy.backoff, source.policy.timeout) == (
        0.01,
        0.01,
        1.0,
    )


def test_the_default_api_url_is_arxiv(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ARXIV_DAILY_API_URL")
    assert ArxivSource().api_url == "https://export.arxiv.org/api/query"


def test_a_bad_policy_variable_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARXIV_DAILY_API_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="ARXIV_DAILY_API_TIMEOUT must be a number"):
        FetchPolicy.from_env()


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "1e300"])
@pytest.mark.parametrize(
    "variable",
    ["ARXIV_DAILY_API_TIMEOUT", "ARXIV_DAILY_API_MIN_INTERVAL", "ARXIV_DAILY_API_BACKOFF"],
)
def test_an_endless_or_not_a_number_policy_variable_is_refused(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    # "inf" overflowed socket.settimeout / time.sleep (a traceback); "nan" read as a bad answer.
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError, match=f"{variable} must be a positive number of seconds"):
        FetchPolicy.from_env()


def test_paper_from_result_tidies_whitespace_and_categories() -> None:
    result = arxiv.Result(
        entry_id="http://arxiv.org/abs/2504.06312v2",
        updated=utc(2025, 4, 8, 12),
        published=utc(2025, 4, 1, 12),
        title="A  hard-wrapped\n  title with $\\alpha$",
        authors=[
            arxiv.Result.Author("Zoë  Ångström", ["ETH Zürich"]),
            arxiv.Result.Author("B. Author", []),
        ],
        summary="  First line\nsecond   line.\n",
        comment="",
        primary_category="cs.LG",
        categories=["stat.ML", "cs.LG", "stat.ML"],
    )
    paper = paper_from_result(result, Kind.REPLACE)
    assert (paper.id, paper.version, paper.kind) == ("2504.06312", 2, Kind.REPLACE)
    assert paper.title == "A hard-wrapped title with $\\alpha$"
    assert paper.abstract == "First line second line."
    assert paper.authors == ("Zoë Ångström", "B. Author")
    assert paper.affiliations == (("ETH Zürich",), ())
    assert paper.categories == ("cs.LG", "stat.ML")
    assert paper.comment is None
    assert paper.published == utc(2025, 4, 1, 12)


def test_no_categories_is_a_programming_error(arxiv_double: ArxivDouble) -> None:
    with pytest.raises(ValueError):
        source_for(arxiv_double).fetch_day(WEDNESDAY, [" "])


def test_a_server_that_ignores_start_is_not_paged_for_ever(arxiv_double: ArxivDouble) -> None:
    # It claims 999,999 results and sends the same five papers, whatever ``start`` says.
    papers = [make_paper(n, utc(2025, 4, 8, 10)) for n in range(1, 6)]
    same = feed_xml(papers, total=999_999, per_page=2000)
    arxiv_double.route("/api/query", lambda request: Response(200, same))
    with pytest.raises(FetchError) as failed:
        source_for(arxiv_double).fetch_day(WEDNESDAY, ["cs.LG"])
    assert "sent the same papers again after 5 (it does not page)" in str(failed.value)
    assert len(arxiv_double.query_requests) == 2
