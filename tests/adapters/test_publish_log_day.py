"""The mailing of 2023-09-01 as arXiv's own publish log records it, fetched the old way (a
submission window through the API) and the new ways (the catchup pages; API + OAI-PMH).

The log is the ground truth: 725 new papers (39 of them submitted before the window: held, then
announced), 466 replacements (some submitted days before the window too), 4 withdrawals (shown as
replacements) and 10 cross-lists. The double announces exactly these on 2023-09-01 and its API
behaves as arXiv's since November 2025 (``lastUpdatedDate`` read as v1's ``submittedDate``).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import UTC, date, datetime

import factories
import pytest
from arxiv_double import ArxivDouble
from conftest import RECORDED
from publish_log import Event, read_publish_log

from tui.adapters.sources.announced import subjects_for
from tui.adapters.sources.api import ArxivSource
from tui.adapters.sources.day_loader import DayLoader
from tui.core.calendar import default_calendar
from tui.core.paper import Kind, Paper, id_month

LOG = RECORDED / "publish-log-2023-09-01-all-archives.log"
MAILING = date(2023, 9, 1)
FOUR_DAYS_LATER = datetime(2023, 9, 5, 16, 0, tzinfo=UTC)
"""A Tuesday noon in New York: 2023-09-01 is four days old, well inside catchup's 90."""
HALF_A_YEAR_LATER = datetime(2024, 3, 1, 16, 0, tzinfo=UTC)

pytestmark = pytest.mark.skipif(not LOG.is_file(), reason=f"{LOG} is absent")


def month_of(paper_id: str) -> datetime:
    month = id_month(paper_id)
    assert month is not None
    return month


def paper_of(event: Event, version: int) -> Paper:
    assert event.paper_id is not None
    first = event.submitted if version == 1 else month_of(event.paper_id)
    return factories.paper(
        id=event.paper_id,
        version=version,
        title=f"Paper {event.paper_id}",
        authors=("A. Author",),
        categories=event.categories,
        published=first,
        updated=event.submitted,
        kind=Kind.NEW if version == 1 else Kind.REPLACE,
    )


@dataclasses.dataclass
class Truth:
    kinds: dict[str, Kind]
    """Every paper the mailing announced, and how."""
    categories: tuple[str, ...]
    held_new: int
    held_replacements: int


@pytest.fixture(scope="module")
def truth_and_events() -> tuple[Truth, list[Event]]:
    events = [e for e in read_publish_log(LOG) if e.how in ("new", "replace", "withdraw", "cross")]
    start = default_calendar().listing(MAILING).window_start
    kinds: dict[str, Kind] = {}
    rank = {Kind.NEW: 0, Kind.CROSS: 1, Kind.REPLACE: 2}
    for event in events:
        assert event.paper_id is not None
        kind = {"new": Kind.NEW, "cross": Kind.CROSS}.get(event.how, Kind.REPLACE)
        held = kinds.get(event.paper_id)
        if held is None or rank[kind] < rank[held]:
            kinds[event.paper_id] = kind
    categories = tuple(sorted({c for e in events for c in e.categories}))
    truth = Truth(
        kinds=kinds,
        categories=categories,
        held_new=sum(1 for e in events if e.how == "new" and e.submitted < start),
        held_replacements=sum(
            1 for e in events if e.how in ("replace", "withdraw") and e.submitted < start
        ),
    )
    return truth, events


@pytest.fixture
def announced(
    arxiv_double: ArxivDouble, truth_and_events: tuple[Truth, list[Event]]
) -> tuple[ArxivDouble, Truth]:
    truth, events = truth_and_events
    for event in events:
        if event.how == "new":
            arxiv_double.announce(MAILING, paper_of(event, 1), "new")
        elif event.how in ("replace", "withdraw"):
            assert event.version is not None
            arxiv_double.announce(MAILING, paper_of(event, event.version), "replace")
        else:  # a cross-list added to an older paper
            older = paper_of(event, 1)
            older = dataclasses.replace(
                older, published=month_of(older.id), updated=month_of(older.id)
            )
            arxiv_double.announce(MAILING, older, "cross")
    return arxiv_double, truth


def wrong(found: dict[str, Kind], truth: Truth) -> dict[str, int]:
    """How ``found`` differs from the mailing: missing, extra, and present with the wrong kind."""
    missing = [i for i in truth.kinds if i not in found]
    extra = [i for i in found if i not in truth.kinds]
    kind = [i for i in found if i in truth.kinds and found[i] is not truth.kinds[i]]
    return {"missing": len(missing), "extra": len(extra), "wrong kind": len(kind)}


def test_the_ground_truth_is_what_the_log_says(truth_and_events: tuple[Truth, list[Event]]) -> None:
    truth, events = truth_and_events
    counts = Counter(e.how for e in events)
    assert counts == {"new": 725, "replace": 466, "cross": 10, "withdraw": 4}
    assert truth.held_new == 39
    assert truth.held_replacements > 0
    assert Counter(truth.kinds.values()) == {Kind.NEW: 725, Kind.REPLACE: 470, Kind.CROSS: 10}


def test_the_old_window_method_gets_the_day_wrong(
    announced: tuple[ArxivDouble, Truth],
) -> None:
    _, truth = announced
    day = ArxivSource().fetch_day(MAILING, truth.categories)
    found = {p.id: p.kind for p in day.papers}
    # Held papers and every replacement and cross-list are missing; nothing is made up.
    assert wrong(found, truth) == {
        "missing": truth.held_new + 470 + 10,
        "extra": 0,
        "wrong kind": 0,
    }
    assert not day.provenance.exact


def test_the_catchup_pages_give_the_day_exactly(
    announced: tuple[ArxivDouble, Truth],
) -> None:
    double, truth = announced
    double.now = FOUR_DAYS_LATER
    loaded = DayLoader(now=lambda: FOUR_DAYS_LATER).fetch(MAILING, truth.categories)
    found = {p.id: p.kind for p in loaded.day.papers}
    assert wrong(found, truth) == {"missing": 0, "extra": 0, "wrong kind": 0}
    assert loaded.day.provenance.exact and loaded.day.provenance.source == "catchup"
    assert loaded.warnings == ()
    # Held papers are on the day they were announced, with their real (earlier) submission time.
    start = default_calendar().listing(MAILING).window_start
    held = [p for p in loaded.day.papers if p.kind is Kind.NEW and p.published < start]
    assert len(held) == truth.held_new
    # One catchup page per followed category (per archive where all of it is followed), then
    # the API by id for versions and times.
    assert len(double.page_requests) == len(subjects_for(truth.categories))
    assert all(r.path.startswith("/catchup/") for r in double.page_requests)
    assert len(double.query_requests) == -(-len(found) // 200)
    assert double.rss_requests == []


def test_a_day_older_than_catchup_is_reconstructed_and_says_so(
    announced: tuple[ArxivDouble, Truth],
) -> None:
    double, truth = announced
    double.now = HALF_A_YEAR_LATER
    loaded = DayLoader(now=lambda: HALF_A_YEAR_LATER).fetch(MAILING, truth.categories)
    found = {p.id: p.kind for p in loaded.day.papers}
    counted = wrong(found, truth)
    # New papers by v1 time, replacements by their version dates from OAI-PMH: what is missed is
    # what was held (announced later than its window), and the cross-lists of older papers.
    assert counted == {
        "missing": truth.held_new + truth.held_replacements + 10,
        "extra": 0,
        "wrong kind": 0,
    }
    assert not loaded.day.provenance.exact
    assert loaded.day.provenance.source == "api"
    assert "may be missing" in loaded.day.provenance.note
    assert double.page_requests == []
    assert double.oai_requests
