"""The one look every modal dialog shares, and the one way it is left.

A dialog is a framed box over the dimmed screen: its title in the top border, its own widgets
inside, and at the bottom one muted line that says which keys do what. Escape cancels: the
dialog dismisses with ``None``.

A dialog derives from :class:`Dialog` and supplies:

- ``FRAME_ID``: the id of its frame, for its own CSS (``MyDialog > #my-frame { width: 36; }``);
- ``DIALOG_TITLE`` (or the ``dialog_title`` property when it depends on the instance): the
  border title, shown as plain text (never markup);
- ``DIALOG_HINT``: the keys line, plain text, "" for none;
- ``compose_content()``: the widgets inside the frame, between the title and the hint.

Its ``DEFAULT_CSS`` keeps only what is its own (a calendar's size, a list's height); the frame,
the border, the title, the padding, the dimming and the hint come from here.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType | None]):
    """A modal dialog that dismisses with a ``ResultType``, or ``None`` when cancelled."""

    DEFAULT_CSS = """
    Dialog {
        align: center middle;
        background: $background 60%;
        & > .dialog--frame {
            width: 76;
            max-width: 100%;
            height: auto;
            max-height: 100%;
            overflow-y: auto;
            padding: 0 1;
            border: round $accent;
            border-title-color: $text-accent;
            background: $surface;
        }
        & .dialog--frame OptionList { height: auto; border: none; padding: 0; }
        & .dialog--hint { height: auto; margin-top: 1; color: $text-muted; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    FRAME_ID: ClassVar[str] = "dialog"
    """The id of the bordered frame: a dialog's own CSS sizes it by this id."""

    DIALOG_TITLE: ClassVar[str] = ""
    """The title in the frame's top border; override ``dialog_title`` for one made per dialog."""

    DIALOG_HINT: ClassVar[str] = ""
    """The keys, as plain text on a muted line at the bottom of the frame; "" for no line."""

    @property
    def dialog_title(self) -> str:
        return self.DIALOG_TITLE

    def compose(self) -> ComposeResult:
        with Vertical(id=self.FRAME_ID, classes="dialog--frame") as frame:
            if self.dialog_title:
                frame.border_title = Content(self.dialog_title)
            yield from self.compose_content()
            if self.DIALOG_HINT:
                yield Static(Content(self.DIALOG_HINT), id="dialog-hint", classes="dialog--hint")

    def compose_content(self) -> ComposeResult:
        """The dialog's own widgets, inside the frame (the hook each dialog fills in)."""
        yield from ()

    def action_cancel(self) -> None:
        """Escape: leave the dialog; the caller gets ``None``."""
        self.dismiss(None)
