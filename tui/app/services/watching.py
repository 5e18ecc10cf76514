"""The watch list as the screen shows it: per paper, which of its authors and which phrases hit.

``WatchList`` says which watched entries (as written in the settings) a paper hits; the rows
need the paper's own spelling of the names, to highlight them where they are shown. Built on a
worker thread for a whole day at once (a few tens of milliseconds for 5,000 papers).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tui.core.paper import Paper
from tui.core.render import author_name
from tui.core.watch import WatchList


@dataclass(frozen=True, slots=True)
class WatchHit:
    authors: tuple[str, ...]
    """The paper's authors that are watched, readable (``Rocktäschel``, not TeX)."""
    phrases: tuple[str, ...]
    """The watched phrases found in the title or abstract, as written in the settings."""


WatchHits = Mapping[str, WatchHit]
"""Paper id -> what it hits, for the papers that hit anything."""


def watch_hits(watch: WatchList, papers: Sequence[Paper]) -> dict[str, WatchHit]:
    found: dict[str, WatchHit] = {}
    if not watch:
        return found
    for paper in papers:
        entries = watch.author_hits(paper)
        phrases = watch.phrase_hits(paper)
        if not entries and not phrases:
            continue
        names: tuple[str, ...] = ()
        if entries:
            names = tuple(
                author_name(raw) for raw in paper.authors if watch.watched_author(raw) is not None
            )
        found[paper.id] = WatchHit(names, phrases)
    return found


def with_author(watch: WatchList, name: str) -> WatchList:
    """``watch`` with one more author (unless that spelling is already there)."""
    folded = " ".join(name.split()).casefold()
    if any(" ".join(a.split()).casefold() == folded for a in watch.authors):
        return watch
    return WatchList((*watch.authors, name), watch.phrases)


def without_author(watch: WatchList, written: str) -> WatchList:
    """``watch`` without the author entry ``written`` (as the settings have it)."""
    return WatchList((a for a in watch.authors if a != written), watch.phrases)


def positions(papers: Iterable[Paper], hits: WatchHits) -> frozenset[int]:
    """Where the watched papers are in ``papers``."""
    return frozenset(i for i, paper in enumerate(papers) if paper.id in hits)
