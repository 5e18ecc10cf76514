"""Which of a paper's authors to watch, or stop watching: a small list, the first author first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.app.widgets.paper_row import WATCH_MARK, safe_text

MAX_LISTED = 300
"""A paper with thousands of authors lists the first ones (the rest are rarely the one)."""


class PickAuthorScreen(ModalScreen[str | None]):
    """Enter picks the highlighted author (to watch, or if watched to stop watching); Escape
    leaves without picking anyone."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "Cancel", show=False),
        Binding("q", "dismiss_none", "Cancel", show=False),
    ]

    DEFAULT_CSS = """
    PickAuthorScreen {
        align: center middle;
    }
    PickAuthorScreen > #pick-author {
        width: 60;
        max-width: 90%;
        height: auto;
        max-height: 80%;
        padding: 0 1;
        border: round $accent;
        background: $surface;
    }
    PickAuthorScreen #pick-author-title {
        padding: 0 0 1 0;
        text-style: bold;
    }
    PickAuthorScreen #pick-author-note {
        color: $text-muted;
    }
    PickAuthorScreen OptionList {
        height: auto;
        max-height: 20;
        border: none;
        padding: 0;
    }
    """

    def __init__(self, authors: Sequence[str], watched: Sequence[str] = ()) -> None:
        """``authors`` readable, in the paper's order; ``watched``: those already watched."""
        super().__init__()
        self.authors = tuple(safe_text(a) for a in authors[:MAX_LISTED])
        self._hidden = max(0, len(authors) - MAX_LISTED)
        self._watched = {safe_text(a) for a in watched}

    def compose(self) -> ComposeResult:
        with Vertical(id="pick-author"):
            yield Static(
                "Watch which author? Enter watches (a watched one: stops), Esc cancels",
                id="pick-author-title",
                markup=False,
            )
            options = []
            for index, name in enumerate(self.authors):
                prompt = Content(name)
                if name in self._watched:
                    prompt = Content.assemble(
                        prompt, ("  " + WATCH_MARK + " watched", "$text-muted")
                    )
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

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
