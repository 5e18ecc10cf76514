"""The newest day as arXiv announced it: its RSS once the RSS shows that date, else its /new pages
(the RSS rolls over at midnight US-Eastern, four hours after the 20:00 announcement); the API
only when neither answers, and then the day says it is reconstructed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from app_helpers import RecordingApp, make_paper, row_of, settle
from arxiv_double import ArxivDouble, Response
from conftest import RECORDED, needs_shared_data

from tui.adapters.day_cache import DayCache
from tui.core.paper import Kind, Paper
from tui.options import Options

SIZE = (120, 36)
THURSDAY = date(2026, 9, 24)
"""The day of the recorded RSS feed."""
FRIDAY = date(2026, 9, 25)
NOON_THURSDAY = datetime(2026, 9, 24, 16, 0, tzinfo=UTC)
NINE_PM_THURSDAY = datetime(2026, 9, 25, 1, 0, tzinfo=UTC)
"""21:00 US-Eastern on Thursday: Friday's listing is announced, the RSS still shows Thursday's."""
FOLLOWED = ("cs.LG", "cs.AI", "cs.CL", "stat.ML")
CS_FEED = RECORDED / "rss-cs-new-cross-replace.xml"


def app_at(now: datetime, **options: object) -> RecordingApp:
    return RecordingApp(Options(categories=FOLLOWED, **options), now=lambda: now)  # type: ignore[arg-type]


def announce(double: ArxivDouble, day: date, papers: list[Paper]) -> None:
    for paper in papers:
        double.announce(day, paper, "replace" if paper.kind is Kind.REPLACE else "new")


def replaced(number: int, day: date) -> Paper:
    """A paper first submitted a month before ``day``'s window, its v2 inside it."""
    paper = make_paper(number, day)
    return replace(
        paper,
        version=2,
        published=paper.published - timedelta(days=30),
        kind=Kind.REPLACE,
    )


@needs_shared_data()
async def test_the_newest_day_is_the_rss_listing_when_the_rss_shows_that_date(
    arxiv_double: ArxivDouble,
) -> None:
    if not CS_FEED.is_file():
        pytest.skip(f"{CS_FEED.name} is absent")
    arxiv_double.now = NOON_THURSDAY
    # Submitted in Thursday's window but not announced (on hold): the API has them, the day not.
    arxiv_double.add_many(make_paper(number, THURSDAY) for number in (1, 2))
    arxiv_double.add(make_paper(26811, THURSDAY))
    arxiv_double.serve_rss(CS_FEED)
    app = app_at(NOON_THURSDAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        ids = [paper.id for paper in triage.papers.shown_papers]
        assert sorted(ids) == ["2009.13987", "2205.06398", "2609.26811", "2609.26820"]
        kinds = {paper.id: paper.kind for paper in triage.papers.shown_papers}
        assert kinds["2205.06398"] is Kind.CROSS
        assert kinds["2009.13987"] is Kind.REPLACE
        assert "↔ cross" in row_of(triage, "2205.06398")
        assert "↻ v3" in row_of(triage, "2009.13987")
        bar = triage.date_bar.text
        assert bar.startswith("Thu 2026-09-24 · 4 papers · 4 unread · as announced (RSS)")
        assert len(arxiv_double.rss_requests) == 1
        assert arxiv_double.rss_requests[0].path == "/rss/cs.LG+cs.AI+cs.CL+stat.ML"
        assert arxiv_double.page_requests == []  # the RSS was enough
        # The one paper the API knows got its record from the API (by id): its real v1 time.
        shown = {paper.id: paper for paper in triage.papers.shown_papers}
        assert shown["2609.26811"].published == make_paper(26811, THURSDAY).published
    cached = DayCache().load(THURSDAY, FOLLOWED)
    assert cached is not None and len(cached.papers) == 4
    assert cached.provenance.exact and cached.provenance.origin == "rss"


async def test_between_the_announcement_and_midnight_the_new_page_gives_the_day(
    arxiv_double: ArxivDouble,
) -> None:
    thursday = [make_paper(10, THURSDAY)]
    friday = [make_paper(20, FRIDAY), make_paper(21, FRIDAY), replaced(22, FRIDAY)]
    announce(arxiv_double, THURSDAY, thursday)
    announce(arxiv_double, FRIDAY, friday)
    arxiv_double.now = NINE_PM_THURSDAY
    app = app_at(NINE_PM_THURSDAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        assert sorted(p.id for p in triage.papers.shown_papers) == sorted(p.id for p in friday)
        kinds = {p.id: p.kind for p in triage.papers.shown_papers}
        assert kinds[friday[2].id] is Kind.REPLACE
        bar = triage.date_bar.text
        assert bar.startswith("Fri 2026-09-25 · 3 papers · 3 unread · as announced (/new page)")
        assert "RSS" not in bar.split("as announced")[1].removeprefix(" (/new page)")
        # The RSS was asked first and still showed Thursday; then the /new page of each followed
        # category (an archive's page would leave out cross-lists from within the archive).
        assert len(arxiv_double.rss_requests) == 1
        assert [r.path for r in arxiv_double.page_requests] == [
            f"/list/{category}/new" for category in FOLLOWED
        ]
        assert not [n for n in app.notices if n[2] in ("error", "warning")]


async def test_an_rss_failure_alone_changes_nothing(arxiv_double: ArxivDouble) -> None:
    thursday = [make_paper(number, THURSDAY) for number in (1, 2, 3)]
    announce(arxiv_double, THURSDAY, thursday)
    arxiv_double.now = NOON_THURSDAY
    arxiv_double.route("/rss/", lambda request: Response(503, b"busy", "text/plain"))
    app = app_at(NOON_THURSDAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        assert len(triage.papers.shown_papers) == 3
        assert "as announced (/new page)" in triage.date_bar.text
        assert not [n for n in app.notices if n[2] in ("error", "warning")]


async def test_when_no_exact_source_answers_the_day_is_labelled_reconstructed(
    arxiv_double: ArxivDouble,
) -> None:
    thursday = [make_paper(number, THURSDAY) for number in (1, 2, 3)]
    announce(arxiv_double, THURSDAY, thursday)
    arxiv_double.now = NOON_THURSDAY
    busy = Response(503, b"busy", "text/plain")
    for prefix in ("/rss/", "/list/", "/catchup/"):
        arxiv_double.route(prefix, lambda request: busy)
    app = app_at(NOON_THURSDAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        assert len(triage.papers.shown_papers) == 3
        bar = triage.date_bar.text
        assert "reconstructed: held papers and" in bar
        assert "arXiv's listing pages answered HTTP 503" in bar  # why, quietly
        assert not [n for n in app.notices if n[2] == "error"]
    cached = DayCache().load(THURSDAY, FOLLOWED)
    assert cached is not None and not cached.provenance.exact


async def test_an_older_day_comes_from_the_catchup_pages_not_the_rss(
    arxiv_double: ArxivDouble,
) -> None:
    wednesday = date(2026, 9, 23)
    papers = [make_paper(5, wednesday), replaced(6, wednesday)]
    announce(arxiv_double, wednesday, papers)
    arxiv_double.now = NOON_THURSDAY
    app = app_at(NOON_THURSDAY, date=wednesday)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert sorted(p.id for p in app.triage.papers.shown_papers) == sorted(p.id for p in papers)
        assert "as announced (catchup)" in app.triage.date_bar.text
    assert arxiv_double.rss_requests == []
    assert [r.path for r in arxiv_double.page_requests] == [
        f"/catchup/{category}/2026-09-23" for category in FOLLOWED
    ]
