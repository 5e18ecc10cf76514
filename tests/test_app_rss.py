"""The newest day is the API's answer with arXiv's daily RSS laid over it (no duplicates, the
announced kinds); an RSS failure alone is a quiet warning."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from arxiv_double import ArxivDouble, Response
from conftest import RECORDED, needs_shared_data
from test_app_helpers import RecordingApp, make_paper, row_of, settle

from tui.domain.day_cache import DayCache
from tui.domain.paper import Kind
from tui.options import Options

SIZE = (120, 36)
THURSDAY = date(2026, 9, 24)
"""The day of the recorded RSS feed."""
NOON_THURSDAY = datetime(2026, 9, 24, 16, 0, tzinfo=UTC)
FOLLOWED = ("cs.LG", "cs.AI", "cs.CL", "stat.ML")
CS_FEED = RECORDED / "rss-cs-new-cross-replace.xml"


@pytest.fixture
def rss_double(arxiv_double: ArxivDouble, monkeypatch: pytest.MonkeyPatch) -> ArxivDouble:
    monkeypatch.setenv("ARXIV_DAILY_RSS_URL", arxiv_double.rss_url)
    # in the listing window of Thursday: two papers only the API has, one both have
    arxiv_double.add_many(make_paper(number, THURSDAY) for number in (1, 2, 26811))
    return arxiv_double


def thursday_app(**options: object) -> RecordingApp:
    return RecordingApp(Options(categories=FOLLOWED, **options), now=lambda: NOON_THURSDAY)  # type: ignore[arg-type]


@needs_shared_data()
async def test_the_newest_day_merges_the_rss_listing_without_duplicates(
    rss_double: ArxivDouble,
) -> None:
    if not CS_FEED.is_file():
        pytest.skip(f"{CS_FEED.name} is absent")
    rss_double.serve_rss(CS_FEED)
    app = thursday_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        ids = [paper.id for paper in triage.papers.shown_papers]
        assert len(ids) == len(set(ids)) == 6
        assert set(ids) == {
            "2609.00001",
            "2609.00002",
            "2609.26811",  # the API's and the RSS's: once
            "2609.26820",  # announced, not in the API's answer
            "2205.06398",
            "2009.13987",
        }
        kinds = {paper.id: paper.kind for paper in triage.papers.shown_papers}
        assert kinds["2205.06398"] is Kind.CROSS
        assert kinds["2009.13987"] is Kind.REPLACE
        assert "↔ cross" in row_of(triage, "2205.06398")
        assert "↻ v3" in row_of(triage, "2009.13987")
        assert triage.date_bar.text.startswith("Thu 2026-09-24 · 6 papers")
        assert "RSS" not in triage.date_bar.text
        assert len(rss_double.rss_requests) == 1
        assert rss_double.rss_requests[0].path == "/rss/cs.LG+cs.AI+cs.CL+stat.ML"
    cached = DayCache().load(THURSDAY, FOLLOWED)
    assert cached is not None and len(cached.papers) == 6


async def test_an_rss_failure_alone_is_a_quiet_warning(rss_double: ArxivDouble) -> None:
    rss_double.route("/rss/", lambda request: Response(503, b"busy", "text/plain"))
    app = thursday_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        assert len(triage.papers.shown_papers) == 3
        assert "API listing only — RSS answered HTTP 503" in triage.date_bar.text
        assert not [n for n in app.notices if n[2] in ("error", "warning")]


async def test_an_rss_listing_of_another_day_is_not_merged(rss_double: ArxivDouble) -> None:
    feed = (
        b"<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel>"
        b"<title>cs.LG updates on arXiv.org</title>"
        b"<pubDate>Wed, 23 Sep 2026 00:00:00 -0400</pubDate>"
        b"<item><title>Old</title><link>https://arxiv.org/abs/2609.11111</link>"
        b"<description>arXiv:2609.11111v1 Announce Type: new \nAbstract: x</description>"
        b"<category>cs.LG</category><dc:creator xmlns:dc='http://purl.org/dc/elements/1.1/'>"
        b"A B</dc:creator></item></channel></rss>"
    )
    rss_double.serve_rss(feed)
    app = thursday_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        assert "2609.11111" not in {paper.id for paper in triage.papers.shown_papers}
        assert "RSS lists 2026-09-23, not Thu 2026-09-24" in triage.date_bar.text


async def test_an_older_day_does_not_ask_the_rss(rss_double: ArxivDouble) -> None:
    rss_double.serve_rss(b"<rss/>")
    app = thursday_app(date=date(2026, 9, 23))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
    assert rss_double.rss_requests == []
