"""The loopback arXiv double behaves as arXiv's own code does (its API, pages, RSS and OAI-PMH).

Each test asks the double over real HTTP (``requests``, or the ``arxiv`` package the app uses) and
checks what it answers; page tests hold the double's markup against arXiv's rendered pages in
``../shared/data/arxiv-rendered`` where that folder is present.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

import arxiv
import factories
import pytest
import requests
from arxiv_double import (
    ArxivDouble,
    QueryError,
    adapt_query,
    announcement_time,
    parse_query,
)
from bs4 import BeautifulSoup, Tag
from conftest import SHARED_DATA

from tui.core.paper import Paper

EASTERN = ZoneInfo("America/New_York")
RENDERED = SHARED_DATA / "arxiv-rendered"
ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
OAI = "{http://www.openarchives.org/OAI/2.0/}"
RAW = "{http://arxiv.org/OAI/arXivRaw/}"
THURSDAY = date(2025, 4, 10)
FRIDAY = date(2025, 4, 11)

needs_rendered = pytest.mark.skipif(
    not RENDERED.is_dir(), reason="../shared/data/arxiv-rendered is absent"
)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def eastern(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=EASTERN)


def paper(
    number: int,
    *,
    categories: tuple[str, ...] = ("cs.LG",),
    published: datetime | None = None,
    updated: datetime | None = None,
    version: int = 1,
    prefix: str = "2504",
    title: str | None = None,
    comment: str | None = None,
    journal_ref: str | None = None,
    doi: str | None = None,
) -> Paper:
    """A paper as arXiv would announce it: titled by its number, two authors."""
    return factories.paper(
        id=f"{prefix}.{number:05d}",
        version=version,
        title=title or f"Paper {number}",
        authors=("Ada Lovelace", "Alan M. Turing"),
        abstract=f"Abstract of paper {number}.",
        categories=categories,
        published=published,  # else factories.WHEN, 2025-04-08 12:00 UTC
        updated=updated,
        comment=comment,
        journal_ref=journal_ref,
        doi=doi,
    )


@pytest.fixture
def double() -> Iterator[ArxivDouble]:
    with ArxivDouble() as running:
        yield running


def api(double: ArxivDouble, **params: str | int) -> requests.Response:
    return requests.get(double.url, params=params, timeout=10)


def entries(answer: requests.Response) -> list[ET.Element]:
    return ET.fromstring(answer.content).findall(f"{ATOM}entry")


def entry_ids(answer: requests.Response) -> list[str]:
    return [(e.findtext(f"{ATOM}id") or "").rsplit("/", 1)[-1] for e in entries(answer)]


def total(answer: requests.Response) -> int:
    return int(ET.fromstring(answer.content).findtext(f"{OPENSEARCH}totalResults") or -1)


def error_summary(answer: requests.Response) -> str:
    (entry,) = entries(answer)
    assert entry.findtext(f"{ATOM}title") == "Error"
    return entry.findtext(f"{ATOM}summary") or ""


def arxiv_client(double: ArxivDouble, page_size: int = 100) -> arxiv.Client:
    client = arxiv.Client(page_size=page_size, delay_seconds=0, num_retries=0)
    client.query_url_format = double.url + "?{}"
    return client


def soup(answer: requests.Response) -> BeautifulSoup:
    return BeautifulSoup(answer.text, "html.parser")


def one(node: Tag, selector: str) -> Tag:
    """The element ``selector`` finds under ``node`` (failing the test if there is none)."""
    found = node.select_one(selector)
    assert found is not None, selector
    return found


# ---------------------------------------------------------------- the API: search_query


def test_last_updated_date_is_read_as_submitted_date_of_version_one(double: ArxivDouble) -> None:
    new = paper(1, published=utc(2025, 4, 8, 12))
    replaced = paper(
        2, prefix="2301", published=utc(2023, 1, 5), updated=utc(2025, 4, 8, 12), version=2
    )
    double.add_many([new, replaced])
    window = "[202504071800 TO 202504081800]"

    for field in ("lastUpdatedDate", "submittedDate"):
        answer = api(double, search_query=f"cat:cs.LG AND {field}:{window}", max_results=50)
        assert answer.status_code == 200
        assert entry_ids(answer) == ["2504.00001v1"]  # the v2 of a 2023 paper is not found

    assert adapt_query(f"lastUpdatedDate:{window}") == (
        'submittedDate:"202504071800 TO 202504081800"'
    )
    (entry,) = entries(api(double, id_list="2301.00002"))
    assert entry.findtext(f"{ATOM}updated") == "2025-04-08T12:00:00Z"  # this version
    assert entry.findtext(f"{ATOM}published") == "2023-01-05T00:00:00Z"  # v1


def test_the_arxiv_package_finds_no_replacement_by_last_updated_date(double: ArxivDouble) -> None:
    double.add(
        paper(3, prefix="2301", published=utc(2023, 1, 5), updated=utc(2025, 4, 8), version=4)
    )
    search = arxiv.Search(query="cat:cs.LG AND lastUpdatedDate:[202504070000 TO 202504090000]")
    assert list(arxiv_client(double).results(search)) == []
    search = arxiv.Search(query="cat:cs.LG AND submittedDate:[202301050000 TO 202301050000]")
    (found,) = arxiv_client(double).results(search)
    assert found.get_short_id() == "2301.00003v4"


def test_operators_group_to_the_right_without_precedence() -> None:
    only_c = paper(1, categories=("math.CO",))
    a_and_c = paper(2, categories=("cs.AI", "math.CO"))
    only_a = paper(3, categories=("cs.AI",))
    a, b, c = "cat:cs.AI", "cat:cs.LG", "cat:math.CO"

    # a AND b OR c is a AND (b OR c): precedence would read (a AND b) OR c and find only_c.
    assert not parse_query(f"{a} AND {b} OR {c}")(only_c)
    assert parse_query(f"({a} AND {b}) OR {c}")(only_c)
    # a OR b AND c is a OR (b AND c): left to right would read (a OR b) AND c.
    assert parse_query(f"{a} OR {b} AND {c}")(only_a)
    assert not parse_query(f"({a} OR {b}) AND {c}")(only_a)
    # a ANDNOT b OR c is a ANDNOT (b OR c).
    assert not parse_query(f"{a} ANDNOT {b} OR {c}")(a_and_c)
    assert parse_query(f"({a} ANDNOT {b}) OR {c}")(a_and_c)
    # A leading ANDNOT negates its term; bare words are all: and sit side by side as OR.
    assert parse_query(f"ANDNOT {b}")(only_a)
    assert adapt_query("electron proton") == "all:electron OR all:proton"
    assert adapt_query("ti:(dark matter) NOT au:smith") == (
        "(ti:dark OR ti:matter) ANDNOT au:smith"
    )


def test_right_grouping_through_http(double: ArxivDouble) -> None:
    double.add_many(
        [
            paper(1, categories=("math.CO",)),
            paper(2, categories=("cs.AI", "math.CO")),
            paper(3, categories=("cs.AI", "cs.LG")),
        ]
    )
    search = arxiv.Search(
        query="cat:cs.AI AND cat:cs.LG OR cat:math.CO",
        sort_by=arxiv.SortCriterion.SubmittedDate,
        sort_order=arxiv.SortOrder.Ascending,
    )
    found = [r.get_short_id() for r in arxiv_client(double).results(search)]
    assert found == ["2504.00002v1", "2504.00003v1"]  # cs.AI AND (cs.LG OR math.CO)


def test_date_ranges_are_inclusive_to_the_minute_and_fill_partial_dates(
    double: ArxivDouble,
) -> None:
    times = {
        1: utc(2025, 4, 7, 17, 59, 59),
        2: utc(2025, 4, 7, 18, 0, 0),
        3: utc(2025, 4, 7, 18, 0, 59),
        4: utc(2025, 4, 7, 18, 1, 0),
        5: utc(2025, 4, 30, 23, 59, 59),
        6: utc(2025, 5, 1, 0, 0),
    }
    double.add_many(paper(n, published=when) for n, when in times.items())

    def found(query: str) -> list[int]:
        answer = api(double, search_query=query, max_results=50, sortOrder="ascending")
        assert answer.status_code == 200, answer.text
        return [int(i.split(".")[1][:5]) for i in entry_ids(answer)]

    assert found("submittedDate:[202504071800 TO 202504071800]") == [2, 3]
    assert found("submittedDate:[202504071759 TO 202504071800]") == [1, 2, 3]
    assert found("submittedDate:[20250407 TO 20250407]") == [1, 2, 3, 4]
    assert found("submittedDate:[202504 TO 202504]") == [1, 2, 3, 4, 5]  # to 30 April 23:59
    assert found("submittedDate:[2025 TO 2025]") == [1, 2, 3, 4, 5, 6]
    assert found("submittedDate:[20250407180000 TO 20250407180000]") == [2, 3]  # cut to 12


def test_unreadable_dates_are_internal_errors_and_bad_syntax_is_a_bad_request(
    double: ArxivDouble,
) -> None:
    for query in (
        "submittedDate:[2025040718 TO 2025040818]",  # ten digits reach Elasticsearch as they are
        "submittedDate:[202513 TO 202513]",  # month 13: left as it was, unreadable
        "submittedDate:202504071800",
    ):
        answer = api(double, search_query=f"cat:cs.LG AND {query}")
        assert answer.status_code == 500, query
        assert error_summary(answer).startswith("The server encountered an internal error")
    answer = api(double, search_query="cat:cs.LG AND")
    assert answer.status_code == 400
    assert error_summary(answer) == "Invalid query string: 'cat:cs.LG AND'"
    with pytest.raises(QueryError) as caught:
        parse_query("submittedDate:[2025040718 TO 2025040818]")
    assert caught.value.status == 500


def test_the_api_errors_are_atom_feeds_with_one_error_entry(double: ArxivDouble) -> None:
    cases = [
        ({"id_list": "abc"}, "incorrect id format for abc"),
        ({"search_query": "cat:cs.LG", "start": "-1"}, "start must be non-negative"),
        ({"search_query": "cat:cs.LG", "max_results": "ten"}, "max_results must be an integer"),
        (
            {"search_query": "cat:cs.LG", "sortBy": "date"},
            "sortBy must be in: relevance, lastUpdatedDate, submittedDate",
        ),
        ({"start": "0"}, "Either a search_query or id_list must be specified for the classic API."),
    ]
    for params, message in cases:
        answer = requests.get(double.url, params=params, timeout=10)
        assert answer.status_code == 400, params
        assert error_summary(answer) == message
    assert [r.status for r in double.query_requests] == [400] * len(cases)


def test_only_the_first_ten_thousand_hits_can_be_paged_to(double: ArxivDouble) -> None:
    start = utc(2025, 1, 1)
    double.add_many(
        paper(n, published=start + timedelta(minutes=n), prefix="2501") for n in range(1, 10051)
    )
    last_page = api(double, search_query="cat:cs.LG", start=9990, max_results=10)
    assert last_page.status_code == 200
    assert len(entries(last_page)) == 10
    assert total(last_page) == 10050  # the true count, past the window

    for start_at, size in ((9991, 10), (10000, 1), (6000, 4000), (0, 0)):
        answer = api(double, search_query="cat:cs.LG", start=start_at, max_results=size)
        assert answer.status_code == 500, (start_at, size)
        assert error_summary(answer).startswith("The server encountered an internal error")


def test_the_arxiv_package_pages_to_ten_thousand_then_gets_an_error(double: ArxivDouble) -> None:
    start = utc(2025, 1, 1)
    double.add_many(
        paper(n, published=start + timedelta(minutes=n), prefix="2501") for n in range(1, 10101)
    )
    results = arxiv_client(double, page_size=2000).results(
        arxiv.Search(query="cat:cs.LG", max_results=None)
    )
    received = 0
    with pytest.raises(arxiv.HTTPError) as caught:
        for _ in results:
            received += 1
    assert received == 10_000
    assert caught.value.status == 500
    assert [r.params["start"] for r in double.query_requests] == [
        "0",
        "2000",
        "4000",
        "6000",
        "8000",
        "10000",
    ]


def test_sort_by_submitted_date_is_the_current_version_and_last_updated_the_announcement(
    double: ArxivDouble,
) -> None:
    old_replaced = paper(1, prefix="2401", published=utc(2024, 1, 2), updated=utc(2025, 4, 8, 9))
    fresh = paper(2, published=utc(2025, 4, 8, 12))
    double.add_many([old_replaced, fresh])
    double.announce(THURSDAY, fresh)
    double.announce(FRIDAY, old_replaced, "replace")

    def order(sort_by: str) -> list[str]:
        return entry_ids(api(double, search_query="cat:cs.LG", sortBy=sort_by))

    assert order("submittedDate") == ["2504.00002v1", "2401.00001v1"]  # 12:00 after 09:00
    assert order("lastUpdatedDate") == ["2401.00001v1", "2504.00002v1"]  # Friday's mailing


# ---------------------------------------------------------------- the announcement model


def test_announce_keeps_every_version_and_the_api_shows_the_newest(double: ArxivDouble) -> None:
    first = paper(1, published=utc(2025, 4, 7, 12))
    second = paper(1, published=utc(2025, 4, 7, 12), updated=utc(2025, 4, 9, 8), version=2)
    double.announce(date(2025, 4, 8), first)
    double.announce(FRIDAY, second, "replace")
    double.announce(THURSDAY, first, "new")  # an older version later: the API keeps v2
    assert [p.versioned_id for p in double.papers] == ["2504.00001v2"]
    assert [(a.listing_date, a.paper.version, a.how) for a in double.announcements] == [
        (date(2025, 4, 8), 1, "new"),
        (FRIDAY, 2, "replace"),
        (THURSDAY, 1, "new"),
    ]
    with pytest.raises(ValueError, match="how must be one of"):
        double.announce(FRIDAY, first, "withdrawn")


def test_the_clock_defaults_to_real_time_and_takes_aware_times_only(double: ArxivDouble) -> None:
    assert abs(double.now - datetime.now(UTC)) < timedelta(seconds=5)
    double.now = eastern(2025, 4, 10, 23, 59)
    assert double.now == utc(2025, 4, 11, 3, 59)
    with pytest.raises(ValueError):
        double.now = datetime(2025, 4, 10, 12)
    assert announcement_time(date(2025, 4, 14)) == eastern(2025, 4, 13, 20)  # Sunday, Monday's


def test_the_newest_listing_follows_the_announcement_and_skips_holidays(
    double: ArxivDouble,
) -> None:
    double.now = eastern(2025, 4, 10, 19, 59)
    assert double.newest_listing() == THURSDAY
    double.now = eastern(2025, 4, 10, 20, 0)
    assert double.newest_listing() == FRIDAY
    double.now = eastern(2025, 4, 12, 12)  # Saturday: Friday's is still the newest
    assert double.newest_listing() == FRIDAY
    double.now = eastern(2025, 4, 13, 20, 0)  # Sunday 20:00 announces Monday's
    assert double.newest_listing() == date(2025, 4, 14)
    double.holidays.add(date(2025, 4, 14))
    assert double.newest_listing() == FRIDAY


# ---------------------------------------------------------------- /list/<subject>/new


@pytest.fixture
def thursday(double: ArxivDouble) -> ArxivDouble:
    """Thursday's mailing as cs sees it: two new, a cross-list, a cross event, replacements."""
    old = utc(2024, 11, 2)
    double.announce_many(
        THURSDAY,
        [
            paper(20, categories=("cs.LG", "stat.ML"), comment="9 pages", journal_ref="J. X 1"),
            paper(10, categories=("cs.CV",), title='Bounds for <b> & "quotes"'),
            paper(15, categories=("math.OC", "cs.LG"), comment="4 pages"),
            paper(30, categories=("astro-ph.CO",)),
        ],
    )
    double.announce(
        THURSDAY, paper(5, prefix="2411", categories=("q-bio.NC", "cs.AI"), published=old), "cross"
    )
    double.announce_many(
        THURSDAY,
        [
            paper(8, prefix="2411", categories=("math.ST", "cs.CV"), published=old, version=3),
            paper(9, prefix="2411", categories=("cs.LG",), published=old, version=2),
            paper(7, prefix="2411", categories=("cs.CL",), published=old, version=2),
        ],
        "replace",
    )
    double.now = eastern(2025, 4, 10, 12)
    return double


def items_of(page: BeautifulSoup) -> list[tuple[str, str]]:
    """(id, marker) of each item, in page order."""
    shown = []
    for dt in page.select("dl#articles > dt"):
        link = dt.find("a", title="Abstract")
        assert isinstance(link, Tag)
        marker = " ".join(
            str(text).strip() for text in dt.find_all(string=True, recursive=False) if text.strip()
        )
        shown.append((str(link["id"]), marker.replace("[ , ]", "").strip()))
    return shown


def test_the_new_page_has_arxivs_sections_markers_and_order(thursday: ArxivDouble) -> None:
    answer = requests.get(f"{thursday.web_url}/list/cs/new", timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/html")
    page = soup(answer)

    assert one(page, "#dlpage > h1").get_text() == "Computer Science"
    headings = [h.get_text() for h in page.select("#dlpage > h3")]
    assert headings == ["Showing new listings for Thursday, 10 April 2025"]
    assert [h.get_text() for h in page.select("dl#articles > h3")] == [
        "New submissions (showing 2 of 2 entries)",
        "Cross submissions (showing 2 of 2 entries)",
        "Replacement submissions (showing 3 of 3 entries)",
    ]
    assert items_of(page) == [
        ("2504.00010", ""),
        ("2504.00020", ""),
        ("2411.00005", "(cross-list from q-bio.NC)"),  # the cross event
        ("2504.00015", "(cross-list from math.OC)"),
        ("2411.00007", "(replaced)"),
        ("2411.00009", "(replaced)"),
        ("2411.00008", "(replaced)"),  # replace-cross: primary math.ST, after the others
    ]
    toc = [(a.get_text(), a["href"]) for a in page.select("#dlpage > ul > li > a")]
    assert toc == [
        ("New submissions", "#item0"),
        ("Cross-lists", "#item3"),
        ("Replacements", "#item5"),
    ]
    numbers = [a.get_text() for a in page.select("dl#articles > dt > a[name]")]
    assert numbers == [f"[{k}]" for k in range(1, 8)]
    assert [a["name"] for a in page.select("dl#articles > dt > a[name]")] == [
        f"item{k}" for k in range(1, 8)
    ]
    first = one(page, "dl#articles > dt > a[title=Abstract]")
    assert (first["href"], first.get_text(strip=True)) == ("/abs/2504.00010", "arXiv:2504.00010")

    metas = page.select("dl#articles > dd > div.meta")
    assert len(metas) == 7
    title = one(metas[0], "div.list-title.mathjax")
    assert title.get_text(" ", strip=True) == 'Title: Bounds for <b> & "quotes"'
    assert "&lt;b&gt; &amp;" in answer.text  # escaped in the markup
    assert [a.get_text() for a in metas[0].select("div.list-authors > a")] == [
        "Ada Lovelace",
        "Alan M. Turing",
    ]
    with_comment = metas[1]
    assert one(with_comment, "div.list-comments").get_text(" ", strip=True) == ("Comments: 9 pages")
    assert one(with_comment, "div.list-journal-ref").get_text(" ", strip=True) == (
        "Journal-ref: J. X 1"
    )
    subjects = one(with_comment, "div.list-subjects")
    assert one(subjects, "span.primary-subject").get_text() == "Machine Learning (cs.LG)"
    assert subjects.get_text(" ", strip=True).endswith("; Machine Learning (stat.ML)")
    assert one(metas[1], "p.mathjax").get_text(strip=True) == "Abstract of paper 20."
    paging = page.select("div.paging")
    assert [p.get_text(" ", strip=True) for p in paging] == ["Total of 7 entries"] * 2


def test_the_new_page_pages_with_skip_and_show(double: ArxivDouble) -> None:
    double.announce_many(THURSDAY, [paper(n) for n in range(1, 61)])
    double.announce_many(
        THURSDAY, [paper(n, categories=("math.CO", "cs.DM")) for n in range(61, 64)]
    )
    double.announce_many(
        THURSDAY,
        [paper(n, prefix="2410", published=utc(2024, 10, 1), version=2) for n in (1, 2)],
        "replace",
    )
    double.now = eastern(2025, 4, 10, 9)

    page = soup(requests.get(f"{double.web_url}/list/cs/new?skip=25&show=25", timeout=10))
    assert [h.get_text() for h in page.select("dl#articles > h3")] == [
        "New submissions (continued, showing 25 of 60 entries)"
    ]
    assert one(page, "dl#articles > dt > a[name]").get_text() == "[26]"
    block = one(page, "div.paging")
    assert block.get_text(" ", strip=True).startswith("Total of 65 entries :")
    assert [(a.get_text(), a["href"]) for a in block.find_all("a")] == [
        ("1-25", "/list/cs/new?skip=0&show=25"),
        ("51-65", "/list/cs/new?skip=50&show=25"),
    ]
    assert [s.get_text() for s in block.find_all("span")] == ["26-50"]
    morefewer = one(page, "div.morefewer")
    assert morefewer.get_text(" ", strip=True).startswith("Showing up to 25 entries per page:")
    assert [(a.get_text(strip=True), a["href"]) for a in morefewer.find_all("a")] == [
        ("more", "/list/cs/new?skip=25&show=50"),
        ("all", "/list/cs/new?skip=25&show=2000"),
    ]
    toc = [a["href"] for a in page.select("#dlpage > ul > li > a")]
    assert toc == [
        "/list/cs/new?skip=0&show=25#item0",
        "/list/cs/new?skip=50&show=25#item61",
        "/list/cs/new?skip=50&show=25#item64",
    ]

    last = soup(requests.get(f"{double.web_url}/list/cs/new?skip=50&show=25", timeout=10))
    assert [h.get_text() for h in last.select("dl#articles > h3")] == [
        "New submissions (continued, showing last 10 of 60 entries)",
        "Cross submissions (showing 3 of 3 entries)",
        "Replacement submissions (showing 2 of 2 entries)",
    ]

    bad = requests.get(f"{double.web_url}/list/cs/new?show=30", timeout=10)
    assert bad.status_code == 400
    assert one(soup(bad), "h1").get_text() == (
        "Invalid show value. Valid values: 25, 50, 100, 250, 500, 1000, 2000"
    )
    assert requests.get(f"{double.web_url}/list/nonsense/new", timeout=10).status_code == 400


def test_an_empty_day_says_no_updates_today(thursday: ArxivDouble) -> None:
    page = soup(requests.get(f"{thursday.web_url}/list/q-bio.GN/new", timeout=10))
    assert one(page, "#dlpage > h1").get_text() == "Genomics"
    assert one(page, "#dlpage > h3").get_text() == (
        "Showing new listings for Thursday, 10 April 2025"
    )
    assert page.select("dl#articles") == []
    assert page.select("div.paging") == []
    assert [p.get_text() for p in page.select("#dlpage > p")][-1] == "No updates today."


def shape(element: Tag) -> list[tuple[int, str, tuple[str, ...]]]:
    """The element's tree: (depth, tag, classes) for it and every descendant element."""
    found: list[tuple[int, str, tuple[str, ...]]] = []

    def walk(node: Tag, depth: int) -> list[tuple[int, str, tuple[str, ...]]]:
        tree = [(depth, node.name, tuple(node.get("class") or ()))]
        previous: list[tuple[int, str, tuple[str, ...]]] = []
        for child in node.find_all(recursive=False):
            subtree = walk(child, depth + 1)
            if subtree != previous:  # a run of alike siblings (authors) counts once
                tree += subtree
            previous = subtree
        return tree

    found += walk(element, 0)
    return found


def item_with(page: BeautifulSoup, *parts: str) -> tuple[Tag, Tag]:
    """The first dt/dd pair whose dd has exactly these optional parts."""
    optional = ("list-comments", "list-journal-ref")
    for dd in page.select("dl#articles > dd"):
        present = tuple(part for part in optional if dd.select_one(f"div.{part}"))
        if present == parts:
            dt = dd.find_previous_sibling("dt")
            assert isinstance(dt, Tag)
            return dt, dd
    raise AssertionError(f"no item with {parts}")


def ancestry(page: BeautifulSoup) -> list[str]:
    node = page.select_one("dl#articles")
    chain = []
    while node is not None and node.name != "[document]":
        chain.append(f"{node.name}#{node.get('id', '')}.{'.'.join(node.get('class') or ())}")
        node = node.parent
    return chain


@needs_rendered
def test_the_new_page_has_the_structure_of_arxivs_rendered_page(thursday: ArxivDouble) -> None:
    real = BeautifulSoup((RENDERED / "browse-db-list-math-new.html").read_text(), "html.parser")
    ours = soup(requests.get(f"{thursday.web_url}/list/cs/new", timeout=10))

    assert ancestry(ours) == ancestry(real)
    assert [shape(h) for h in ours.select("#dlpage > h3")] == [
        shape(h) for h in real.select("#dlpage > h3")
    ]
    for parts in [("list-comments",), ("list-comments", "list-journal-ref"), ()]:
        real_dt, real_dd = item_with(real, *parts)
        our_dt, our_dd = item_with(ours, *parts)
        assert shape(our_dt) == shape(real_dt)
        assert shape(our_dd) == shape(real_dd)
    assert [shape(d) for d in ours.select("div.paging, div.morefewer")] == [
        shape(d) for d in real.select("div.paging, div.morefewer")
    ]
    assert {a.get("title") for a in ours.select("dl#articles > dt > a[title]")} == {
        a.get("title") for a in real.select("dl#articles > dt > a[title]")
    }


@needs_rendered
def test_the_new_page_on_an_empty_day_matches_arxivs(thursday: ArxivDouble) -> None:
    real = BeautifulSoup(
        (RENDERED / "browse-db-list-q-bio-new-empty.html").read_text(), "html.parser"
    )
    ours = soup(requests.get(f"{thursday.web_url}/list/q-bio/new", timeout=10))
    assert [shape(d) for d in ours.select("#dlpage")] == [shape(d) for d in real.select("#dlpage")]
    assert one(ours, "#dlpage > p:last-of-type").get_text() == "No updates today."


# ---------------------------------------------------------------- /catchup/<subject>/<date>


@pytest.fixture
def february(double: ArxivDouble) -> ArxivDouble:
    """The mailing of Thu 3 Feb 2011 (math replacements), seen on 15 Feb 2011 as arXiv's own
    catchup test sees it."""
    old = utc(2008, 6, 25)
    double.announce_many(
        date(2011, 2, 3),
        [
            paper(4129, prefix="0806", categories=("math-ph", "gr-qc"), published=old, version=2,
                  comment="15 pages", journal_ref="AIP Conf.Proc.1316:466-477,2010"),
            paper(6, prefix="0906", categories=("math.RT",), published=old, version=3,
                  comment="Latex, 15 pages"),
            paper(248, prefix="0704", categories=("physics.optics", "math-ph"), published=old,
                  version=2),
        ],
        "replace",
    )  # fmt: skip
    double.now = eastern(2011, 2, 15)
    return double


def test_catchup_shows_a_past_mailing_with_abstracts_on_request(february: ArxivDouble) -> None:
    answer = requests.get(f"{february.web_url}/catchup/math/2011-02-03", timeout=10)
    assert answer.status_code == 200
    page = soup(answer)
    assert one(page, "#dlpage > h1").get_text() == (
        "Catchup results for Mathematics on Thu, 03 Feb 2011"
    )
    assert "Total of 3 entries for Thu, 03 Feb 2011" in page.get_text(" ", strip=True)
    assert [h.get_text() for h in page.select("dl#articles > h3")] == [
        "Replacement submissions (showing 3 of 3 entries)"
    ]
    # math-ph is math.MP's alias, so 0806.4129 is a math replacement; 0704.0248 a replace-cross
    assert items_of(page) == [
        ("0806.04129", "(replaced)"),
        ("0906.00006", "(replaced)"),
        ("0704.00248", "(replaced)"),
    ]
    assert [(a.get_text(), a["href"]) for a in page.select("#dlpage > ul > li > a")] == [
        ("Replacements", "#item1")
    ]
    assert page.select("p.mathjax") == []
    with_abs = soup(
        requests.get(f"{february.web_url}/catchup/math/2011-02-03?abs=True", timeout=10)
    )
    assert len(with_abs.select("dl#articles > dd > div.meta > p.mathjax")) == 3
    assert [r.path for r in february.page_requests] == ["/catchup/math/2011-02-03"] * 2


def test_catchup_refuses_what_arxiv_refuses(february: ArxivDouble) -> None:
    def refused(path: str) -> str:
        answer = requests.get(f"{february.web_url}{path}", timeout=10)
        assert answer.status_code == 400, path
        return one(soup(answer), "h1").get_text()

    assert refused("/catchup/math/2010-10-01") == (
        "Invalid date: 2010-10-01. Catchup only allowed for past 90 days"
    )
    assert refused("/catchup/math/2011-02-16") == (
        "Invalid date: 2011-02-16. Can't request date later than today"
    )
    assert refused("/catchup/maths/2011-02-03") == (
        "Invalid subject. Subject must be an archive, category or 'grp_physics'"
    )
    assert refused("/catchup/math/2011-2-3") == "Invalid date format. Use format: YYYY-MM-DD"
    assert refused("/catchup/math/2011-02-03?abs=yes").startswith("Invalid abs value.")
    assert refused("/catchup/math/2011-02-03?page=0").startswith("Invalid page value.")
    assert refused("/catchup/math/2011-02-03?show=5").startswith("Unexpected parameters.")
    # 91 days back is still allowed (arXiv allows a day more for time zones)
    ok = requests.get(f"{february.web_url}/catchup/math/2010-11-16", timeout=10)
    assert ok.status_code == 200


def test_an_empty_catchup_day_links_the_next_mailing(february: ArxivDouble) -> None:
    page = soup(requests.get(f"{february.web_url}/catchup/math.NA/2011-02-01", timeout=10))
    text = page.get_text(" ", strip=True)
    assert "Catchup results for Numerical Analysis on Tue, 01 Feb 2011" in text
    assert "Total of 0 entries for Tue, 01 Feb 2011" in text
    assert (
        "No updates for Tue, 01 Feb 2011. There was either no announcement for this day, "
        "or no updates within the requested subject."
    ) in text
    links = [(a.get_text(), a["href"]) for a in page.find_all("a") if "next day" in a.get_text()]
    assert (
        links == [("Continue to the next day", "/catchup/math.NA/2011-02-03?abs=False&page=1")] * 2
    )


def test_catchup_pages_by_two_thousand(double: ArxivDouble) -> None:
    double.announce_many(THURSDAY, [paper(n) for n in range(1, 2002)])
    double.now = eastern(2025, 4, 20)
    first = soup(requests.get(f"{double.web_url}/catchup/cs.LG/2025-04-10", timeout=10))
    assert len(first.select("dl#articles > dt")) == 2000
    assert [h.get_text() for h in first.select("dl#articles > h3")] == [
        "New submissions (showing first 2000 of 2001 entries)"
    ]
    view = [(a.get_text(), a["href"]) for a in first.select("#dlpage > div a")]
    assert ("2", "/catchup/cs.LG/2025-04-10?abs=False&page=2") in view
    second = soup(requests.get(f"{double.web_url}/catchup/cs.LG/2025-04-10?page=2", timeout=10))
    assert [one(dt, "a").get_text() for dt in second.select("dl#articles > dt")] == ["[2001]"]
    assert [h.get_text() for h in second.select("dl#articles > h3")] == [
        "New submissions (continued, showing last 1 of 2001 entries)"
    ]


@needs_rendered
def test_the_catchup_page_has_the_structure_of_arxivs(february: ArxivDouble) -> None:
    name = "browse-db-catchup-math-2011-02-03.html"
    real = BeautifulSoup((RENDERED / name).read_text(), "html.parser")
    ours = soup(requests.get(f"{february.web_url}/catchup/math/2011-02-03", timeout=10))
    assert ancestry(ours) == ancestry(real)
    assert shape(one(ours, "#dlpage > h1")) == shape(one(real, "#dlpage > h1"))
    for parts in [("list-comments", "list-journal-ref")]:
        real_dt, real_dd = item_with(real, *parts)
        our_dt, our_dd = item_with(ours, *parts)
        assert shape(our_dt) == shape(real_dt)
        assert shape(our_dd) == shape(real_dd)


# ---------------------------------------------------------------- RSS


def rss_items(answer: requests.Response) -> list[dict[str, object]]:
    channel = ET.fromstring(answer.content).find("channel")
    assert channel is not None
    found: list[dict[str, object]] = []
    for item in channel.findall("item"):
        found.append(
            {
                "id": (item.findtext("guid") or "").removeprefix("oai:arXiv.org:"),
                "type": item.findtext("{http://arxiv.org/schemas/atom}announce_type"),
                "description": item.findtext("description"),
                "categories": [c.text for c in item.findall("category")],
                "creator": item.findtext("{http://purl.org/dc/elements/1.1/}creator"),
            }
        )
    return found


def pub_date(answer: requests.Response) -> str:
    return ET.fromstring(answer.content).findtext("channel/pubDate") or ""


def test_the_rss_rolls_over_at_midnight_eastern_not_at_the_announcement(
    double: ArxivDouble,
) -> None:
    double.announce(THURSDAY, paper(1, title="Thursday's"))
    double.announce(FRIDAY, paper(2, title="Friday's"))

    def shown() -> tuple[list[object], str, str]:
        feed = requests.get(f"{double.base_url}/rss/cs", timeout=10)
        page = soup(requests.get(f"{double.web_url}/list/cs/new", timeout=10))
        return (
            [i["id"] for i in rss_items(feed)],
            pub_date(feed),
            one(page, "#dlpage > h3").get_text(),
        )

    double.now = eastern(2025, 4, 10, 23, 59)
    assert shown() == (
        ["2504.00001v1"],
        "Thu, 10 Apr 2025 00:00:00 -0400",
        "Showing new listings for Friday, 11 April 2025",
    )
    double.now = eastern(2025, 4, 11, 0, 0)
    assert shown() == (
        ["2504.00002v1"],
        "Fri, 11 Apr 2025 00:00:00 -0400",
        "Showing new listings for Friday, 11 April 2025",
    )
    double.now = eastern(2025, 4, 10, 19, 59)
    assert shown()[2] == "Showing new listings for Thursday, 10 April 2025"
    double.now = eastern(2025, 4, 12, 10)  # Saturday: no listing dated today
    feed = requests.get(f"{double.base_url}/rss/cs", timeout=10)
    assert rss_items(feed) == []
    assert pub_date(feed) == "Sat, 12 Apr 2025 00:00:00 -0400"


def test_the_rss_items_say_how_each_paper_was_announced(thursday: ArxivDouble) -> None:
    answer = requests.get(f"{thursday.base_url}/rss/cs+math", timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(answer.content).find("channel")
    assert channel is not None
    assert channel.findtext("title") == "cs, math updates on arXiv.org"
    assert channel.findtext("link") == "https://rss.arxiv.org/rss/cs+math"
    items = rss_items(answer)
    assert [(i["id"], i["type"]) for i in items] == [
        ("2504.00010v1", "new"),
        ("2504.00015v1", "new"),  # math.OC is in cs+math
        ("2504.00020v1", "new"),
        ("2411.00005v1", "cross"),
        ("2411.00007v2", "replace"),
        ("2411.00008v3", "replace"),  # math.ST is in cs+math
        ("2411.00009v2", "replace"),
    ]
    first = items[0]
    assert first["description"] == (
        "arXiv:2504.00010v1 Announce Type: new \nAbstract: Abstract of paper 10."
    )
    assert first["categories"] == ["cs.CV"]
    assert first["creator"] == "Ada Lovelace, Alan M. Turing"
    cs_only = rss_items(requests.get(f"{thursday.base_url}/rss/cs", timeout=10))
    assert ("2411.00008v3", "replace-cross") in [(i["id"], i["type"]) for i in cs_only]
    assert ("2504.00015v1", "cross") in [(i["id"], i["type"]) for i in cs_only]


def test_an_unknown_archive_gets_arxivs_error_channel(thursday: ArxivDouble) -> None:
    answer = requests.get(f"{thursday.base_url}/rss/psuedo-science", timeout=10)
    assert answer.status_code == 400
    channel = ET.fromstring(answer.content).find("channel")
    assert channel is not None
    assert channel.findtext("title") == (
        "Feed error for query: https://rss.arxiv.org/rss/psuedo-science"
    )
    assert (channel.findtext("description") or "").startswith(
        "Bad archive 'psuedo-science'. Valid archive names are: astro-ph, cond-mat, cs,"
    )
    answer = requests.get(f"{thursday.base_url}/rss/cs.XYZ", timeout=10)
    assert answer.status_code == 400
    assert "Bad subject class 'XYZ'" in answer.text
    assert [r.status for r in thursday.rss_requests] == [400, 400]


@needs_rendered
def test_the_rss_has_the_elements_of_arxivs(thursday: ArxivDouble) -> None:
    real = ET.parse(RENDERED / "feed-rss-cs+math-2023-10-26-new-cross-repcross.xml").getroot()
    ours = ET.fromstring(requests.get(f"{thursday.base_url}/rss/cs+math", timeout=10).content)
    real_channel, our_channel = real.find("channel"), ours.find("channel")
    assert real_channel is not None and our_channel is not None
    assert [e.tag for e in our_channel][:11] == [e.tag for e in real_channel][:11]
    real_item = [e.tag for e in real_channel.findall("item")[0]]
    our_item = [e.tag for e in our_channel.findall("item")[0]]
    assert [t for t in our_item if t != "category"] == [
        t for t in real_item if t != "category" and "DOI" not in t
    ]


def test_serve_rss_overrides_the_listing(thursday: ArxivDouble) -> None:
    thursday.serve_rss(b"<rss/>")
    assert requests.get(f"{thursday.base_url}/rss/cs", timeout=10).content == b"<rss/>"


# ---------------------------------------------------------------- OAI-PMH


def oai(double: ArxivDouble, **params: str) -> ET.Element:
    answer = requests.get(double.oai_url, params=params, timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/xml")
    return ET.fromstring(answer.content)


def identifiers(root: ET.Element) -> list[str]:
    return [
        (h.findtext(f"{OAI}identifier") or "").removeprefix("oai:arXiv.org:")
        for h in root.iter(f"{OAI}header")
    ]


def token_of(root: ET.Element) -> ET.Element | None:
    return root.find(f".//{OAI}resumptionToken")


def error_of(root: ET.Element) -> tuple[str, str]:
    error = root.find(f"{OAI}error")
    assert error is not None
    return error.get("code") or "", error.text or ""


@pytest.fixture
def harvest(double: ArxivDouble) -> ArxivDouble:
    """Five papers last changed on 9 April, two on 10 April (one in two versions)."""
    for n in range(1, 6):
        double.announce(THURSDAY, paper(n, published=utc(2025, 4, 9, n)))
    double.announce(
        FRIDAY, paper(6, categories=("astro-ph.CO", "cs.LG"), published=utc(2025, 4, 10, 1))
    )
    double.announce(
        THURSDAY, paper(7, prefix="2412", categories=("math.CO",), published=utc(2024, 12, 1))
    )
    double.announce(
        FRIDAY,
        paper(7, prefix="2412", categories=("math.CO",), published=utc(2024, 12, 1),
              updated=utc(2025, 4, 10, 9, 30), version=2, doi="10.1/seven"),
        "replace",
    )  # fmt: skip
    double.now = eastern(2025, 4, 11, 12)
    return double


def test_oai_pages_by_resumption_token_to_the_last_page(harvest: ArxivDouble) -> None:
    harvest.oai_page_size = 2
    query = {"verb": "ListRecords", "metadataPrefix": "arXivRaw", "from": "2025-04-09",
             "until": "2025-04-09"}  # fmt: skip
    pages = [oai(harvest, **query)]
    while (token := token_of(pages[-1])) is not None and token.text:
        pages.append(oai(harvest, verb="ListRecords", resumptionToken=token.text))
    assert [identifiers(p) for p in pages] == [
        ["2504.00001", "2504.00002"],
        ["2504.00003", "2504.00004"],
        ["2504.00005"],
    ]
    first_token = token_of(pages[0])
    assert first_token is not None
    assert first_token.text == quote(urlencode({**query, "skip": "2"}))
    assert first_token.text == (
        "verb%3DListRecords%26metadataPrefix%3DarXivRaw%26from%3D2025-04-09"
        "%26until%3D2025-04-09%26skip%3D2"
    )
    last = token_of(pages[-1])
    assert last is not None and last.text is None and not last.attrib  # <resumptionToken/>
    request = pages[1].find(f"{OAI}request")
    assert request is not None and request.get("resumptionToken") == first_token.text
    assert [r.status for r in harvest.oai_requests] == [200, 200, 200]


def test_oai_resumes_a_page_of_several_days_from_its_last_day(harvest: ArxivDouble) -> None:
    harvest.oai_page_size = 6
    root = oai(harvest, verb="ListRecords", metadataPrefix="arXivRaw", until="2025-04-10")
    # (datestamp, identifier) order: 9 April's five, then 10 April's, 2412.00007 first
    assert identifiers(root) == [*(f"2504.0000{n}" for n in range(1, 6)), "2412.00007"]
    token = token_of(root)
    assert token is not None
    assert token.text == quote(
        urlencode(
            {
                "verb": "ListRecords",
                "metadataPrefix": "arXivRaw",
                "until": "2025-04-10",
                "from": "2025-04-10",
                "skip": "1",
            }
        )
    )
    rest = oai(harvest, verb="ListRecords", resumptionToken=token.text or "")
    assert identifiers(rest) == ["2504.00006"]
    last = token_of(rest)
    assert last is not None and not last.text


def test_oai_records_list_every_version_and_the_metadata(harvest: ArxivDouble) -> None:
    root = oai(harvest, verb="ListRecords", metadataPrefix="arXivRaw", **{"from": "2025-04-10"})
    assert identifiers(root) == ["2412.00007", "2504.00006"]
    (record,) = [r for r in root.iter(f"{RAW}arXivRaw") if r.findtext(f"{RAW}id") == "2412.00007"]
    versions = [(v.get("version"), v.findtext(f"{RAW}date")) for v in record.iter(f"{RAW}version")]
    assert versions == [
        ("v1", "Sun, 01 Dec 2024 00:00:00 GMT"),
        ("v2", "Thu, 10 Apr 2025 09:30:00 GMT"),
    ]
    assert all(
        re.fullmatch(r"\d+kb", v.findtext(f"{RAW}size") or "") for v in record.iter(f"{RAW}version")
    )
    assert record.findtext(f"{RAW}categories") == "math.CO"
    assert record.findtext(f"{RAW}doi") == "10.1/seven"
    assert record.findtext(f"{RAW}authors") == "Ada Lovelace, Alan M. Turing"
    headers = {
        (h.findtext(f"{OAI}identifier") or ""): (
            h.findtext(f"{OAI}datestamp"),
            [s.text for s in h.findall(f"{OAI}setSpec")],
        )
        for h in root.iter(f"{OAI}header")
    }
    assert headers["oai:arXiv.org:2504.00006"] == (
        "2025-04-10",
        ["physics:astro-ph:CO", "cs:cs:LG"],
    )


def test_oai_sets_select_by_group_archive_and_category(harvest: ArxivDouble) -> None:
    def in_set(spec: str) -> list[str]:
        return identifiers(
            oai(harvest, verb="ListIdentifiers", metadataPrefix="arXivRaw", set=spec)
        )

    assert in_set("physics:astro-ph") == ["2504.00006"]
    assert in_set("physics") == ["2504.00006"]
    assert in_set("math") == ["2412.00007"]
    assert in_set("cs:cs:LG") == [f"2504.0000{n}" for n in range(1, 7)]
    assert in_set("cs") == [f"2504.0000{n}" for n in range(1, 7)]
    code, message = error_of(
        oai(harvest, verb="ListRecords", metadataPrefix="arXivRaw", set="astro-ph")
    )
    assert (code, message.endswith("Reason: Set does not exist")) == ("badArgument", True)


def test_oai_errors(harvest: ArxivDouble) -> None:
    root = oai(harvest, verb="ListRecords", metadataPrefix="arXivRaw", until="2020-01-01")
    assert error_of(root) == (
        "noRecordsMatch",
        "The combination of the values of the from, until, set and metadataPrefix arguments "
        "results in an empty list.",
    )
    request = root.find(f"{OAI}request")
    assert request is not None and request.get("until") == "2020-01-01"
    code, message = error_of(oai(harvest, verb="ListRecords", resumptionToken="not-a-token"))
    assert code == "badResumptionToken"
    assert message.endswith("Reason: Token decoding failed or format is invalid.")
    code, message = error_of(
        oai(harvest, verb="ListRecords", metadataPrefix="arXivRaw", **{"from": "03-02-2011"})
    )
    assert (code, message.endswith("Reason: from date format must be YYYY-MM-DD")) == (
        "badArgument",
        True,
    )
    assert error_of(oai(harvest, verb="ListRecords"))[0] == "badArgument"
    assert error_of(oai(harvest, verb="ListEverything"))[0] == "badVerb"
    code, _ = error_of(oai(harvest, verb="ListRecords", metadataPrefix="marc21"))
    assert code == "cannotDisseminateFormat"


@needs_rendered
def test_oai_records_have_the_elements_of_arxivs(harvest: ArxivDouble) -> None:
    real = ET.parse(RENDERED / "oaipmh-listrecords-arxivraw-2011-02-03-limit50-page3-last.xml")
    ours = oai(harvest, verb="ListRecords", metadataPrefix="arXivRaw", **{"from": "2025-04-10"})

    def tags(root: ET.Element) -> list[str]:
        record = root.find(f".//{OAI}record")
        assert record is not None
        skipped = ("setSpec", "version", "date", "size", "source_type")
        return [e.tag for e in record.iter() if not e.tag.endswith(skipped)]

    assert tags(ours)[:5] == tags(real.getroot())[:5]
    raw_ours = [t for t in tags(ours) if t.startswith(RAW)]
    raw_real = [t for t in tags(real.getroot()) if t.startswith(RAW)]
    optional = (f"{RAW}comments", f"{RAW}journal-ref", f"{RAW}doi")
    assert [t for t in raw_ours if t not in optional] == [t for t in raw_real if t not in optional]
