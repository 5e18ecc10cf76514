"""Name the search typed in ``/`` to keep it: Enter saves it in the settings' ``[searches]``,
where the sidebar lists it beside the keyword profiles; Escape leaves it unsaved. And the
question before Delete in the sidebar takes a saved search out of the settings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Input, Static

from tui.app.dialogs.dialog import Dialog
from tui.app.widgets.paper_row import safe_text
from tui.core.saved_search import name_problem

NAME_LENGTH = 60
"""A sidebar entry, not a sentence."""


class SaveSearchScreen(Dialog[str]):
    """Dismisses with the name typed (spaces folded), or None when left.

    ``searches``: the saved searches by name (their queries), to say that a name replaces one;
    ``taken``: the keyword profiles' names, which a saved search may not have.
    """

    DEFAULT_CSS = """
    SaveSearchScreen {
        & #save-search-query { margin-bottom: 1; }
        & #save-search-problem { color: $text-warning; height: auto; }
    }
    """

    FRAME_ID = "save-search"
    DIALOG_TITLE = "Save this search"
    DIALOG_HINT = "Enter saves it in the settings ([searches]) · Esc leaves it unsaved"

    def __init__(self, query: str, searches: Mapping[str, str], taken: frozenset[str]) -> None:
        super().__init__()
        self.search_query = query
        self.searches = dict(searches)
        self.taken = taken

    def compose_content(self) -> ComposeResult:
        yield Static(
            Content.assemble(("Search: ", "dim"), safe_text(self.search_query)),
            id="save-search-query",
        )
        yield Input(
            placeholder="A name for the sidebar", max_length=NAME_LENGTH, id="save-search-name"
        )
        yield Static("", id="save-search-problem", markup=False)

    def on_mount(self) -> None:
        self.query_one("#save-search-name", Input).focus()

    def problem(self, name: str) -> str:
        """What the line under the name says of it ("" when nothing is wrong)."""
        wrong = name_problem(name) if name else None
        if wrong is not None:
            return wrong[0].upper() + wrong[1:] + "."
        if name in self.taken:
            return f"A keyword profile is named “{name}”: choose another name."
        if name in self.searches and self.searches[name] != self.search_query:
            return f"Enter replaces the saved search “{name}” ({self.searches[name]})."
        return ""

    @on(Input.Changed, "#save-search-name")
    def name_changed(self, event: Input.Changed) -> None:
        event.stop()
        line = self.query_one("#save-search-problem", Static)
        line.update(Content(self.problem(" ".join(event.value.split()))))

    @on(Input.Submitted, "#save-search-name")
    def save(self, event: Input.Submitted) -> None:
        event.stop()
        name = " ".join(event.value.split())
        line = self.query_one("#save-search-problem", Static)
        if not name:
            line.update(Content("Type a name first (Esc leaves the search unsaved)."))
            return
        if name in self.taken or name_problem(name) is not None:
            line.update(Content(self.problem(name)))
            return
        self.dismiss(name)


class RemoveSearchScreen(Dialog[bool]):
    """Asks before a saved search leaves the settings: Enter removes it (True), Esc keeps it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "remove", "Remove")]

    FRAME_ID = "remove-search"
    DIALOG_TITLE = "Remove a saved search"
    DIALOG_HINT = "Enter removes it from the settings · Esc keeps it"

    def __init__(self, name: str, query: str) -> None:
        super().__init__()
        self.search_name = name
        self.search_query = query

    def compose_content(self) -> ComposeResult:
        yield Static(
            Content.assemble(
                "Remove “",
                (safe_text(self.search_name), "bold"),
                "”?\n",
                ("Search: ", "dim"),
                safe_text(self.search_query),
            ),
            id="remove-search-text",
        )

    def action_remove(self) -> None:
        self.dismiss(True)
