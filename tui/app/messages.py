"""What background work tells the UI thread: workers only post these, never touch widgets."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import KW_ONLY, dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

from tui.app.services.watching import WatchHit
from tui.core.filters import DayIndex
from tui.core.fuzzy import FuzzyIndex
from tui.core.paper import Day, Paper
from tui.core.query import QueryIndex
from tui.core.rules import NOTHING_CLEARED, Cleared

if TYPE_CHECKING:
    from tui.adapters.sources.api import FetchProgress
    from tui.app.services.recommender import Recommendation


@dataclass(repr=False)  # a day's repr is its papers': not in every log line
class DayLoaded(Message):
    """A day's papers are ready (from the cache, arXiv, or the bundled sample)."""

    day: Day
    _: KW_ONLY
    requested: date
    """The date that was asked for (a fallback day may carry another date)."""
    generation: int
    still_fetching: bool
    """A cached copy shown while a fresher one is on its way."""
    note: str | None = None
    """Why this isn't the day that was asked for (offline fallback), if it isn't."""
    shown: threading.Event = field(default_factory=threading.Event, init=False)
    """Set once the UI has handled this day and painted the result (or dropped it)."""


@dataclass(repr=False)  # a day's repr is its papers': not in every log line
class DayIndexed(Message):
    """The filter index of a day just loaded (built after the day is posted, so rows show first)."""

    day: Day
    index: DayIndex
    _: KW_ONLY
    generation: int
    query_index: QueryIndex | None = None
    """Built when there are kill rules (they need it); the search box then shares it."""
    cleared: Cleared = NOTHING_CLEARED
    """What the kill rules cleared of the day."""


@dataclass
class FetchProgressed(Message):
    """How a day's fetch is going (requests made, papers so far, what it waits for)."""

    progress: FetchProgress
    _: KW_ONLY
    generation: int


@dataclass
class FetchFailed(Message):
    """A day could not be fetched; ``had_cached``: a cached copy is shown meanwhile."""

    reason: str
    _: KW_ONLY
    requested: date
    generation: int
    had_cached: bool


@dataclass
class LoadFinished(Message):
    """A day's worker has ended, whatever came of it (lets tests and the UI settle)."""

    _: KW_ONLY
    requested: date
    generation: int


@dataclass(repr=False)  # a day's repr is its papers': not in every log line
class StarredFound(Message):
    """The starred papers of every cached day, for the starred-only view."""

    papers: Sequence[Paper]
    index: DayIndex
    fuzzy: FuzzyIndex | None = None
    watch_hits: Mapping[str, WatchHit] | None = None


@dataclass(repr=False)  # a day's repr is its papers': not in every log line
class FuzzyIndexed(Message):
    """The typo-tolerant search index of a day (built after its filter index)."""

    day: Day
    fuzzy: FuzzyIndex
    _: KW_ONLY
    generation: int


@dataclass(repr=False)  # a day's repr is its papers': not in every log line
class WatchMatched(Message):
    """Which of some papers the watch list hits (computed with list number ``watch_version``)."""

    hits: Mapping[str, WatchHit]
    _: KW_ONLY
    watch_version: int
    complete: bool = False
    """The hits replace all that were known (the list lost an entry), not add to them."""


@dataclass
class WatchAuthorSaved(Message):
    """An author added to (or, ``watching`` False, taken off) the watch list was written to the
    settings, or could not be."""

    name: str
    problem: str | None
    _: KW_ONLY
    watching: bool = True


@dataclass
class PdfProgressed(Message):
    """Bytes of one paper's PDF downloaded so far (``total`` when the server said)."""

    paper_id: str
    done: int
    total: int | None
    _: KW_ONLY
    position: str
    """``"2/3"`` in a download of several papers, else empty."""


@dataclass
class PdfFinished(Message):
    """One paper's PDF is on disk (``path``), or could not be fetched (``problem``)."""

    paper_id: str
    _: KW_ONLY
    path: Path | None
    problem: str | None
    already_there: bool = False
    then_open: bool = False


@dataclass
class PdfJobEnded(Message):
    """A download job (one key press) is over, whatever came of it."""

    paper_ids: Sequence[str]


@dataclass
class StoreOpened(Message):
    """The flag store is open; ``notices``: what it set aside or repaired on the way."""

    notices: Sequence[str]


@dataclass
class FlagsChangedElsewhere(Message):
    """Another reader (another process on the same data dir) changed flags."""


@dataclass
class StoreFailed(Message):
    """The flag store could not be opened."""

    reason: str


@dataclass
class FlagWriteFailed(Message):
    """Changes to these papers could not be saved (or were left: another reader's stand)."""

    ids: Sequence[str]
    reason: str


@dataclass(repr=False)  # a day's repr is its papers': not in every log line
class Recommended(Message):
    """A model trained on the reader's papers (or one paper: more like this) and its verdict
    on the shown day."""

    recommendation: Recommendation
    _: KW_ONLY
    sequence: int
    """Which training request this answers (a later one supersedes it)."""


@dataclass
class SourcesWarned(Message):
    """Some of arXiv's sources could not help with the day shown (it came from another)."""

    reason: str
    _: KW_ONLY
    generation: int
