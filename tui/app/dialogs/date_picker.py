"""Pick a listing day: a month calendar plus a field for a typed YYYY-MM-DD date."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input, Static

from tui.app.dialogs.dialog import Dialog
from tui.core.listing import (
    NotAListingDay,
    check_listing_day,
    is_listing_day,
    latest_listing_day,
    parse_listing_date,
    previous_listing_day,
)

CELL_WIDTH = 4
WEEKDAY_NAMES = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
CALENDAR_WIDTH = CELL_WIDTH * len(WEEKDAY_NAMES)
WEEK_ROWS = 6  # the most weeks a month touches; a fixed height keeps the dialog still
HEADER_ROWS = 2  # month title, weekday names
DATE_CHARACTERS = frozenset("0123456789")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), clamped to the length of the target month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_weeks(year: int, month: int) -> list[list[date | None]]:
    """Monday-first weeks of the month, ``None`` where a cell belongs to another month."""
    weeks: list[list[date | None]] = [
        [day if day.month == month else None for day in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]
    while len(weeks) < WEEK_ROWS:
        weeks.append([None] * len(WEEKDAY_NAMES))
    return weeks


def todays_listing(today: date, latest: date | None = None) -> date:
    """The newest listing day not after ``today`` that arXiv has announced."""
    candidate = today if is_listing_day(today) else previous_listing_day(today)
    latest = latest_listing_day() if latest is None else latest
    return min(candidate, latest)


def refusal(day: date, today: date) -> str | None:
    """Why ``day`` cannot be opened (one line), or ``None`` if it can. ``today``: the newest
    listing arXiv has announced."""
    try:
        check_listing_day(day)
    except NotAListingDay as error:
        return str(error)
    if day > today:
        return f"{day.isoformat()}: not announced yet; newest: {today.isoformat()}"
    return None


class MonthCalendar(Widget, can_focus=True):
    """One month, Monday first, with a day cursor; unavailable days are drawn dimmed."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "month-calendar--title",
        "month-calendar--weekday",
        "month-calendar--weekend",
        "month-calendar--unavailable",
        "month-calendar--today",
        "month-calendar--cursor",
    }

    DEFAULT_CSS = """
    MonthCalendar {
        width: 28;
        height: 8;
        & > .month-calendar--title { text-style: bold; color: $text-accent; }
        & > .month-calendar--weekday { color: $text-muted; }
        & > .month-calendar--weekend { color: $text-disabled; }
        & > .month-calendar--unavailable { color: $text-disabled; }
        & > .month-calendar--today { text-style: bold underline; }
        & > .month-calendar--cursor { background: $surface-lighten-2; }
        &:focus > .month-calendar--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move_days(-1)", "Previous day", show=False),
        Binding("right", "move_days(1)", "Next day", show=False),
        Binding("up", "move_days(-7)", "Previous week", show=False),
        Binding("down", "move_days(7)", "Next week", show=False),
        Binding("pageup", "move_months(-1)", "Previous month", show=False),
        Binding("pagedown", "move_months(1)", "Next month", show=False),
        Binding("shift+pageup", "move_months(-12)", "Previous year", show=False),
        Binding("shift+pagedown", "move_months(12)", "Next year", show=False),
        Binding("home", "month_edge(True)", "First of month", show=False),
        Binding("end", "month_edge(False)", "Last of month", show=False),
        Binding("t", "latest", "Latest listing"),
        Binding("enter", "choose", "Open day"),
    ]

    cursor: reactive[date] = reactive(date(2000, 1, 3))  # a placeholder; __init__ sets the real one

    @dataclass
    class Chosen(Message):
        """Enter (or a click on the cursor day): the user wants this day."""

        calendar: MonthCalendar
        day: date

    def __init__(self, initial: date, today: date, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.today = today
        self.set_reactive(MonthCalendar.cursor, initial)

    def is_available(self, day: date) -> bool:
        return is_listing_day(day) and day <= self.today

    def day_classes(self, day: date) -> tuple[str, ...]:
        """The component classes that style ``day``'s cell, most specific last."""
        classes = ["month-calendar--weekday"]
        if not is_listing_day(day):
            classes.append("month-calendar--weekend")
        if not self.is_available(day):
            classes.append("month-calendar--unavailable")
        if day == self.today:
            classes.append("month-calendar--today")
        if day == self.cursor:
            classes.append("month-calendar--cursor")
        return tuple(classes)

    def render(self) -> Content:
        cursor = self.cursor
        title = Content.styled(
            f"{calendar.month_name[cursor.month]} {cursor.year}".center(CALENDAR_WIDTH),
            self.get_visual_style("month-calendar--title"),
        )
        names = Content.assemble(
            *(
                (
                    f" {name} ",
                    self.get_visual_style(
                        "month-calendar--weekday",
                        *(("month-calendar--weekend",) if column >= 5 else ()),
                    ),
                )
                for column, name in enumerate(WEEKDAY_NAMES)
            )
        )
        lines = [title, names]
        for week in month_weeks(cursor.year, cursor.month):
            cells: list[Content | str] = []
            for day in week:
                if day is None:
                    cells.append(" " * CELL_WIDTH)
                else:
                    style = self.get_visual_style(*self.day_classes(day))
                    cells.append(Content.styled(f" {day.day:>2} ", style))
            lines.append(Content.assemble(*cells))
        return Content("\n").join(lines)

    def day_at(self, x: int, y: int) -> date | None:
        """The day drawn at widget offset (x, y), if any."""
        row, column = y - HEADER_ROWS, x // CELL_WIDTH
        if not (0 <= row < WEEK_ROWS and 0 <= column < len(WEEKDAY_NAMES)):
            return None
        return month_weeks(self.cursor.year, self.cursor.month)[row][column]

    def action_move_days(self, days: int) -> None:
        self.cursor += timedelta(days=days)

    def action_move_months(self, months: int) -> None:
        self.cursor = add_months(self.cursor, months)

    def action_month_edge(self, first: bool) -> None:
        year, month = self.cursor.year, self.cursor.month
        self.cursor = date(year, month, 1 if first else calendar.monthrange(year, month)[1])

    def action_latest(self) -> None:
        self.cursor = todays_listing(self.today)

    def action_choose(self) -> None:
        self.post_message(self.Chosen(self, self.cursor))

    def on_click(self, event: events.Click) -> None:
        day = self.day_at(event.x, event.y)
        if day is None:
            return
        if day == self.cursor:
            self.action_choose()
        else:
            self.cursor = day


class DatePickerScreen(Dialog[date]):
    """Choose the listing day to open; dismisses with the date, or ``None`` on Escape."""

    DEFAULT_CSS = """
    DatePickerScreen {
        & > #date-picker { width: 36; }
        & MonthCalendar { margin: 1 0 0 3; }
        & #date-picker-input { margin: 1 0 0 0; }
        & #date-picker-message { color: $text-error; height: auto; }
        & #date-picker-message.-empty { display: none; }
    }
    """

    FRAME_ID = "date-picker"
    DIALOG_TITLE = "Go to listing day"
    DIALOG_HINT = "←→ day  ↑↓ week  PgUp/PgDn month\nt latest  Enter open  Esc cancel"

    def __init__(self, initial: date, today: date) -> None:
        super().__init__()
        self.initial = initial
        self.today = today

    def compose_content(self) -> ComposeResult:
        yield MonthCalendar(self.initial, self.today, id="date-picker-calendar")
        yield Input(
            placeholder="YYYY-MM-DD",
            max_length=10,
            restrict=r"[0-9-]*",
            select_on_focus=False,
            id="date-picker-input",
        )
        yield Static("", id="date-picker-message", classes="-empty")

    def on_mount(self) -> None:
        month = self.query_one(MonthCalendar)
        self.watch(month, "cursor", self.cursor_moved, init=False)
        month.focus()

    def cursor_moved(self) -> None:
        self.show_message("")
        field = self.query_one("#date-picker-input", Input)
        if field.value and self.focused is not field and field.value != self._cursor_text():
            field.value = ""  # moving on the calendar leaves the typed date behind

    def _cursor_text(self) -> str:
        return self.query_one(MonthCalendar).cursor.isoformat()

    @property
    def message(self) -> str:
        """The one-line refusal or error shown, "" when none."""
        return str(self.query_one("#date-picker-message", Static).content)

    def show_message(self, text: str) -> None:
        line = self.query_one("#date-picker-message", Static)
        line.update(Content(text))
        line.set_class(not text, "-empty")

    def on_key(self, event: events.Key) -> None:
        """Typing on the calendar fills the date field; focus stays on the calendar.

        Moving focus to the field on the first digit lost or reordered fast typing: every widget
        drains its own queue of keys, so a key queued to the calendar before the move could be
        handled after keys that went to the field. Keys the field gets itself (after a click or
        Tab into it) never arrive here: it stops them.
        """
        field = self.query_one("#date-picker-input", Input)
        if self.focused is field:
            return
        typed = field.value
        if event.key == "backspace" and typed:
            field.value = typed[:-1]
        elif event.character in DATE_CHARACTERS or (typed and event.character == "-"):
            if len(typed) >= len("YYYY-MM-DD"):
                typed = ""  # a whole date is there already: start a new one
            field.value = typed + (event.character or "")
        else:
            return
        field.cursor_position = len(field.value)
        event.stop()
        event.prevent_default()

    @on(MonthCalendar.Chosen)
    def choose_from_calendar(self, event: MonthCalendar.Chosen) -> None:
        typed = self.query_one("#date-picker-input", Input).value
        if typed:
            self.choose_text(typed)
        else:
            self.choose(event.day)

    @on(Input.Changed, "#date-picker-input")
    def follow_typed_date(self, event: Input.Changed) -> None:
        self.show_message("")
        if len(event.value) != len("YYYY-MM-DD"):
            return
        try:
            typed = date.fromisoformat(event.value)
        except ValueError:
            return
        self.query_one(MonthCalendar).cursor = typed

    @on(Input.Submitted, "#date-picker-input")
    def choose_typed(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            self.choose(self.query_one(MonthCalendar).cursor)
            return
        self.choose_text(event.value)

    def choose_text(self, text: str) -> None:
        try:
            day = parse_listing_date(text)
        except ValueError as error:
            self.show_message(str(error))
            return
        self.choose(day)

    def choose(self, day: date) -> None:
        reason = refusal(day, self.today)
        if reason is None:
            self.dismiss(day)
        else:
            self.show_message(reason)
