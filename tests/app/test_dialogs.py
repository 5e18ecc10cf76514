"""Every modal dialog shares one look (frame, border, title, muted hint line) and one way out:
Escape dismisses with None."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from app_helpers import make_paper
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from tui.app.dialogs.date_picker import DatePickerScreen
from tui.app.dialogs.dialog import Dialog
from tui.app.dialogs.export import ExportScreen
from tui.app.dialogs.help import HelpEntry, HelpScreen
from tui.app.dialogs.note import NoteScreen
from tui.app.dialogs.pick_author import PickAuthorScreen

ENTRIES = tuple(HelpEntry(f"k{i}", f"Action number {i}", f"Group {i // 5}") for i in range(30))

DIALOGS: dict[str, Callable[[], Dialog[Any]]] = {
    "date picker": lambda: DatePickerScreen(date(2025, 4, 9), date(2025, 4, 16)),
    "export": lambda: ExportScreen("the 3 papers shown", directory=Path("/x"), stem="day"),
    "help": lambda: HelpScreen(ENTRIES),
    "note": lambda: NoteScreen("2504.01234", make_paper(1, date(2025, 4, 9)), "a note"),
    "pick author": lambda: PickAuthorScreen(["Ada Lovelace", "Alan Turing"], ["Alan Turing"]),
}


class DialogHost(App[None]):
    """Shows one dialog over some text; records what it dismisses with."""

    def __init__(self, make: Callable[[], Dialog[Any]]) -> None:
        super().__init__()
        self.make = make
        self.results: list[object] = []

    def compose(self) -> ComposeResult:
        yield Static("underneath")

    def on_mount(self) -> None:
        self.push_screen(self.make(), self.results.append)


def frame_of(app: App[Any]) -> Widget:
    assert isinstance(app.screen, Dialog)
    return app.screen.query_one(".dialog--frame")


def screen_text(app: App[Any]) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def look(app: App[Any]) -> tuple[object, ...]:
    """What every dialog's frame and hint line must share."""
    frame = frame_of(app).styles
    hint = app.screen.query_one("#dialog-hint").styles
    return (
        frame.border_top,
        frame.border_left,
        frame.border_title_color,
        frame.border_title_style,
        frame.padding,
        frame.background,
        app.screen.styles.background,
        hint.color,
        hint.margin,
    )


async def test_every_dialog_has_the_same_frame_title_and_hint_line() -> None:
    looks = {}
    for name, make in DIALOGS.items():
        app = DialogHost(make)
        async with app.run_test(size=(100, 40)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, Dialog), name
            frame = frame_of(app)
            assert frame.styles.border_top[0] == "round", name
            assert screen.dialog_title and screen.dialog_title in screen_text(app), name
            hint = screen.query_one("#dialog-hint", Static)
            assert hint.parent is frame and list(frame.children)[-1] is hint, name
            assert str(hint.content) == screen.DIALOG_HINT and "Esc" in screen.DIALOG_HINT, name
            looks[name] = look(app)
    assert len(set(looks.values())) == 1, looks


@pytest.mark.parametrize("name", DIALOGS)
async def test_escape_dismisses_every_dialog_with_none(name: str) -> None:
    app = DialogHost(DIALOGS[name])
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]
        assert not isinstance(app.screen, Dialog)


async def test_q_also_leaves_the_author_picker() -> None:
    app = DialogHost(DIALOGS["pick author"])
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert app.results == [None]


async def test_the_title_is_plain_text_not_markup() -> None:
    app = DialogHost(lambda: NoteScreen("[b]2504.01234[/b]", None, ""))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "Note on [b]2504.01234[/b]" in screen_text(app)


@pytest.mark.parametrize("size", [(90, 34), (60, 18)])
async def test_the_help_list_scrolls_to_its_last_entry(size: tuple[int, int]) -> None:
    app = DialogHost(DIALOGS["help"])
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press(*["pagedown"] * 20)
        await pilot.pause()
        scroller = app.screen.query_one("#help-list", VerticalScroll)
        hint = app.screen.query_one("#dialog-hint")
        frame = frame_of(app)
        assert scroller.region.bottom <= hint.region.y - 1  # the hint's margin between them
        assert hint.region.bottom <= frame.region.bottom - 1  # inside the bottom border
        assert "Action number 29" in screen_text(app)
        assert "type to filter · Esc close" in screen_text(app)
