"""The triage screen's search field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual.binding import Binding
from textual.widgets import Input


class SearchBox(Input):
    """The search field. ``typed`` hears every change while the key is being handled, so the list
    it filters is redrawn in the same frame as the letter (Input.Changed comes a frame later)."""

    BINDINGS: ClassVar = [Binding("escape", "screen.clear", "Clear", show=False)]

    def __init__(self, *, typed: Callable[[str], object], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._typed = typed

    def watch_value(self, value: str) -> None:
        self._typed(value)
