"""The key help: every action with its keys, grouped, filtered as you type."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

from tui.app.dialogs.dialog import Dialog

CLOSE_CHARACTERS = frozenset("?q")


@dataclass(frozen=True)
class HelpEntry:
    keys: str
    """As a person types them: ``"j ↓"``."""
    description: str
    group: str


def filter_terms(text: str) -> tuple[str, ...]:
    return tuple(text.casefold().split())


def matches(entry: HelpEntry, terms: Sequence[str]) -> bool:
    """Every term occurs in the entry's keys, description or group (case-insensitive)."""
    haystack = f"{entry.keys}\n{entry.description}\n{entry.group}".casefold()
    return all(term in haystack for term in terms)


def grouped(entries: Iterable[HelpEntry]) -> dict[str, list[HelpEntry]]:
    """Entries by group, groups in the order they first appear."""
    groups: dict[str, list[HelpEntry]] = {}
    for entry in entries:
        groups.setdefault(entry.group, []).append(entry)
    return groups


class HelpTable(Static):
    """The grouped entries as one block of text (fast to redraw on every keystroke)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "help-table--group",
        "help-table--keys",
        "help-table--match",
        "help-table--empty",
    }

    DEFAULT_CSS = """
    HelpTable {
        width: 1fr;
        height: auto;
        & > .help-table--group { text-style: bold; color: $text-accent; }
        & > .help-table--keys { text-style: bold; color: $text-primary; }
        & > .help-table--match { text-style: underline; color: $text-warning; }
        & > .help-table--empty { color: $text-muted; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.shown: list[HelpEntry] = []

    def show(self, entries: Sequence[HelpEntry], terms: Sequence[str]) -> None:
        self.shown = [entry for entry in entries if matches(entry, terms)]
        if not self.shown:
            self.update(
                Content.styled(
                    f"No key matches “{' '.join(terms)}”",
                    self.get_visual_style("help-table--empty", partial=True),
                )
            )
            return
        keys_width = max(len(entry.keys) for entry in self.shown)
        group_style = self.get_visual_style("help-table--group", partial=True)
        keys_style = self.get_visual_style("help-table--keys", partial=True)
        lines: list[Content] = []
        for group, members in grouped(self.shown).items():
            if lines:
                lines.append(Content(""))
            lines.append(self._highlight(Content.styled(group, group_style), terms))
            for entry in members:
                keys = Content.styled(entry.keys.ljust(keys_width), keys_style)
                line = Content.assemble("  ", keys, "  ", entry.description)
                lines.append(self._highlight(line, terms))
        self.update(Content("\n").join(lines))

    def _highlight(self, line: Content, terms: Sequence[str]) -> Content:
        style = self.get_visual_style("help-table--match", partial=True)
        folded = line.plain.casefold()
        if len(folded) != len(line.plain):  # folding changed offsets (e.g. "ß"): no highlight
            return line
        for term in terms:
            start = folded.find(term)
            while start != -1:
                line = line.stylize(style, start, start + len(term))
                start = folded.find(term, start + len(term))
        return line


class HelpFilter(Input):
    """The filter field; ``?`` or ``q`` typed into an empty filter close the help instead."""

    class CloseRequested(Message):
        pass

    async def _on_key(self, event: events.Key) -> None:
        if not self.value and event.character in CLOSE_CHARACTERS:
            event.stop()
            event.prevent_default()
            self.post_message(self.CloseRequested())


class HelpScreen(Dialog[None]):
    """Every key, grouped; type to filter; Escape (or ``?``/``q`` with an empty filter) closes."""

    DEFAULT_CSS = """
    HelpScreen {
        /* Near the top, not centred: filtering changes the height, the filter stays put. */
        align: center top;
        & > #help { margin-top: 2; max-height: 90%; }
        /* Filter and hint docked: the list's 1fr is then what is left between them, so it
           scrolls to its last entry instead of running under the bottom border. */
        & #help-filter { dock: top; margin-bottom: 1; }
        & #help-list { height: auto; max-height: 1fr; }
        & #dialog-hint { dock: bottom; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "scroll('up')", "Scroll up", show=False),
        Binding("down", "scroll('down')", "Scroll down", show=False),
        Binding("pageup", "scroll('page_up')", "Page up", show=False),
        Binding("pagedown", "scroll('page_down')", "Page down", show=False),
    ]

    FRAME_ID = "help"
    DIALOG_TITLE = "Keys"
    DIALOG_HINT = "type to filter · Esc close"

    def __init__(self, entries: Sequence[HelpEntry]) -> None:
        super().__init__()
        self.entries = tuple(entries)

    def compose_content(self) -> ComposeResult:
        yield HelpFilter(
            placeholder="Filter: key, action or group", id="help-filter", select_on_focus=False
        )
        with VerticalScroll(id="help-list", can_focus=False):
            yield HelpTable(id="help-table")

    def on_mount(self) -> None:
        self.query_one(HelpTable).show(self.entries, ())
        self.query_one(HelpFilter).focus()

    @property
    def shown_entries(self) -> list[HelpEntry]:
        return list(self.query_one(HelpTable).shown)

    @on(Input.Changed, "#help-filter")
    def apply_filter(self, event: Input.Changed) -> None:
        self.query_one(HelpTable).show(self.entries, filter_terms(event.value))
        self.query_one("#help-list", VerticalScroll).scroll_home(animate=False)

    @on(Input.Submitted, "#help-filter")
    def keep_open_on_enter(self, event: Input.Submitted) -> None:
        event.stop()

    @on(HelpFilter.CloseRequested)
    def close_from_filter(self) -> None:
        self.action_cancel()

    def action_scroll(self, direction: str) -> None:
        scroller = self.query_one("#help-list", VerticalScroll)
        scrolls = {
            "up": scroller.scroll_up,
            "down": scroller.scroll_down,
            "page_up": scroller.scroll_page_up,
            "page_down": scroller.scroll_page_down,
        }
        scrolls[direction](animate=False)
