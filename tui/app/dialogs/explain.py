"""Why these papers (E): what the recommendation model learnt from, the words that pull the day's
papers up and down, and the words behind the highlighted paper's place."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from tui.app.dialogs.dialog import Dialog
from tui.app.widgets.paper_row import safe_text
from tui.core.paper import Paper
from tui.core.words import count_papers

if TYPE_CHECKING:
    from tui.app.services.recommender import Recommendation
    from tui.core.recommend import Model

TERMS = 10
"""Terms shown each way."""
WHY_TERMS = 4
"""Terms each way in a paper's expanded view."""
TERM_WIDTH = 28
FRAME_WIDTH = 80


def term_columns(
    up: list[tuple[str, float]], down: list[tuple[str, float]], *, room: int = 76
) -> Content:
    """ "Pull up" and "pull down", one term and its weight a line: side by side where ``room``
    (cells) allows, else one list after the other (a weight never wraps away from its word)."""
    column = TERM_WIDTH + 8  # the term, its weight and a gap
    if not up and not down:
        return Content.styled("(no word)", "$text-muted")
    up_heading = Content.styled("↑ pull up", "bold $text-success")
    down_heading = Content.styled("↓ pull down", "bold $text-error")
    if room >= 2 * column:
        lines = [Content.assemble(up_heading.pad_right(column - 9), down_heading)]
        for row in range(max(len(up), len(down))):
            left = _term(up[row], TERM_WIDTH) if row < len(up) else " " * column
            right = _term(down[row], TERM_WIDTH) if row < len(down) else ""
            lines.append(Content.assemble(left, right))
        return Content("\n").join(lines)
    width = max(8, min(TERM_WIDTH, room - 9))
    lines = [up_heading, *(Content(_term(item, width)) for item in up)]
    lines += [Content(""), down_heading, *(Content(_term(item, width)) for item in down)]
    return Content("\n").join(lines)


def _term(item: tuple[str, float], width: int) -> str:
    term, weight = item
    shown = safe_text(term)
    if len(shown) > width:
        shown = shown[: width - 1] + "…"
    return f"{shown.ljust(width)} {weight:+.3f}  "


def why_content(model: Model, paper: Paper, relevance: float | None) -> Content:
    """One line for a paper's expanded view: its relevance, the words that pull it up and
    those that pull it down ("0.82 · ↑ protein, folding · ↓ market")."""
    up, down = model.explain_paper(paper, WHY_TERMS)
    if relevance is None:  # a paper from elsewhere (the starred view): scored on the spot
        relevance = model.relevance(model.scores([paper]))[0]
    parts: list[Content | str | tuple[str, str]] = [f"relevance {relevance:.2f}"]
    if up:
        parts += [" · ", ("↑ ", "$text-success"), ", ".join(safe_text(t) for t, _ in up)]
    if down:
        parts += [" · ", ("↓ ", "$text-error"), ", ".join(safe_text(t) for t, _ in down)]
    if not up and not down:
        parts.append(" · no word of it weighs in the model")
    return Content.assemble(*parts)


class ExplainScreen(Dialog[None]):
    """Dismisses with None (Esc or E)."""

    DEFAULT_CSS = """
    ExplainScreen {
        & > #explain { width: 80; }  /* FRAME_WIDTH */
        & .explain--part { height: auto; margin-top: 1; }
        & #explain-learnt { margin-top: 0; }
    }
    """

    FRAME_ID = "explain"
    DIALOG_TITLE = "Why these papers"
    DIALOG_HINT = (
        "R ranks the day · P only the recommended · + − threshold · M more like this · Esc"
    )

    BINDINGS = [("E", "cancel", "Close")]  # noqa: RUF012 - Textual's own pattern

    def __init__(self, shown: Recommendation | None, paper: Paper | None, threshold: float) -> None:
        super().__init__()
        self.shown = shown
        self.paper = paper
        self.threshold = threshold

    def compose_content(self) -> ComposeResult:
        shown = self.shown
        if shown is None or shown.model is None or not shown.trained:
            if shown is None:
                text = "Learning from your papers: E again in a moment."
            elif shown.starred or shown.library:
                text = (
                    f"Learnt from {shown.learnt_from}, but too little on this day to learn "
                    "from: the model needs other papers that differ from yours in their words."
                )
            else:
                text = (
                    "Nothing to learn from yet. Star papers (s), or bring your own library "
                    "with `arxiv-daily library import FILE` (BibTeX or Zotero CSL JSON): the "
                    "model learns what you like from them, and what you read without starring "
                    "counts against."
                )
            yield Static(Content(text), id="explain-learnt", classes="explain--part")
            return
        model = shown.model
        yield Static(Content(self._learnt(shown)), id="explain-learnt", classes="explain--part")
        up, down = model.explain(TERMS)
        room = min(self.app.size.width, FRAME_WIDTH) - 4  # the frame's border and padding
        yield Static(
            Content.assemble(("The model", "bold"), "\n", term_columns(up, down, room=room)),
            id="explain-model",
            classes="explain--part",
        )
        paper = self.paper
        if paper is not None:
            up, down = model.explain_paper(paper, TERMS)
            score = model.scores([paper])[0]
            relevance = model.relevance([score])[0]
            heading = Content.assemble(
                (f"This paper, {safe_text(paper.id)}", "bold"),
                f" · relevance {relevance:.2f}",
                " (recommended)" if relevance >= self.threshold else "",
            )
            yield Static(
                Content.assemble(heading, "\n", term_columns(up, down, room=room)),
                id="explain-paper",
                classes="explain--part",
            )

    def _learnt(self, shown: Recommendation) -> str:
        day = shown.day
        if shown.like is not None:
            text = f"More like {shown.like.id}: the one paper the day is ranked against."
        else:
            text = f"Learnt from {shown.learnt_from}"
            if shown.negatives:
                text += f"; {count_papers(shown.negatives)} read and not starred count against"
            text += "."
            recommended = len(shown.recommended(self.threshold))
            text += (
                f" At relevance ≥ {self.threshold:.2f}, {count_papers(recommended)} of the "
                "day recommended."
            )
        when = day.date.strftime("%a %Y-%m-%d")
        text += (
            f" Trained on the {count_papers(len(day.papers))} of {when} in "
            f"{shown.seconds * 1000:.0f} ms. Relevance: 0 is an ordinary paper of the day, "
            "1 one like those it learnt from."
        )
        return text
