from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input, Static

from tui.app.dialogs.date_picker import (
    DatePickerScreen,
    MonthCalendar,
    add_months,
    month_weeks,
    todays_listing,
)

TODAY = date(2025, 4, 16)  # a Wednesday
_NOT_DISMISSED = object()


class PickerHost(App[None]):
    """Pushes a DatePickerScreen on mount and records what it dismisses with."""

    def __init__(self, initial: date, today: date = TODAY) -> None:
        super().__init__()
        self.initial = initial
        self.today = today
        self.results: list[date | None] = []

    def compose(self) -> ComposeResult:
        yield Static("underneath")

    def on_mount(self) -> None:
        self.push_screen(DatePickerScreen(self.initial, self.today), self.results.append)


def picker(app: App[Any]) -> DatePickerScreen:
    screen = app.screen
    assert isinstance(screen, DatePickerScreen)
    return screen


def month_of(app: App[Any]) -> MonthCalendar:
    return picker(app).query_one(MonthCalendar)


def cell_style(pilot: Pilot[Any], day: date) -> Any:
    """The style drawn on screen at the middle of ``day``'s cell."""
    calendar = month_of(pilot.app)
    for row, week in enumerate(month_weeks(day.year, day.month)):
        if day in week:
            x = calendar.content_region.x + week.index(day) * 4 + 2
            y = calendar.content_region.y + 2 + row
            return pilot.app.screen.get_style_at(x, y)
    raise AssertionError(f"{day} is not in the shown month")


def screen_text(app: App[Any]) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def dialog_text(app: App[Any]) -> str:
    """The words inside the dialog's border, wrapped lines joined with single spaces."""
    inside = [line.split("│")[1] for line in screen_text(app).splitlines() if line.count("│") == 2]
    return " ".join(" ".join(inside).split())


async def test_arrows_move_by_day_and_week_across_month_boundaries() -> None:
    app = PickerHost(initial=date(2025, 4, 30))
    async with app.run_test() as pilot:
        calendar = month_of(app)
        assert calendar.cursor == date(2025, 4, 30)
        await pilot.press("right")
        assert calendar.cursor == date(2025, 5, 1)
        await pilot.press("up")
        assert calendar.cursor == date(2025, 4, 24)
        await pilot.press("down", "down")
        assert calendar.cursor == date(2025, 5, 8)
        await pilot.press("left")
        assert calendar.cursor == date(2025, 5, 7)
        assert app.results == []


async def test_page_keys_move_a_month_and_home_end_the_month_edges() -> None:
    app = PickerHost(initial=date(2025, 1, 31))
    async with app.run_test() as pilot:
        calendar = month_of(app)
        await pilot.press("pagedown")
        assert calendar.cursor == date(2025, 2, 28)
        await pilot.press("pageup")
        assert calendar.cursor == date(2025, 1, 28)
        await pilot.press("end")
        assert calendar.cursor == date(2025, 1, 31)
        await pilot.press("home")
        assert calendar.cursor == date(2025, 1, 1)


async def test_month_header_and_weekday_columns_are_drawn() -> None:
    app = PickerHost(initial=date(2025, 4, 9))
    async with app.run_test() as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "April 2025" in text
        assert "Mo  Tu  We  Th  Fr  Sa  Su" in text
        # 1 April 2025 is a Tuesday: the first week starts in the second column.
        assert "      1   2   3   4   5   6" in text
        await pilot.press("pagedown")
        await pilot.pause()
        assert "May 2025" in screen_text(app)


async def test_weekend_and_future_cells_are_greyed_out() -> None:
    app = PickerHost(initial=date(2025, 4, 9))
    async with app.run_test() as pilot:
        await pilot.pause()
        calendar = month_of(app)
        assert "month-calendar--weekend" in calendar.day_classes(date(2025, 4, 12))
        assert "month-calendar--unavailable" in calendar.day_classes(date(2025, 4, 12))
        assert "month-calendar--unavailable" in calendar.day_classes(date(2025, 4, 17))
        assert "month-calendar--unavailable" not in calendar.day_classes(date(2025, 4, 11))

        friday = cell_style(pilot, date(2025, 4, 11))
        saturday = cell_style(pilot, date(2025, 4, 12))
        future_thursday = cell_style(pilot, date(2025, 4, 17))
        assert saturday.color != friday.color
        assert future_thursday.color == saturday.color
        cursor = cell_style(pilot, date(2025, 4, 9))
        assert cursor.bgcolor != friday.bgcolor


async def test_enter_on_a_weekday_dismisses_with_it() -> None:
    app = PickerHost(initial=date(2025, 4, 9))
    async with app.run_test() as pilot:
        await pilot.press("right", "enter")
        await pilot.pause()
        assert app.results == [date(2025, 4, 10)]
        assert not isinstance(app.screen, DatePickerScreen)


async def test_enter_on_a_saturday_explains_and_stays_open() -> None:
    app = PickerHost(initial=date(2025, 4, 11))
    async with app.run_test() as pilot:
        await pilot.press("right", "enter")
        await pilot.pause()
        assert app.results == []
        message = "2025-04-12: no arXiv listing (a Saturday); nearest: 2025-04-11 and 2025-04-14"
        assert picker(app).message == message
        assert message in dialog_text(app)
        await pilot.press("left")  # moving on clears the explanation
        assert picker(app).message == ""
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [date(2025, 4, 11)]


async def test_a_day_after_today_is_refused() -> None:
    app = PickerHost(initial=TODAY)
    async with app.run_test() as pilot:
        await pilot.press("right", "enter")
        await pilot.pause()
        assert app.results == []
        assert picker(app).message.startswith("2025-04-17: not announced yet; newest: 2025-04-16")


async def test_a_click_moves_the_cursor_and_a_second_click_opens_the_day() -> None:
    app = PickerHost(initial=date(2025, 4, 9))
    async with app.run_test() as pilot:
        calendar = month_of(app)
        tuesday_15th = (1 * 4 + 1, 2 + 2)  # column Tu, third week row, below two header rows
        await pilot.click(calendar, offset=tuesday_15th)
        assert calendar.cursor == date(2025, 4, 15)
        assert app.results == []
        await pilot.click(calendar, offset=tuesday_15th)
        await pilot.pause()
        assert app.results == [date(2025, 4, 15)]


async def test_t_jumps_to_todays_listing() -> None:
    app = PickerHost(initial=date(2025, 1, 6), today=date(2025, 4, 13))  # a Sunday
    async with app.run_test() as pilot:
        await pilot.press("t")
        assert month_of(app).cursor == date(2025, 4, 11)
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [date(2025, 4, 11)]


async def test_typing_a_date_fills_the_field_and_enter_opens_it() -> None:
    app = PickerHost(initial=date(2025, 4, 1))
    async with app.run_test() as pilot:
        await pilot.press(*"2025-04-09")
        field = picker(app).query_one("#date-picker-input", Input)
        assert field.value == "2025-04-09"
        assert app.focused is month_of(app)  # typing never moves focus (that raced fast typists)
        assert month_of(app).cursor == date(2025, 4, 9)  # the calendar follows
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [date(2025, 4, 9)]


async def test_backspace_edits_the_typed_date_and_arrows_leave_it() -> None:
    app = PickerHost(initial=date(2025, 4, 1))
    async with app.run_test() as pilot:
        await pilot.press(*"2025-04-1", "backspace", "0")
        field = picker(app).query_one("#date-picker-input", Input)
        assert field.value == "2025-04-0"
        await pilot.press("right")  # back to the calendar: its day, not the half-typed one
        assert field.value == ""
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [date(2025, 4, 2)]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2025-02-30", "not a date: '2025-02-30' (expected YYYY-MM-DD)"),
        (
            "2025-04-13",
            "2025-04-13: no arXiv listing (a Sunday); nearest: 2025-04-11 and 2025-04-14",
        ),
        (
            "2024-11-29",
            "2024-11-29: no arXiv listing (holiday on 11-28); nearest: 2024-11-28 and 2024-12-02",
        ),
        ("2025-05-01", "2025-05-01: not announced yet; newest: 2025-04-16"),
    ],
)
async def test_a_bad_typed_date_shows_one_line_error(typed: str, message: str) -> None:
    app = PickerHost(initial=date(2025, 4, 1))
    async with app.run_test() as pilot:
        await pilot.press(*typed, "enter")
        await pilot.pause()
        assert app.results == []
        assert picker(app).message == message
        assert message in dialog_text(app)


async def test_escape_dismisses_with_none_from_calendar_and_from_field() -> None:
    app = PickerHost(initial=date(2025, 4, 9))
    async with app.run_test() as pilot:
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]
        app.push_screen(DatePickerScreen(date(2025, 4, 9), TODAY), app.results.append)
        await pilot.pause()
        await pilot.press("2", "0", "escape")
        await pilot.pause()
        assert app.results == [None, None]


async def test_push_screen_wait_returns_the_choice() -> None:
    chosen: list[date | None] = []

    class WaitingHost(App[None]):
        def on_mount(self) -> None:
            self.run_worker(self.ask())

        async def ask(self) -> None:
            chosen.append(await self.push_screen_wait(DatePickerScreen(date(2025, 4, 9), TODAY)))

    app = WaitingHost()
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("left", "enter")
        await app.workers.wait_for_complete()
        assert chosen == [date(2025, 4, 8)]


def test_add_months_clamps_to_month_length() -> None:
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 12, 15), 1) == date(2026, 1, 15)
    assert add_months(date(2025, 1, 15), -1) == date(2024, 12, 15)


def test_todays_listing_never_passes_today_or_the_latest_announcement() -> None:
    assert todays_listing(date(2025, 4, 12), latest=date(2025, 4, 14)) == date(2025, 4, 11)
    assert todays_listing(date(2025, 4, 16), latest=date(2025, 4, 15)) == date(2025, 4, 15)
    assert todays_listing(date(2025, 4, 16), latest=date(2025, 4, 17)) == date(2025, 4, 16)
