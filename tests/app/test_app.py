"""The app against the loopback arXiv double: fetching, caching, failing, offline, flags on disk."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from app_helpers import (
    RecordingApp,
    cache_days,
    make_day,
    row_of,
    serve_day,
    settle,
    star_in_store,
    wait_until,
)
from arxiv_double import ArxivDouble

from tui.adapters.day_cache import DayCache
from tui.adapters.store import FlagStore
from tui.core.paper import RECONSTRUCTED
from tui.options import Options
from tui.paths import flags_dir

SIZE = (110, 36)
WEDNESDAY = date(2025, 4, 9)
TUESDAY = date(2025, 4, 8)


def shown_ids(app: RecordingApp) -> list[str]:
    return [paper.id for paper in app.triage.papers.shown_papers]


async def test_fetches_the_newest_day_and_caches_it(arxiv_double: ArxivDouble) -> None:
    day = make_day(WEDNESDAY, 12)
    serve_day(arxiv_double, day)
    app = RecordingApp(Options())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert sorted(shown_ids(app)) == sorted(p.id for p in day.papers)
        bar = app.triage.date_bar.text
        assert bar.startswith("Wed 2025-04-09 · 12 papers · 12 unread · as announced (RSS)")
        assert "arXiv" not in bar
    cached = DayCache().load(WEDNESDAY, ("cs.LG", "cs.CV", "cs.CL", "cs.AI"))
    assert cached is not None
    assert {p.id for p in cached.papers} == {p.id for p in day.papers}
    assert cached.provenance.exact and cached.provenance.origin == "rss"
    # The versions and times came from the API, by id.
    assert {p.published for p in cached.papers} == {p.published for p in day.papers}


async def test_an_older_cached_day_is_not_fetched_again(arxiv_double: ArxivDouble) -> None:
    cache_days(make_day(TUESDAY, 3))
    app = RecordingApp(Options(date=TUESDAY))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.triage.date_bar.text.startswith("Tue 2025-04-08 · 3 papers")
    assert arxiv_double.query_requests == []


async def test_the_cached_newest_day_shows_at_once_then_the_fresh_one(
    arxiv_double: ArxivDouble,
) -> None:
    cached = make_day(WEDNESDAY, 2, provenance=RECONSTRUCTED)  # from the API: fetched again
    cache_days(cached)
    fresh = make_day(WEDNESDAY, 5)
    serve_day(arxiv_double, fresh)
    arxiv_double.stall_next(0.4)
    app = RecordingApp(Options())
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: len(shown_ids(app)) == 2, "the cached copy")
        assert (
            "checking arXiv" in app.triage.date_bar.text or "fetching" in app.triage.date_bar.text
        )
        await pilot.press("j")  # the reader can work while it fetches
        await settle(pilot)
        assert len(shown_ids(app)) == 5
        highlighted = app.triage.papers.highlighted_paper
        assert highlighted is not None and highlighted.id == cached.papers[1].id


async def test_a_failed_fetch_keeps_the_cached_day_and_says_why(arxiv_double: ArxivDouble) -> None:
    cached = make_day(WEDNESDAY, 3, provenance=RECONSTRUCTED)
    cache_days(cached)
    arxiv_double.fail_next(503, times=1000)
    app = RecordingApp(Options())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert sorted(shown_ids(app)) == sorted(p.id for p in cached.papers)
        errors = [n for n in app.notices if n[2] == "error"]
        assert errors and errors[0][0] == "Could not fetch Wed 2025-04-09"
        assert "503" in errors[0][1]
        assert "cached copy" in app.triage.date_bar.text
    assert len(arxiv_double.query_requests) >= 2  # it did retry


async def test_a_failed_fetch_with_nothing_cached_says_so_in_the_list(
    arxiv_double: ArxivDouble,
) -> None:
    serve_day(arxiv_double, make_day(WEDNESDAY, 4))
    app = RecordingApp(Options())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert len(shown_ids(app)) == 4
        arxiv_double.fail_next(503, times=1000)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.triage.date_bar.text.startswith("Tue 2025-04-08 · 0 papers")
        message = str(app.triage.query_one("#list-message").render())
        assert message.startswith("Could not fetch Tue 2025-04-08:")
        assert any(n[2] == "error" for n in app.notices)


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARXIV_DAILY_API_MIN_INTERVAL", "0.01")
    monkeypatch.setenv("ARXIV_DAILY_API_BACKOFF", "0.01")


async def test_offline_with_nothing_cached_opens_the_sample_day(quick_retries: None) -> None:
    # conftest points the API at 127.0.0.1:9, where nothing listens
    app = RecordingApp(Options())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.triage.date_bar.text
        assert bar.startswith("Wed 2025-04-09 · 16 papers")
        assert "sample day — arXiv unreachable:" in bar
        offline = [n for n in app.notices if n[0] == "Offline"]
        assert len(offline) == 1 and "sample day" in offline[0][1]


async def test_offline_shows_the_sample_day_at_the_first_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ARXIV_DAILY_API_MIN_INTERVAL", "0.01")
    monkeypatch.setenv("ARXIV_DAILY_API_BACKOFF", "0.3")  # retries take ~2 s in all
    app = RecordingApp(Options())
    async with app.run_test(size=SIZE) as pilot:
        triage = app.triage
        await wait_until(pilot, lambda: len(shown_ids(app)) == 16, "the sample day")
        assert triage.day_loading
        assert "still trying" in triage.date_bar.text or "retrying" in triage.date_bar.text
        await settle(pilot)
        assert not triage.day_loading
        assert "sample day — arXiv unreachable:" in triage.date_bar.text
        assert "still trying" not in triage.date_bar.text


async def test_a_sample_day_is_replaced_when_arxiv_answers_after_all(
    arxiv_double: ArxivDouble,
) -> None:
    day = make_day(WEDNESDAY, 7)
    serve_day(arxiv_double, day)
    arxiv_double.fail_next(503, times=2)
    app = RecordingApp(Options())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert sorted(shown_ids(app)) == sorted(p.id for p in day.papers)
        assert "unreachable" not in app.triage.date_bar.text
        assert any("arXiv answered" in n[1] for n in app.notices)


async def test_offline_opens_the_newest_cached_day_if_there_is_one(quick_retries: None) -> None:
    cache_days(make_day(date(2025, 4, 7), 6))
    app = RecordingApp(Options())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.triage.date_bar.text
        assert bar.startswith("Mon 2025-04-07 · 6 papers")
        assert "offline — arXiv unreachable" in bar


async def test_the_demo_never_fetches(arxiv_double: ArxivDouble) -> None:
    app = RecordingApp(Options(demo=True))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
    assert arxiv_double.query_requests == []


async def test_leaving_a_day_while_it_loads_ignores_its_result(
    arxiv_double: ArxivDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARXIV_DAILY_API_TIMEOUT", "10")
    wednesday, tuesday = make_day(WEDNESDAY, 5), make_day(TUESDAY, 3, first=500)
    serve_day(arxiv_double, wednesday)
    serve_day(arxiv_double, tuesday)
    arxiv_double.stall_next(1.5)
    app = RecordingApp(Options())
    async with app.run_test(size=SIZE) as pilot:
        triage = app.triage
        await wait_until(pilot, lambda: len(arxiv_double.requests) >= 1, "the first request")
        assert "Wed 2025-04-09" in triage.date_bar.text
        assert "loading" in triage.date_bar.text or "fetching" in triage.date_bar.text
        await pilot.press("left_square_bracket")
        # The stalled request is abandoned at once, not waited out.
        await wait_until(
            pilot, lambda: triage.stale_loads_finished >= 1, "the stalled load to end", timeout=1
        )
        await wait_until(pilot, lambda: len(shown_ids(app)) == 3, "Tuesday's papers", timeout=5)
        assert triage.date_bar.text.startswith("Tue 2025-04-08 · 3 papers")
        assert sorted(shown_ids(app)) == sorted(p.id for p in tuesday.papers)
        # The stalled answer for Wednesday arrives later and changes nothing.
        await wait_until(
            pilot,
            lambda: not any(t.name == "arxiv-fetch" for t in threading.enumerate()),
            "the abandoned request to end",
        )
        await settle(pilot)
        assert triage.date_bar.text.startswith("Tue 2025-04-08 · 3 papers")


async def test_quitting_while_a_request_hangs_cancels_it(
    arxiv_double: ArxivDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARXIV_DAILY_API_TIMEOUT", "10")
    arxiv_double.stall_next(3)
    app = RecordingApp(Options())
    async with app.run_test(size=SIZE) as pilot:
        triage = app.triage
        await wait_until(pilot, lambda: len(arxiv_double.requests) >= 1, "the first request")
        await pilot.press("q")
        await wait_until(pilot, lambda: not app.is_running, "the app to stop", timeout=1)
    cancel = triage._cancel
    assert cancel is not None and cancel.is_set()


async def test_flag_store_notices_are_shown_as_warnings() -> None:
    directory = flags_dir()
    directory.mkdir(parents=True)
    (directory / "flags.json").write_text("{ this is not json", encoding="utf-8")
    app = RecordingApp(Options(demo=True))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any(n[0] == "Flags" and n[2] == "warning" for n in app.notices), app.notices
        await pilot.press("s")
        await settle(pilot)
    with FlagStore() as store:  # the first paper: the first of the new submissions
        assert store.get("2504.06312").starred


class BrokenStore(FlagStore):
    """Stars cannot be written (the flag writer's group commits that hold one fail)."""

    def set_many(self, writes: Any) -> Any:
        if any(field == "starred" for field, _, _ in writes):
            raise OSError(28, "No space left on device")
        return super().set_many(writes)


async def test_a_failed_write_is_reported_and_the_screen_shows_the_truth() -> None:
    app = RecordingApp(Options(demo=True), store=BrokenStore)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = app.triage.papers.highlighted_paper
        assert paper is not None
        await pilot.press("s")
        await settle(pilot)
        errors = [n for n in app.notices if n[2] == "error"]
        assert errors and "No space left on device" in errors[0][1]
        assert not app.flags or not app.flags.get(paper.id).starred
        row = row_of(app.triage, paper.id)
        assert "☆" in row
        await pilot.press("r")  # other writes still work
        await settle(pilot)
    with FlagStore() as store:
        assert store.get(paper.id).read
        assert not store.get(paper.id).starred


async def test_writes_do_not_wait_for_the_disk(tmp_path: Path) -> None:
    """The screen shows a star before the (slow) store has written it."""
    release = threading.Event()

    class SlowStore(FlagStore):
        def set_many(self, writes: Any) -> Any:
            release.wait(5)
            return super().set_many(writes)

    app = RecordingApp(Options(demo=True), store=SlowStore)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = app.triage.papers.highlighted_paper
        assert paper is not None
        await pilot.press("s")
        row = row_of(app.triage, paper.id)
        assert "★" in row
        release.set()
        await settle(pilot)
    with FlagStore() as store:
        assert store.get(paper.id).starred


@pytest.mark.parametrize("width", [40, 69])
async def test_narrow_terminals_fetch_and_show_too(arxiv_double: ArxivDouble, width: int) -> None:
    serve_day(arxiv_double, make_day(WEDNESDAY, 8))
    app = RecordingApp(Options())
    async with app.run_test(size=(width, 12)) as pilot:
        await settle(pilot)
        assert not app.triage.sidebar.display
        assert app.triage.date_bar.text.startswith("Wed 2025-04-09")
        assert len(shown_ids(app)) == 8


class RefusingSource:
    """A source whose failure reason looks like markup: it must be shown as text."""

    def fetch_day(self, *args: Any, **kwargs: Any) -> Any:
        from tui.adapters.sources.api import FetchError

        raise FetchError("proxy said [b]no[/b] [@click=app.quit]here[/]")


async def test_failure_reasons_are_shown_as_text_not_markup() -> None:
    cache_days(make_day(WEDNESDAY, 2, provenance=RECONSTRUCTED))
    app = RecordingApp(Options(), source=RefusingSource)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.is_running
        assert "proxy said [b]no[/b] [@click=app.quit]here[/]" in app.triage.date_bar.text
        errors = [n for n in app.notices if n[2] == "error"]
        assert errors[0][1] == "proxy said [b]no[/b] [@click=app.quit]here[/]"
        assert app.markup_notices == []


async def test_a_recent_day_kept_reconstructed_is_replaced_by_arxivs_listing(
    arxiv_double: ArxivDouble,
) -> None:
    cache_days(make_day(TUESDAY, 3, provenance=RECONSTRUCTED))
    announced = make_day(TUESDAY, 4, first=40)
    serve_day(arxiv_double, announced)
    app = RecordingApp(Options(date=TUESDAY))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert sorted(shown_ids(app)) == sorted(p.id for p in announced.papers)
        assert "as announced (catchup)" in app.triage.date_bar.text
    kept = DayCache().load(TUESDAY, ("cs.LG", "cs.CV", "cs.CL", "cs.AI"))
    assert kept is not None and kept.provenance.final


async def test_going_back_from_arxivs_first_listing_says_so() -> None:
    first = date(1991, 8, 14)
    cache_days(make_day(first, 1))
    app = RecordingApp(Options(date=first))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.is_running
        assert app.triage.shown_date == first
        assert any(m == "Wed 1991-08-14 is arXiv's first listing." for _, m, _ in app.notices)


async def test_a_store_that_cannot_be_written_shows_its_flags_and_says_so() -> None:
    from tui.adapters.store import FlagStore

    star_in_store(["2504.00001"])
    cache_days(make_day(WEDNESDAY, 3))
    app = RecordingApp(Options(date=WEDNESDAY), store=lambda: FlagStore(read_only=True))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "★" in row_of(app.triage, "2504.00001")  # what is on disk is shown
        await pilot.press("j", "s")  # star the second: it cannot be kept
        await settle(pilot)
        errors = [m for _, m, severity in app.notices if severity == "error"]
        assert errors and "read-only: the change was not saved" in errors[0]
        assert app.flags is not None
        assert not app.flags.get("2504.00002").starred  # the screen does not pretend


async def test_a_long_notice_is_cut() -> None:
    from tui.app.app import NOTICE_CHARS

    app = RecordingApp(Options(demo=True))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.notify("x" * 5000, title="Long")
        await pilot.pause()
        shown = [n.message for n in app._notifications]
        assert any(len(m) == NOTICE_CHARS and m.endswith("…") for m in shown)
