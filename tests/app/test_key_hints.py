"""The key hints at the foot of the day's screen follow the day's first paint, and show even
when no day comes."""

from __future__ import annotations

import threading

from app_helpers import demo_app, settle, wait_until
from textual.widgets._footer import FooterKey

from tui.adapters.day_cache import DayCache
from tui.app.app import ArxivDailyApp
from tui.app.widgets.key_hints import KeyHints
from tui.options import Options

SIZE = (110, 32)


def hint_keys(app: ArxivDailyApp) -> list[str]:
    return [key.key for key in app.screen.query_one(KeyHints).query(FooterKey)]


async def test_the_key_hints_show_once_the_day_is_on_screen() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.triage.papers.shown_papers
        keys = hint_keys(app)
        assert "s" in keys and "question_mark" in keys
        await pilot.press("f")  # the bindings change: the hints follow, as a Footer's do
        await settle(pilot)
        assert hint_keys(app)


async def test_the_key_hints_show_while_a_day_is_still_loading() -> None:
    reading = threading.Event()
    release = threading.Event()

    def stuck_cache() -> DayCache:
        reading.set()
        release.wait(10)  # a disk that does not answer
        return DayCache()

    app = ArxivDailyApp(Options(demo=False), cache=stuck_cache, opener=lambda url: None)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, reading.is_set, "the day's read")
            hints = app.screen.query_one(KeyHints)
            await wait_until(pilot, lambda: bool(hints.query(FooterKey)), "the key hints", 3)
            assert not app.triage.papers.shown_papers  # no day yet, the keys all the same
            assert "q" in hint_keys(app)
            release.set()
    finally:
        release.set()
