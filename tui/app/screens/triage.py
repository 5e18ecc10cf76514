"""The morning screen: one listing day, filtered by the sidebar and the search box, triaged by key.

State lives here (the day shown, its index, the query, the undo steps); the widgets only show
what they are handed. Loading runs in thread workers that post messages; every message carries
the generation of the load that sent it, so a day the user has already left is ignored.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Resize
from textual.timer import Timer
from textual.widgets import Footer, Input, Static

from tui.adapters.day_cache import DayCache, worth_fetching
from tui.adapters.sample import load_sample_day
from tui.app.commands import TriageCommands, bindings, help_entries
from tui.app.dialogs.date_picker import DatePickerScreen
from tui.app.dialogs.export import (
    ExportRequest,
    ExportScreen,
    count_papers,
    file_stem,
    write_export,
)
from tui.app.dialogs.help import HelpScreen
from tui.app.dialogs.note import NoteScreen
from tui.app.messages import (
    DayIndexed,
    DayLoaded,
    DayRanked,
    FetchFailed,
    FetchProgressed,
    LoadFinished,
    SourcesWarned,
    StarredFound,
)
from tui.app.screens.library import LibraryScreen
from tui.app.screens.power_triage import MAX_OPENED, PowerTriage, TriageExtras
from tui.app.services.clipboard import Clipboard
from tui.app.services.day_ranking import RANK_DELAY, DayRanking
from tui.app.services.flag_keeper import FlagField, FlagKeeper
from tui.app.services.watching import watch_hits
from tui.app.widgets.date_bar import DateBar, DateBarState, Status
from tui.app.widgets.paper_list import PaperList
from tui.app.widgets.sidebar import Sidebar
from tui.core.export import to_bibtex
from tui.core.filters import DayIndex, Match, Query, View
from tui.core.follow import KeywordProfile
from tui.core.fuzzy import FuzzyIndex
from tui.core.listing import next_listing_day, previous_listing_day
from tui.core.paper import Day, Paper
from tui.paths import exports_dir

if TYPE_CHECKING:
    from tui.adapters.sources.api import ArxivSource, FetchProgress
    from tui.adapters.sources.day_loader import DayLoader

REPAINT_ROWS_ONE_BY_ONE = 64
T = TypeVar("T")

FIRST_PAINT_WAIT = 1.0
"""Seconds a loader waits for the day's rows to be painted before building its filter index."""

NARROW_WIDTH = 70
"""Below this many columns the sidebar hides itself (b brings it back)."""


@dataclass(frozen=True, slots=True)
class UndoStep:
    label: str
    field: FlagField
    previous: dict[str, bool]
    """Paper id -> the value before the step."""
    value: bool
    """The value the step set."""
    written: Future[dict[str, bool | str]] | None = None
    """Done once the step is on disk, with what the store held just before it (another
    reader's changes included): what an undo puts back, rather than this screen's view."""


@dataclass(frozen=True, slots=True)
class DaySources:
    """Where days come from; the app builds these, tests replace them."""

    cache: Callable[[], DayCache]
    """The day cache (built on first use, on a worker thread; shared, so guard with ``lock``)."""
    source: Callable[[], ArxivSource]
    lock: threading.Lock
    demo: bool
    """Only the bundled sample day and the cache: never fetch."""
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    """The clock that says which listing is the newest and what catchup still has."""
    loader: Callable[[], DayLoader] | None = None
    """Picks arXiv's source for each date (RSS, listing or catchup pages, API + OAI-PMH);
    None: one over ``source`` and arXiv's other sources as the environment names them."""

    def day_loader(self) -> DayLoader:
        """Built on first use, on a worker thread (it imports the network clients)."""
        with self.lock:
            built = self._built
            if not built:
                if self.loader is not None:
                    built.append(self.loader())
                else:
                    from tui.adapters.sources.day_loader import DayLoader, Sources

                    built.append(DayLoader(Sources(api=self.source)))
            return built[0]

    _built: list[DayLoader] = field(default_factory=list, repr=False, compare=False)


def _abandonable(fetch: Callable[[], T], cancel: threading.Event) -> T:
    """Run ``fetch`` on a daemon thread; give up waiting for it as soon as ``cancel`` is set.

    The source checks ``cancel`` between requests, but a request that hangs holds on until its
    timeout. Leaving the day (or quitting) must not wait for that: the worker returns at once
    and the abandoned request ends on its own (a daemon thread never holds up the exit).
    """
    from tui.adapters.sources.api import FetchCancelled

    done = threading.Event()
    outcome: list[T | BaseException] = []

    def run() -> None:
        try:
            outcome.append(fetch())
        except BaseException as error:
            outcome.append(error)
        finally:
            done.set()

    threading.Thread(target=run, name="arxiv-fetch", daemon=True).start()
    while not done.wait(0.05):
        if cancel.is_set():
            raise FetchCancelled("the day was left while it loaded")
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result


def _fetch_ids(
    source: Callable[[], ArxivSource], ids: Sequence[str], cancel: threading.Event
) -> list[Paper]:
    """Papers by id from arXiv on a worker, abandoned (FetchCancelled) when ``cancel`` is set."""
    return _abandonable(partial(source().fetch_ids, ids, cancel=cancel), cancel)


class SearchBox(Input):
    """The search field. ``typed`` hears every change while the key is being handled, so the list
    it filters is redrawn in the same frame as the letter (Input.Changed comes a frame later)."""

    BINDINGS: ClassVar = [Binding("escape", "screen.clear", "Clear", show=False)]

    def __init__(self, *, typed: Callable[[str], object], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._typed = typed

    def watch_value(self, value: str) -> None:
        self._typed(value)


class TriageScreen(PowerTriage):
    BINDINGS: ClassVar[list[BindingType]] = [*bindings()]
    COMMANDS: ClassVar = {TriageCommands}
    AUTO_FOCUS = "#papers"

    def __init__(
        self,
        *,
        categories: Sequence[str],
        profiles: Sequence[KeywordProfile],
        active_profile: str | None,
        start: date | None,
        newest: date,
        flags: FlagKeeper,
        days: DaySources,
        open_page: Callable[[str], None],
        expand_marks_read: bool = True,
        extras: TriageExtras | None = None,
    ) -> None:
        super().__init__()
        self.categories = tuple(categories)
        self.profiles = tuple(profiles)
        self._active_profile = active_profile
        self._enabled = frozenset(self.categories)
        self._start = start
        self.newest = newest
        self.flags = flags
        self._days = days
        self._open_page = open_page
        self._expand_marks_read = expand_marks_read

        self.shown_date: date | None = None
        """The listing day on screen (or being loaded)."""
        self.day: Day | None = None
        self._index: DayIndex | None = DayIndex(())
        """The shown day's filter index; None while it is being built."""
        self._starred_index: DayIndex | None = None
        self.starred_only = False
        self.view: View | None = None
        self._seen: dict[str, Paper] = {}
        """Every paper shown this session, for the starred view."""

        self._generation = 0
        self._cancel: threading.Event | None = None
        self.day_loading = False
        self._status = ""
        self._status_kind = Status.QUIET
        self._list_message = ""
        self._list_message_shown: str | None = None
        self._shown_ids: frozenset[str] = frozenset()
        self._view_text = ""
        """The search text ``view`` was made for."""
        """The ids of the papers in ``view``."""
        self._unread: int | None = None
        """How many of them are unread, as the date bar shows it."""
        self._undo: list[UndoStep] = []
        self._fallback_label: str | None = None
        """Set while an offline stand-in (the sample or an older cached day) is shown."""
        self.stale_results_ignored = 0
        """Results of days already left, dropped (tests wait on this)."""
        self.stale_loads_finished = 0
        self._init_power(extras or TriageExtras())

        self.ranking = False
        """The day is ordered by likeness to the starred papers (R)."""
        self._ranker = DayRanking()
        self._scores: dict[str, float] | None = None
        """The shown day's scores, once ranked."""
        self._ranked_by = 0
        self._rank_sequence = 0
        self._rank_timer: Timer | None = None
        self.rank_seconds: float | None = None
        """How long the last ranking took on its worker."""

    # ----------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        yield DateBar(id="date-bar")
        with Horizontal(id="body"):
            yield Sidebar(
                self.categories,
                self.profiles,
                active_profile=self._active_profile,
                enabled=self._enabled,
                id="sidebar",
            )
            with Vertical(id="main"):
                yield SearchBox(
                    typed=self._search_typed,
                    placeholder="Search: title, author, abstract, id",
                    id="search",
                )
                yield Static("", id="list-message", markup=False)
                yield PaperList(
                    flag_lookup=self.flags.get,
                    on_expand=self._expanded,
                    marks_lookup=self._row_marks,
                    id="papers",
                )
        yield Footer()

    @property
    def papers(self) -> PaperList:
        return self.query_one("#papers", PaperList)

    @property
    def date_bar(self) -> DateBar:
        return self.query_one(DateBar)

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one(Sidebar)

    @property
    def search_box(self) -> SearchBox:
        return self.query_one(SearchBox)

    def on_mount(self) -> None:
        self._restore_filters_on_mount()
        self._refresh_view()
        self.show_date(self._start or self.newest, first=True)

    def on_unmount(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
        self._leaving()

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW_WIDTH, "-narrow")

    # ----------------------------------------------------------------- loading days

    def show_date(self, day: date, *, first: bool = False) -> None:
        """Show the listing ``day``: the cached copy at once, then arXiv's where it may be newer."""
        if self._cancel is not None:
            self._cancel.set()
        self._day_changing(day)
        self._generation += 1
        self._cancel = threading.Event()
        self.starred_only = False
        self._fallback_label = None
        same_day = day == self.shown_date
        self.shown_date = day
        if not same_day:
            self.day = None
            self._index = DayIndex(())
        self.day_loading = True
        self._set_status("loading…", Status.BUSY)
        self._list_message = "Loading " + day.strftime("%a %Y-%m-%d") + "…"
        self._refresh_view(keep_position=same_day)
        self.run_worker(
            partial(self._load_day, day, self._generation, self._cancel, first),
            name=f"load {day.isoformat()}",
            group="day",
            exclusive=True,
            thread=True,
        )

    def _load_day(
        self, requested: date, generation: int, cancel: threading.Event, first: bool
    ) -> None:
        """Worker thread: cache first, then arXiv; everything it learns goes out as messages."""
        try:
            self._load_day_steps(requested, generation, cancel, first)
        except Exception as error:  # a bug or a broken cache must not take the app down
            reason = f"{type(error).__name__}: {error}"
            self.post_message(
                FetchFailed(reason, requested=requested, generation=generation, had_cached=False)
            )
        finally:
            self.post_message(LoadFinished(requested=requested, generation=generation))

    def _post_day(
        self, day: Day, *, requested: date, generation: int, fetching: bool, note: str | None = None
    ) -> None:
        loaded = DayLoaded(
            day, requested=requested, generation=generation, still_fetching=fetching, note=note
        )
        self.post_message(loaded)
        # The rows can show before the index exists (unfiltered); counts follow with it. The
        # index is built once they are on screen: built at the same time, it holds the GIL the
        # first paint needs (a cached 5,000-paper day: rows ~100 ms later).
        self._wait_until_shown(loaded)
        # The profiles' matches (the sidebar's counts) are made here rather than on the UI.
        index = DayIndex(day.papers, self.profiles)
        self.post_message(DayIndexed(day, index, generation=generation))

    def _wait_until_shown(self, loaded: DayLoaded) -> None:
        """Until the UI has painted ``loaded``, the day is left or the screen closes."""
        deadline = time.monotonic() + FIRST_PAINT_WAIT
        while not loaded.shown.wait(0.02):
            cancel = self._cancel
            if (
                loaded.generation != self._generation
                or (cancel is not None and cancel.is_set())
                or time.monotonic() > deadline
            ):
                return

    def _load_day_steps(
        self, requested: date, generation: int, cancel: threading.Event, first: bool
    ) -> None:
        days = self._days
        if days.demo:
            sample = load_sample_day()
            if requested == sample.date:
                self._post_day(sample, requested=requested, generation=generation, fetching=False)
                return
        with days.lock:
            cache = days.cache()
            cached = cache.load(requested, self.categories)
        # A day kept as arXiv announced it never changes; one kept reconstructed is asked for
        # again while an exact source still has it (the newest listing, or catchup's 90 days).
        fetch = not days.demo and worth_fetching(cached, days.now())
        if cached is not None:
            self._post_day(cached, requested=requested, generation=generation, fetching=fetch)
        if not fetch:
            if cached is None:
                reason = "nothing cached for this day (the demo never fetches)"
                self.post_message(
                    FetchFailed(
                        reason, requested=requested, generation=generation, had_cached=False
                    )
                )
            return

        # Imported only now (arxiv, requests): a cached day opens without them.
        from tui.adapters.sources.api import FetchCancelled, FetchError

        # Starting offline with nothing cached: show something to read (the newest cached day or
        # the sample) as soon as the first attempt fails, while the source keeps retrying.
        fall_back_early = first and cached is None
        fell_back = False

        def progress(report: FetchProgress) -> None:
            nonlocal fell_back
            if cancel.is_set():
                return
            self.post_message(FetchProgressed(report, generation=generation))
            failed_attempt = report.total is None and report.requests >= 1 and report.papers == 0
            if fall_back_early and failed_attempt and not fell_back:
                fell_back = True
                self._fall_back(requested, generation, report.message, retrying=True)

        def early(day: Day) -> None:
            """The exact listing, before the API fills in versions and dates."""
            if not cancel.is_set():
                self._post_day(day, requested=requested, generation=generation, fetching=True)

        try:
            loader = days.day_loader()
            loaded = _abandonable(
                partial(
                    loader.fetch,
                    requested,
                    self.categories,
                    progress=progress,
                    cancel=cancel,
                    early=early,
                ),
                cancel,
            )
        except FetchCancelled:
            return
        except (FetchError, ValueError) as error:
            if fall_back_early:
                self._fall_back(requested, generation, str(error), retrying=False)
                return
            self.post_message(
                FetchFailed(
                    str(error),
                    requested=requested,
                    generation=generation,
                    had_cached=cached is not None,
                )
            )
            return
        with days.lock:
            days.cache().save(loaded.day)
        self._post_day(loaded.day, requested=requested, generation=generation, fetching=False)
        if loaded.warnings:
            self.post_message(SourcesWarned("; ".join(loaded.warnings), generation=generation))

    def _fall_back(self, requested: date, generation: int, reason: str, *, retrying: bool) -> None:
        """First day not cached, arXiv unreachable: show the newest cached day, else the sample."""
        still = " (still trying)" if retrying else ""
        with self._days.lock:
            cache = self._days.cache()
            for cached_date in sorted(cache.dates(), reverse=True):
                cached = cache.load(cached_date, self.categories)
                if cached is not None:
                    note = f"offline — arXiv unreachable: {reason}{still}"
                    self._post_day(
                        cached,
                        requested=requested,
                        generation=generation,
                        fetching=retrying,
                        note=note,
                    )
                    return
        note = f"sample day — arXiv unreachable: {reason}{still}"
        self._post_day(
            load_sample_day(),
            requested=requested,
            generation=generation,
            fetching=retrying,
            note=note,
        )

    def _is_stale(self, generation: int) -> bool:
        if generation != self._generation:
            self.stale_results_ignored += 1
            return True
        return False

    @on(DayLoaded)
    def day_loaded(self, message: DayLoaded) -> None:
        self.call_after_refresh(self._day_shown, message)
        if self._is_stale(message.generation):
            return
        same_day = self.day is not None and self.day.date == message.day.date
        self.day = message.day
        self._index = None
        self.shown_date = message.day.date
        self.day_loading = message.still_fetching
        self._seen.update((paper.id, paper) for paper in message.day.papers)
        self._day_arrived(message.day)
        self._list_message = ""
        if message.note:
            self._set_status(message.note, Status.WARNING)
            if self._fallback_label is None:
                self.app.notify(message.note, title="Offline", severity="warning", timeout=8)
            self._fallback_label = (
                "sample day" if message.day.source == "sample" else "offline, cached day"
            )
        elif self._fallback_label is not None:
            self._fallback_label = None
            self._set_status("", Status.QUIET)
            self.app.notify("arXiv answered: showing " + message.day.date.strftime("%a %Y-%m-%d"))
        elif message.day.source == "sample":
            self._set_status("sample day (demo)", Status.QUIET)
        elif message.still_fetching:
            self._set_status("cached · checking arXiv…", Status.BUSY)
        else:
            self._set_status("", Status.QUIET)
        if not message.day.papers:
            self._list_message = "No papers listed on this day."
        self._scores = None
        if self.ranking:
            self._rank()
        if not self.starred_only:
            self._refresh_view(keep_position=same_day)

    def _day_shown(self, message: DayLoaded) -> None:
        message.shown.set()
        self.flags.ui_ready()

    @on(SourcesWarned)
    def sources_warned(self, message: SourcesWarned) -> None:
        """Quiet: the day is shown; the date bar says which of arXiv's sources did not help."""
        if message.generation == self._generation:
            self._set_status(message.reason, Status.QUIET)
            self._update_date_bar()

    @on(FetchProgressed)
    def fetch_progressed(self, message: FetchProgressed) -> None:
        if message.generation != self._generation:
            return
        report = message.progress
        if report.total:
            text = f"fetching {report.papers}/{report.total}…"
        else:
            text = report.message or "fetching…"
        if self._fallback_label is not None:
            self._set_status(f"{self._fallback_label} — {text}", Status.WARNING)
        else:
            prefix = "cached · " if self.day is not None else ""
            self._set_status(prefix + text, Status.BUSY)
        self._update_date_bar()

    @on(FetchFailed)
    def fetch_failed(self, message: FetchFailed) -> None:
        if self._is_stale(message.generation):
            return
        self.day_loading = False
        when = message.requested.strftime("%a %Y-%m-%d")
        self.app.notify(
            message.reason, title=f"Could not fetch {when}", severity="error", timeout=10
        )
        if self.day is not None:
            self._set_status("cached copy — " + message.reason, Status.WARNING)
        else:
            self._set_status("not loaded", Status.ERROR)
            self._list_message = f"Could not fetch {when}: {message.reason}"
        self._refresh_view()

    @on(LoadFinished)
    def load_finished(self, message: LoadFinished) -> None:
        self.flags.ui_ready()  # whatever the first load came to, the screen is up
        if message.generation != self._generation:
            self.stale_loads_finished += 1
            return
        self._load_settled()
        if self.day_loading:
            self.day_loading = False
            if self._status_kind is Status.BUSY:
                self._set_status("", Status.QUIET)
            self._update_date_bar()

    # ----------------------------------------------------------------- the view

    def _query(self) -> Query:
        enabled = None if self._enabled == frozenset(self.categories) else self._enabled
        profile = next((p for p in self.profiles if p.name == self._active_profile), None)
        return Query(categories=enabled, profile=profile, text=self.search_box.value)

    def _refresh_view(self, *, keep_position: bool = True) -> None:
        self._view_text = self.search_box.value
        index: DayIndex | None
        if self.starred_only:
            index = self._starred_index if self._starred_index is not None else DayIndex(())
        else:
            index = self._index
        if index is None:
            view = self._view_before_index()
            self.sidebar.show_counts(None, None)
        else:
            view = self._view_of(index)
            self.sidebar.show_counts(view.category_counts, view.profile_counts)
        scores = self._scores if self.ranking and not self.starred_only else None
        if scores is not None:
            ranked = sorted(view.matches, key=lambda match: -scores.get(match.paper.id, 0.0))
            view = View(tuple(ranked), view.category_counts, view.profile_counts, view.total)
        self.view = view
        self._shown_ids = frozenset(match.paper.id for match in view.matches)
        self.papers.show(view.matches, keep_position=keep_position, scores=scores)
        self._view_shown(view, counted=index is not None)
        self._update_date_bar()
        self._update_list_message()

    def _view_before_index(self) -> View:
        """Every paper if nothing filters them, else none yet (the index is a moment away)."""
        papers = self.day.papers if self.day is not None else ()
        query = self._query()
        unfiltered = query.categories is None and query.profile is None and not query.text.strip()
        matches = tuple(Match(paper, ()) for paper in papers) if unfiltered else ()
        return View(matches=matches, category_counts={}, profile_counts={}, total=len(papers))

    @on(DayIndexed)
    def day_indexed(self, message: DayIndexed) -> None:
        if message.generation != self._generation or message.day is not self.day:
            return
        self._index = message.index
        self._day_indexed(message.day, message.generation)
        # A day is tens of thousands of long-lived objects (papers, index strings). Moving them
        # out of the collector's sight keeps full collections, and so key presses, short (a
        # 5,000-paper day: worst key-to-screen ~70 ms → ~15 ms). Acyclic garbage is still freed.
        gc.freeze()
        if not self.starred_only:
            self._refresh_view()

    def _update_list_message(self) -> None:
        text = "" if self.starred_only else self._list_message
        view = self.view
        if not text and view is not None and not view.matches and view.total:
            if self._index is None and not self.starred_only:
                text = "Filtering…"
            else:
                text = "No paper matches. Esc clears the search; the sidebar turns filters off."
        if self.starred_only:
            if self._starred_index is None:
                text = "Finding the starred papers…"
            elif view is not None and not view.total:
                text = "No starred papers yet: s stars the highlighted paper."
        if text == self._list_message_shown:
            return  # an update lays out the whole screen again, even for the same text
        self._list_message_shown = text
        message = self.query_one("#list-message", Static)
        message.update(Content(text))
        message.display = bool(text)

    def _set_status(self, text: str, kind: Status) -> None:
        self._status = text
        self._status_kind = kind

    def _update_date_bar(self, *, unread_change: int | None = None) -> None:
        """``unread_change``: how a flag change moved the unread count, when the caller knows;
        spares a pass over every shown paper's flag (~3 ms at 5,000) on a key press."""
        view = self.view
        matches = view.matches if view is not None else ()
        if unread_change is None or self._unread is None:
            self._unread = self.flags.count_unread([match.paper.id for match in matches])
        else:
            self._unread += unread_change
        status, kind = self._status, self._status_kind
        if not status and self.ranking and not self.starred_only:
            status = (
                f"ranked by likeness to {self._ranked_by} starred"
                + (" paper" if self._ranked_by == 1 else " papers")
                if self._scores is not None
                else "ranking…"
            )
        self.date_bar.show(
            DateBarState(
                day=self.shown_date,
                shown=len(matches),
                total=view.total if view is not None else 0,
                unread=self._unread,
                starred_only=self.starred_only,
                status=status,
                status_kind=kind,
                selected=len(self.selected),
                watched_only=self.watched_only,
                activity=self._pdf_activity,
                provenance=self._provenance_label(),
                exact=self.day is None or self.day.provenance.exact,
            )
        )

    def _provenance_label(self) -> str:
        day = self.day
        if day is None or self.starred_only or day.source == "sample":
            return ""
        return day.provenance.label

    def flags_changed(self, ids: Iterable[str] | None = None) -> None:
        """Flags changed under the list (the store opened, a write failed): repaint."""
        self._repaint(ids)
        self._update_date_bar()

    def _repaint(self, ids: Iterable[str] | None) -> None:
        """Repaint these papers' rows; many of them at once is cheaper as one whole repaint."""
        if ids is not None:
            ids = list(ids)
            if len(ids) <= REPAINT_ROWS_ONE_BY_ONE:
                self.papers.refresh_papers(ids)
                return
        self.papers.refresh()

    # ----------------------------------------------------------------- sidebar and search

    @on(Sidebar.CategoriesChanged)
    def categories_changed(self, message: Sidebar.CategoriesChanged) -> None:
        self._enabled = message.enabled
        self._refresh_view()

    @on(Sidebar.ProfileChosen)
    def profile_chosen(self, message: Sidebar.ProfileChosen) -> None:
        self._active_profile = message.name
        self._refresh_view()

    def _search_typed(self, value: str) -> None:
        if value != self._view_text:
            self._refresh_view()

    @on(Input.Changed, "#search")
    def search_changed(self) -> None:
        self._search_typed(self.search_box.value)  # already shown, unless set another way

    @on(Input.Submitted, "#search")
    def search_submitted(self) -> None:
        self.papers.focus()

    def action_search(self) -> None:
        self.search_box.add_class("-open")
        self.search_box.focus()

    def action_clear(self) -> None:
        search = self.search_box
        if search.has_class("-open"):
            search.value = ""  # the list follows (_search_typed)
            search.remove_class("-open")
            self.papers.focus()
        elif self.selected:
            self._clear_selection()
        elif self.starred_only:
            self.action_starred_only()

    def action_toggle_sidebar(self) -> None:
        sidebar = self.sidebar
        visible = sidebar.display
        self.set_class(visible, "-sidebar-hidden")
        self.set_class(not visible, "-sidebar-shown")
        if visible and sidebar.has_focus_within:
            self.papers.focus()

    # ----------------------------------------------------------------- the paper list

    def _expanded(self, paper: Paper, expanded: bool) -> None:
        """Called by the list as it expands: the read mark shows in the same frame."""
        if self._expand_marks_read and expanded and not self.flags.get(paper.id).read:
            self._set_flag("read", [paper.id], True)

    def _highlighted(self) -> Paper | None:
        paper = self.papers.highlighted_paper
        if paper is None:
            self.app.notify("No paper here.", severity="warning", timeout=2)
        return paper

    def _set_flag(
        self, field: FlagField, ids: Sequence[str], value: bool, *, undo_label: str | None = None
    ) -> None:
        if not ids:
            return
        previous = {paper_id: getattr(self.flags.get(paper_id), field) for paper_id in ids}
        unread_change = 0
        if field == "read":
            for paper_id in dict.fromkeys(ids):
                if paper_id in self._shown_ids and self.flags.get(paper_id).read != value:
                    unread_change += -1 if value else 1
        written = self.flags.set(field, ids, value)
        if undo_label is not None:
            self._undo.append(UndoStep(undo_label, field, previous, value, written))
            del self._undo[:-50]
        self._repaint(ids)
        self._update_date_bar(unread_change=unread_change)
        if field == "starred":
            self._stars_changed()

    def action_toggle_expand(self) -> None:
        self.papers.toggle_expand()

    def action_toggle_star(self) -> None:
        self._toggle_flag("starred", ("star", "unstar"), ("Starred", "Unstarred"))

    def action_toggle_read(self) -> None:
        self._toggle_flag("read", ("mark read", "mark unread"), ("Marked read", "Marked unread"))

    def _toggle_flag(self, field: FlagField, verbs: tuple[str, str], done: tuple[str, str]) -> None:
        """Flip the flag of the highlighted paper; of a selection, set it on all (unless all
        have it already: then clear it on all)."""
        papers = self.targets()
        if not papers:
            return
        ids = [paper.id for paper in papers]
        value = not all(getattr(self.flags.get(paper_id), field) for paper_id in ids)
        verb = verbs[0] if value else verbs[1]
        if len(ids) == 1 and not self.selected:
            self._set_flag(field, ids, value, undo_label=f"{verb} {ids[0]}")
            return
        count = f"{len(ids)} paper" + ("" if len(ids) == 1 else "s")
        self._set_flag(field, ids, value, undo_label=f"{verb} {count}")
        self.app.notify(f"{done[0] if value else done[1]} {count}. u undoes it.", timeout=4)

    def action_mark_read_next(self) -> None:
        paper = self._highlighted()
        if paper is None:
            return
        if not self.flags.get(paper.id).read:
            self._set_flag("read", [paper.id], True, undo_label="mark read " + paper.id)
        self.papers.action_cursor_down()

    def action_next_unread(self) -> None:
        if not self.papers.next_unread():
            self.app.notify("Every paper shown is read.", timeout=3)

    def action_mark_all_read(self) -> None:
        ids = [p.id for p in self.papers.shown_papers if not self.flags.get(p.id).read]
        if not ids:
            self.app.notify("Every paper shown is already read.", timeout=3)
            return
        count = f"{len(ids)} paper" + ("" if len(ids) == 1 else "s")
        self._set_flag("read", ids, True, undo_label=f"mark {count} read")
        self.app.notify(f"Marked {count} read. u undoes it.", timeout=4)

    def action_undo(self) -> None:
        if not self._undo:
            self.app.notify("Nothing to undo.", timeout=3)
            return
        step = self._undo.pop()
        previous: dict[str, bool | str] = dict(step.previous)
        if step.written is not None and step.written.done():
            # What the store held when the step was written: a star another reader made just
            # before it is not this step's to take back.
            previous.update(step.written.result())
        # Back only where the step's value still stands: another reader's change meanwhile stays.
        changes: dict[str, tuple[bool | str, bool | str]] = {
            paper_id: (step.value, was) for paper_id, was in previous.items() if was != step.value
        }
        if changes:
            self.flags.set_unless_changed(step.field, changes)
        self._repaint(step.previous)
        self._update_date_bar()
        if step.field == "starred":
            self._stars_changed()
        self.app.notify(f"Undone: {step.label}.", timeout=3)

    def _copy(
        self,
        text_of: Callable[[Paper], str],
        what: Callable[[Paper], str],
        many: str,
        joined: Callable[[list[Paper]], str] | None = None,
    ) -> None:
        """Copy the highlighted paper's text, or the selection's (one per line unless
        ``joined`` says how)."""
        papers = self.targets()
        if len(papers) == 1 and not self.selected:
            Clipboard(self.app).copy(text_of(papers[0]), what(papers[0]))
        elif papers:
            text = joined(papers) if joined else "\n".join(text_of(paper) for paper in papers)
            Clipboard(self.app).copy(text, f"{len(papers)} {many}")

    def action_copy_id(self) -> None:
        self._copy(lambda p: p.id, lambda p: p.id, "IDs")

    def action_copy_abs(self) -> None:
        self._copy(lambda p: p.abs_url, lambda p: "link " + p.abs_url, "links")

    def action_copy_pdf(self) -> None:
        self._copy(lambda p: p.pdf_url, lambda p: "PDF link " + p.pdf_url, "PDF links")

    def action_open_abs(self) -> None:
        papers = self.targets()
        if len(papers) > MAX_OPENED:
            self.app.notify(
                f"Opening the first {MAX_OPENED} of {len(papers)} selected pages.",
                severity="warning",
                timeout=4,
            )
        for paper in papers[:MAX_OPENED]:
            self._open_page(paper.abs_url)

    def action_copy_bibtex(self) -> None:
        self._copy(
            lambda p: to_bibtex([p]), lambda p: "BibTeX of " + p.id, "BibTeX entries", to_bibtex
        )

    def action_edit_note(self) -> None:
        paper = self._highlighted()
        if paper is None:
            return

        was = self.flags.get(paper.id).note

        def saved(note: str | None) -> None:
            if note is not None and note != self.flags.get(paper.id).note:
                self.flags.set_note(paper.id, note, was=was)
                self.papers.notes_changed([paper.id])
                self.app.notify(
                    f"Note on {paper.id} saved." if note else f"Note on {paper.id} removed.",
                    timeout=3,
                )

        self.app.push_screen(NoteScreen(paper.id, paper, self.flags.get(paper.id).note), saved)

    # ----------------------------------------------------------------- export and library

    def action_export(self) -> None:
        view = self.view
        matches = list(view.matches) if view is not None else []
        if not matches:
            self.app.notify("Nothing to export: no paper is shown.", timeout=3)
            return
        query = self._query()
        searched = query.text.strip()
        if self.starred_only:
            what = f"{count_papers(len(matches))} starred"
            title = "Starred arXiv papers"
            stem = file_stem("starred", self.newest.isoformat(), searched)
        else:
            day = (self.day.date if self.day is not None else self.shown_date) or self.newest
            what = f"{count_papers(len(matches))} of {day.strftime('%a %Y-%m-%d')}"
            title = f"arXiv {day.isoformat()} ({', '.join(self.categories)})"
            profile = query.profile.name if query.profile is not None else ""
            stem = file_stem(day.isoformat(), profile, searched)
            if profile:
                what += f", profile {profile}"
                title += f", profile {profile}"
        if searched:
            what += f", matching “{searched}”"
            title += f", matching {searched}"
        if self.ranking and self._scores is not None and not self.starred_only:
            what += ", ranked by your stars"
        if self.selected:
            matches, what, title, stem = self._selection_export(matches, title, stem)

        def chosen(request: ExportRequest | None) -> None:
            if request is not None:
                write_export(self.app, request, matches, title)

        self.app.push_screen(ExportScreen(what, directory=exports_dir(), stem=stem), chosen)

    def action_library(self) -> None:
        days = self._days
        fetch_ids = None if days.demo else partial(_fetch_ids, days.source)

        def closed(_: None) -> None:
            self.flags_changed()
            self._stars_changed()
            if self.starred_only:
                self.starred_only = False
                self.action_starred_only()

        self.app.push_screen(
            LibraryScreen(
                flags=self.flags,
                cache=days.cache,
                cache_lock=days.lock,
                fetch_ids=fetch_ids,
                seen=self._seen,
                open_page=self._open_page,
                today=self.newest,
            ),
            closed,
        )

    # ----------------------------------------------------------------- ranking

    def action_toggle_ranking(self) -> None:
        self.ranking = not self.ranking
        if self.ranking:
            if self.starred_only:
                self.app.notify("Ranking orders the day's papers: f leaves the starred view.")
            self._rank()
        else:
            self._cancel_rank_timer()
        self._refresh_view()

    def _stars_changed(self) -> None:
        """Rank again shortly after the stars stop changing."""
        if not self.ranking:
            return
        self._cancel_rank_timer()
        self._rank_timer = self.set_timer(RANK_DELAY, self._rank, name="rank again")

    def _cancel_rank_timer(self) -> None:
        if self._rank_timer is not None:
            self._rank_timer.stop()
            self._rank_timer = None

    def _rank(self) -> None:
        self._rank_timer = None
        day = self.day
        if day is None or not self.ranking:
            return
        self._rank_sequence += 1
        days = self._days
        self.run_worker(
            partial(
                self._rank_in_worker,
                day,
                dict(self._seen),
                days.cache,
                days.lock,
                self._rank_sequence,
            ),
            name="rank",
            group="rank",
            description="rank the day by the starred papers",  # not repr() of the day
            thread=True,
        )

    def _rank_in_worker(
        self,
        day: Day,
        seen: dict[str, Paper],
        cache: Callable[[], DayCache],
        lock: threading.Lock,
        sequence: int,
    ) -> None:
        self.flags.settle()  # the store open: it may be waiting for the first paint
        ranked = self._ranker.rank(day, self.flags.starred_ids(), seen, cache, lock)
        self.post_message(DayRanked(ranked, sequence=sequence))

    @on(DayRanked)
    def day_ranked(self, message: DayRanked) -> None:
        ranked = message.ranked
        if (
            message.sequence != self._rank_sequence
            or ranked.day is not self.day
            or not self.ranking
        ):
            return
        self.rank_seconds = ranked.seconds
        if not ranked.starred:
            self.ranking = False
            self._scores = None
            self.app.notify(
                "No starred papers to rank by: s stars a paper, then R ranks the day.",
                severity="warning",
                timeout=5,
            )
        else:
            self._scores = ranked.scores
            self._ranked_by = ranked.starred
        if not self.starred_only:
            self._refresh_view()

    # ----------------------------------------------------------------- days

    def action_previous_day(self) -> None:
        current = self.shown_date or self.newest
        try:
            previous = previous_listing_day(current)
        except ValueError:  # nothing before arXiv's first listing
            self.app.notify(
                f"{current.strftime('%a %Y-%m-%d')} is arXiv's first listing.", timeout=3
            )
            return
        self.show_date(previous)

    def action_next_day(self) -> None:
        current = self.shown_date or self.newest
        if current >= self.newest:
            self.app.notify(f"{current.strftime('%a %Y-%m-%d')} is the newest listing.", timeout=3)
            return
        self.show_date(next_listing_day(current))

    def action_newest_day(self) -> None:
        if self.shown_date != self.newest or self.starred_only:
            self.show_date(self.newest)

    def action_pick_date(self) -> None:
        def picked(chosen: date | None) -> None:
            if chosen is not None:
                self.show_date(chosen)

        initial = min(self.shown_date or self.newest, self.newest)
        self.app.push_screen(DatePickerScreen(initial, self.newest), picked)

    # ----------------------------------------------------------------- starred view

    def action_starred_only(self) -> None:
        self._leaving_list()
        if self.starred_only:
            self.starred_only = False
            self._refresh_view(keep_position=False)
            return
        self.starred_only = True
        self._starred_index = None
        self._refresh_view(keep_position=False)
        self.run_worker(
            partial(self._find_starred, dict(self._seen)),
            name="starred",
            group="starred",
            description="find the starred papers",  # repr() of every paper seen costs ~0.2 s
            exclusive=True,
            thread=True,
        )

    def _find_starred(self, seen: dict[str, Paper]) -> None:
        self.flags.settle()  # the store may still be opening (a restored starred view at start)
        ids = self.flags.starred_ids()
        missing = [paper_id for paper_id in ids if paper_id not in seen]
        found: dict[str, Paper] = {}
        if missing:
            with self._days.lock:
                found = dict(self._days.cache().find(missing))
        papers = [paper for paper_id in ids if (paper := seen.get(paper_id) or found.get(paper_id))]
        hits = watch_hits(self.watch_list, papers)
        index = DayIndex(papers)
        fuzzy = FuzzyIndex(papers, texts=index.search_texts())
        self.post_message(StarredFound(papers, index, fuzzy, hits))

    @on(StarredFound)
    def starred_found(self, message: StarredFound) -> None:
        if not self.starred_only:
            return
        self._starred_index = message.index
        self._starred_settled(message.fuzzy, dict(message.watch_hits or {}))
        self._refresh_view(keep_position=False)
        self._after_starred_refresh()

    # ----------------------------------------------------------------- app

    def action_help(self) -> None:
        overrides = getattr(self.app, "key_overrides", None)
        self.app.push_screen(HelpScreen(help_entries(overrides)))

    async def action_quit(self) -> None:
        await self.app.action_quit()
