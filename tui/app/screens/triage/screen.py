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
- ``UndoHistory``: ``u`` takes back flag changes, never another reader's.

Background work runs in ``@work`` thread workers (always with a ``description``: Textual would
otherwise keep ``repr()`` of their arguments, and the repr of a day is that of its papers).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date
from functools import partial
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Resize
from textual.reactive import var
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static

from tui.adapters.later import LaterQueue
from tui.adapters.session import Session
from tui.app.commands import TriageCommands, bindings
from tui.app.dialogs.date_picker import DatePickerScreen
from tui.app.dialogs.export import (
    file_stem,
)
from tui.app.dialogs.pick_author import PickAuthorScreen
from tui.app.messages import (
    DayIndexed,
    DayLoaded,
    DayRanked,
    FetchFailed,
    FetchProgressed,
    FuzzyIndexed,
    LoadFinished,
    PdfFinished,
    PdfJobEnded,
    PdfProgressed,
    SourcesWarned,
    StarredFound,
    WatchAuthorSaved,
    WatchMatched,
)
from tui.app.screens.library import LibraryScreen
from tui.app.screens.paper_actions import MAX_OPENED, PaperActions
from tui.app.screens.quick_triage import QuickTriageScreen
from tui.app.screens.triage.extras import TriageExtras
from tui.app.screens.triage.pdf_jobs import PdfJobs
from tui.app.screens.triage.search import SearchLanguage
from tui.app.screens.triage.selection import Selection
from tui.app.screens.triage.session_saver import SESSION_DELAY, SessionSaver
from tui.app.screens.triage.undo import UndoHistory, UndoStep
from tui.app.screens.triage.watch_marks import WatchJob, WatchMarks
from tui.app.services.day_feed import DayFeed, fetch_ids
from tui.app.services.day_ranking import RANK_DELAY, DayRanking
from tui.app.services.day_sources import DaySources
from tui.app.services.flag_keeper import FlagFacts, FlagField, FlagKeeper
from tui.app.services.memory import keep_long_lived
from tui.app.services.watching import watch_hits
from tui.app.widgets.date_bar import DateBar, DateBarState, Status
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
from tui.core.render import author_name
from tui.core.rules import NOTHING_CLEARED, Cleared
from tui.core.starred import starred_papers
from tui.core.watch import WatchList
from tui.core.words import count_papers

REPAINT_ROWS_ONE_BY_ONE = 64

SEARCH_HINT = 'Search: words · au: ti: abs: cat: id: is:unread · "phrase" · -word · OR'
"""What the empty search box says: plain words, or the search language (tui.core.query)."""

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
    """The day ordered by likeness to the starred papers (R)."""
    hide_read: var[bool] = var(False, init=False)
    """Only what is new to the reader: the papers already read are hidden (H)."""
    cleared_by_rules: var[bool] = var(False, init=False)
    """Only the papers the kill rules cleared (K): nothing is lost to a bad rule."""
    compact_list: var[bool] = var(False, init=False)
    """One line per paper instead of the two-line rows (z)."""
    list_order: var[ListOrder] = var(ListOrder.DAY, init=False)
    """The day's order in arXiv's sections, newest first, or by title (S cycles)."""

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
        )
        self.set_reactive(TriageScreen.hide_read, extras.hide_read)
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

        self._ranker = DayRanking()
        self._scores: dict[str, float] | None = None
        """The shown day's scores, once ranked."""
        self._ranked_by = 0
        self._rank_sequence = 0
        self._rank_timer: Timer | None = None
        self.rank_seconds: float | None = None
        """How long the last ranking took on its worker."""

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
                    compact=self.compact_list,
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
        restore = self.session.restore
        if restore is not None and restore.search:
            search = self.search_box
            with search.prevent(Input.Changed):
                search.value = restore.search
            search.add_class("-open")
        self._refresh_view()
        self.show_date(self._start or self.newest, first=True)

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
        self._scores = None
        if self.ranking:
            self._rank()
        if not self.starred_only:
            self._refresh_view(keep_position=same_day)
        else:
            self._update_date_bar()

    def _day_shown(self, message: DayLoaded) -> None:
        message.shown.set()
        self.flags.ui_ready()

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
        # arXiv's sections in the day's order; none in a ranked list or the starred view.
        in_order = scores is None and not self._search_ranked
        sections = in_order and not self.starred_only and self.list_order is ListOrder.DAY
        if in_order:
            arranged = arrange(view.matches, self.list_order, sections=sections)
            view = View(arranged, view.category_counts, view.profile_counts, view.total)
        sorted_now = in_order and self.list_order is not ListOrder.DAY
        self._sorted_by = self.list_order.label if sorted_now else ""
        self.view = view
        self._shown_ids = frozenset(match.paper.id for match in view.matches)
        self.papers.show(
            view.matches, keep_position=keep_position, scores=scores, sections=sections
        )
        self._view_shown(view, counted=index is not None)
        self._update_date_bar()
        self._update_list_message()

    def _view_of(self, index: DayIndex) -> View:
        """The view ``index`` gives for the current filters, search and watched-only switch."""
        query = self._query()
        within = self.watch_marks.watched_in(index) if self.watched_only else None
        if not self.starred_only:
            by_rules = self._cleared.positions if self.cleared_by_rules else self._kept
            if by_rules is not None:
                within = by_rules if within is None else within & by_rules
        searched = self.search.positions(index, query.text, self._facts)
        if searched is not None:  # the search language (fields, phrases, operators)
            within = searched if within is None else within & searched
            query = replace(query, text="")
        fuzzy = self._starred_fuzzy if self.starred_only else self._fuzzy
        ranked = None
        if query.text.strip() and fuzzy is not None and len(fuzzy) == len(index):
            ranked = fuzzy.ranked(query.text)
            self.fuzzy_searches += 1
        self._search_ranked = ranked is not None
        self._show_search_error()
        self._read_hidden = None
        if self.hide_read and not self.starred_only:
            # Read now: a paper read from here on stays until the next view (not whisked away
            # from under the cursor); the date bar counts those left out.
            get = self.flags.get
            read = frozenset(i for i, paper in enumerate(index.papers) if get(paper.id).read)
            if read:
                left_out = read if within is None else within & read
                hidden = index.view(query, (), (), ranked=ranked, within=left_out)
                self._read_hidden = len(hidden.matches)
                kept = index.all_positions - read
                within = kept if within is None else within - read
            else:
                self._read_hidden = 0
        return index.view(query, self.categories, self.profiles, ranked=ranked, within=within)

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
        self._read_hidden = None
        unfiltered = (
            query.categories is None
            and query.profile is None
            and not query.text.strip()
            and not self.extras.rules
            and not self.hide_read
            and not self.cleared_by_rules
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
        if self.session.paper is not None and self.papers.move_to(self.session.paper):
            self.session.paper = None
        self._session_changed()

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
        if not status and self.ranking and not self.starred_only:
            status = (
                f"ranked by likeness to {self._ranked_by} starred"
                + (" paper" if self._ranked_by == 1 else " papers")
                if self._scores is not None
                else "ranking…"
            )
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
        self._repaint(ids)
        self._update_date_bar()
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

    def action_hide_read(self) -> None:
        self.hide_read = not self.hide_read

    def watch_hide_read(self) -> None:
        self._refresh_view(keep_position=False)

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
        return FlagFacts(self.flags)

    def _row_marks(self, paper: Paper) -> RowMarks:
        return self.watch_marks.marks(paper, paper.id in self.selected)

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
            self.actions.edit_note(
                paper.id, paper, lambda paper_id: self.papers.notes_changed([paper_id])
            )

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
            matches, what, title, stem = self.selected.export(matches, title, stem)
        self.actions.export(matches, what=what, title=title, stem=stem)

    def action_library(self) -> None:
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

    # ----------------------------------------------------------------- ranking

    def action_toggle_ranking(self) -> None:
        if not self.ranking and self.starred_only:
            self.app.notify("Ranking orders the day's papers: f leaves the starred view.")
        self.ranking = not self.ranking

    def watch_ranking(self, ranking: bool) -> None:
        if ranking:
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
        self._rank_in_worker(day, dict(self._seen), self._rank_sequence)

    @work(thread=True, group="rank", description="rank the day by the starred papers")
    def _rank_in_worker(self, day: Day, seen: dict[str, Paper], sequence: int) -> None:
        self.flags.settle()  # the store open: it may be waiting for the first paint
        ranked = self._ranker.rank(day, self.flags.starred_ids(), seen, self._days.cache)
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
            self._scores = None
            self.ranking = False  # the view follows (watch_ranking)
            self.app.notify(
                "No starred papers to rank by: s stars a paper, then R ranks the day.",
                severity="warning",
                timeout=5,
            )
            return
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

        self.app.push_screen(
            QuickTriageScreen(papers, flags=self.flags, later=later, put_off=put_off), closed
        )

    def action_help(self) -> None:
        self.actions.help()

    async def action_quit(self) -> None:
        await self.app.action_quit()
