"""Rank the shown day by likeness to the starred papers, on worker threads.

Keeps the Ranker of the last day ranked (tokenising a day is most of the work), so ranking again
after a star costs about half. The starred papers come from the day itself, the papers seen this
session and the day cache; starred papers found nowhere are left out of the ranking.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from tui.adapters.day_cache import DayCache
from tui.core.paper import Day, Paper
from tui.core.ranking import Ranker
from tui.core.starred import starred_papers

RANK_DELAY = 0.4
"""Seconds after the last star change before ranking again (several stars, one ranking)."""


@dataclass(frozen=True, slots=True)
class Ranked:
    day: Day
    scores: dict[str, float]
    """Paper id -> likeness to the nearest starred paper, 0 to 1."""
    starred: int
    """Starred papers the ranking used."""
    seconds: float


class DayRanking:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._day: Day | None = None
        self._ranker: Ranker | None = None

    def rank(
        self,
        day: Day,
        starred_ids: Sequence[str],
        seen: Mapping[str, Paper],
        cache: Callable[[], DayCache],
    ) -> Ranked:
        """Worker thread: the day's scores against the starred papers found."""
        started = time.perf_counter()
        known = {**seen, **{paper.id: paper for paper in day.papers}}
        starred = list(starred_papers(starred_ids, known, cache().find).values())
        with self._lock:
            if self._day is not day or self._ranker is None:
                self._ranker = Ranker(day.papers)
                self._day = day
            ranker = self._ranker
            scores = ranker.scores(starred)
        by_id = {paper.id: score for paper, score in zip(ranker.papers, scores, strict=True)}
        return Ranked(day, by_id, len(starred), time.perf_counter() - started)
