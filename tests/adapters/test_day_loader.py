"""Which of arXiv's sources gives a listing day: the calendar first, then RSS, /new pages, catchup
pages, and the API + OAI-PMH for older days — each against the loopback double."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import factories
import pytest
import requests
from app_helpers import make_paper
from arxiv_double import ArxivDouble, Response

from tui.adapters.sources.day_loader import DayLoader
from tui.adapters.sources.web import FetchError, HostPacer
from tui.core.calendar import NoListing, default_calendar
from tui.core.paper import Day, Kind, Paper

THURSDAY = date(2026, 9, 24)
FRIDAY = date(2026, 9, 25)
CATS = ("cs.LG",)


def at(moment: datetime) -> DayLoader:
    return DayLoader(now=lambda: moment)


def eastern(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    from tui.core.calendar import EASTERN

    return datetime(year, month, day, hour, minute, tzinfo=EASTERN).astimezone(UTC)


def announce(double: ArxivDouble, day: date, papers: list[Paper]) -> None:
    for paper in papers:
        double.announce(day, paper, "replace" if paper.kind is Kind.REPLACE else "new")


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (
            date(2025, 12, 26),
            "2025-12-26: no arXiv listing (holiday on 12-25); nearest: 2025-12-25 and 2025-12-29",
        ),
        (date(2025, 4, 12), "2025-04-12: no arXiv listing (a Saturday)"),
        (date(1990, 5, 1), "arXiv's listings begin in August 1991"),
        (date(2026, 9, 28), "2026-09-28: not announced yet"),
    ],
)
def test_a_date_without_a_listing_is_refused_before_any_request(
    arxiv_double: ArxivDouble, day: date, message: str
) -> None:
    with pytest.raises(NoListing) as refused:
        at(eastern(2026, 9, 24, 12)).fetch(day, CATS)
    assert message in str(refused.value)
    assert arxiv_double.requests == []


@pytest.mark.parametrize(
    ("now", "listing", "source"),
    [
        (eastern(2026, 9, 24, 12), THURSDAY, "rss"),  # Thursday noon: the RSS shows Thursday
        (eastern(2026, 9, 24, 19, 59), THURSDAY, "rss"),
        (eastern(2026, 9, 24, 20, 0), FRIDAY, "listing"),  # announced; the RSS still Thursday's
        (eastern(2026, 9, 24, 23, 59), FRIDAY, "listing"),
        (eastern(2026, 9, 25, 0, 0), FRIDAY, "rss"),  # midnight ET: the RSS rolls over
    ],
)
def test_the_newest_day_across_the_evening_gap_of_the_rss(
    arxiv_double: ArxivDouble, now: datetime, listing: date, source: str
) -> None:
    announce(arxiv_double, THURSDAY, [make_paper(1, THURSDAY)])
    announce(arxiv_double, FRIDAY, [make_paper(2, FRIDAY), make_paper(3, FRIDAY)])
    arxiv_double.now = now
    loader = at(now)
    assert loader.calendar.latest_listing_day(now) == listing
    loaded = loader.fetch(listing, CATS)
    assert loaded.day.provenance.exact and loaded.day.provenance.source == source
    expected = (
        [make_paper(1, THURSDAY)]
        if listing == THURSDAY
        else [
            make_paper(2, FRIDAY),
            make_paper(3, FRIDAY),
        ]
    )
    assert [p.id for p in loaded.day.papers] == [p.id for p in expected]
    assert loaded.warnings == ()
    # Exact days get each paper's record from the API by id: real submission times.
    assert [p.published for p in loaded.day.papers] == [p.published for p in expected]


def test_the_listing_after_a_holiday_is_reconstructed_over_the_merged_window(
    arxiv_double: ArxivDouble,
) -> None:
    # No listing on Fri 2025-12-26 (holiday on Thursday): Monday's holds two days of submissions.
    monday = date(2025, 12, 29)
    listing = default_calendar().listing(monday)
    assert listing.absorbed == (date(2025, 12, 26),)
    wednesday_evening = eastern(2025, 12, 24, 18)
    friday_morning = eastern(2025, 12, 26, 9)
    papers = [
        make_paper(1, date(2025, 12, 24)),  # Tuesday-to-Wednesday window: the listing of 12-25
        factories.paper(
            id="2512.20001",
            title="Submitted on Christmas Eve",
            authors=("A",),
            abstract="x",
            categories=CATS,
            published=wednesday_evening,
        ),
        factories.paper(
            id="2512.20002",
            title="Submitted on the day after Christmas",
            authors=("B",),
            abstract="x",
            categories=CATS,
            published=friday_morning,
        ),
    ]
    arxiv_double.add_many(papers)
    now = datetime(2026, 6, 1, 16, tzinfo=UTC)  # long after: catchup no longer has it
    arxiv_double.now = now
    loaded = at(now).fetch(monday, CATS)
    assert [p.id for p in loaded.day.papers] == ["2512.20001", "2512.20002"]
    assert not loaded.day.provenance.exact
    (query,) = [r.params["search_query"] for r in arxiv_double.query_requests]
    assert "submittedDate:[202512241900 TO 202512261900]" in query
    assert "lastUpdatedDate" not in query


def test_an_exact_day_stays_exact_when_the_api_cannot_fill_in_details(
    arxiv_double: ArxivDouble,
) -> None:
    announce(arxiv_double, THURSDAY, [make_paper(1, THURSDAY), make_paper(2, THURSDAY)])
    now = eastern(2026, 9, 28, 12)
    arxiv_double.now = now
    arxiv_double.pass_next(1)  # the catchup page
    arxiv_double.fail_next(503, times=100)  # then the API, every try
    early: list[object] = []
    loaded = at(now).fetch(THURSDAY, CATS, early=early.append)
    assert loaded.day.provenance.exact and loaded.day.provenance.source == "catchup"
    assert len(loaded.day.papers) == 2
    assert len(early) == 1  # the day was handed over before the API was asked
    assert any("versions and dates not filled in" in w for w in loaded.warnings)


def test_a_day_no_source_can_give_is_one_clear_error(arxiv_double: ArxivDouble) -> None:
    now = eastern(2026, 9, 28, 12)
    arxiv_double.now = now
    arxiv_double.fail_next(503, times=1000)
    with pytest.raises(FetchError) as failed:
        at(now).fetch(THURSDAY, CATS)
    assert "503" in str(failed.value)


def test_page_requests_keep_arxivs_spacing_and_share_it_with_the_api(
    arxiv_double: ArxivDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two archives followed: two catchup pages, then the API by id, all on one host.
    monkeypatch.setenv("ARXIV_DAILY_WEB_MIN_INTERVAL", "0.4")
    monkeypatch.setenv("ARXIV_DAILY_API_MIN_INTERVAL", "0.2")
    announce(
        arxiv_double,
        THURSDAY,
        [make_paper(1, THURSDAY), make_paper(2, THURSDAY, category="math.AP")],
    )
    now = eastern(2026, 9, 28, 12)
    arxiv_double.now = now
    # Pacers of their own: whatever this host was asked earlier in the process does not count.
    monkeypatch.setattr(HostPacer, "_by_host", {})
    shown: list[Day] = []
    loaded = at(now).fetch(THURSDAY, ("cs.LG", "math.AP"), early=shown.append)
    assert len(loaded.day.papers) == 2
    # The reader shows the first category's papers while the second page waits its turn.
    assert [len(day.papers) for day in shown] == [1, 2]
    assert shown[0].provenance.partial and shown[0].provenance.label == (
        "as announced (catchup; more pages to come)"
    )
    assert loaded.day.provenance.final
    times = [r.time for r in arxiv_double.requests]
    paths = [r.path for r in arxiv_double.requests]
    assert paths[0].startswith("/catchup/") and paths[1].startswith("/catchup/")
    assert paths[2].startswith("/api/")
    assert times[1] - times[0] >= 0.4 - 0.02  # pages: the page interval
    assert times[2] - times[1] >= 0.2 - 0.02  # the API after a page: its own interval at least


def test_old_days_ask_oai_for_replacements_of_their_window(arxiv_double: ArxivDouble) -> None:
    day = date(2025, 4, 9)
    start, _ = default_calendar().listing(day).window_start, None
    new = make_paper(1, day)
    first = datetime(2025, 1, 10, 9, tzinfo=UTC)
    revised = factories.paper(
        id="2501.00042",
        version=3,
        title="Revised",
        authors=("C",),
        abstract="x",
        categories=CATS,
        published=first,
        updated=start + timedelta(hours=2),
        kind=Kind.REPLACE,
    )
    arxiv_double.announce(day, new, "new")
    arxiv_double.announce(day, revised, "replace")
    now = datetime(2026, 1, 5, 16, tzinfo=UTC)
    arxiv_double.now = now
    loaded = at(now).fetch(day, CATS)
    kinds = {p.id: (p.kind, p.version) for p in loaded.day.papers}
    assert kinds == {new.id: (Kind.NEW, 1), "2501.00042": (Kind.REPLACE, 3)}
    assert loaded.day.provenance.note == "held papers and papers revised since may be missing"
    (oai,) = arxiv_double.oai_requests
    assert oai.params["from"] == start.date().isoformat()
    assert oai.params["until"] == day.isoformat()
    assert oai.params["set"] == "cs"


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (
            b"<html><head><title>Log in</title></head><body><form></form></body></html>",
            "a page that is not an arXiv listing page",
        ),
        (b"", "a page that is not an arXiv listing page"),
        (b"\x00\xff garbage", "a page that is not an arXiv listing page"),
    ],
)
def test_a_page_that_is_not_a_listing_leaves_the_day_reconstructed_and_says_why(
    arxiv_double: ArxivDouble, body: bytes, said: str
) -> None:
    announce(arxiv_double, THURSDAY, [make_paper(1, THURSDAY)])
    arxiv_double.add(make_paper(1, THURSDAY))
    now = eastern(2026, 9, 28, 12)
    arxiv_double.now = now
    arxiv_double.route("/catchup/", lambda request: Response(200, body, "text/html"))
    loaded = at(now).fetch(THURSDAY, CATS)
    assert [p.id for p in loaded.day.papers] == [make_paper(1, THURSDAY).id]
    assert not loaded.day.provenance.exact
    assert any(said in warning for warning in loaded.warnings), loaded.warnings


def test_a_page_of_another_date_is_not_taken_for_the_day(arxiv_double: ArxivDouble) -> None:
    # The newest listing is Friday's by the calendar, but arXiv's /new page still shows Thursday
    # (a late announcement): the day must not be Thursday's papers under Friday's date.
    announce(arxiv_double, THURSDAY, [make_paper(1, THURSDAY)])
    now = eastern(2026, 9, 24, 21)
    arxiv_double.now = eastern(2026, 9, 24, 19)  # arXiv has not announced yet
    with pytest.raises(FetchError):
        at(now).fetch(FRIDAY, CATS)
    shown = [r.path for r in arxiv_double.page_requests]
    assert shown[0] == "/list/cs.LG/new"


def test_pages_per_category_unless_the_whole_archive_is_followed() -> None:
    from tui.adapters.sources.announced import subjects_for
    from tui.core.taxonomy import CATEGORIES

    assert subjects_for(["cs.LG", "cs.AI", "stat.ML"]) == ("cs.LG", "cs.AI", "stat.ML")
    assert subjects_for(["hep-th"]) == ("hep-th",)
    every_math = [c for c in CATEGORIES if c.startswith("math.")]
    assert subjects_for([*every_math, "cs.LG"]) == ("math", "cs.LG")


def test_an_older_paper_newly_cross_listed_within_the_archive_is_on_the_day(
    arxiv_double: ArxivDouble,
) -> None:
    # A cs.CV paper from January gains cs.LG on Thursday: arXiv's cs page leaves it out (an
    # intra-archive cross); the cs.LG page has it.
    january = datetime(2026, 1, 12, 9, tzinfo=UTC)
    older = factories.paper(
        id="2601.00042",
        title="Older",
        authors=("D",),
        abstract="x",
        categories=("cs.CV", "cs.LG"),
        published=january,
    )
    arxiv_double.announce(THURSDAY, older, "cross")
    announce(arxiv_double, THURSDAY, [make_paper(1, THURSDAY)])
    now = eastern(2026, 9, 28, 12)
    arxiv_double.now = now
    loaded = at(now).fetch(THURSDAY, ("cs.LG", "cs.AI"))
    kinds = {p.id: p.kind for p in loaded.day.papers}
    assert kinds == {make_paper(1, THURSDAY).id: Kind.NEW, "2601.00042": Kind.CROSS}
    # Following its primary category too, it is still a cross-list, not new.
    loaded = at(now).fetch(THURSDAY, ("cs.LG", "cs.CV"))
    assert {p.id: p.kind for p in loaded.day.papers}["2601.00042"] is Kind.CROSS


def test_the_newest_listing_not_out_yet_is_said_so_and_nothing_is_made_up(
    arxiv_double: ArxivDouble,
) -> None:
    # The calendar says Friday's listing is out at 20:05 ET; arXiv is late (its /new page still
    # shows Thursday). Neither catchup nor the API may stand in for it.
    announce(arxiv_double, THURSDAY, [make_paper(1, THURSDAY)])
    arxiv_double.add(make_paper(2, FRIDAY))
    now = eastern(2026, 9, 24, 20, 5)
    arxiv_double.now = eastern(2026, 9, 24, 19, 55)
    with pytest.raises(FetchError) as failed:
        at(now).fetch(FRIDAY, CATS)
    assert str(failed.value) == (
        "2026-09-25: not announced yet — arXiv's /new page still shows 2026-09-24 "
        "(if arXiv did not announce that day, add it to holidays.txt)"
    )
    assert arxiv_double.query_requests == []
    assert [r.path for r in arxiv_double.page_requests] == ["/list/cs.LG/new"]


def test_a_day_with_no_new_papers_still_gets_its_replacements(arxiv_double: ArxivDouble) -> None:
    day = date(2025, 4, 9)
    start = default_calendar().listing(day).window_start
    revised = factories.paper(
        id="2501.00042",
        version=2,
        title="Revised",
        authors=("C",),
        abstract="x",
        categories=CATS,
        published=datetime(2025, 1, 10, 9, tzinfo=UTC),
        updated=start + timedelta(hours=2),
        kind=Kind.REPLACE,
    )
    arxiv_double.announce(day, revised, "replace")
    now = datetime(2026, 1, 5, 16, tzinfo=UTC)
    arxiv_double.now = now
    loaded = at(now).fetch(day, CATS)
    assert [(p.id, p.kind) for p in loaded.day.papers] == [("2501.00042", Kind.REPLACE)]


def test_pages_that_repeat_themselves_end_the_fetch(arxiv_double: ArxivDouble) -> None:
    # A proxy that ignores ?page=: the same page again and again, with a link to page 2.
    papers = [make_paper(n, THURSDAY) for n in range(1, 4)]
    announce(arxiv_double, THURSDAY, papers)
    now = eastern(2026, 9, 28, 12)
    arxiv_double.now = now
    page = requests.get(
        f"{arxiv_double.base_url}/catchup/cs.LG/2026-09-24?abs=True", timeout=5
    ).content
    looping = page.replace(
        b"Total of 3 entries",
        b"Total of 3 entries <div class='paging'>View page: <span>1</span> "
        b"<a href=/catchup/cs.LG/2026-09-24?abs=True&page=2>2</a></div>",
    )
    arxiv_double.route("/catchup/", lambda request: Response(200, looping, "text/html"))
    asked_before = len(arxiv_double.page_requests)
    loaded = at(now).fetch(THURSDAY, CATS)
    assert not loaded.day.provenance.exact
    assert any("repeat themselves" in w for w in loaded.warnings), loaded.warnings
    assert len(arxiv_double.page_requests) - asked_before == 2  # page 1, then "page 2": stop


def test_a_day_fetch_has_a_deadline_of_its_own(
    arxiv_double: ArxivDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    # arXiv busy on every request, retries spaced out: the whole fetch stops at its deadline.
    monkeypatch.setenv("ARXIV_DAILY_DAY_DEADLINE", "0.5")
    monkeypatch.setenv("ARXIV_DAILY_API_BACKOFF", "0.3")
    now = eastern(2026, 9, 28, 12)
    arxiv_double.now = now
    arxiv_double.fail_next(503, times=1000)
    began = time.monotonic()
    with pytest.raises(FetchError) as failed:
        at(now).fetch(THURSDAY, CATS)
    assert str(failed.value) == ("gave up on 2026-09-24 after 0.5 s (ARXIV_DAILY_DAY_DEADLINE)")
    assert time.monotonic() - began < 1.5
