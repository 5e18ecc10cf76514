from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Static

from tui.app.dialogs.help import HelpEntry, HelpScreen, HelpTable, matches

ENTRIES = (
    HelpEntry("j ↓", "Next paper", "Navigation"),
    HelpEntry("k ↑", "Previous paper", "Navigation"),
    HelpEntry("s", "Star or unstar the paper", "Triage"),
    HelpEntry("r", "Mark read or unread", "Triage"),
    HelpEntry("y", "Copy the arXiv id", "Copy & open"),
    HelpEntry("o", "Open the abstract page in the browser", "Copy & open"),
    HelpEntry("d", "Go to a listing day", "Views"),
    HelpEntry("?", "Show this help", "App"),
    HelpEntry("q", "Quit", "App"),
)


class HelpHost(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.closed = 0

    def compose(self) -> ComposeResult:
        yield Static("underneath")

    def on_mount(self) -> None:
        self.open_help()

    def open_help(self) -> None:
        self.push_screen(HelpScreen(ENTRIES), lambda _: self.count_close())

    def count_close(self) -> None:
        self.closed += 1


def help_screen(app: App[Any]) -> HelpScreen:
    assert isinstance(app.screen, HelpScreen)
    return app.screen


def table_text(app: App[Any]) -> str:
    return help_screen(app).query_one(HelpTable).visual.plain  # type: ignore[attr-defined,no-any-return]


async def test_entries_are_listed_under_their_groups_in_order() -> None:
    app = HelpHost()
    async with app.run_test(size=(90, 40)) as pilot:
        await pilot.pause()
        lines = table_text(app).splitlines()
        assert lines[0] == "Navigation"
        assert lines[1] == "  j ↓  Next paper"
        groups = [line for line in lines if line and not line.startswith(" ")]
        assert groups == ["Navigation", "Triage", "Copy & open", "Views", "App"]
        assert "  s    Star or unstar the paper" in lines
        assert help_screen(app).shown_entries == list(ENTRIES)


async def test_typing_filters_by_description_keys_or_group() -> None:
    app = HelpHost()
    async with app.run_test(size=(90, 40)) as pilot:
        await pilot.press(*"star")
        await pilot.pause()
        assert help_screen(app).shown_entries == [ENTRIES[2]]
        assert table_text(app).splitlines() == ["Triage", "  s  Star or unstar the paper"]

        await pilot.press(*["backspace"] * 4, *"COPY")
        assert [entry.keys for entry in help_screen(app).shown_entries] == ["y", "o"]

        await pilot.press(*["backspace"] * 4, *"views")
        assert [entry.keys for entry in help_screen(app).shown_entries] == ["d"]

        await pilot.press(*["backspace"] * 5, *"zzz")
        await pilot.pause()
        assert help_screen(app).shown_entries == []
        assert table_text(app) == "No key matches “zzz”"


async def test_matched_text_is_highlighted() -> None:
    app = HelpHost()
    async with app.run_test(size=(90, 40)) as pilot:
        await pilot.press(*"next")
        await pilot.pause()
        content = help_screen(app).query_one(HelpTable).visual
        start = content.plain.index("Next")  # type: ignore[attr-defined]
        highlighted = [
            span
            for span in content.spans  # type: ignore[attr-defined]
            if span.start == start and span.end == start + 4
        ]
        assert highlighted


async def test_escape_closes_even_with_a_filter() -> None:
    app = HelpHost()
    async with app.run_test() as pilot:
        await pilot.press(*"star", "escape")
        await pilot.pause()
        assert app.closed == 1
        assert not isinstance(app.screen, HelpScreen)


async def test_question_mark_and_q_close_only_when_the_filter_is_empty() -> None:
    app = HelpHost()
    async with app.run_test() as pilot:
        await pilot.press("s", "q")
        await pilot.pause()
        assert app.closed == 0
        assert help_screen(app).query_one("#help-filter").value == "sq"  # type: ignore[attr-defined]
        await pilot.press("backspace", "backspace", "q")
        await pilot.pause()
        assert app.closed == 1
        app.open_help()
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.closed == 2


async def test_enter_in_the_filter_keeps_the_help_open() -> None:
    app = HelpHost()
    async with app.run_test() as pilot:
        await pilot.press(*"star", "enter")
        await pilot.pause()
        assert app.closed == 0
        assert help_screen(app).shown_entries == [ENTRIES[2]]


def test_match_needs_every_term() -> None:
    assert matches(ENTRIES[2], ["star", "paper"])
    assert not matches(ENTRIES[2], ["star", "quit"])
    assert matches(ENTRIES[2], [])


async def test_arrow_and_page_keys_scroll_a_long_list_while_typing() -> None:
    app = HelpHost()
    async with app.run_test(size=(90, 14)) as pilot:
        await pilot.pause()
        scroller = help_screen(app).query_one("#help-list")
        assert scroller.max_scroll_y > 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert scroller.scroll_y > 0
        await pilot.press("up")
        await pilot.pause()
        assert 0 <= scroller.scroll_y < scroller.max_scroll_y
        assert app.focused is help_screen(app).query_one("#help-filter")
