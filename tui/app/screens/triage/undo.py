"""The undo steps (``u``) of the triage screen and the library: what each flag or tag change
set, and how to take it back without overwriting what another reader changed meanwhile.

Quick triage (``T``) records its decisions in the list's history (``DecisionStep``): ``u`` takes
them back one at a time, the last first, in quick triage and on the list after it, as it takes
back the list's own keys."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass
from typing import Literal

from tui.adapters.later import LaterQueue
from tui.app.screens.tag_actions import TagStep
from tui.app.services.flag_keeper import FlagField, FlagKeeper
from tui.core.paper import Paper
from tui.core.render import latex_to_text

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


def take_back(flags: FlagKeeper, step: UndoStep) -> None:
    """Take ``step`` back where its value still stands: another reader's change meanwhile stays
    (written behind, like any flag change)."""
    changes = step.changes()
    if changes:
        flags.set_unless_changed(step.field, changes)


Decision = Literal["star", "read", "later"]


@dataclass(frozen=True, slots=True)
class DecisionStep:
    """One quick triage decision: the flags it set and the later queue's change, taken back
    together."""

    label: str
    paper: Paper
    decision: Decision
    flags: tuple[UndoStep, ...]
    """Each flag the decision set (star, read)."""
    later: LaterQueue
    was_later: bool
    """Whether the paper was in the later queue before (a decision takes it out, ``later`` puts
    it in): what goes back."""
    position: int
    """The paper's place in its pass, where quick triage goes back to."""
    run: object
    """The quick triage screen that made it (its ``u`` takes back only its own)."""

    def take_back(self, flags: FlagKeeper) -> str | None:
        """Take the decision back: its flags where they still stand, and the paper's place in
        the later queue. Why the later queue could not be saved, if it could not (the flags are
        taken back all the same)."""
        for step in self.flags:
            take_back(flags, step)
        paper = self.paper
        try:
            if self.was_later:
                self.later.add(paper.id, latex_to_text(paper.title))
            else:
                self.later.remove(paper.id)
        except OSError as error:
            return f"The later queue could not be saved: {error}"
        return None

    @property
    def starred(self) -> bool:
        """Whether it changed a star (the ranking then learns again)."""
        return any(step.field == "starred" for step in self.flags)


@dataclass(frozen=True, slots=True)
class NoteStep:
    """A note written, changed or removed (N): what it said before."""

    label: str
    paper_id: str
    was: str
    note: str

    def take_back(self, flags: FlagKeeper) -> None:
        """The note as it was, unless another reader wrote another since (theirs stays)."""
        flags.set_unless_changed("note", {self.paper_id: (self.note, self.was)})


Step = UndoStep | TagStep | DecisionStep | NoteStep


class UndoHistory:
    def __init__(self) -> None:
        self._steps: list[Step] = []

    def push(self, step: Step) -> None:
        self._steps.append(step)
        del self._steps[:-KEPT]

    def pop(self) -> Step | None:
        return self._steps.pop() if self._steps else None

    def peek(self) -> Step | None:
        """The step ``pop`` would take back, left in place."""
        return self._steps[-1] if self._steps else None
