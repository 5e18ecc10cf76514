"""The triage screen's undo steps (``u``): what each flag change set, and how to take it back
without overwriting what another reader changed meanwhile."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass

from tui.app.services.flag_keeper import FlagField

KEPT = 50
"""Steps kept; older ones are forgotten."""


@dataclass(frozen=True, slots=True)
class UndoStep:
    label: str
    field: FlagField
    previous: dict[str, bool]
    """Paper id -> the value before the step."""
    value: bool
    """The value the step set."""
    written: Future[dict[str, bool | str]] | None = None
    """Done once the step is on disk, with what the store held just before it (another
    reader's changes included): what an undo puts back, rather than this screen's view."""

    def changes(self) -> dict[str, tuple[bool | str, bool | str]]:
        """Each paper to take back: (the step's value, the value to put back). Where the store
        held something else than this screen saw (a star another reader made just before), that
        is what goes back; a paper already at its old value needs nothing."""
        previous: dict[str, bool | str] = dict(self.previous)
        if self.written is not None and self.written.done():
            previous.update(self.written.result())
        return {
            paper_id: (self.value, was) for paper_id, was in previous.items() if was != self.value
        }


class UndoHistory:
    def __init__(self) -> None:
        self._steps: list[UndoStep] = []

    def push(self, step: UndoStep) -> None:
        self._steps.append(step)
        del self._steps[:-KEPT]

    def pop(self) -> UndoStep | None:
        return self._steps.pop() if self._steps else None
