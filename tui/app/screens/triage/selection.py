"""The papers selected on the triage screen (``v``, ``V``): what flag, copy and open keys act on."""

from __future__ import annotations

from collections.abc import Sequence

from tui.core.filters import Match
from tui.core.paper import Paper
from tui.core.words import count_papers


class Selection:
    """Selected papers by id, in the order they were selected."""

    def __init__(self) -> None:
        self._papers: dict[str, Paper] = {}

    def __len__(self) -> int:
        return len(self._papers)

    def __bool__(self) -> bool:
        return bool(self._papers)

    def __contains__(self, paper_id: object) -> bool:
        return paper_id in self._papers

    @property
    def papers(self) -> list[Paper]:
        return list(self._papers.values())

    def toggle(self, paper: Paper) -> None:
        if self._papers.pop(paper.id, None) is None:
            self._papers[paper.id] = paper

    def toggle_all(self, shown: Sequence[Paper]) -> None:
        """Select every paper shown; when all of them already are, unselect them."""
        if all(paper.id in self._papers for paper in shown):
            for paper in shown:
                self._papers.pop(paper.id, None)
        else:
            for paper in shown:
                self._papers.setdefault(paper.id, paper)

    def clear(self) -> list[str]:
        """Unselect everything; the ids that were selected."""
        ids = list(self._papers)
        self._papers.clear()
        return ids

    def targets(self, highlighted: Paper | None) -> list[Paper]:
        """What a key acts on: the selection, else the highlighted paper (if any)."""
        if self._papers:
            return self.papers
        return [] if highlighted is None else [highlighted]

    def export(
        self, shown: Sequence[Match], title: str, stem: str
    ) -> tuple[list[Match], str, str, str]:
        """What ``e`` exports while papers are selected: those, whether shown or not, with the
        keywords they matched where shown; (matches, what, title, file stem)."""
        keywords = {match.paper.id: match.keywords for match in shown}
        matches = [Match(paper, keywords.get(paper.id, ())) for paper in self._papers.values()]
        what = "the " + count_papers(len(matches)).replace(" paper", " selected paper", 1)
        return matches, what, f"{title}, selected", f"{stem}-selected"
