"""What background work tells the UI thread: workers only post these, never touch widgets."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

from tui.app.services.day_ranking import Ranked
from tui.app.services.watching import WatchHit
from tui.core.filters import DayIndex
from tui.core.fuzzy import FuzzyIndex
from tui.core.paper import Day, Paper

if TYPE_CHECKING:
    from tui.adapters.sources.api import FetchProgress


class DayLoaded(Message):
    """A day's papers are ready (from the cache, arXiv, or the bundled sample)."""

    def __init__(
        self,
        day: Day,
        *,
        requested: date,
        generation: int,
        still_fetching: bool,
        note: str | None = None,
    ) -> None:
        super().__init__()
        self.day = day
        self.requested = requested
        """The date that was asked for (a fallback day may carry another date)."""
        self.generation = generation
        self.still_fetching = still_fetching
        """A cached copy shown while a fresher one is on its way."""
        self.note = note
        """Why this isn't the day that was asked for (offline fallback), if it isn't."""
        self.shown = threading.Event()
        """Set once the UI has handled this day and painted the result (or dropped it)."""


class DayIndexed(Message):
    """The filter index of a day just loaded (built after the day is posted, so rows show first)."""

    def __init__(self, day: Day, index: DayIndex, *, generation: int) -> None:
        super().__init__()
        self.day = day
        self.index = index
        self.generation = generation


class FetchProgressed(Message):
    def __init__(self, progress: FetchProgress, *, generation: int) -> None:
        super().__init__()
        self.progress = progress
        self.generation = generation


class FetchFailed(Message):
    def __init__(self, reason: str, *, requested: date, generation: int, had_cached: bool) -> None:
        super().__init__()
        self.reason = reason
        self.requested = requested
        self.generation = generation
        self.had_cached = had_cached


class LoadFinished(Message):
    """A day's worker has ended, whatever came of it (lets tests and the UI settle)."""

    def __init__(self, *, requested: date, generation: int) -> None:
        super().__init__()
        self.requested = requested
        self.generation = generation


class StarredFound(Message):
    """The starred papers of every cached day, for the starred-only view."""

    def __init__(
        self,
        papers: Sequence[Paper],
        index: DayIndex,
        fuzzy: FuzzyIndex | None = None,
        watch_hits: Mapping[str, WatchHit] | None = None,
    ) -> None:
        super().__init__()
        self.papers = papers
        self.index = index
        self.fuzzy = fuzzy
        self.watch_hits = watch_hits


class FuzzyIndexed(Message):
    """The typo-tolerant search index of a day (built after its filter index)."""

    def __init__(self, day: Day, fuzzy: FuzzyIndex, *, generation: int) -> None:
        super().__init__()
        self.day = day
        self.fuzzy = fuzzy
        self.generation = generation


class WatchMatched(Message):
    """Which of some papers the watch list hits (computed with list number ``watch_version``)."""

    def __init__(
        self, hits: Mapping[str, WatchHit], *, watch_version: int, complete: bool = False
    ) -> None:
        super().__init__()
        self.hits = hits
        self.watch_version = watch_version
        self.complete = complete
        """The hits replace all that were known (the list lost an entry), not add to them."""


class WatchAuthorSaved(Message):
    """An author added to (or, ``watching`` False, taken off) the watch list was written to the
    settings, or could not be."""

    def __init__(self, name: str, problem: str | None, *, watching: bool = True) -> None:
        super().__init__()
        self.name = name
        self.problem = problem
        self.watching = watching


class PdfProgressed(Message):
    def __init__(self, paper_id: str, done: int, total: int | None, *, position: str) -> None:
        super().__init__()
        self.paper_id = paper_id
        self.done = done
        self.total = total
        self.position = position
        """``"2/3"`` in a download of several papers, else empty."""


class PdfFinished(Message):
    """One paper's PDF is on disk (``path``), or could not be fetched (``problem``)."""

    def __init__(
        self,
        paper_id: str,
        *,
        path: Path | None,
        problem: str | None,
        already_there: bool = False,
        then_open: bool = False,
    ) -> None:
        super().__init__()
        self.paper_id = paper_id
        self.path = path
        self.problem = problem
        self.already_there = already_there
        self.then_open = then_open


class PdfJobEnded(Message):
    """A download job (one key press) is over, whatever came of it."""

    def __init__(self, paper_ids: Sequence[str]) -> None:
        super().__init__()
        self.paper_ids = paper_ids


class StoreOpened(Message):
    def __init__(self, notices: Sequence[str]) -> None:
        super().__init__()
        self.notices = notices


class FlagsChangedElsewhere(Message):
    """Another reader (another process on the same data dir) changed flags."""


class StoreFailed(Message):
    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class FlagWriteFailed(Message):
    def __init__(self, ids: Sequence[str], reason: str) -> None:
        super().__init__()
        self.ids = ids
        self.reason = reason


class DayRanked(Message):
    """The shown day's likeness scores to the starred papers."""

    def __init__(self, ranked: Ranked, *, sequence: int) -> None:
        super().__init__()
        self.ranked = ranked
        self.sequence = sequence
        """Which ranking request this answers (a later one supersedes it)."""


class SourcesWarned(Message):
    """Some of arXiv's sources could not help with the day shown (it came from another)."""

    def __init__(self, reason: str, *, generation: int) -> None:
        super().__init__()
        self.reason = reason
        self.generation = generation
