"""Power triage, the triage screen's base: watch list, selection, PDFs, fuzzy search, session.

``TriageScreen`` derives from ``PowerTriage`` and calls its hooks (``_init_power``,
``_view_of``, ``_day_shown`` …) at the few places where the day, the view or the list change.
What lives here:

- **Watch list**: papers by a watched author or with a watched phrase are marked in the list,
  counted in the sidebar ("Watched N") and can be shown alone (``W``, or the sidebar entry).
  ``w`` adds an author of the highlighted paper, written to the settings on a worker.
- **Selection**: ``v`` selects a paper and moves on, ``V`` selects every paper shown (again:
  unselects them). Star, read, copy and open then apply to the selection (``targets``).
- **PDFs**: ``D`` downloads the paper's (or the selection's) PDF into the PDF folder, with
  progress in the date bar; ``O`` opens it with the system viewer (downloading it first).
- **Fuzzy search**: once a day's ``FuzzyIndex`` is built (a worker, after the filter index),
  the search box ranks near misses too; until then it filters by substring.
- **Session**: the day, filters, search and highlighted paper are handed to the app's session
  keeper half a second after they last changed, and restored at start.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input

from tui.adapters.session import Session
from tui.app.dialogs.pick_author import PickAuthorScreen
from tui.app.messages import (
    FuzzyIndexed,
    PdfFinished,
    PdfJobEnded,
    PdfProgressed,
    WatchAuthorSaved,
    WatchMatched,
)
from tui.app.services.flag_keeper import FlagKeeper
from tui.app.services.watching import WatchHit, positions, watch_hits, with_author, without_author
from tui.app.widgets.paper_list import PaperList
from tui.app.widgets.paper_row import NO_MARKS, RowMarks
from tui.app.widgets.sidebar import Sidebar
from tui.core.filters import DayIndex, Match, Query, View
from tui.core.follow import KeywordProfile
from tui.core.fuzzy import FuzzyIndex
from tui.core.paper import Day, Paper
from tui.core.render import author_name
from tui.core.watch import WatchList

# Workers get a description: Textual otherwise stores repr(work), and the repr of a partial
# holding a day is the repr of its 5,000 papers (~100 ms on the UI thread).

SESSION_DELAY = 0.5
"""Seconds of quiet after a move or a filter change before the session is saved."""
MAX_OPENED = 10
"""Pages or PDFs opened at once for a selection; more is almost always a slip."""
PROGRESS_INTERVAL = 0.1
"""Seconds between two progress reports of a download."""
_SELECTED_ONLY = RowMarks(selected=True)


@dataclass(frozen=True)
class TriageExtras:
    """What the power features need from the app; the defaults do nothing (tests, tools)."""

    watch: WatchList = field(default_factory=WatchList)
    pdf_folder: Path | None = None
    """Where ``D`` saves PDFs; None: no downloads."""
    open_pdf: Callable[[Path], None] | None = None
    """Opens a PDF on disk (the app's viewer, or a notice where there is none)."""
    save_watch_author: Callable[[str], None] | None = None
    """Writes an author into the settings. Blocking: called on a worker thread."""
    remove_watch_author: Callable[[str], None] | None = None
    """Takes an author (as the settings have it) out of them. Blocking, as above."""
    keep_session: Callable[[Session], None] | None = None
    """Hands a session to the app's keeper (it writes behind)."""
    restore: Session | None = None
    """The session to pick up: filters at once, the paper once its day has loaded."""


def _size(count: int) -> str:
    if count < 1024 * 1024:
        return f"{count / 1024:.0f} KB"
    return f"{count / (1024 * 1024):.1f} MB"


class PowerTriage(Screen[None]):
    if TYPE_CHECKING:
        # Provided by TriageScreen.
        flags: FlagKeeper
        day: Day | None
        view: View | None
        shown_date: date | None
        newest: date
        starred_only: bool
        categories: tuple[str, ...]
        profiles: tuple[KeywordProfile, ...]
        _enabled: frozenset[str]
        _active_profile: str | None
        _starred_index: DayIndex | None
        _index: DayIndex | None

        @property
        def papers(self) -> PaperList: ...

        @property
        def search_box(self) -> Input: ...

        @property
        def sidebar(self) -> Sidebar: ...

        def _refresh_view(self, *, keep_position: bool = True) -> None: ...

        def _update_date_bar(self) -> None: ...

        def _highlighted(self) -> Paper | None: ...

        def _query(self) -> Query: ...

        def action_starred_only(self) -> None: ...

    def _init_power(self, extras: TriageExtras) -> None:
        self.extras = extras
        self.watch_list = extras.watch
        self._watch_version = 0
        self._watch_hits: dict[str, WatchHit] = {}
        self._watched_positions: tuple[DayIndex, int, frozenset[int]] | None = None
        self.watched_only = False
        self.selected: dict[str, Paper] = {}
        """Selected papers by id, in the order they were selected."""
        self._fuzzy: FuzzyIndex | None = None
        """The shown day's fuzzy index, once built (None: the search filters by substring)."""
        self._starred_fuzzy: FuzzyIndex | None = None
        self._pdf_busy: set[str] = set()
        self._pdf_cancel = threading.Event()
        self._pdf_activity = ""
        self._session_timer: Timer | None = None
        self._unsaved_session: Session | None = None
        self._session_day: date | None = None
        """The day asked for (not a stand-in shown while offline)."""
        restore = extras.restore
        self._restore_paper: str | None = restore.paper_id if restore is not None else None
        self._restore_starred = restore is not None and restore.starred_only
        if restore is not None:
            self._enabled = frozenset(self.categories) - frozenset(restore.categories_off)
            if restore.profile is None or any(p.name == restore.profile for p in self.profiles):
                self._active_profile = restore.profile
        self.fuzzy_searches = 0
        """Searches answered by the fuzzy index (tests)."""

    # ----------------------------------------------------------------- hooks

    def _restore_filters_on_mount(self) -> None:
        """The restored search text (the categories and profile were set at construction)."""
        restore = self.extras.restore
        if restore is not None and restore.search:
            search = self.search_box
            with search.prevent(Input.Changed):
                search.value = restore.search
            search.add_class("-open")

    def _restore_starred_view(self) -> None:
        """Once the first day is in (its starred papers among them), the starred view."""
        if self._restore_starred:
            self._restore_starred = False
            if not self.starred_only:
                self.action_starred_only()

    def _day_changing(self, day: date) -> None:
        """``show_date`` is moving to ``day``."""
        self._session_day = day
        self._clear_selection(quiet=True)

    def _day_arrived(self, day: Day) -> None:
        """A day's papers arrived (and replaced the shown ones)."""
        self._fuzzy = None
        if self.watch_list:
            self._match_watch(day.papers)
        self._restore_starred_view()

    def _day_indexed(self, day: Day, generation: int) -> None:
        """The day's filter index is in: build the fuzzy one behind it, once the screen shows
        the day (the build holds the interpreter for a moment: the rows come first)."""
        self.call_after_refresh(
            self.run_worker,
            partial(self._build_fuzzy, day, generation, self._index),
            name="fuzzy index",
            description=f"fuzzy index of {day.date}",
            group="fuzzy",
            exclusive=True,
            thread=True,
        )

    def _build_fuzzy(self, day: Day, generation: int, index: DayIndex | None) -> None:
        # The filter index's folded texts are shared, not made again (a copy of every abstract).
        texts = index.search_texts() if index is not None and index.papers == day.papers else None
        fuzzy = FuzzyIndex(day.papers, texts=texts)
        self.post_message(FuzzyIndexed(day, fuzzy, generation=generation))

    def on_fuzzy_indexed(self, message: FuzzyIndexed) -> None:
        if message.day is not self.day:
            return
        self._fuzzy = message.fuzzy
        # Long-lived like the day itself: out of the collector's sight (see day_indexed).
        gc.freeze()
        if not self.starred_only and self.search_box.value.strip():
            self._refresh_view()

    def _view_of(self, index: DayIndex) -> View:
        """The view ``index`` gives for the current filters, search and watched-only switch."""
        query = self._query()
        fuzzy = self._starred_fuzzy if self.starred_only else self._fuzzy
        ranked = None
        if query.text.strip() and fuzzy is not None and len(fuzzy) == len(index):
            ranked = fuzzy.ranked(query.text)
            self.fuzzy_searches += 1
        within = self._watched_in(index) if self.watched_only else None
        return index.view(query, self.categories, self.profiles, ranked=ranked, within=within)

    def _view_shown(self, view: View, *, counted: bool) -> None:
        """The list shows ``view``: the sidebar's watched count, a pending restore, the session."""
        hits = self._watch_hits
        count = sum(1 for match in view.matches if match.paper.id in hits) if counted else None
        self.sidebar.show_watched(count, active=self.watched_only, visible=bool(self.watch_list))
        if self._restore_paper is not None and self.papers.move_to(self._restore_paper):
            self._restore_paper = None
        self._session_changed()

    def _load_settled(self) -> None:
        """The day's load is over: a paper to restore that is not in it is not coming."""
        self._restore_starred_view()
        if not self.starred_only:
            self._restore_paper = None

    def _starred_settled(self, fuzzy: FuzzyIndex | None, hits: dict[str, WatchHit]) -> None:
        self._starred_fuzzy = fuzzy
        self._watch_hits.update(hits)

    def _after_starred_refresh(self) -> None:
        self._restore_paper = None

    def _leaving_list(self) -> None:
        """The starred view opens or closes: the selection belonged to the other list."""
        self._clear_selection(quiet=True)

    def _row_marks(self, paper: Paper) -> RowMarks:
        hit = self._watch_hits.get(paper.id)
        selected = paper.id in self.selected
        if hit is None:
            return _SELECTED_ONLY if selected else NO_MARKS
        return RowMarks(selected, True, hit.authors, hit.phrases)

    def _watched_in(self, index: DayIndex) -> frozenset[int]:
        cached = self._watched_positions
        if cached is not None and cached[0] is index and cached[1] == len(self._watch_hits):
            return cached[2]
        found = positions(index.papers, self._watch_hits)
        self._watched_positions = (index, len(self._watch_hits), found)
        return found

    # ----------------------------------------------------------------- selection

    def targets(self) -> list[Paper]:
        """What a flag, copy or open key acts on: the selection, else the highlighted paper."""
        if self.selected:
            return list(self.selected.values())
        paper = self._highlighted()
        return [] if paper is None else [paper]

    def action_toggle_select(self) -> None:
        paper = self._highlighted()
        if paper is None:
            return
        if self.selected.pop(paper.id, None) is None:
            self.selected[paper.id] = paper
        self.papers.refresh_papers([paper.id])
        self._update_date_bar()
        self.papers.action_cursor_down()

    def action_select_all(self) -> None:
        shown = self.papers.shown_papers
        if not shown:
            self.app.notify("No paper here.", severity="warning", timeout=2)
            return
        if all(paper.id in self.selected for paper in shown):
            for paper in shown:
                self.selected.pop(paper.id, None)
        else:
            for paper in shown:
                self.selected.setdefault(paper.id, paper)
        self.papers.refresh_marks([p.id for p in shown] if len(shown) <= 64 else None)
        self._update_date_bar()

    def _selection_export(
        self, shown: Sequence[Match], title: str, stem: str
    ) -> tuple[list[Match], str, str, str]:
        """What ``e`` exports while papers are selected: those, whether shown or not."""
        keywords = {match.paper.id: match.keywords for match in shown}
        matches = [Match(paper, keywords.get(paper.id, ())) for paper in self.selected.values()]
        what = f"the {len(matches):,} selected paper" + ("" if len(matches) == 1 else "s")
        return matches, what, f"{title}, selected", f"{stem}-selected"

    def _clear_selection(self, *, quiet: bool = False) -> None:
        if not self.selected:
            return
        ids = list(self.selected)
        self.selected.clear()
        if self.is_mounted:
            self.papers.refresh_marks(ids if len(ids) <= 64 else None)
            self._update_date_bar()
        if not quiet:
            self.app.notify("Selection cleared.", timeout=2)

    # ----------------------------------------------------------------- watch list

    def action_watched_only(self) -> None:
        if not self.watch_list and not self.watched_only:
            self.app.notify(
                "Nothing is watched yet: w watches an author of the highlighted paper "
                "([watch] in the settings lists authors and phrases).",
                timeout=5,
            )
            return
        self.watched_only = not self.watched_only
        self._refresh_view()

    def on_sidebar_watched_toggled(self, message: Sidebar.WatchedToggled) -> None:
        self.action_watched_only()

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
        hit = self._watch_hits.get(paper.id)

        def chosen(name: str | None) -> None:
            if name is not None:
                self._toggle_watch(name)

        self.app.push_screen(PickAuthorScreen(names, hit.authors if hit else ()), chosen)

    def _toggle_watch(self, name: str) -> None:
        if self.watch_list.watched_author(name) is None:
            self.watch_author(name)
        else:
            self.unwatch_author(name)

    def unwatch_author(self, name: str) -> None:
        """Stop watching ``name`` (however the settings spell it), and take it out of them."""
        written = self.watch_list.watched_author(" ".join(name.split()))
        if written is None:
            self.app.notify(f"{name} is not watched.", timeout=3)
            return
        self.watch_list = without_author(self.watch_list, written)
        self._watch_version += 1
        self.run_worker(
            partial(
                self._save_and_match,
                written,
                self._watchable_papers(),
                self.watch_list,
                self._watch_version,
                watching=False,
            ),
            name="unwatch author",
            description=f"unwatch {written}",
            group="watch-save",
            thread=True,
        )
        if not self.watch_list and self.watched_only:
            self.action_watched_only()  # nothing left to show in it

    def _watchable_papers(self) -> list[Paper]:
        """The papers whose watch marks a change of the list can move: the day's, the library's."""
        papers = list(self.day.papers) if self.day is not None else []
        if self._starred_index is not None:
            papers += self._starred_index.papers
        return papers

    def watch_author(self, name: str) -> None:
        """Watch ``name`` from now on, and keep it in the settings."""
        name = " ".join(name.split())
        known = self.watch_list.watched_author(name)
        if known is not None:
            self.app.notify(f"{name} is already watched (as {known}).", timeout=3)
            return
        self.watch_list = with_author(self.watch_list, name)
        self._watch_version += 1
        self.run_worker(
            partial(
                self._save_and_match,
                name,
                self._watchable_papers(),
                self.watch_list,
                self._watch_version,
            ),
            name="watch author",
            description=f"watch {name}",
            group="watch-save",
            thread=True,
        )
        self.sidebar.show_watched(None, active=self.watched_only, visible=True)

    def _save_and_match(
        self,
        name: str,
        papers: Sequence[Paper],
        watch: WatchList,
        version: int,
        *,
        watching: bool = True,
    ) -> None:
        save = self.extras.save_watch_author if watching else self.extras.remove_watch_author
        problem = None
        if save is not None:
            try:
                save(name)
            except Exception as error:  # the settings file is the user's: say why, go on
                problem = str(error) or type(error).__name__
        self.post_message(WatchAuthorSaved(name, problem, watching=watching))
        # A longer list only adds marks; a shorter one must take some away.
        self._post_matches(papers, watch, version, complete=not watching)

    def _match_watch(self, papers: Sequence[Paper]) -> None:
        self.run_worker(
            partial(self._post_matches, papers, self.watch_list, self._watch_version),
            name="watch list",
            description=f"watch list over {len(papers)} papers",
            group="watch",
            thread=True,
        )

    def _post_matches(
        self, papers: Sequence[Paper], watch: WatchList, version: int, *, complete: bool = False
    ) -> None:
        hits = watch_hits(watch, papers)
        self.post_message(WatchMatched(hits, watch_version=version, complete=complete))

    def on_watch_matched(self, message: WatchMatched) -> None:
        if message.watch_version != self._watch_version:
            return  # a newer list is being matched
        if message.complete:
            self._watch_hits = dict(message.hits)
        else:  # the same list over more papers, or a longer one: add to what is known
            self._watch_hits.update(message.hits)
        self._watched_positions = None
        self.papers.refresh_marks()
        self._refresh_view()

    def on_watch_author_saved(self, message: WatchAuthorSaved) -> None:
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
        folder = self.extras.pdf_folder
        if folder is None:
            self.app.notify("No PDF folder is set.", severity="warning", timeout=3)
            return
        busy = [paper.id for paper in papers if paper.id in self._pdf_busy]
        fresh = [paper for paper in papers if paper.id not in self._pdf_busy]
        if busy:
            shown = ", ".join(busy[:3]) + ("…" if len(busy) > 3 else "")
            self.app.notify(f"Already downloading {shown}.", timeout=3)
        if not fresh:
            return
        self._pdf_busy.update(paper.id for paper in fresh)
        self.run_worker(
            partial(self._fetch_pdfs, fresh, folder, then_open, self._pdf_cancel),
            name="pdf",
            description=f"PDFs of {len(fresh)} papers",
            group="pdf",
            thread=True,
        )

    def _fetch_pdfs(
        self, papers: Sequence[Paper], folder: Path, then_open: bool, cancel: threading.Event
    ) -> None:
        """Worker thread: each paper's PDF, from the folder if it is there, else downloaded."""
        # Imported here, on the worker: it brings in requests, which start-up goes without.
        from tui.adapters.pdf import PdfCancelled, PdfError, download_pdf, local_pdf

        try:
            for number, paper in enumerate(papers, 1):
                if cancel.is_set():
                    return
                position = f"{number}/{len(papers)}" if len(papers) > 1 else ""
                existing = local_pdf(paper, folder)
                if existing is not None:
                    self.post_message(
                        PdfFinished(
                            paper.id,
                            path=existing,
                            problem=None,
                            already_there=True,
                            then_open=then_open,
                        )
                    )
                    continue
                try:
                    path = download_pdf(
                        paper,
                        folder,
                        progress=self._progress_reporter(paper.id, position),
                        cancel=cancel,
                    )
                except PdfCancelled:
                    return
                except PdfError as error:
                    self.post_message(PdfFinished(paper.id, path=None, problem=str(error)))
                    continue
                self.post_message(
                    PdfFinished(paper.id, path=path, problem=None, then_open=then_open)
                )
        finally:
            self.post_message(PdfJobEnded([paper.id for paper in papers]))

    def _progress_reporter(self, paper_id: str, position: str) -> Callable[[int, int | None], None]:
        last = 0.0

        def report(done: int, total: int | None) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_INTERVAL or (total is not None and done >= total):
                last = now
                self.post_message(PdfProgressed(paper_id, done, total, position=position))

        return report

    def on_pdf_progressed(self, message: PdfProgressed) -> None:
        if message.paper_id not in self._pdf_busy:
            return
        size = _size(message.done)
        if message.total:
            size += f" of {_size(message.total)}"
        position = f" {message.position}" if message.position else ""
        self._pdf_activity = f"PDF{position} {message.paper_id}: {size}"
        self._update_date_bar()

    def on_pdf_finished(self, message: PdfFinished) -> None:
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

    def on_pdf_job_ended(self, message: PdfJobEnded) -> None:
        self._pdf_busy.difference_update(message.paper_ids)
        if not self._pdf_busy:
            self._pdf_activity = ""
        self._update_date_bar()

    # ----------------------------------------------------------------- session

    def current_session(self) -> Session:
        paper = self.papers.highlighted_paper
        paper_id = self._restore_paper or (paper.id if paper is not None else None)
        day = self._session_day
        return Session(
            day=None if day is None or day >= self.newest else day,
            categories_off=tuple(c for c in self.categories if c not in self._enabled),
            profile=self._active_profile,
            search=self.search_box.value,
            paper_id=paper_id,
            starred_only=self.starred_only,
        )

    def _session_changed(self) -> None:
        """Save the session once things have been quiet for a moment."""
        if self.extras.keep_session is None or not self.is_mounted:
            return
        self._unsaved_session = self.current_session()
        if self._session_timer is not None:
            self._session_timer.stop()
        self._session_timer = self.set_timer(SESSION_DELAY, self.save_session)

    def save_session(self) -> None:
        """Hand the session as it last changed to the app's keeper (it writes behind)."""
        keep = self.extras.keep_session
        session, self._unsaved_session = self._unsaved_session, None
        if keep is not None and session is not None:
            keep(session)

    def _leaving(self) -> None:
        """The screen goes (the app quits): no download goes on, no change is left unsaved."""
        self._pdf_cancel.set()
        if self._session_timer is not None:
            self._session_timer.stop()
        self.save_session()

    def on_paper_list_highlighted(self, message: PaperList.Highlighted) -> None:
        self._session_changed()
