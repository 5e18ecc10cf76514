"""Quick triage: one paper at a time with its abstract, one key for each decision.

``s`` stars the paper (and marks it read), ``m`` (or space) marks it read, ``l`` puts it off to
the "later" queue (kept between runs); each moves on to the next paper. ``u`` takes the last
decision back, ``j``/``k`` move without deciding, ``Esc`` goes back to the list. The line at the
top says how many are left and what was decided. When the pass is over, ``l`` goes through the
papers put off.

The decisions go into the list's undo history (one step each): after going back to the list,
``u`` there takes them back too, the last first, one per press, as it takes back the list's own
keys. Here ``u`` takes back this pass's decisions only (the list's own steps are the list's).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from tui.adapters.later import LaterQueue
from tui.app.screens.triage.undo import Decision, DecisionStep, UndoHistory, UndoStep
from tui.app.services.flag_keeper import FlagKeeper
from tui.core.paper import Paper
from tui.core.render import kind_label, latex_to_text, short_authors
from tui.core.words import count_papers


class QuickTriageScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "decide('star')", "Star", id="quick.star"),
        Binding("m,space", "decide('read')", "Read, next", id="quick.read"),
        Binding("l", "later", "Later", id="quick.later"),
        Binding("u", "undo", "Undo", id="quick.undo"),
        Binding("j,down", "move(1)", "Next", show=False, id="quick.next"),
        Binding("k,up", "move(-1)", "Previous", show=False, id="quick.previous"),
        Binding("escape,q", "back", "Back", id="quick.back"),
    ]
    DEFAULT_CSS = """
    QuickTriageScreen {
        & > #quick-bar { height: auto; padding: 0 1; background: $boost; }
        & > #quick-body { padding: 1 2; }
        & #quick-paper { height: auto; }
    }
    """

    def __init__(
        self,
        papers: Sequence[Paper],
        *,
        flags: FlagKeeper,
        later: LaterQueue,
        put_off: Sequence[Paper] = (),
        history: UndoHistory | None = None,
    ) -> None:
        """``papers``: the pass, in the list's order (those already put off are left out);
        ``put_off``: the papers of the later queue this reader knows, for a pass after;
        ``history``: the list's undo history, where the decisions go (else one of its own)."""
        super().__init__()
        self.flags = flags
        self.later = later
        self.queue: list[Paper] = [p for p in papers if p.id not in later]
        self._put_off = [p for p in put_off if p.id in later]
        self.position = 0
        self.decided: dict[Decision, int] = {"star": 0, "read": 0, "later": 0}
        self.history = UndoHistory() if history is None else history
        self.in_later_pass = False

    def compose(self) -> ComposeResult:
        yield Static("", id="quick-bar", markup=False)
        with VerticalScroll(id="quick-body"):
            yield Static("", id="quick-paper", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._show()

    # ----------------------------------------------------------------- what is shown

    @property
    def current(self) -> Paper | None:
        return self.queue[self.position] if self.position < len(self.queue) else None

    @property
    def bar_text(self) -> str:
        return str(self.query_one("#quick-bar", Static).render())

    @property
    def paper_text(self) -> str:
        return str(self.query_one("#quick-paper", Static).render())

    def _show(self) -> None:
        left = len(self.queue) - self.position
        what = "the papers put off" if self.in_later_pass else "quick triage"
        counts = ", ".join(
            f"{n} {label}"
            for label, n in (
                ("starred", self.decided["star"]),
                ("read", self.decided["read"]),
                ("later", self.decided["later"]),
            )
            if n
        )
        bar = f"{what.capitalize()} · {count_papers(left)} left"
        if counts:
            bar += f" · {counts}"
        bar += f" · {len(self.later)} in the later queue"
        self.query_one("#quick-bar", Static).update(Content(bar))
        body = self.query_one("#quick-paper", Static)
        paper = self.current
        if paper is None:
            body.update(self._done())
        else:
            body.update(_paper_content(paper, self.flags.get(paper.id).starred))
        self.query_one("#quick-body", VerticalScroll).scroll_home(animate=False)

    def _done(self) -> Content:
        lines = [Content.styled("Done: every paper of this pass is decided.", "bold")]
        put_off = [p for p in self._put_off if p.id in self.later]
        if put_off and not self.in_later_pass:
            lines.append(Content(f"l goes through the {count_papers(len(put_off))} put off."))
        lines.append(Content("Esc goes back to the list."))
        return Content("\n").join(lines)

    # ----------------------------------------------------------------- decisions

    def action_decide(self, decision: Decision) -> None:
        paper = self.current
        if paper is None:
            return
        flag = self.flags.get(paper.id)
        was_later = paper.id in self.later
        steps = []
        if decision == "star":
            written = self.flags.set("starred", [paper.id], True)
            steps.append(UndoStep("star", "starred", {paper.id: flag.starred}, True, written))
        if not flag.read:
            written = self.flags.set("read", [paper.id], True)
            steps.append(UndoStep("read", "read", {paper.id: False}, True, written))
        self._keep_later(lambda: self.later.remove(paper.id))
        self._record(paper, decision, tuple(steps), was_later)
        self.decided[decision] += 1
        self.position += 1
        self._show()

    def _record(
        self, paper: Paper, decision: Decision, flags: tuple[UndoStep, ...], was_later: bool
    ) -> None:
        label = f"{decision} {paper.id}"
        self.history.push(
            DecisionStep(label, paper, decision, flags, self.later, was_later, self.position, self)
        )

    def action_later(self) -> None:
        paper = self.current
        if paper is None:
            put_off = [p for p in self._put_off if p.id in self.later]
            if put_off and not self.in_later_pass:
                self.in_later_pass = True
                self.queue, self.position = put_off, 0
                self._show()
            return
        was_later = paper.id in self.later
        if not self._keep_later(lambda: self.later.add(paper.id, latex_to_text(paper.title))):
            return
        self._record(paper, "later", (), was_later)
        if paper not in self._put_off:
            self._put_off.append(paper)
        self.decided["later"] += 1
        self.position += 1
        self._show()

    def action_undo(self) -> None:
        step = self.history.peek()
        if not isinstance(step, DecisionStep) or step.run is not self:
            self.app.notify("Nothing to undo in this pass.", timeout=3)
            return
        self.history.pop()
        # Only what the decision changed goes back, and only where it still stands: a star
        # another reader made meanwhile stays.
        problem = step.take_back(self.flags)
        if problem is not None:
            self.app.notify(problem, title="Later queue", severity="error", timeout=8)
        self.decided[step.decision] -= 1
        if self.queue[step.position : step.position + 1] == [step.paper]:
            self.position = step.position
        self._show()
        self.app.notify(f"Undone: {step.label}.", timeout=3)

    def _keep_later(self, change: Callable[[], object]) -> bool:
        """Change the later queue; a disk that refuses is said, and the queue is left as it
        was (whether the change was made)."""
        try:
            change()
        except OSError as error:
            self.app.notify(
                f"The later queue could not be saved: {error}",
                title="Later queue",
                severity="error",
                timeout=8,
            )
            return False
        return True

    def action_back(self) -> None:
        """Back to the list, which then shows what was decided (its counts, its rows)."""
        self.dismiss(None)

    def action_move(self, by: int) -> None:
        self.position = max(0, min(len(self.queue), self.position + by))
        self._show()


def _paper_content(paper: Paper, starred: bool) -> Content:
    """The paper as one reads it: title, authors, id and categories, the abstract."""
    title = Content.styled(latex_to_text(paper.title), "bold")
    if starred:
        title = Content.assemble(Content.styled("★ ", "$text-warning"), title)
    facts = " · ".join(
        part
        for part in (
            paper.versioned_id,
            " ".join(paper.categories),
            kind_label(paper),
            paper.comment or "",
        )
        if part
    )
    return Content("\n").join(
        [
            title,
            Content(short_authors(paper.authors, truncated=paper.authors_truncated)),
            Content.styled(facts, "$text-muted"),
            Content(""),
            Content(latex_to_text(paper.abstract)),
        ]
    )
