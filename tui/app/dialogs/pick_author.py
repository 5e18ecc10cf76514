"""Which of a paper's authors to watch, or stop watching: a small list, the first author first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.app.dialogs.dialog import Dialog
from tui.app.widgets.paper_row import WATCH_MARK, safe_text

MAX_LISTED = 300
"""A paper with thousands of authors lists the first ones (the rest are rarely the one)."""


class PickAuthorScreen(Dialog[str]):
    """Enter picks the highlighted author (to watch, or if watched to stop watching); Escape
    (or ``q``) leaves without picking anyone."""

    DEFAULT_CSS = """
    PickAuthorScreen {
        & #pick-author-list { max-height: 20; }
        & #pick-author-note { color: $text-muted; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "cancel", "Cancel", show=False)]

    FRAME_ID = "pick-author"
    DIALOG_TITLE = "Watch which author?"
    DIALOG_HINT = "Enter watches (a watched one: stops) · Esc cancels"

    def __init__(self, authors: Sequence[str], watched: Sequence[str] = ()) -> None:
        """``authors`` readable, in the paper's order; ``watched``: those already watched."""
        super().__init__()
        self.authors = tuple(safe_text(a) for a in authors[:MAX_LISTED])
        self._hidden = max(0, len(authors) - MAX_LISTED)
        self._watched = {safe_text(a) for a in watched}

    def compose_content(self) -> ComposeResult:
        options = []
        for index, name in enumerate(self.authors):
            prompt = Content(name)
            if name in self._watched:
                prompt = Content.assemble(prompt, ("  " + WATCH_MARK + " watched", "$text-muted"))
            options.append(Option(prompt, id=f"author-{index}"))
        yield OptionList(*options, id="pick-author-list")
        if self._hidden:
            note = f"… and {self._hidden:,} more authors, not listed"
            yield Static(note, id="pick-author-note", markup=False)

    def on_mount(self) -> None:
        authors = self.query_one(OptionList)
        authors.highlighted = 0 if self.authors else None
        authors.focus()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.authors[event.option_index])
