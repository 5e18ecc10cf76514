"""SVG snapshots of the whole app in its main states (pytest-textual-snapshot).

Each test builds the real app with a fixed "now" and a fixed terminal size, waits for every worker
and flag write, stops blinking cursors, and compares the screen with tests/__snapshots__/.
After a deliberate change, `python -m pytest tests/test_snapshots.py --snapshot-update` rewrites
them; look at the new SVGs (the text is in their <text> elements) before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from app_helpers import (
    RecordingApp,
    cache_days,
    demo_app,
    make_day,
    serve_day,
    settle,
    star_in_store,
    wait_until,
)
from arxiv_double import ArxivDouble
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input

from tui.adapters.store import FlagStore
from tui.adapters.store import rows as store_module
from tui.app.widgets.date_bar import DateBar
from tui.config import Config
from tui.core.follow import DEFAULT_FOLLOW
from tui.options import Options

SIZE = (110, 32)
TUESDAY = date(2025, 4, 8)

SnapCompare = Callable[..., bool]


def steady(app: App[Any]) -> None:
    """No blinking text cursor: a blink timer would make the picture depend on timing."""
    for field in app.screen.query(Input):
        field.cursor_blink = False


def after(*steps: Iterable[str] | Callable[[Pilot[Any]], Awaitable[None]]) -> Any:
    """A ``run_before`` that settles the app, then runs each step (keys to press, or a coroutine
    function of the pilot) settling after each, and stops blinking cursors."""

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for step in steps:
            if callable(step):
                await step(pilot)
            else:
                await pilot.press(*step)
            await settle(pilot)
        bars = list(pilot.app.screen.query(DateBar))  # a line no longer needed given back
        await wait_until(pilot, lambda: not any(bar.shrinking for bar in bars), "the date bar")
        steady(pilot.app)

    return run


def test_sample_day(snap_compare: SnapCompare) -> None:
    """--demo: the bundled sample day, the first paper highlighted, sidebar and footer shown."""
    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=after())


def test_expanded_abstract(snap_compare: SnapCompare) -> None:
    """The second sample paper expanded in place: authors, abstract and links under its row."""
    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=after(["j", "enter"]))


def test_date_picker(snap_compare: SnapCompare) -> None:
    """`d` opens the calendar on April 2025 with the sample day under the cursor."""
    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=after(["d"]))


def test_help_screen(snap_compare: SnapCompare) -> None:
    """`?` lists every key, grouped."""
    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=after(["question_mark"]))


def test_starred_view(snap_compare: SnapCompare) -> None:
    """Two papers starred (the first and third), then `f`: only those two, under a starred bar."""

    async def starred_shown(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, RecordingApp)
        await wait_until(
            pilot, lambda: len(app.triage.papers.shown_papers) == 2, "the two starred papers"
        )

    assert snap_compare(
        demo_app(),
        terminal_size=SIZE,
        run_before=after(["s", "j", "j", "s"], ["f"], starred_shown),
    )


def test_recommended_view(snap_compare: SnapCompare) -> None:
    """One paper starred (DMol, a diffusion paper), `P`, then `-` eight times: the papers the
    model recommends at 0.10, best first, each with its relevance; the sidebar counts them."""
    star_in_store(["2504.06312"])

    async def trained(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, RecordingApp)
        await wait_until(pilot, lambda: app.triage.recommendation is not None, "the model")

    async def recommended(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, RecordingApp)
        await wait_until(pilot, lambda: app.triage.papers.scores is not None, "the ranking")

    assert snap_compare(
        demo_app(), terminal_size=SIZE, run_before=after(trained, ["P"], recommended, ["minus"] * 8)
    )


def test_quick_triage(snap_compare: SnapCompare) -> None:
    """`T` on the sample day: the first unread paper with its abstract, how many are left, and
    the keys (s star, m read and next, l later, u undo)."""
    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=after(["T"]))


def test_search_without_hits(snap_compare: SnapCompare) -> None:
    """A search nothing matches: "0 of 16 papers" and the hint to clear it."""
    assert snap_compare(
        demo_app(),
        terminal_size=SIZE,
        run_before=after(["slash", *"zzqx", "enter"]),
    )


def test_day_with_zero_papers(snap_compare: SnapCompare) -> None:
    """A cached listing day with no papers at all says so in the list."""
    cache_days(make_day(TUESDAY, 0))
    assert snap_compare(RecordingApp(Options(date=TUESDAY)), terminal_size=SIZE, run_before=after())


def test_fetch_error_falls_back_to_the_sample_day(
    snap_compare: SnapCompare, arxiv_double: ArxivDouble
) -> None:
    """arXiv answers 503 to every try and nothing is cached: the sample day, the reason in the
    date bar, and the "Offline" notice."""
    arxiv_double.fail_next(503, times=1000)
    assert snap_compare(RecordingApp(Options()), terminal_size=SIZE, run_before=after())


def test_fetch_error_for_a_day_with_nothing_cached(
    snap_compare: SnapCompare, arxiv_double: ArxivDouble
) -> None:
    """Going back a day while arXiv answers 503: the list says why it is empty, and a
    notification says so too."""
    serve_day(arxiv_double, make_day(date(2025, 4, 9), 3))

    async def break_arxiv(pilot: Pilot[Any]) -> None:
        arxiv_double.fail_next(503, times=1000)

    assert snap_compare(
        RecordingApp(Options()),
        terminal_size=SIZE,
        run_before=after(break_arxiv, ["left_square_bracket"]),
    )


def test_starred_library(snap_compare: SnapCompare, monkeypatch: pytest.MonkeyPatch) -> None:
    """`L`: three starred papers, newest star first — a sample paper with a note, a cached
    Tuesday paper, and one whose metadata is not cached (the demo never fetches)."""
    cache_days(make_day(TUESDAY, 2))
    moments = iter(datetime(2025, 4, 9, hour, tzinfo=UTC) for hour in range(8, 20))

    class Clock(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Clock:
            moment = next(moments)
            return cls.fromtimestamp(moment.timestamp(), tz)

    monkeypatch.setattr(store_module, "datetime", Clock)
    with FlagStore() as store:
        store.set_starred("2503.99999", True)
        store.set_starred(make_day(TUESDAY, 2).papers[1].id, True)
        store.set_starred("2504.06312", True)
        store.set_note("2504.06312", "compare the schedule with DDT's")
    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=after(["L"]))


def test_watch_list_and_selection(snap_compare: SnapCompare) -> None:
    """Kai Wang and "low-rank" watched: three papers marked ◆ and counted in the sidebar; the
    first and third papers selected (✓, "2 selected" in the date bar)."""
    config = Config(follow=DEFAULT_FOLLOW, watch_authors=("Kai Wang",), watch_phrases=("low-rank",))
    assert snap_compare(
        demo_app(app_options={"config": config}),
        terminal_size=SIZE,
        run_before=after(["v", "j", "v"]),
    )


def test_sections_at_80_columns(snap_compare: SnapCompare) -> None:
    """The sample day at 80 columns, sidebar shown: "New submissions (13)" over two-line rows,
    each title whole (wrapped to a second or third line where it needs one), then authors, id
    and category; the replacements further down."""
    assert snap_compare(demo_app(), terminal_size=(80, 32), run_before=after())


def test_sections_at_120_columns(snap_compare: SnapCompare) -> None:
    """At 120 columns with the sidebar, scrolled to the end (G): the last new submissions, then
    "Replacements (3)" with their version marks."""
    assert snap_compare(demo_app(), terminal_size=(120, 32), run_before=after(["G"]))


def test_compact_list(snap_compare: SnapCompare) -> None:
    """z: one line per paper, the title cut to fit, under the same section headings."""
    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=after(["z"]))


def test_sorted_by_title(snap_compare: SnapCompare) -> None:
    """S twice: title A–Z, one list without sections; the date bar says how it is sorted."""
    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=after(["S", "S"]))
