"""Recommendations for the shown day, on worker threads: the model of tui.core.recommend trained
on the reader's stars, imported library and papers passed over, and "more like this" models of
one paper.

The day's ``Corpus`` (tokenised, vectorised: most of the cost, ~0.6 s at 5,000 papers) is built
once per day and kept; training after a star then takes tens of milliseconds. The library file
is read again only when it changed on disk. numpy, scipy and scikit-learn are imported by the
first training, on a worker, never at start-up.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tui.adapters.ranking_inputs import Learned, gather
from tui.core.paper import Day, Paper
from tui.core.starred import FindPapers

if TYPE_CHECKING:
    from tui.adapters.library import LibraryStore, Positive
    from tui.core.recommend import Corpus, Model


@dataclass(frozen=True, slots=True, eq=False)
class Recommendation:
    """One trained model's verdict on a day."""

    day: Day
    model: Model | None
    """None: nothing to learn from (no star, no library paper with a word the day has)."""
    scores: dict[str, float] = field(repr=False)
    """Paper id -> the model's score (orders the day; higher is more like the positives)."""
    relevance: dict[str, float] = field(repr=False)
    """Paper id -> 0 (an ordinary paper of the day) to 1 (like the papers it learnt from)."""
    starred: int = 0
    library: int = 0
    negatives: int = 0
    like: Paper | None = None
    """The paper of a "more like this" model (None: the model of the reader's papers)."""
    seconds: float = 0.0
    """Training and scoring (the corpus aside, when it was already built)."""
    corpus_seconds: float = 0.0
    """Building the day's corpus, when this training had to (0: it was kept)."""

    @property
    def trained(self) -> bool:
        return self.model is not None and self.model.trained

    def recommended(self, threshold: float) -> frozenset[str]:
        """The ids of the papers at or above ``threshold``."""
        if not self.trained:
            return frozenset()
        return frozenset(i for i, value in self.relevance.items() if value >= threshold)

    @property
    def learnt_from(self) -> str:
        """What it learnt from, as the date bar and the panel say it."""
        if self.like is not None:
            return f"more like {self.like.id}"
        parts = []
        if self.starred:
            parts.append(f"{self.starred} starred")
        if self.library:
            parts.append(f"{self.library} from your library")
        return " and ".join(parts) or "nothing yet"


class Recommender:
    """Keeps the shown day's corpus and the library's positives; trains models on demand.

    Thread-safe: trainings run on workers; one corpus is built at a time."""

    def __init__(self, library: Callable[[], LibraryStore] | None = None) -> None:
        self._lock = threading.Lock()
        self._library = library
        """Opens the library file (None: the user's, opened on the first training: the BibTeX
        and CSL JSON reader stays off the start-up path)."""
        self._corpus: tuple[Day, Corpus] | None = None
        self._positives: tuple[tuple[int, int] | None, list[Positive]] | None = None
        self._looked_up: dict[str, Paper | None] = {}
        """Papers looked up in the day cache for the kept day's trainings (None: not there),
        so a training after a star reads no file."""
        self.notices: list[str] = []

    def library_positives(self) -> list[Positive]:
        """The imported library's papers, read again only when the file changed."""
        if self._library is None:
            from tui.adapters.library import LibraryStore

            self._library = LibraryStore
        store = self._library()
        try:
            stat = os.stat(store.path)
            key: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            key = None
        kept = self._positives
        if kept is not None and kept[0] == key:
            return kept[1]
        positives = store.positives() if key is not None else []
        self.notices = list(store.notices)
        self._positives = (key, positives)
        return positives

    def corpus(self, day: Day) -> tuple[Corpus, float]:
        """The day's corpus (built if it is not the kept one) and the seconds building took."""
        from tui.core.recommend import Corpus

        with self._lock:
            kept = self._corpus
            if kept is not None and kept[0] is day:
                return kept[1], 0.0
            started = time.perf_counter()
            corpus = Corpus(day.papers)
            self._corpus = (day, corpus)
            self._looked_up = {}  # a day opened: the cache may hold more than before
            return corpus, time.perf_counter() - started

    def learn(
        self,
        day: Day,
        starred_ids: Sequence[str],
        passed_over: Callable[[Paper], bool],
        find: FindPapers,
        known: Mapping[str, Paper],
    ) -> Recommendation:
        """Worker thread: a model of the reader's papers, and its verdict on ``day``."""
        learned = gather(
            day.papers,
            starred_ids,
            passed_over,
            self.library_positives(),
            self._remembering(find),
            known=known,
        )
        return self._train(day, learned, None)

    def _remembering(self, find: FindPapers) -> FindPapers:
        """``find``, asked only for the ids not looked up before (for the kept day)."""

        def find_once(ids: Sequence[str]) -> dict[str, Paper]:
            looked_up = self._looked_up
            fresh = [paper_id for paper_id in ids if paper_id not in looked_up]
            if fresh:
                found = find(fresh)
                looked_up.update((paper_id, found.get(paper_id)) for paper_id in fresh)
            return {i: p for i in ids if (p := looked_up.get(i)) is not None}

        return find_once

    def more_like(self, day: Day, paper: Paper) -> Recommendation:
        """Worker thread: a model with ``paper`` as its only positive."""
        learned = Learned([paper], [1.0], [], 0, [])
        return self._train(day, learned, paper)

    def _train(self, day: Day, learned: Learned, like: Paper | None) -> Recommendation:
        from tui.core.recommend import Model

        if not learned.positives:  # nothing to learn from: no corpus is built
            return Recommendation(day, None, {}, {})
        corpus, corpus_seconds = self.corpus(day)
        started = time.perf_counter()
        model = Model.train(corpus, learned.positives, learned.negatives, learned.weights)
        scores = model.scores()
        relevance = model.relevance(scores)
        ids = [paper.id for paper in corpus.papers]
        return Recommendation(
            day,
            model,
            dict(zip(ids, scores, strict=True)),
            dict(zip(ids, relevance, strict=True)),
            starred=learned.starred,
            library=learned.library,
            negatives=len(learned.negatives),
            like=like,
            seconds=time.perf_counter() - started,
            corpus_seconds=corpus_seconds,
        )
