"""The watch list on the triage screen: which papers a watched author or phrase hits (their row
marks, the sidebar's "Watched N", the watched-only view), and changes to the list (``w``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from textual.message import Message

from tui.app.messages import WatchAuthorSaved, WatchMatched
from tui.app.services.watching import WatchHit, positions, watch_hits, with_author, without_author
from tui.app.widgets.paper_row import NO_MARKS, RowMarks
from tui.core.filters import DayIndex
from tui.core.paper import Paper
from tui.core.watch import WatchList

_SELECTED_ONLY = RowMarks(selected=True)

SaveAuthor = Callable[[str], None]
"""Writes an author into (or takes one out of) the settings. Blocking: called on a worker."""


@dataclass(frozen=True, slots=True)
class WatchJob:
    """A change of the list to write to the settings and match again, on a worker."""

    name: str
    papers: Sequence[Paper]
    watch: WatchList
    version: int
    watching: bool


class WatchMarks:
    def __init__(
        self,
        watch: WatchList,
        *,
        save: SaveAuthor | None,
        remove: SaveAuthor | None,
        post: Callable[[Message], object],
    ) -> None:
        self.watch_list = watch
        self._save = save
        self._remove = remove
        self._post = post
        self.version = 0
        """Moves with every change of the list: matches made with an older one are dropped."""
        self.hits: dict[str, WatchHit] = {}
        self._positions: tuple[DayIndex, int, frozenset[int]] | None = None

    def marks(self, paper: Paper, selected: bool) -> RowMarks:
        hit = self.hits.get(paper.id)
        if hit is None:
            return _SELECTED_ONLY if selected else NO_MARKS
        return RowMarks(selected, True, hit.authors, hit.phrases)

    def watched_in(self, index: DayIndex) -> frozenset[int]:
        """Positions in ``index`` of the papers the list hits (kept while nothing changes)."""
        cached = self._positions
        if cached is not None and cached[0] is index and cached[1] == len(self.hits):
            return cached[2]
        found = positions(index.papers, self.hits)
        self._positions = (index, len(self.hits), found)
        return found

    def count(self, papers: Sequence[Paper]) -> int:
        return sum(1 for paper in papers if paper.id in self.hits)

    # ----------------------------------------------------------------- changes of the list

    def add(self, name: str, papers: Sequence[Paper]) -> WatchJob | str:
        """Watch ``name``: the job to run, or why there is none."""
        name = " ".join(name.split())
        known = self.watch_list.watched_author(name)
        if known is not None:
            return f"{name} is already watched (as {known})."
        self.watch_list = with_author(self.watch_list, name)
        self.version += 1
        return WatchJob(name, papers, self.watch_list, self.version, watching=True)

    def remove(self, name: str, papers: Sequence[Paper]) -> WatchJob | str:
        """Stop watching ``name`` (however the settings spell it): the job, or why there is none."""
        written = self.watch_list.watched_author(" ".join(name.split()))
        if written is None:
            return f"{name} is not watched."
        self.watch_list = without_author(self.watch_list, written)
        self.version += 1
        return WatchJob(written, papers, self.watch_list, self.version, watching=False)

    def run(self, job: WatchJob) -> None:
        """Worker thread: write the change to the settings, then match the list again."""
        save = self._save if job.watching else self._remove
        problem = None
        if save is not None:
            try:
                save(job.name)
            except Exception as error:  # the settings file is the user's: say why, go on
                problem = str(error) or type(error).__name__
        self._post(WatchAuthorSaved(job.name, problem, watching=job.watching))
        # A longer list only adds marks; a shorter one must take some away.
        self.match(job.papers, job.watch, job.version, complete=not job.watching)

    def match(
        self, papers: Sequence[Paper], watch: WatchList, version: int, *, complete: bool = False
    ) -> None:
        """Worker thread: which of ``papers`` the list hits."""
        hits = watch_hits(watch, papers)
        self._post(WatchMatched(hits, watch_version=version, complete=complete))

    def matched(self, message: WatchMatched) -> bool:
        """Take in a match; False when a newer list is being matched (dropped)."""
        if message.watch_version != self.version:
            return False
        if message.complete:
            self.hits = dict(message.hits)
        else:  # the same list over more papers, or a longer one: add to what is known
            self.hits.update(message.hits)
        self._positions = None
        return True
