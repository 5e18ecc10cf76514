"""What the recommendation model learns from: the starred papers (from the day, the papers seen
or the day cache), the imported library, and the day's papers read and not starred.

``gather`` is the one way to put them together; ``learning_from_disk`` reads them from disk for
the command line, and the reader calls ``gather`` with its open store."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tui.core.paper import Paper
from tui.core.starred import FindPapers, starred_papers

if TYPE_CHECKING:
    from tui.adapters.library import Positive


@dataclass(frozen=True, slots=True)
class Learned:
    positives: list[Paper]
    weights: list[float]
    negatives: list[Paper]
    starred: int
    """How many of the positives are stars (the rest: library papers)."""
    notices: list[str]

    @property
    def library(self) -> int:
        """How many of the positives come from the imported library."""
        return len(self.positives) - self.starred


def gather(
    day_papers: Sequence[Paper],
    starred_ids: Sequence[str],
    passed_over: Callable[[Paper], bool],
    library: Sequence[Positive],
    find: FindPapers,
    *,
    known: Mapping[str, Paper] | None = None,
    notices: Sequence[str] = (),
) -> Learned:
    """The positives (stars weigh 1, library papers their recency weight) and the negatives (the
    day's papers ``passed_over``: read and not starred). Papers are looked up in ``known`` and
    the day, the rest with one call of ``find``; a library paper found nowhere is used by its
    title alone; a star found nowhere is left out."""
    known = {**(known or {}), **{paper.id: paper for paper in day_papers}}
    wanted = [p.arxiv_id for p in library if p.arxiv_id and p.arxiv_id not in known]
    missing = [paper_id for paper_id in starred_ids if paper_id not in known]
    found = dict(find(list(dict.fromkeys(missing + wanted)))) if missing or wanted else {}
    everywhere = {**found, **known}
    stars = list(starred_papers(starred_ids, everywhere, lambda _ids: {}).values())
    positives, weights = list(stars), [1.0] * len(stars)
    have = {paper.id for paper in positives}
    for entry in library:
        paper = everywhere.get(entry.arxiv_id or "")
        if paper is None:
            paper = _title_only(entry.arxiv_id, entry.title)
        if paper.id in have:
            continue
        have.add(paper.id)
        positives.append(paper)
        weights.append(entry.weight)
    negatives = [paper for paper in day_papers if paper.id not in have and passed_over(paper)]
    return Learned(positives, weights, negatives, len(stars), list(notices))


def learning_from_disk(day_papers: tuple[Paper, ...]) -> Learned:
    """``gather`` from the flag store, the day cache and the library file. OSError if the flag
    store or the day cache cannot be read."""
    from tui.adapters.day_cache import DayCache
    from tui.adapters.library import LibraryStore
    from tui.adapters.store import FlagStore

    with FlagStore(read_only=True) as store:  # a reading command changes nothing
        starred_ids = [flag.id for flag in store.starred()]
        day_flags = store.many([paper.id for paper in day_papers])
        notices = list(store.notices)
    library = LibraryStore()
    library_positives = library.positives()
    notices += library.notices
    return gather(
        day_papers,
        starred_ids,
        lambda paper: day_flags[paper.id].read and not day_flags[paper.id].starred,
        library_positives,
        DayCache().find,
        notices=notices,
    )


def _title_only(arxiv_id: str | None, title: str) -> Paper:
    """A library paper known by its title only (not in the day or the cache)."""
    moment = datetime(1991, 8, 14, tzinfo=UTC)
    return Paper(
        id=arxiv_id or f"library:{title[:40]}",
        version=1,
        title=title,
        authors=(),
        abstract="",
        categories=(),
        published=moment,
        updated=moment,
    )
