"""Write a short note on a paper: one line, Enter saves (empty removes it), Escape leaves it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Input, Static

from tui.app.dialogs.dialog import Dialog
from tui.app.widgets.paper_row import readable, safe_text
from tui.core.paper import Paper

NOTE_LENGTH = 500
"""A note is a reminder, not a review: one line, at most this many characters."""


class NoteScreen(Dialog[str]):
    """Dismisses with the note as typed (stripped; "" removes it), or None when left."""

    DEFAULT_CSS = """
    NoteScreen {
        & #note-paper { margin-bottom: 1; color: $text-muted; }
    }
    """

    FRAME_ID = "note"
    DIALOG_HINT = "Enter saves (empty removes it) · Esc leaves it"

    def __init__(self, paper_id: str, paper: Paper | None, note: str) -> None:
        super().__init__()
        self.paper_id = paper_id
        self.paper = paper
        self.note = note

    @property
    def dialog_title(self) -> str:
        return "Note on " + safe_text(self.paper_id)

    def compose_content(self) -> ComposeResult:
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
