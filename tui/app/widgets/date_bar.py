"""The top line: the listing day, how many papers, how many unread, and what is going on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from textual.content import Content
from textual.reactive import reactive
from textual.timer import Timer
from textual.widget import Widget


class Status(Enum):
    QUIET = "quiet"
    BUSY = "busy"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class DateBarState:
    day: date | None = None
    """None before the first day arrives."""
    shown: int = 0
    total: int = 0
    unread: int = 0
    starred_only: bool = False
    status: str = ""
    """Progress, an offline mark, a failure: one line, plain text."""
    status_kind: Status = Status.QUIET
    selected: int = 0
    """Papers selected for a bulk action."""
    watched_only: bool = False
    cleared_only: bool = False
    """Showing what the kill rules cleared (K)."""
    read_hidden: int | None = None
    """Papers hidden because they are read (H), or None when read papers are shown."""
    seen_hidden: int | None = None
    """Papers hidden because they were seen before (B), or None when they are shown."""
    order: str = ""
    """How the list is sorted when not in the day's order (S): "newest first", "title A–Z"."""
    activity: str = ""
    """Background work of the user's (PDF downloads): one line, plain text."""
    provenance: str = ""
    """Where the day came from: "as announced (arXiv's catchup)", "reconstructed — …"."""
    exact: bool = True


_STATUS_STYLE = {
    Status.QUIET: "$text-muted",
    Status.BUSY: "$text-accent",
    Status.WARNING: "$text-warning",
    Status.ERROR: "$text-error",
}


def date_bar_content(state: DateBarState) -> Content:
    parts: list[Content] = []
    if state.starred_only:
        parts.append(Content.styled("★ Starred, every cached day", "bold $text-warning"))
    elif state.day is not None:
        parts.append(Content.styled(state.day.strftime("%a %Y-%m-%d"), "bold"))
    else:
        parts.append(Content.styled("arxiv-daily", "bold"))
    if state.day is not None or state.starred_only:
        papers = "paper" if state.total == 1 else "papers"
        count = (
            f"{state.shown} of {state.total} {papers}"
            if state.shown != state.total
            else f"{state.total} {papers}"
        )
        parts.append(Content(count))
        parts.append(
            Content.styled(
                f"{state.unread} unread", "$text-accent" if state.unread else "$text-muted"
            )
        )
    if state.provenance and state.day is not None and not state.starred_only:
        style = "$text-success" if state.exact else "$text-warning"
        parts.append(Content.styled(state.provenance, style))
    if state.order:
        parts.append(Content.styled(f"sorted: {state.order} (S)", "$text-secondary"))
    if state.watched_only:
        parts.append(Content.styled("◆ watched only", "$text-success"))
    if state.read_hidden is not None:
        parts.append(Content.styled(f"{state.read_hidden:,} read hidden (H)", "$text-muted"))
    if state.seen_hidden is not None:
        parts.append(Content.styled(f"{state.seen_hidden:,} seen before hidden (B)", "$text-muted"))
    if state.cleared_only:
        parts.append(Content.styled("✂ cleared by rules (K: back)", "$text-warning"))
    if state.selected:
        parts.append(Content.styled(f"{state.selected} selected", "bold $text-primary"))
    if state.activity:
        parts.append(Content.styled(state.activity, "$text-accent"))
    line = Content(" · ").join(parts)
    if state.status:
        line = Content.assemble(
            line, "  ", Content.styled(state.status, _STATUS_STYLE[state.status_kind])
        )
    return line


SHRINK_DELAY = 1.0
"""Seconds of quiet before the bar gives back a line it no longer needs."""


class DateBar(Widget):
    """Shows a DateBarState; the screen hands it a new one whenever anything on it changes."""

    DEFAULT_CSS = """
    DateBar {
        height: auto;
        max-height: 3;
        padding: 0 1;
    }
    """

    state: reactive[DateBarState] = reactive(DateBarState, repaint=False)
    """What the bar shows; the triage screen binds its ``date_state`` to it (``data_bind``)."""

    _lines = 0
    """The lines the bar keeps (it grows at once, and shrinks a moment after)."""
    _shrink_timer: Timer | None = None

    @property
    def text(self) -> str:
        """What the bar says, as plain text."""
        return date_bar_content(self.state).plain

    def watch_state(self, previous: DateBarState, state: DateBarState) -> None:
        # A layout of the whole screen costs tens of ms (a key press would miss its frame): only
        # when the bar needs more lines than it has; else a repaint of the bar will do. A line
        # no longer needed is given back a moment later, once things are quiet (a toggle that
        # adds a part and takes it away again, H or B, would lay the screen out each time).
        width = self.content_size.width
        needed = self._height(state, width) if width > 0 else 0
        if width > 0 and needed <= self._lines:
            self.refresh()
            if needed < self._lines:
                self._shrink_soon()
            return
        self._set_lines(needed)

    @property
    def shrinking(self) -> bool:
        """A line is to be given back in a moment (tests wait for it)."""
        return self._shrink_timer is not None

    def _shrink_soon(self) -> None:
        if self._shrink_timer is not None:
            self._shrink_timer.stop()
        self._shrink_timer = self.set_timer(SHRINK_DELAY, self._shrink, name="date bar shrinks")

    def _shrink(self) -> None:
        self._shrink_timer = None
        width = self.content_size.width
        if width > 0:
            needed = self._height(self.state, width)
            if needed < self._lines:
                self._set_lines(needed)

    def _set_lines(self, lines: int) -> None:
        if self._shrink_timer is not None:
            self._shrink_timer.stop()
            self._shrink_timer = None
        self._lines = lines
        self.styles.min_height = lines or None
        self.refresh(layout=True)

    def _height(self, state: DateBarState, width: int) -> int:
        # As Widget.get_content_height measures it (the styles serve as the rules map).
        return date_bar_content(state).get_height(self.styles, width)  # type: ignore[arg-type]

    def render(self) -> Content:
        return date_bar_content(self.state)
