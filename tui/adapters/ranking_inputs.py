"""What the recommendation model learns from, read from disk for the command line: the starred
papers (from the day or the day cache), the imported library, and the day's papers read and
not starred. The reader builds the same from its open store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tui.core.paper import Paper
from tui.core.starred import starred_papers


@dataclass(frozen=True, slots=True)
class Learned:
    positives: list[Paper]
    weights: list[float]
    negatives: list[Paper]
    starred: int
    """How many of the positives are stars (the rest: library papers)."""
    notices: list[str]


def learning_from_disk(day_papers: tuple[Paper, ...]) -> Learned:
    """The positives (stars weigh 1, library papers their recency weight), and the negatives.
    OSError if the flag store or the day cache cannot be read."""
    from tui.adapters.day_cache import DayCache
    from tui.adapters.library import LibraryStore
    from tui.adapters.store import FlagStore

    with FlagStore(read_only=True) as store:  # a reading command changes nothing
        starred_ids = [flag.id for flag in store.starred()]
        day_flags = store.many([paper.id for paper in day_papers])
        notices = list(store.notices)
    cache = DayCache()
    known = {paper.id: paper for paper in day_papers}
    stars = list(starred_papers(starred_ids, known, cache.find).values())
    positives, weights = list(stars), [1.0] * len(stars)
    library = LibraryStore()
    notices += library.notices
    library_positives = library.positives()
    wanted = [p.arxiv_id for p in library_positives if p.arxiv_id and p.arxiv_id not in known]
    found = dict(cache.find(wanted)) if wanted else {}
    have = {paper.id for paper in positives}
    for entry in library_positives:
        paper = known.get(entry.arxiv_id or "") or found.get(entry.arxiv_id or "")
        if paper is None:
            paper = _title_only(entry.arxiv_id, entry.title)
        if paper.id in have:
            continue
        have.add(paper.id)
        positives.append(paper)
        weights.append(entry.weight)
    negatives = [
        paper
        for paper in day_papers
        if day_flags[paper.id].read and not day_flags[paper.id].starred
    ]
    return Learned(positives, weights, negatives, len(stars), notices)


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
