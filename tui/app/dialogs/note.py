"""Write a short note on a paper: one line, Enter saves (empty removes it), Escape leaves it."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.app.widgets.paper_row import readable, safe_text
from tui.core.paper import Paper

NOTE_LENGTH = 500
"""A note is a reminder, not a review: one line, at most this many characters."""


class NoteScreen(ModalScreen[str | None]):
    """Dismisses with the note as typed (stripped; "" removes it), or None when left."""

    DEFAULT_CSS = """
    NoteScreen {
        align: center middle;
        & > #note {
            width: 80;
            max-width: 100%;
            height: auto;
            padding: 0 1;
            border: round $accent;
            border-title-color: $text-accent;
            border-subtitle-color: $text-muted;
            background: $surface;
        }
        & #note-paper { margin-bottom: 1; color: $text-muted; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, paper_id: str, paper: Paper | None, note: str) -> None:
        super().__init__()
        self.paper_id = paper_id
        self.paper = paper
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="note") as dialog:
            dialog.border_title = "Note on " + safe_text(self.paper_id)
            dialog.border_subtitle = "Enter saves (empty removes it) · Esc leaves it"
            title = readable(self.paper.title) if self.paper else "(metadata not cached)"
            yield Static(Content(title), id="note-paper")
            yield Input(
                self.note,
                placeholder="Why this paper matters to you",
                max_length=NOTE_LENGTH,
                id="note-text",
            )

    def on_mount(self) -> None:
        self.query_one("#note-text", Input).focus()

    @on(Input.Submitted, "#note-text")
    def save(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(" ".join(event.value.split()))

    def action_cancel(self) -> None:
        self.dismiss(None)
