"""Seen before: a paper met on an earlier day is marked in its row ("seen · listed Apr 7",
"seen · v2, you read v1") and in full when expanded; B hides those papers (the date bar counts
them), the settings can start with them hidden, ``is:seen`` finds them, and a paper read today
is read, not seen before."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from app_helpers import (
    RecordingApp,
    make_paper,
    row_of,
    settle,
    type_text,
    visible_rows,
    wait_until,
)
from factories import day as make_listing
from factories import paper
from textual.pilot import Pilot

from tui.adapters.day_cache import DayCache
from tui.adapters.store import FlagStore
from tui.adapters.store.rows import format_time
from tui.config import Config
from tui.core.follow import DEFAULT_FOLLOW
from tui.core.paper import Kind
from tui.options import Options

MONDAY = date(2025, 4, 7)
TUESDAY = date(2025, 4, 8)
SIZE = (110, 36)
MARCH = datetime(2025, 3, 20, 12, tzinfo=UTC)

CROSSED = make_paper(1, MONDAY)
"""New on Monday, cross-listed again on Tuesday."""
REPLACED = paper(
    id="2503.00042",
    kind=Kind.REPLACE,
    version=2,
    title="A replacement of a paper read in March",
    published=datetime(2025, 3, 3, tzinfo=UTC),
    updated=datetime(2025, 4, 7, 12, tzinfo=UTC),
)
"""Its v1 was read in March; v2 is listed on Tuesday."""
FRESH = [make_paper(n, TUESDAY) for n in (10, 11, 12)]


@pytest.fixture
def two_days(monkeypatch: pytest.MonkeyPatch) -> None:
    """Monday and Tuesday kept in the cache; REPLACED read in March (before its v2)."""
    cache = DayCache()
    cache.save(make_listing(MONDAY, [CROSSED, make_paper(2, MONDAY)]))
    crossed_again = CROSSED.with_kind(Kind.CROSS)
    cache.save(make_listing(TUESDAY, [*FRESH, crossed_again, REPLACED]))
    with monkeypatch.context() as patched:
        patched.setattr("tui.adapters.store.store.now_stamp", lambda: format_time(MARCH))
        with FlagStore() as store:
            store.set_read([REPLACED.id], True)


def tuesday_app(**config: object) -> RecordingApp:
    options = Options(date=TUESDAY)
    if not config:
        return RecordingApp(options)
    return RecordingApp(options, config=Config(follow=DEFAULT_FOLLOW, **config))  # type: ignore[arg-type]


def screen(app: RecordingApp) -> str:
    return "\n".join(visible_rows(app.triage))


def shown(app: RecordingApp) -> list[str]:
    return [p.id for p in app.triage.papers.shown_papers]


async def marks_shown(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, RecordingApp)
    await settle(pilot)
    await wait_until(
        pilot, lambda: "seen ·" in row_of(app.triage, CROSSED.id), "the seen-before marks"
    )


@pytest.mark.usefixtures("two_days")
async def test_rows_say_what_was_seen_before_and_expanding_says_it_in_full() -> None:
    app = tuesday_app()
    async with app.run_test(size=SIZE) as pilot:
        await marks_shown(pilot)
        triage = app.triage
        assert "seen · listed Apr 7" in row_of(triage, CROSSED.id)
        assert "seen · v2, you read v1" in row_of(triage, REPLACED.id)
        for fresh in FRESH:
            assert "seen" not in row_of(triage, fresh.id)
        assert triage.seen_seconds is not None
        triage.papers.move_to(REPLACED.id)
        await pilot.press("enter")
        assert "Seen before: v2 · you read v1" in screen(app)
        await pilot.press("enter")
        triage.papers.move_to(CROSSED.id)
        await pilot.press("enter")
        assert "Seen before: listed Mon 2025-04-07" in screen(app)


@pytest.mark.usefixtures("two_days")
async def test_b_hides_the_papers_seen_before_and_says_how_many() -> None:
    app = tuesday_app()
    async with app.run_test(size=SIZE) as pilot:
        await marks_shown(pilot)
        triage = app.triage
        assert len(shown(app)) == 5 and "hidden" not in triage.date_bar.text
        await pilot.press("B")
        assert shown(app) == [p.id for p in FRESH]
        assert "2 seen before hidden (B)" in triage.date_bar.text
        # With the read papers hidden too, each paper is counted once: the replacement (read
        # in March) as read, the cross-list as seen before.
        await pilot.press("H")
        assert shown(app) == [p.id for p in FRESH]
        assert "1 read hidden (H) · 1 seen before hidden (B)" in triage.date_bar.text
        await pilot.press("H", "B")  # toggled back: every paper again
        assert len(shown(app)) == 5
        assert "hidden" not in triage.date_bar.text


@pytest.mark.usefixtures("two_days")
async def test_the_settings_can_start_with_the_papers_seen_before_hidden() -> None:
    app = tuesday_app(hide_seen=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await wait_until(
            pilot, lambda: "seen before hidden" in app.triage.date_bar.text, "the count"
        )
        assert shown(app) == [p.id for p in FRESH]
        assert "2 seen before hidden (B)" in app.triage.date_bar.text
        await pilot.press("B")
        assert len(shown(app)) == 5
        assert "seen · v2, you read v1" in row_of(app.triage, REPLACED.id)


@pytest.mark.usefixtures("two_days")
async def test_is_seen_finds_them_in_the_search_language() -> None:
    app = tuesday_app()
    async with app.run_test(size=SIZE) as pilot:
        await marks_shown(pilot)
        await pilot.press("slash")
        await type_text(pilot, "is:seen")
        await wait_until(pilot, lambda: len(shown(app)) == 2, "the search")
        assert sorted(shown(app)) == sorted([CROSSED.id, REPLACED.id])


@pytest.mark.usefixtures("two_days")
async def test_a_kill_rule_can_hide_the_papers_seen_before() -> None:
    app = tuesday_app(rules_hide=("is:seen",))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: len(shown(app)) == 3, "the rule")
        assert shown(app) == [p.id for p in FRESH]


@pytest.mark.usefixtures("two_days")
async def test_a_paper_read_today_is_read_not_seen_before_and_marks_stay_for_the_day() -> None:
    app = tuesday_app()
    async with app.run_test(size=SIZE) as pilot:
        await marks_shown(pilot)
        triage = app.triage
        triage.papers.move_to(FRESH[0].id)
        await pilot.press("r")
        triage.papers.move_to(REPLACED.id)
        await pilot.press("r", "r")  # read in March: unread, then read again today
        await settle(pilot)
        with FlagStore() as store:
            assert store.get(FRESH[0].id).read and store.get(REPLACED.id).read
        await pilot.press("left_square_bracket")  # Monday, then back to Tuesday
        await wait_until(pilot, lambda: triage.shown_date == MONDAY, "Monday")
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await wait_until(pilot, lambda: triage.shown_date == TUESDAY, "Tuesday")
        await marks_shown(pilot)
        assert "seen" not in row_of(triage, FRESH[0].id)  # read today: read, not seen before
        # Read again in its v2 today, it keeps the mark it had when the day was opened.
        assert "seen · v2, you read v1" in row_of(triage, REPLACED.id)
        await pilot.press("B")
        assert "2 seen before hidden (B)" in triage.date_bar.text
        assert FRESH[0].id in shown(app)


@pytest.mark.usefixtures("two_days")
async def test_at_80_columns_the_mark_is_short_and_the_one_line_rows_have_it_too() -> None:
    app = tuesday_app()
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        triage = app.triage
        await wait_until(pilot, lambda: "seen Ada" in row_of(triage, CROSSED.id), "the narrow mark")
        # No room for "seen · listed Apr 7" beside the id: "seen" up front, nothing cut.
        assert row_of(triage, CROSSED.id).rstrip().endswith("2504.00001 · cs.LG · ↔ cross")
        assert "↻ v2 · seen · v2, you read v1" not in row_of(triage, REPLACED.id)
        assert "seen" in row_of(triage, REPLACED.id)
        triage.papers.move_to(CROSSED.id)
        await pilot.press("enter")
        assert "Seen before: listed Mon 2025-04-07" in screen(app)
        await pilot.press("enter", "z")  # the one-line rows: "seen" before the title
        assert "☆ seen Synthetic paper 1" in row_of(triage, CROSSED.id)
        assert "seen" not in row_of(triage, FRESH[0].id)
