"""The morning screen: one listing day, filtered by the sidebar and the search box, triaged by key.

The screen owns its parts and keeps the state that ties them together (the day shown, its
index, the query, the view):

- ``DayFeed`` (services) loads days on a worker and posts what it learns; every message
  carries the generation of the load that sent it, so a day the user has already left is ignored.
- ``Selection`` (``v``, ``V``): star, read, copy and open then act on it.
- ``WatchMarks``: papers by a watched author or with a watched phrase are marked, counted in the
  sidebar ("Watched N") and can be shown alone (``W``); ``w`` changes the list.
- ``PdfJobs``: ``D`` downloads PDFs into the PDF folder, ``O`` opens them.
- ``SessionSaver``: the day, filters, search and paper are saved half a second after they last
  changed, and restored at start.
- ``UndoHistory``: ``u`` takes back flag changes (quick triage's decisions too), never another
  reader's.
- ``Hides``: H and B leave papers out of the view made; toggling one filters that view again.

Background work runs in ``@work`` thread workers (always with a ``description``: Textual would
otherwise keep ``repr()`` of their arguments, and the repr of a day is that of its papers).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from functools import partial
from operator import attrgetter
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Resize
from textual.reactive import var
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static

from tui.adapters.later import LaterQueue
from tui.adapters.session import Session
from tui.app.commands import TriageCommands, bindings
from tui.app.messages import (
    DayIndexed,
    DayLoaded,
    FetchFailed,
    FetchProgressed,
    FuzzyIndexed,
    LoadFinished,
    PdfFinished,
    PdfJobEnded,
    PdfProgressed,
    Recommended,
    SourcesWarned,
    StarredFound,
    WatchAuthorSaved,
    WatchMatched,
)
from tui.app.screens.paper_actions import MAX_OPENED, PaperActions
from tui.app.screens.tag_actions import TagStep, ask_for_tags, undo_tags
from tui.app.screens.triage.extras import TriageExtras
from tui.app.screens.triage.hides import Hide, Hides, Unhidden
from tui.app.screens.triage.pdf_jobs import PdfJobs
from tui.app.screens.triage.search import SearchLanguage
from tui.app.screens.triage.selection import Selection
from tui.app.screens.triage.session_saver import SESSION_DELAY, SessionSaver
from tui.app.screens.triage.undo import DecisionStep, NoteStep, UndoHistory, UndoStep
from tui.app.screens.triage.watch_marks import WatchJob, WatchMarks
from tui.app.services.day_feed import DayFeed, fetch_ids
from tui.app.services.day_sources import DaySources
from tui.app.services.flag_keeper import FlagFacts, FlagField, FlagKeeper
from tui.app.services.memory import keep_long_lived
from tui.app.services.seen_days import DaySeen, SeenDays, SeenFacts, SeenMap, find_seen
from tui.app.services.watching import watch_hits
from tui.app.widgets.date_bar import DateBar, DateBarState, Status
from tui.app.widgets.key_hints import KeyHints
from tui.app.widgets.list_order import ListOrder, arrange
from tui.app.widgets.paper_list import PaperList
from tui.app.widgets.paper_row import RowMarks
from tui.app.widgets.search_box import SearchBox
from tui.app.widgets.sidebar import Sidebar
from tui.core.filters import DayIndex, Match, Query, View
from tui.core.follow import KeywordProfile
from tui.core.fuzzy import FuzzyIndex
from tui.core.listing import next_listing_day, previous_listing_day
from tui.core.paper import Day, Paper
from tui.core.query import uses_the_language
from tui.core.render import author_name
from tui.core.rules import NOTHING_CLEARED, Cleared
from tui.core.saved_search import asks_about_flags, saved_query
from tui.core.seen import asks_seen
from tui.core.starred import starred_papers
from tui.core.tags import papers_tag_counts, positions_with_tag
from tui.core.watch import WatchList
from tui.core.words import count_papers

if TYPE_CHECKING:
    from tui.app.services.recommender import Recommendation, Recommender

REPAINT_ROWS_ONE_BY_ONE = 64
_is_read = attrgetter("read")

SEARCH_HINT = 'Search: words · au: ti: abs: cat: id: is:unread · "phrase" · -word · OR'
"""What the empty search box says: plain words, or the search language (tui.core.query)."""

RETRAIN_DELAY = 0.15
"""Seconds after the last star change before the recommendations learn again (a burst of
stars, one training)."""
TRAIN_AFTER_OPEN = 0.3
"""Seconds after a day is on screen before the recommendations learn it (the rows come first)."""
DEFAULT_THRESHOLD = 0.5
"""The relevance a paper needs to be recommended, until the reader moves it (+ and -)."""
THRESHOLD_STEP = 0.05

FOOTER_AFTER_DAY = 0.05
"""Seconds after the day's rows are laid out before the key hints follow (their paint first)."""
FOOTER_WAIT = 0.5
"""Seconds after the screen opens by which the key hints show, even if no day is painted yet."""
NARROW_WIDTH = 70
"""Below this many columns the sidebar hides itself (b brings it back)."""


class TriageScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [*bindings()]
    COMMANDS: ClassVar = {TriageCommands}
    AUTO_FOCUS = "#papers"

    date_state: var[DateBarState] = var(DateBarState)
    """What the date bar shows (bound to it): the day, counts, status, selection, activity."""
    status: var[tuple[str, Status]] = var(("", Status.QUIET), init=False)
    """The load's progress, an offline mark or a failure, and how to show it."""
    enabled: var[frozenset[str]] = var(frozenset, init=False)
    """The categories turned on in the sidebar."""
    active_profile: var[str | None] = var(None, init=False)
    """The keyword profile chosen in the sidebar (None: no keyword filter)."""
    starred_only: var[bool] = var(False, init=False)
    """The starred view (f): every starred paper instead of the day's."""
    watched_only: var[bool] = var(False, init=False)
    """Only the papers the watch list hits (W)."""
    ranking: var[bool] = var(False, init=False)
    """The day ordered by the recommendation model (R): learnt from stars, library, skips."""
    recommended_only: var[bool] = var(False, init=False)
    """Only the papers the model recommends (P): relevance at or above ``threshold``."""
    threshold: var[float] = var(DEFAULT_THRESHOLD, init=False)
    """The relevance (0-1) a paper needs to be recommended (+ and - move it)."""
    hide_read: var[bool] = var(False, init=False)
    """Only what is new to the reader: the papers already read are hidden (H)."""
    hide_seen: var[bool] = var(False, init=False)
    """The papers seen on an earlier day (or read in an earlier version) are hidden (B)."""
    cleared_by_rules: var[bool] = var(False, init=False)
    """Only the papers the kill rules cleared (K): nothing is lost to a bad rule."""
    compact_list: var[bool] = var(False, init=False)
    """One line per paper instead of the two-line rows (z)."""
    list_order: var[ListOrder] = var(ListOrder.DAY, init=False)
    """The day's order in arXiv's sections, newest first, or by title (S cycles)."""
    active_tag: var[str | None] = var(None, init=False)
    """The tag chosen in the sidebar's Tags: only its papers (and its collection's) are shown."""

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
        extras = extras or TriageExtras()
        self.extras = extras
        self.categories = tuple(categories)
        self.profiles = tuple(profiles)
        self.set_reactive(TriageScreen.active_profile, active_profile)
        self.set_reactive(TriageScreen.enabled, frozenset(self.categories))
        self._start = start
        self.newest = newest
        self.flags = flags
        self._days = days
        self._open_page = open_page
        self._expand_marks_read = expand_marks_read
        self._feed = DayFeed(
            days,
            self.categories,
            self.profiles,
            self.post_message,
            rules=extras.rules,
            facts=self._facts,
            settle=flags.settle,
            seen=partial(find_seen, cache=days.cache, flags=flags),
        )
        self.set_reactive(TriageScreen.hide_read, extras.hide_read)
        self.set_reactive(TriageScreen.hide_seen, extras.hide_seen)
        self._seen_days = SeenDays()
        self._seen_before: SeenMap = {}
        """The shown day's papers seen before, by id (see tui.core.seen)."""
        self._seen_known = False
        """Whether ``_seen_before`` has come for the shown day."""
        self._seen_hidden: int | None = None
        """How many papers the last view left out as seen before (None: not hiding)."""
        self.seen_seconds: float | None = None
        """How long finding the last day's papers seen before took on its worker."""
        self.set_reactive(TriageScreen.compact_list, extras.compact_list)
        self._search_ranked = False
        """The last view is in the typo-tolerant search's order (no sections, no sorting)."""
        self._sorted_by = ""
        """How the shown list is sorted, when not in the day's order (the date bar says)."""
        self._read_hidden: int | None = None
        """How many papers the last view left out because they are read (None: not hiding)."""
        self._cleared = NOTHING_CLEARED
        """What the kill rules cleared of the shown day."""
        self._kept: frozenset[int] | None = None
        """The shown day's positions the hide rules leave (None: they hide nothing)."""
        self._read_by_rules_pending: tuple[Day, Cleared] | None = None
        """Papers read rules clear, waiting for the flag store to open (to know which the user
        has marked either way already)."""

        self.shown_date: date | None = None
        """The listing day on screen (or being loaded)."""
        self.day: Day | None = None
        self._index: DayIndex | None = DayIndex(())
        """The shown day's filter index; None while it is being built."""
        self._starred_index: DayIndex | None = None
        self.view: View | None = None
        self._seen: dict[str, Paper] = {}
        """Every paper shown this session, for the starred view."""
        self._fuzzy: FuzzyIndex | None = None
        """The shown day's fuzzy index, once built (None: the search filters by substring)."""
        self._starred_fuzzy: FuzzyIndex | None = None
        self.fuzzy_searches = 0
        """Searches answered by the fuzzy index (tests)."""

        self._generation = 0
        self._cancel: threading.Event | None = None
        self.day_loading = False
        self._list_message = ""
        self._list_message_shown: str | None = None
        self._shown_ids: frozenset[str] = frozenset()
        """The ids of the papers in ``view``."""
        self._view_text = ""
        """The search text ``view`` was made for."""
        self._unread: int | None = None
        """How many of them are unread, as the date bar shows it."""
        self._fallback_label: str | None = None
        """Set while an offline stand-in (the sample or an older cached day) is shown."""
        self.stale_results_ignored = 0
        """Results of days already left, dropped (tests wait on this)."""
        self.stale_loads_finished = 0

        self.search = SearchLanguage()
        """The search box's language: its parsed query and the day's index for it."""
        self._search_error_shown = ""
        self.selected = Selection()
        self._undo = UndoHistory()
        self.hides = Hides()
        """H and B: what they leave out of the view, and the view before them (kept)."""
        self.watch_marks = WatchMarks(
            extras.watch,
            save=extras.save_watch_author,
            remove=extras.remove_watch_author,
            post=self.post_message,
        )
        self.pdfs = PdfJobs(extras.pdf_folder, self.post_message)
        self.session = SessionSaver(extras.keep_session, extras.restore)
        self._session_timer: Timer | None = None
        restore = extras.restore
        if restore is not None:
            enabled = frozenset(self.categories) - frozenset(restore.categories_off)
            self.set_reactive(TriageScreen.enabled, enabled)
            if restore.profile is None or any(p.name == restore.profile for p in self.profiles):
                self.set_reactive(TriageScreen.active_profile, restore.profile)

        self._recommender: Recommender | None = None
        """Keeps the shown day's corpus; made by the first training (its module and the
        model's libraries stay off the start-up path)."""
        self.recommendation: Recommendation | None = None
        """The model of the reader's papers, trained for the shown day (None: not yet)."""
        self.like: Recommendation | None = None
        """A "more like this" model of one paper (M), while its view is on."""
        self._train_sequence = 0
        self._like_sequence = 0
        self._train_timer: Timer | None = None
        self.train_seconds: float | None = None
        """How long the last training took on its worker (the day's corpus aside)."""
        if restore is not None and restore.threshold is not None:
            self.set_reactive(TriageScreen.threshold, restore.threshold)

    @property
    def actions(self) -> PaperActions:
        """Copy, open, note, export and help: the same as the library's."""
        return PaperActions(self.app, self.flags, self._open_page)

    # ----------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        yield DateBar(id="date-bar").data_bind(state=TriageScreen.date_state)
        with Horizontal(id="body"):
            yield Sidebar(
                self.categories,
                self.profiles,
                active_profile=self.active_profile,
                enabled=self.enabled,
                id="sidebar",
            )
            with Vertical(id="main"):
                yield SearchBox(
                    typed=self._search_typed,
                    placeholder=SEARCH_HINT,
                    id="search",
                )
                yield Static("", id="search-error", markup=False)
                yield Static("", id="list-message", markup=False)
                yield PaperList(
                    flag_lookup=self.flags.get,
                    on_expand=self._expanded,
                    marks_lookup=self._row_marks,
                    why_lookup=self._why,
                    compact=self.compact_list,
                    id="papers",
                )
        yield KeyHints()

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
        restore = self.session.restore
        if restore is not None and restore.search:
            search = self.search_box
            with search.prevent(Input.Changed):
                search.value = restore.search
            search.add_class("-open")
        self._refresh_view()
        self.show_date(self._start or self.newest, first=True)
        self.set_timer(FOOTER_WAIT, self._show_footer)

    def on_unmount(self) -> None:
        """The screen goes (the app quits): no load or download goes on, the session is saved."""
        if self._cancel is not None:
            self._cancel.set()
        self.pdfs.stop()
        if self._session_timer is not None:
            self._session_timer.stop()
        self.session.save()

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW_WIDTH, "-narrow")

    # ----------------------------------------------------------------- loading days

    def show_date(self, day: date, *, first: bool = False) -> None:
        """Show the listing ``day``: the cached copy at once, then arXiv's where it may be newer."""
        if self._cancel is not None:
            self._cancel.set()
        self.session.day = day
        self._clear_selection(quiet=True)
        self._generation += 1
        self._cancel = threading.Event()
        self.set_reactive(TriageScreen.starred_only, False)  # the day's view, refreshed below
        self._fallback_label = None
        same_day = day == self.shown_date
        self.shown_date = day
        if not same_day:
            self.day = None
            self._index = DayIndex(())
        self.day_loading = True
        self._set_status("loading…", Status.BUSY, view_follows=True)
        self._list_message = "Loading " + day.strftime("%a %Y-%m-%d") + "…"
        self._refresh_view(keep_position=same_day)
        self._load_day(day, self._generation, self._cancel, first)

    @work(thread=True, group="day", exclusive=True, description="load a listing day")
    def _load_day(self, day: date, generation: int, cancel: threading.Event, first: bool) -> None:
        self._feed.load(day, generation, cancel, first)

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
        if not same_day:
            self._cleared, self._kept = NOTHING_CLEARED, None
            self._seen_before, self._seen_known = {}, False
        self.shown_date = message.day.date
        self.day_loading = message.still_fetching
        self._seen.update((paper.id, paper) for paper in message.day.papers)
        self._fuzzy = None
        if self.watch_marks.watch_list:
            self._match_watch(message.day.papers)
        self._restore_starred_view()
        self._list_message = ""
        if message.note:
            self._set_status(message.note, Status.WARNING, view_follows=True)
            if self._fallback_label is None:
                self.app.notify(message.note, title="Offline", severity="warning", timeout=8)
            self._fallback_label = (
                "sample day" if message.day.source == "sample" else "offline, cached day"
            )
        elif self._fallback_label is not None:
            self._fallback_label = None
            self._set_status("", Status.QUIET, view_follows=True)
            self.app.notify("arXiv answered: showing " + message.day.date.strftime("%a %Y-%m-%d"))
        elif message.day.source == "sample":
            self._set_status("sample day (demo)", Status.QUIET, view_follows=True)
        elif message.still_fetching:
            self._set_status("cached · checking arXiv…", Status.BUSY, view_follows=True)
        else:
            self._set_status("", Status.QUIET, view_follows=True)
        if not message.day.papers:
            self._list_message = "No papers listed on this day."
        if not same_day:
            self.recommendation = None
            self.like = None
        if not self.starred_only:
            self._refresh_view(keep_position=same_day)
        else:
            self._update_date_bar()

    def _day_shown(self, message: DayLoaded) -> None:
        message.shown.set()
        self.flags.ui_ready()
        self.set_timer(FOOTER_AFTER_DAY, self._show_footer)

    def _show_footer(self) -> None:
        self.query_one(KeyHints).release()

    @on(SourcesWarned)
    def sources_warned(self, message: SourcesWarned) -> None:
        """Quiet: the day is shown; the date bar says which of arXiv's sources did not help."""
        if message.generation == self._generation:
            self._set_status(message.reason, Status.QUIET)

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
            self._set_status("cached copy — " + message.reason, Status.WARNING, view_follows=True)
        else:
            self._set_status("not loaded", Status.ERROR, view_follows=True)
            self._list_message = f"Could not fetch {when}: {message.reason}"
        self._refresh_view()

    @on(LoadFinished)
    def load_finished(self, message: LoadFinished) -> None:
        self.flags.ui_ready()  # whatever the first load came to, the screen is up
        if message.generation != self._generation:
            self.stale_loads_finished += 1
            return
        # The day's load is over: a paper to restore that is not in it is not coming.
        self._restore_starred_view()
        if not self.starred_only:
            self.session.paper = None
        if self.day_loading:
            self.day_loading = False
            if self.status[1] is Status.BUSY:
                self._set_status("", Status.QUIET)  # the date bar follows (watch_status)

    @on(DaySeen)
    def day_seen(self, message: DaySeen) -> None:
        """The day's papers seen before: their rows are marked, and hidden under B."""
        if message.generation != self._generation or message.day is not self.day:
            return
        previous = self._seen_before
        self._seen_before = self._seen_days.keep(message.day.date, message.seen)
        self._seen_known = True
        self.seen_seconds = message.seconds
        if self._seen_before != previous:
            self.papers.refresh_marks()
        # Hidden by B, asked for by is:seen in the search box (a cheap over-approximation) or
        # by a saved search (its count in the sidebar, its papers when chosen).
        asked = "seen" in self.search_box.value or any(
            p.query and asks_seen(saved_query(p.query)) for p in self.profiles
        )
        if not self.starred_only and (self.hide_seen or asked):
            self._refresh_view()

    @on(DayIndexed)
    def day_indexed(self, message: DayIndexed) -> None:
        if message.generation != self._generation or message.day is not self.day:
            return
        self._index = message.index
        self._take_cleared(message)
        # The fuzzy index is built behind it, once the screen shows the day (the build holds
        # the interpreter for a moment: the rows come first).
        self.call_after_refresh(self._build_fuzzy, message.day, message.generation, self._index)
        # A day is tens of thousands of long-lived objects (papers, index strings). Moving them
        # out of the collector's sight keeps full collections, and so key presses, short (a
        # 5,000-paper day: worst key-to-screen ~70 ms → ~15 ms). Acyclic garbage is still freed.
        keep_long_lived()
        if not self.starred_only:
            self._refresh_view()
        # The recommendations learn once the rows are up (the corpus takes the interpreter
        # for a moment, and the model's libraries are imported then, never at start-up).
        self._train_soon(TRAIN_AFTER_OPEN)

    @work(thread=True, group="fuzzy", exclusive=True, description="fuzzy index of a day")
    def _build_fuzzy(self, day: Day, generation: int, index: DayIndex | None) -> None:
        # The filter index's folded texts are shared, not made again (a copy of every abstract).
        texts = index.search_texts() if index is not None and index.papers == day.papers else None
        fuzzy = FuzzyIndex(day.papers, texts=texts)
        self.post_message(FuzzyIndexed(day, fuzzy, generation=generation))

    @on(FuzzyIndexed)
    def fuzzy_indexed(self, message: FuzzyIndexed) -> None:
        if message.day is not self.day:
            return
        self._fuzzy = message.fuzzy
        # Long-lived like the day itself: out of the collector's sight (see day_indexed).
        keep_long_lived()
        if not self.starred_only and self.search_box.value.strip():
            self._refresh_view()

    # ----------------------------------------------------------------- the view

    def _query(self) -> Query:
        enabled = None if self.enabled == frozenset(self.categories) else self.enabled
        profile = next((p for p in self.profiles if p.name == self.active_profile), None)
        return Query(categories=enabled, profile=profile, text=self.search_box.value)

    def _refresh_view(self, *, keep_position: bool = True, hides_only: bool = False) -> None:
        """Make the view and show it. ``hides_only``: only a hide toggle (H, B) changed: the
        view before the hides is filtered again, when the one kept still holds (see Hides)."""
        self._view_text = self.search_box.value
        index: DayIndex | None
        if self.starred_only:
            index = self._starred_index if self._starred_index is not None else DayIndex(())
        else:
            index = self._index if self._seen_ready() else None
        kept = self.hides.reuse(index, self._view_text) if hides_only else None
        if kept is not None:
            self._show_view(kept, keep_position=keep_position)
            return
        view = self._view_before_index() if index is None else self._view_of(index)
        shown = self._shown_recommendation()
        scores = None if shown is None else shown.relevance
        if shown is not None:
            order = shown.scores
            ranked = sorted(view.matches, key=lambda match: -order.get(match.paper.id, -1e9))
            view = replace(view, matches=tuple(ranked))
        # arXiv's sections in the day's order; none in a ranked list or the starred view.
        in_order = scores is None and not self._search_ranked
        sections = in_order and not self.starred_only and self.list_order is ListOrder.DAY
        if in_order:
            arranged = arrange(view.matches, self.list_order, sections=sections)
            view = replace(view, matches=arranged)
        sorted_now = in_order and self.list_order is not ListOrder.DAY
        self._sorted_by = self.list_order.label if sorted_now else ""
        if index is None:
            self.hides.keep(None)
            self._read_hidden = self._seen_hidden = None
            self.sidebar.show_counts(None, None)
            self._show(view, keep_position=keep_position, scores=scores, sections=sections)
            return
        unhidden = Unhidden(index, view, scores, sections, self._view_text)
        # Not kept while a tag filters: the tags are flags, and may move (see Hides).
        self.hides.keep(unhidden if self.active_tag is None else None)
        self._show_view(unhidden, keep_position=keep_position)

    def _show_view(self, unhidden: Unhidden, *, keep_position: bool) -> None:
        """Show ``unhidden`` less what the hide toggles on leave out."""
        view = self.hides.apply(unhidden.index, unhidden.view, self._hides())
        self._read_hidden = self.hides.counts.get("read")
        self._seen_hidden = self.hides.counts.get("seen")
        self.sidebar.show_counts(view.category_counts, view.profile_counts)
        self._show(
            view,
            keep_position=keep_position,
            scores=unhidden.scores,
            sections=unhidden.sections,
            counted=True,
        )

    def _hides(self) -> list[Hide]:
        """The hide toggles on: each leaves out papers of the view the filters make (H: those
        read now, B: those seen before). Toggling one filters the kept view again; a hide
        added here is as fast."""
        if self.starred_only:
            return []
        hides = []
        if self.hide_read:
            # Read now: a paper read from here on stays until the next view (not whisked away
            # from under the cursor).
            get = self.flags.get
            hides.append(Hide("read", lambda ids: map(_is_read, map(get, ids))))
        if self.hide_seen:
            seen = self._seen_before
            hides.append(Hide("seen", lambda ids: map(seen.__contains__, ids)))
        return hides

    def _show(
        self,
        view: View,
        *,
        keep_position: bool,
        scores: Mapping[str, float] | None,
        sections: bool,
        counted: bool = False,
    ) -> None:
        """Put ``view`` in the list, and the counts that follow it on the date bar and the
        sidebar. A view already shown changed only by some papers: the unread count follows
        those (a pass over every shown paper's flag is ~3 ms at 5,000)."""
        shown_before, unread_before = self._shown_ids, self._unread
        self.view = view
        self.papers.show(
            view.matches, keep_position=keep_position, scores=scores, sections=sections
        )
        self._shown_ids = self.papers.shown_ids
        self._view_shown(view, counted=counted)
        unread_change = None
        added, removed = self._shown_ids - shown_before, shown_before - self._shown_ids
        if (
            unread_before is not None
            and self.flags.is_open
            and len(added) + len(removed) < len(self._shown_ids)
        ):
            count = self.flags.count_unread
            unread_change = count(list(added)) - count(list(removed))
        self._update_date_bar(unread_change=unread_change)
        self._update_list_message()

    def _view_of(self, index: DayIndex) -> View:
        """The view ``index`` gives for the current filters, search and watched-only switch."""
        query = self._query()
        facts = self.hides.facts(self._facts)  # noted: a view that read the flags is not kept
        saved = self.search.saved(index, self.profiles, facts)
        if query.profile is not None and query.profile.query:  # a saved search
            query = replace(query, searched=saved.get(query.profile.name))
        within = self.watch_marks.watched_in(index) if self.watched_only else None
        if not self.starred_only:
            by_rules = self._cleared.positions if self.cleared_by_rules else self._kept
            if by_rules is not None:
                within = by_rules if within is None else within & by_rules
            recommended = self._recommended_positions(index)
            if recommended is not None:
                within = recommended if within is None else within & recommended
        searched = self.search.positions(index, query.text, facts)
        if searched is not None:  # the search language (fields, phrases, operators)
            within = searched if within is None else within & searched
            query = replace(query, text="")
        if self.active_tag is not None:  # the sidebar's Tags
            tagged = positions_with_tag(index.papers, self.flags.tagged(), self.active_tag)
            within = tagged if within is None else within & tagged
        fuzzy = self._starred_fuzzy if self.starred_only else self._fuzzy
        ranked = None
        if query.text.strip() and fuzzy is not None and len(fuzzy) == len(index):
            ranked = fuzzy.ranked(query.text)
            self.fuzzy_searches += 1
        self._search_ranked = ranked is not None
        self._show_search_error()
        return index.view(
            query, self.categories, self.profiles, ranked=ranked, within=within, searched=saved
        )

    def _show_search_error(self) -> None:
        error = self.search.error
        text = "" if error is None else f"{error} (at “{error.typed}”)"
        if text != self._search_error_shown:
            self._search_error_shown = text
            line = self.query_one("#search-error", Static)
            line.update(Content(text))
            line.display = bool(text)

    def _view_before_index(self) -> View:
        """Every paper if nothing filters them, else none yet (the index is a moment away). Kill
        rules, hidden read papers and the cleared view filter too: what they hide never shows."""
        papers = self.day.papers if self.day is not None else ()
        query = self._query()
        self._read_hidden = self._seen_hidden = None
        unfiltered = (
            query.categories is None
            and query.profile is None
            and not query.text.strip()
            and not self.extras.rules
            and not self.hide_read
            and not self.hide_seen
            and not self.cleared_by_rules
            and not self.recommended_only
        )
        matches = tuple(Match(paper, ()) for paper in papers) if unfiltered else ()
        return View(matches=matches, category_counts={}, profile_counts={}, total=len(papers))

    def _view_shown(self, view: View, *, counted: bool) -> None:
        """The list shows ``view``: the sidebar's watched count, a pending restore, the session."""
        watch = self.watch_marks
        count = watch.count([match.paper for match in view.matches]) if counted else None
        visible = bool(watch.watch_list)
        self.sidebar.show_watched(count, active=self.watched_only, visible=visible)
        if self.extras.rules:
            cleared = None if self._index is None else len(self._cleared)
            self.sidebar.show_cleared(cleared, active=self.cleared_by_rules, visible=True)
        self._show_recommended_count(view, counted=counted)
        self._show_tags()
        if self.session.paper is not None and self.papers.move_to(self.session.paper):
            self.session.paper = None
        self._session_changed()

    def _update_list_message(self) -> None:
        text = "" if self.starred_only else self._list_message
        view = self.view
        if not text and view is not None and not view.matches and view.total:
            if (self._index is None or not self._seen_ready()) and not self.starred_only:
                text = "Filtering…"
            elif self.recommended_only and not self._trained_for_day():
                text = "Learning what you like from your papers…"
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

    def _set_status(self, text: str, kind: Status, *, view_follows: bool = False) -> None:
        """``view_follows``: the caller refreshes the view (and so the date bar) right after;
        the watcher's update would be a second count of the unread papers."""
        if view_follows:
            self.set_reactive(TriageScreen.status, (text, kind))
        else:
            self.status = (text, kind)

    def watch_status(self) -> None:
        self._update_date_bar()

    def _update_date_bar(self, *, unread_change: int | None = None) -> None:
        """``unread_change``: how a flag change moved the unread count, when the caller knows;
        spares a pass over every shown paper's flag (~3 ms at 5,000) on a key press."""
        view = self.view
        matches = view.matches if view is not None else ()
        if unread_change is None or self._unread is None:
            self._unread = self.flags.count_unread([match.paper.id for match in matches])
        else:
            self._unread += unread_change
        status, kind = self.status
        if not status and not self.starred_only:
            status = self._recommendation_status()
        self.date_state = DateBarState(
            day=self.shown_date,
            shown=len(matches),
            total=view.total if view is not None else 0,
            unread=self._unread,
            starred_only=self.starred_only,
            status=status,
            status_kind=kind,
            selected=len(self.selected),
            watched_only=self.watched_only,
            cleared_only=self.cleared_by_rules and not self.starred_only,
            read_hidden=self._read_hidden,
            seen_hidden=self._seen_hidden,
            order=self._sorted_by,
            activity=self.pdfs.activity,
            provenance=self._provenance_label(),
            exact=self.day is None or self.day.provenance.exact,
        )

    def _provenance_label(self) -> str:
        day = self.day
        if day is None or self.starred_only or day.source == "sample":
            return ""
        return day.provenance.label

    def flags_changed(self, ids: Iterable[str] | None = None) -> None:
        """Flags changed under the list (the store opened, a write failed): repaint."""
        if ids is None and not self.starred_only and asks_about_flags(self.profiles):
            self._refresh_view()  # a saved search's is:unread counts (and filters) anew
        self._repaint(ids)
        self._update_date_bar()
        self._show_tags()
        if self._read_by_rules_pending is not None and self.flags.is_open:
            day, cleared = self._read_by_rules_pending
            self._read_by_rules_pending = None
            self._mark_read_by_rules(day, cleared)

    # ----------------------------------------------------------------- kill rules

    def _take_cleared(self, message: DayIndexed) -> None:
        """The day's index is in, with what the kill rules cleared of it."""
        cleared = message.cleared
        self._cleared = cleared
        self._kept = None
        if cleared.hidden:
            self._kept = frozenset(range(len(message.index))) - frozenset(cleared.hidden)
        if message.query_index is not None:
            self.search.adopt(message.index, message.query_index)
        if cleared.read:
            if self.flags.is_open:
                self._mark_read_by_rules(message.day, cleared)
            else:
                self._read_by_rules_pending = (message.day, cleared)

    def _mark_read_by_rules(self, day: Day, cleared: Cleared) -> None:
        """Read rules mark their papers read: those never marked either way (a paper the user
        made unread again stays unread). One undo step takes it back."""
        if day is not self.day:
            return
        ids = []
        for position in cleared.read:
            flag = self.flags.get(day.papers[position].id)
            if not flag.read and flag.read_changed is None:
                ids.append(flag.id)
        if ids:
            count = count_papers(len(ids))
            self._set_flag("read", ids, True, undo_label=f"rules: mark {count} read")
            self.app.notify(f"Kill rules marked {count} read. u undoes it.", timeout=4)

    def action_hide_seen(self) -> None:
        self.hide_seen = not self.hide_seen

    def watch_hide_seen(self) -> None:
        self._refresh_view(keep_position=False, hides_only=True)

    def _seen_ready(self) -> bool:
        """Whether the view may be made: B hides the papers seen before only once they are
        known (what it hides never shows)."""
        return self._seen_known or not self.hide_seen

    def action_hide_read(self) -> None:
        self.hide_read = not self.hide_read

    def watch_hide_read(self) -> None:
        self._refresh_view(keep_position=False, hides_only=True)

    def action_compact_list(self) -> None:
        self.compact_list = not self.compact_list

    def watch_compact_list(self, compact: bool) -> None:
        self.papers.set_compact(compact)

    def action_toggle_sort(self) -> None:
        self.list_order = self.list_order.next()

    def watch_list_order(self) -> None:
        self._refresh_view(keep_position=False)

    def action_cleared_by_rules(self) -> None:
        if not self.extras.rules:
            self.app.notify(
                "No kill rules yet: [rules] in the settings (arxiv-daily config --path) lists "
                "searches whose papers are hidden or marked read.",
                timeout=6,
            )
            return
        self.cleared_by_rules = not self.cleared_by_rules

    def watch_cleared_by_rules(self) -> None:
        self._refresh_view(keep_position=False)

    def _repaint(self, ids: Iterable[str] | None) -> None:
        """Repaint these papers' rows; many of them at once is cheaper as one whole repaint."""
        if ids is not None:
            ids = list(ids)
            if len(ids) <= REPAINT_ROWS_ONE_BY_ONE:
                self.papers.refresh_papers(ids)
                return
        self.papers.refresh()

    def _facts(self) -> FlagFacts:
        return SeenFacts(self.flags, self._seen_before)

    def _row_marks(self, paper: Paper) -> RowMarks:
        marks = self.watch_marks.marks(paper, paper.id in self.selected)
        seen = None if self.starred_only else self._seen_before.get(paper.id)
        return marks if seen is None else replace(marks, seen=seen)

    # ----------------------------------------------------------------- sidebar and search

    @on(Sidebar.CategoriesChanged)
    def categories_changed(self, message: Sidebar.CategoriesChanged) -> None:
        self.enabled = message.enabled  # the view follows (watch_enabled)

    @on(Sidebar.ProfileChosen)
    def profile_chosen(self, message: Sidebar.ProfileChosen) -> None:
        self.active_profile = message.name  # the view follows (watch_active_profile)

    def watch_enabled(self) -> None:
        self._refresh_view()

    def watch_active_profile(self) -> None:
        self._refresh_view()

    @on(Sidebar.WatchedToggled)
    def sidebar_watched_toggled(self) -> None:
        self.action_watched_only()

    @on(Sidebar.TagChosen)
    def tag_chosen(self, message: Sidebar.TagChosen) -> None:
        self.active_tag = message.name  # the view follows (watch_active_tag)

    def watch_active_tag(self) -> None:
        self._refresh_view()
        self._show_tags()

    def _show_tags(self) -> None:
        """The sidebar's Tags: those of the day's papers (of the starred view's, in it)."""
        if self.starred_only:
            index = self._starred_index
            papers = index.papers if index is not None else ()
        else:
            papers = self.day.papers if self.day is not None else ()
        self.sidebar.show_tags(papers_tag_counts(papers, self.flags.tagged()), self.active_tag)

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

    # ----------------------------------------------------------------- saved searches

    def action_save_search(self) -> None:
        """Ctrl+S: name the search typed in / and keep it in the settings' [searches]."""
        text = " ".join(self.search_box.value.split())
        problem = self.search.savable(text)
        if problem is not None:
            self.app.notify(problem, title="Save search", severity="warning", timeout=6)
            return
        searches = {p.name: p.query for p in self.profiles if p.query}
        taken = frozenset(p.name for p in self.profiles if not p.query)

        def named(name: str | None) -> None:
            if name is None:
                return
            self._set_saved_search(KeywordProfile(name, (), (), query=text))
            if not uses_the_language(text):  # / forgave typos in these words; this will not
                self.app.notify(
                    "Saved. In a saved search plain words match the starts of words as typed "
                    "(no typo forgiven), as in the search language.",
                    title="Save search",
                    timeout=6,
                )

        from tui.app.dialogs.save_search import SaveSearchScreen

        self.app.push_screen(SaveSearchScreen(text, searches, taken), named)

    def _set_saved_search(self, search: KeywordProfile) -> None:
        replaced = any(p.name == search.name for p in self.profiles)
        if replaced:
            profiles = tuple(search if p.name == search.name else p for p in self.profiles)
        else:
            profiles = (*self.profiles, search)
        self._saved_searches_changed(profiles)
        self._edit_saved_searches(search.name, search.query)

    @on(Sidebar.SearchRemoveAsked)
    def search_remove_asked(self, message: Sidebar.SearchRemoveAsked) -> None:
        search = message.profile

        def answered(remove: bool | None) -> None:
            if remove:
                profiles = tuple(p for p in self.profiles if p.name != search.name)
                if self.active_profile == search.name:
                    self.sidebar.choose_profile(None)
                self._saved_searches_changed(profiles)
                self._edit_saved_searches(search.name, None)

        from tui.app.dialogs.save_search import RemoveSearchScreen

        self.app.push_screen(RemoveSearchScreen(search.name, search.query), answered)

    def _saved_searches_changed(self, profiles: tuple[KeywordProfile, ...]) -> None:
        self.profiles = profiles
        self._feed.profiles = profiles
        self.sidebar.set_searches([p for p in profiles if p.query])
        self._refresh_view()

    @work(thread=True, group="search-save", description="change the saved searches")
    def _edit_saved_searches(self, name: str, query: str | None) -> None:
        """Worker: the settings gain (``query``) or lose (None) the saved search ``name``."""
        save, remove = self.extras.save_search, self.extras.remove_search
        problem = None
        try:  # a ConfigError is a ValueError
            if query is not None and save is not None:
                save(name, query)
            elif query is None and remove is not None:
                remove(name)
            else:
                problem = "this reader keeps no settings file"
        except ValueError as error:
            problem = str(error)
        self.app.call_from_thread(self._saved_searches_edited, name, query, problem)

    def _saved_searches_edited(self, name: str, query: str | None, problem: str | None) -> None:
        if problem is not None:
            done = "kept for now" if query is not None else "removed for now"
            self.app.notify(
                f"The saved search “{name}” is {done}; the settings were not changed: {problem}",
                title="Saved searches",
                severity="warning",
                timeout=10,
            )
        elif query is not None:
            self.app.notify(
                f"Saved “{name}” in the settings: the sidebar lists it under Searches "
                "(Delete there removes it).",
                timeout=5,
            )
        else:
            removed = f"Removed the saved search “{name}” from the settings"
            self.app.notify(f"{removed}. / and Ctrl+S save a search again.", timeout=6)

    def action_clear(self) -> None:
        search = self.search_box
        if search.has_class("-open"):
            search.value = ""  # the list follows (_search_typed)
            search.remove_class("-open")
            self.papers.focus()
        elif self.selected:
            self._clear_selection()
        elif self.like is not None:
            self._leave_more_like()
        elif self.active_tag is not None:
            self.active_tag = None  # the view and the sidebar follow (watch_active_tag)
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

    @on(PaperList.Highlighted)
    def paper_highlighted(self) -> None:
        self._session_changed()

    def _expanded(self, paper: Paper, expanded: bool) -> None:
        """Called by the list as it expands: the read mark shows in the same frame."""
        if self._expand_marks_read and expanded and not self.flags.get(paper.id).read:
            self._set_flag("read", [paper.id], True)

    def _highlighted(self) -> Paper | None:
        paper = self.papers.highlighted_paper
        if paper is None:
            self.app.notify("No paper here.", severity="warning", timeout=2)
        return paper

    def targets(self) -> list[Paper]:
        """What a flag, copy or open key acts on: the selection, else the highlighted paper."""
        return self.selected.targets(None if self.selected else self._highlighted())

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
            self._undo.push(UndoStep(undo_label, field, previous, value, written))
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
        count = count_papers(len(ids))
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
        count = count_papers(len(ids))
        self._set_flag("read", ids, True, undo_label=f"mark {count} read")
        self.app.notify(f"Marked {count} read. u undoes it.", timeout=4)

    def action_undo(self) -> None:
        step = self._undo.pop()
        if step is None:
            self.app.notify("Nothing to undo.", timeout=3)
            return
        if isinstance(step, TagStep):
            self._tags_changed(undo_tags(self.flags, step) or step.previous)
            self.app.notify(f"Undone: {step.label}.", timeout=3)
            return
        if isinstance(step, NoteStep):
            step.take_back(self.flags)
            self.papers.notes_changed([step.paper_id])
            self.app.notify(f"Undone: {step.label}.", timeout=3)
            return
        if isinstance(step, DecisionStep):  # made in quick triage (T)
            problem = step.take_back(self.flags)
            self._repaint([step.paper.id])
            self._update_date_bar()
            if step.starred:
                self._stars_changed()
            self.app.notify(f"Undone: {step.label} (quick triage).", timeout=3)
            if problem is not None:
                self.app.notify(problem, title="Later queue", severity="error", timeout=8)
            return
        # Back only where the step's value still stands: another reader's change meanwhile stays.
        changes = step.changes()
        if changes:
            self.flags.set_unless_changed(step.field, changes)
        self._repaint(step.previous)
        self._update_date_bar()
        if step.field == "starred":
            self._stars_changed()
        self.app.notify(f"Undone: {step.label}.", timeout=3)

    def action_copy_id(self) -> None:
        self.actions.copy(self.targets(), "id", as_list=bool(self.selected))

    def action_copy_abs(self) -> None:
        self.actions.copy(self.targets(), "abs", as_list=bool(self.selected))

    def action_copy_pdf(self) -> None:
        self.actions.copy(self.targets(), "pdf", as_list=bool(self.selected))

    def action_copy_bibtex(self) -> None:
        self.actions.copy_bibtex(self.targets(), as_list=bool(self.selected))

    def action_open_abs(self) -> None:
        self.actions.open_pages(self.targets())

    def action_edit_note(self) -> None:
        paper = self._highlighted()
        if paper is not None:

            def changed(was: str, note: str) -> None:
                verb = "note on" if note and was else "new note on" if note else "remove note on"
                self._undo.push(NoteStep(f"{verb} {paper.id}", paper.id, was, note))

            self.actions.edit_note(
                paper.id,
                paper,
                lambda paper_id: self.papers.notes_changed([paper_id]),
                changed=changed,
            )

    def action_edit_tags(self) -> None:
        papers = self.targets()
        if papers:
            ids = [paper.id for paper in papers]
            ask_for_tags(self.app, self.flags, ids, title=papers[0].title, done=self._tagged)

    def _tagged(self, step: TagStep) -> None:
        self._undo.push(step)
        self._tags_changed(step.previous)

    def _tags_changed(self, ids: Iterable[str]) -> None:
        """Tags changed on these papers: their rows (and an expanded one's lines), the sidebar.
        The list stays as it is (a paper untagged under a tag filter goes at the next view)."""
        self.papers.notes_changed(ids)
        self._show_tags()
        if asks_about_flags(self.profiles) and not self.starred_only:
            self._refresh_view()  # a saved search with tag: or is:tagged counts them anew

    # ----------------------------------------------------------------- selection

    def action_toggle_select(self) -> None:
        paper = self._highlighted()
        if paper is None:
            return
        self.selected.toggle(paper)
        self.papers.refresh_papers([paper.id])
        self._update_date_bar()
        self.papers.action_cursor_down()

    def action_select_all(self) -> None:
        shown = self.papers.shown_papers
        if not shown:
            self.app.notify("No paper here.", severity="warning", timeout=2)
            return
        self.selected.toggle_all(shown)
        self.papers.refresh_marks([p.id for p in shown] if len(shown) <= 64 else None)
        self._update_date_bar()

    def _clear_selection(self, *, quiet: bool = False) -> None:
        if not self.selected:
            return
        ids = self.selected.clear()
        if self.is_mounted:
            self.papers.refresh_marks(ids if len(ids) <= 64 else None)
            self._update_date_bar()
        if not quiet:
            self.app.notify("Selection cleared.", timeout=2)

    # ----------------------------------------------------------------- export and library

    def action_export(self) -> None:
        from tui.app.dialogs.export import file_stem

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
        if self.active_tag is not None:  # the sidebar's Tags
            what += f", tagged {self.active_tag}"
            title += f", tagged {self.active_tag}"
            stem = file_stem(stem, self.active_tag)
        shown = self._shown_recommendation()
        if shown is not None:
            what += f", ranked by the model ({shown.learnt_from})"
        if self.selected:
            matches, what, title, stem = self.selected.export(matches, title, stem)
        self.actions.export(matches, what=what, title=title, stem=stem)

    def action_library(self) -> None:
        from tui.app.screens.library import LibraryScreen

        days = self._days
        fetch = None if days.demo else partial(fetch_ids, days.source)

        def closed(_: None) -> None:
            self.flags_changed()
            self._stars_changed()
            if self.starred_only:
                self._reload_starred()

        self.app.push_screen(
            LibraryScreen(
                flags=self.flags,
                cache=days.cache,
                fetch_ids=fetch,
                seen=self._seen,
                open_page=self._open_page,
                today=self.newest,
            ),
            closed,
        )

    # ----------------------------------------------------------------- recommendations

    def _shown_recommendation(self) -> Recommendation | None:
        """The model the list is ordered by: more like this (M), else the reader's model while
        R or P is on; None in the starred view or before a model is trained."""
        if self.starred_only:
            return None
        for shown in (self.like, self.recommendation):
            wanted = shown is self.like or self.ranking or self.recommended_only
            if shown is not None and shown.day is self.day and shown.trained and wanted:
                return shown
        return None

    def _why(self, paper: Paper) -> Content | None:
        """The words that pull ``paper`` up and down in the model the list is ordered by (else
        the reader's model), for its expanded view; None before a model has learnt."""
        shown = self._shown_recommendation() or self.recommendation
        if shown is None or shown.day is not self.day or shown.model is None:
            return None
        if not shown.trained:
            return None
        from tui.app.dialogs.explain import why_content

        return why_content(shown.model, paper, shown.relevance.get(paper.id))

    def _recommended_positions(self, index: DayIndex) -> frozenset[int] | None:
        """The day's positions the Recommended view (P) keeps; None when it is off, none while
        the model learns the day (what it leaves out never shows)."""
        if not self.recommended_only:
            return None
        shown = self.recommendation
        if shown is None or self.day is None or shown.day.date != self.day.date:
            return frozenset()
        ids = shown.recommended(self.threshold)
        return frozenset(i for i, paper in enumerate(index.papers) if paper.id in ids)

    def _show_recommended_count(self, view: View, *, counted: bool) -> None:
        shown = self.recommendation
        trained = shown is not None and shown.day is self.day and shown.trained
        count = None
        if trained and counted and shown is not None:
            relevance, threshold = shown.relevance, self.threshold
            count = sum(
                1 for match in view.matches if relevance.get(match.paper.id, 0.0) >= threshold
            )
        self.sidebar.show_recommended(
            count,
            self.threshold,
            active=self.recommended_only,
            visible=(trained or self.recommended_only) and not self.starred_only,
        )

    def _recommendation_status(self) -> str:
        like = self.like
        if like is not None and like.day is self.day:
            return f"more like {like.like.id if like.like else ''} · Esc returns"
        if not (self.ranking or self.recommended_only):
            return ""
        shown = self.recommendation
        if shown is None or shown.day is not self.day:
            return "learning from your papers…"
        if not shown.trained:
            return ""
        what = "recommended" if self.recommended_only else "ranked"
        threshold = f" ≥ {self.threshold:.2f} (+/−)" if self.recommended_only else ""
        return f"{what}{threshold} · learnt from {shown.learnt_from}"

    def action_toggle_ranking(self) -> None:
        if not self.ranking and self.starred_only:
            self.app.notify("Ranking orders the day's papers: f leaves the starred view.")
            return
        if not self.ranking and self._cannot_learn():
            return
        self.ranking = not self.ranking

    def watch_ranking(self, ranking: bool) -> None:
        if ranking and not self._trained_for_day():
            self._train_soon(0)
        self._refresh_view()

    def action_recommended_only(self) -> None:
        if not self.recommended_only and self.starred_only:
            self.app.notify("Recommended is the day's papers: f leaves the starred view.")
            return
        if not self.recommended_only and self._cannot_learn():
            return
        self.recommended_only = not self.recommended_only

    def _cannot_learn(self) -> bool:
        """Whether the model of this day is known to have learnt nothing (then said why)."""
        shown = self.recommendation
        if shown is None or shown.day is not self.day or shown.trained:
            return False
        self._say_why_untrained(shown)
        return True

    def _say_why_untrained(self, shown: Recommendation) -> None:
        if not shown.day.papers:
            why = "No papers on this day to rank."
        elif shown.starred or shown.library:
            why = (
                "Too little on this day to learn from: the model needs other papers that differ "
                "from yours in their words."
            )
        else:
            why = (
                "Nothing to learn from yet: s stars papers, or `arxiv-daily library import FILE` "
                "brings your own library; then R ranks the day and P shows the picks."
            )
        self.app.notify(why, severity="warning", timeout=6)

    def watch_recommended_only(self, on: bool) -> None:
        if on and not self._trained_for_day():
            self._train_soon(0)
        self._refresh_view(keep_position=False)

    def action_raise_threshold(self) -> None:
        self._move_threshold(+THRESHOLD_STEP)

    def action_lower_threshold(self) -> None:
        self._move_threshold(-THRESHOLD_STEP)

    def _move_threshold(self, step: float) -> None:
        moved = round(min(1.0, max(0.0, self.threshold + step)), 2)
        if moved == self.threshold:
            self.app.notify(f"The threshold is at its end ({moved:.2f}).", timeout=2)
            return
        self.threshold = moved

    def watch_threshold(self) -> None:
        if self.recommended_only:
            self._refresh_view()
        elif self.view is not None:
            self._show_recommended_count(self.view, counted=self._index is not None)
            self._update_date_bar()
        self._session_changed()

    def action_more_like_this(self) -> None:
        paper = self._highlighted()
        day = self.day
        if paper is None or day is None or self.starred_only:
            if self.starred_only:
                self.app.notify("More like this ranks the day's papers: f leaves the starred view.")
            return
        self._like_sequence += 1
        self._train_like_in_worker(day, paper, self._like_sequence)

    def _leave_more_like(self) -> None:
        self.like = None
        self.papers.explanations_changed()
        self._refresh_view()

    def action_explain(self) -> None:
        from tui.app.dialogs.explain import ExplainScreen

        shown = self.like if self.like is not None else self.recommendation
        if shown is not None and shown.day is not self.day:
            shown = None
        self.app.push_screen(ExplainScreen(shown, self.papers.highlighted_paper, self.threshold))

    def recommender(self) -> Recommender:
        """The service that trains the recommendations (made on first use)."""
        if self._recommender is None:
            from tui.app.services.recommender import Recommender

            self._recommender = Recommender()
        return self._recommender

    def _trained_for_day(self) -> bool:
        shown = self.recommendation
        return shown is not None and shown.day is self.day

    def _stars_changed(self) -> None:
        """Train again shortly after the stars stop changing."""
        self._train_soon(RETRAIN_DELAY)

    def _train_soon(self, delay: float) -> None:
        """Train in ``delay`` seconds (0: now), unless asked again before."""
        if self._train_timer is not None:
            self._train_timer.stop()
            self._train_timer = None
        if delay <= 0:
            self._train()
        else:
            self._train_timer = self.set_timer(delay, self._train, name="train again")

    def _train(self) -> None:
        self._train_timer = None
        day = self.day
        if day is None:
            return
        self._train_sequence += 1
        if not day.papers:  # nothing to rank: said at once, as for a reader with no star
            from tui.app.services.recommender import Recommendation

            nothing = Recommendation(day, None, {}, {})
            self.post_message(Recommended(nothing, sequence=self._train_sequence))
            return
        papers = day.papers
        hidden = self._cleared.hidden  # the kill rules' of the shown day: not wanted either
        cleared = frozenset(papers[i].id for i in hidden if i < len(papers))
        self._train_in_worker(day, dict(self._seen), cleared, self._train_sequence)

    @work(thread=True, group="recommend", description="train the recommendations")
    def _train_in_worker(
        self, day: Day, seen: dict[str, Paper], cleared: frozenset[str], sequence: int
    ) -> None:
        self.flags.settle()  # the store open: it may be waiting for the first paint
        get = self.flags.get

        def passed_over(paper: Paper) -> bool:
            """Read and not starred, or hidden by a kill rule: what the reader passed over."""
            if paper.id in cleared:
                return not get(paper.id).starred
            flags = get(paper.id)
            return flags.read and not flags.starred

        learned = self.recommender().learn(
            day, self.flags.starred_ids(), passed_over, self._days.cache().find, seen
        )
        self.post_message(Recommended(learned, sequence=sequence))

    @work(thread=True, group="recommend", description="train a more-like-this model")
    def _train_like_in_worker(self, day: Day, paper: Paper, sequence: int) -> None:
        self.post_message(Recommended(self.recommender().more_like(day, paper), sequence=sequence))

    @on(Recommended)
    def recommended(self, message: Recommended) -> None:
        shown = message.recommendation
        if shown.day is not self.day:
            return
        if shown.like is not None:
            if message.sequence != self._like_sequence:
                return  # another M came after it
            if not shown.trained:
                self.app.notify(
                    f"Nothing in the words of the day's other papers sets {shown.like.id} apart: "
                    "no ranking by it.",
                    timeout=5,
                )
                return
            self.like = shown
            self.papers.explanations_changed()
            self._refresh_view(keep_position=False)
            return
        if message.sequence != self._train_sequence:
            return  # a later training (after another star) is on its way
        self.recommendation = shown
        self.train_seconds = shown.seconds
        self.papers.explanations_changed()
        recommender = self.recommender()
        for notice in recommender.notices:
            self.app.notify(notice, title="Library", severity="warning", timeout=10)
        recommender.notices = []
        was_on = self.ranking or self.recommended_only
        if not shown.trained and was_on:
            self.set_reactive(TriageScreen.ranking, False)
            self.set_reactive(TriageScreen.recommended_only, False)
            self._say_why_untrained(shown)
        if self.view is None or self.starred_only:
            return
        if was_on:
            self._refresh_view()
        else:
            self._show_recommended_count(self.view, counted=self._index is not None)
            self._update_date_bar()

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
        from tui.app.dialogs.date_picker import DatePickerScreen

        self.app.push_screen(DatePickerScreen(initial, self.newest), picked)

    # ----------------------------------------------------------------- starred view

    def action_starred_only(self) -> None:
        self.starred_only = not self.starred_only

    def watch_starred_only(self, starred_only: bool) -> None:
        self._clear_selection(quiet=True)  # the selection belonged to the other list
        if starred_only:
            self._reload_starred()
        else:
            self._refresh_view(keep_position=False)

    def _reload_starred(self) -> None:
        """The starred view, found again (the stars may have changed)."""
        self._clear_selection(quiet=True)
        self._starred_index = None
        self._refresh_view(keep_position=False)
        self._find_starred(dict(self._seen))

    @work(thread=True, group="starred", exclusive=True, description="find the starred papers")
    def _find_starred(self, seen: dict[str, Paper]) -> None:
        self.flags.settle()  # the store may still be opening (a restored starred view at start)
        found = starred_papers(self.flags.starred_ids(), seen, self._days.cache().find)
        papers = list(found.values())
        hits = watch_hits(self.watch_marks.watch_list, papers)
        index = DayIndex(papers)
        fuzzy = FuzzyIndex(papers, texts=index.search_texts())
        self.post_message(StarredFound(papers, index, fuzzy, hits))

    @on(StarredFound)
    def starred_found(self, message: StarredFound) -> None:
        if not self.starred_only:
            return
        self._starred_index = message.index
        self._starred_fuzzy = message.fuzzy
        self.watch_marks.hits.update(message.watch_hits or {})
        self._refresh_view(keep_position=False)
        self.session.paper = None

    def _restore_starred_view(self) -> None:
        """Once the first day is in (its starred papers among them), a restored starred view."""
        if self.session.starred_view:
            self.session.starred_view = False
            if not self.starred_only:
                self.action_starred_only()

    # ----------------------------------------------------------------- watch list

    def action_watched_only(self) -> None:
        if not self.watch_marks.watch_list and not self.watched_only:
            self.app.notify(
                "Nothing is watched yet: w watches an author of the highlighted paper "
                "([watch] in the settings lists authors and phrases).",
                timeout=5,
            )
            return
        self.watched_only = not self.watched_only

    def watch_watched_only(self) -> None:
        self._refresh_view()

    def action_watch_author(self) -> None:
        paper = self._highlighted()
        if paper is None:
            return
        names = [author_name(raw) for raw in paper.authors]
        if not names:
            self.app.notify(f"{paper.id} lists no authors.", severity="warning", timeout=3)
            return
        if len(names) == 1:
            self._toggle_watch(names[0])
            return
        hit = self.watch_marks.hits.get(paper.id)

        def chosen(name: str | None) -> None:
            if name is not None:
                self._toggle_watch(name)

        from tui.app.dialogs.pick_author import PickAuthorScreen

        self.app.push_screen(PickAuthorScreen(names, hit.authors if hit else ()), chosen)

    def _toggle_watch(self, name: str) -> None:
        if self.watch_marks.watch_list.watched_author(name) is None:
            self.watch_author(name)
        else:
            self.unwatch_author(name)

    def watch_author(self, name: str) -> None:
        """Watch ``name`` from now on, and keep it in the settings."""
        job = self.watch_marks.add(name, self._watchable_papers())
        if isinstance(job, str):
            self.app.notify(job, timeout=3)
            return
        self._run_watch_job(job)
        self.sidebar.show_watched(None, active=self.watched_only, visible=True)

    def unwatch_author(self, name: str) -> None:
        """Stop watching ``name`` (however the settings spell it), and take it out of them."""
        job = self.watch_marks.remove(name, self._watchable_papers())
        if isinstance(job, str):
            self.app.notify(job, timeout=3)
            return
        self._run_watch_job(job)
        if not self.watch_marks.watch_list and self.watched_only:
            self.action_watched_only()  # nothing left to show in it

    def _watchable_papers(self) -> list[Paper]:
        """The papers whose watch marks a change of the list can move: the day's, the library's."""
        papers = list(self.day.papers) if self.day is not None else []
        if self._starred_index is not None:
            papers += self._starred_index.papers
        return papers

    @work(thread=True, group="watch-save", description="change the watch list")
    def _run_watch_job(self, job: WatchJob) -> None:
        self.watch_marks.run(job)

    def _match_watch(self, papers: Sequence[Paper]) -> None:
        watch = self.watch_marks
        self._match_in_worker(papers, watch.watch_list, watch.version)

    @work(thread=True, group="watch", description="match the watch list")
    def _match_in_worker(self, papers: Sequence[Paper], watch: WatchList, version: int) -> None:
        self.watch_marks.match(papers, watch, version)

    @on(WatchMatched)
    def watch_matched(self, message: WatchMatched) -> None:
        if self.watch_marks.matched(message):
            self.papers.refresh_marks()
            self._refresh_view()

    @on(WatchAuthorSaved)
    def watch_author_saved(self, message: WatchAuthorSaved) -> None:
        name = message.name
        if message.problem is None:
            done = (
                f"Watching {name} (added to the settings)."
                if message.watching
                else f"Stopped watching {name} (taken out of the settings)."
            )
            self.app.notify(done, timeout=4)
            return
        for_now = f"Watching {name} for now" if message.watching else f"Not watching {name} for now"
        self.app.notify(
            f"{for_now}; the settings were not changed: {message.problem}",
            title="Watch list",
            severity="warning",
            timeout=10,
        )

    # ----------------------------------------------------------------- PDFs

    def action_download_pdf(self) -> None:
        self._pdf_job(self.targets(), then_open=False)

    def action_open_pdf(self) -> None:
        papers = self.targets()
        if len(papers) > MAX_OPENED:
            self.app.notify(
                f"Opening the first {MAX_OPENED} of {len(papers)} selected PDFs.",
                severity="warning",
                timeout=4,
            )
            papers = papers[:MAX_OPENED]
        self._pdf_job(papers, then_open=True)

    def _pdf_job(self, papers: Sequence[Paper], *, then_open: bool) -> None:
        if not papers:
            return
        fresh, notice = self.pdfs.take(papers)
        if notice is not None:
            self.app.notify(
                notice, severity="warning" if self.pdfs.folder is None else "information", timeout=3
            )
        if fresh:
            self._fetch_pdfs(fresh, then_open)

    @work(thread=True, group="pdf", description="download PDFs")
    def _fetch_pdfs(self, papers: Sequence[Paper], then_open: bool) -> None:
        self.pdfs.fetch(papers, then_open)

    @on(PdfProgressed)
    def pdf_progressed(self, message: PdfProgressed) -> None:
        if self.pdfs.progressed(message):
            self._update_date_bar()

    @on(PdfFinished)
    def pdf_finished(self, message: PdfFinished) -> None:
        if message.problem is not None:
            self.app.notify(
                message.problem,
                title=f"Could not download the PDF of {message.paper_id}",
                severity="error",
                timeout=10,
            )
            return
        path = message.path
        assert path is not None
        if message.then_open:
            if self.extras.open_pdf is not None:
                self.extras.open_pdf(path)
        elif message.already_there:
            self.app.notify(path.name, title="Already downloaded", timeout=4)
        else:
            self.app.notify(path.name, title=f"Saved in {path.parent}", timeout=5)

    @on(PdfJobEnded)
    def pdf_job_ended(self, message: PdfJobEnded) -> None:
        self.pdfs.ended(message)
        self._update_date_bar()

    # ----------------------------------------------------------------- session

    def current_session(self) -> Session:
        paper = self.papers.highlighted_paper
        paper_id = self.session.paper or (paper.id if paper is not None else None)
        day = self.session.day
        return Session(
            day=None if day is None or day >= self.newest else day,
            categories_off=tuple(c for c in self.categories if c not in self.enabled),
            profile=self.active_profile,
            search=self.search_box.value,
            paper_id=paper_id,
            starred_only=self.starred_only,
            threshold=None if self.threshold == DEFAULT_THRESHOLD else self.threshold,
        )

    def _session_changed(self) -> None:
        """Save the session once things have been quiet for a moment."""
        if self.session.keep is None or not self.is_mounted:
            return
        self.session.changed(self.current_session())
        if self._session_timer is not None:
            self._session_timer.stop()
        self._session_timer = self.set_timer(SESSION_DELAY, self.save_session)

    def save_session(self) -> None:
        """Hand the session as it last changed to the app's keeper (it writes behind)."""
        self.session.save()

    # ----------------------------------------------------------------- app

    def action_quick_triage(self) -> None:
        """The unread papers shown (not starred), one at a time; then the later queue."""
        later = LaterQueue()
        for notice in later.notices:
            self.app.notify(notice, title="Later queue", severity="warning", timeout=10)
        get = self.flags.get
        papers = [
            paper
            for paper in self.papers.shown_papers
            if not get(paper.id).read and not get(paper.id).starred
        ]
        put_off = [self._seen[paper_id] for paper_id in later.ids if paper_id in self._seen]
        if not papers and not put_off:
            self.app.notify("Every paper shown is read, and nothing is put off.", timeout=3)
            return

        def closed(_: None) -> None:
            self.flags_changed()
            self._stars_changed()

        # Imported here: quick triage records its decisions in this screen's undo history (a
        # part of this package), so it imports the package.
        from tui.app.screens.quick_triage import QuickTriageScreen

        quick = QuickTriageScreen(
            papers, flags=self.flags, later=later, put_off=put_off, history=self._undo
        )
        self.app.push_screen(quick, closed)

    def action_help(self) -> None:
        self.actions.help()

    async def action_quit(self) -> None:
        await self.app.action_quit()
