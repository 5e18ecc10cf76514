"""The starred library: every starred (or tagged) paper of every day, searchable, sortable, with
notes and tags.

Papers come from the session's days and the day cache (on a worker); starred papers found in
neither are fetched by id from arXiv (another worker) and shown by their id meanwhile, or for
good when offline ("metadata not cached"). Stars, notes and tags go through the app's
FlagKeeper. ``tag:NAME`` in the search keeps the papers with that tag (or one in that
collection: ``tag:thesis`` finds ``thesis/ch2``); ``#`` tags the highlighted paper, ``u`` takes
the last tag change back.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import partial
from typing import ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static

from tui.adapters.day_cache import DayCache
from tui.app.commands import LIBRARY_COMMANDS, LibraryCommands, bindings
from tui.app.dialogs.export import (
    file_stem,
)
from tui.app.screens.paper_actions import PaperActions
from tui.app.screens.tag_actions import TagStep, ask_for_tags, undo_tags
from tui.app.services.flag_keeper import FlagKeeper
from tui.app.widgets.library_list import LibraryEntry, LibraryList
from tui.core.filters import Match, search_fold
from tui.core.paper import Paper
from tui.core.starred import starred_papers
from tui.core.tags import TagError, has_tag, normalise_tag
from tui.core.words import count_papers

FetchIds = Callable[[Sequence[str], threading.Event], list[Paper]]
"""Papers by id from arXiv, giving up when the event is set (FetchCancelled)."""
SortOrder = Literal["starred", "published"]
_SORT_LABEL: dict[SortOrder, str] = {"starred": "date starred", "published": "date published"}
_EPOCH = datetime.min.replace(tzinfo=UTC)
_TAG_PREFIX = "tag:"
UNDO_KEPT = 50


@dataclass
class LibraryFound(Message):
    """The starred papers, with the metadata the session and the day cache have."""

    entries: Sequence[LibraryEntry]


@dataclass
class MetadataFetched(Message):
    """Papers fetched from arXiv for starred ids no cached day had (or why none came)."""

    papers: Sequence[Paper]
    failure: str | None


def sort_entries(entries: Sequence[LibraryEntry], order: SortOrder) -> list[LibraryEntry]:
    """Newest first; papers without metadata last when sorting by date published."""
    if order == "published":
        return sorted(
            entries,
            key=lambda e: (e.paper is not None, e.paper.published if e.paper else _EPOCH),
            reverse=True,
        )
    return sorted(entries, key=lambda e: e.starred_at or _EPOCH, reverse=True)


def _haystack(entry: LibraryEntry) -> str:
    paper = entry.paper
    if paper is None:
        return search_fold(entry.id)
    parts = (
        paper.title,
        " ; ".join(paper.authors),
        paper.abstract,
        paper.versioned_id,
        " ".join(paper.categories),
    )
    return "\n".join(search_fold(part) for part in parts)


def search_terms(text: str) -> tuple[list[str], list[str]]:
    """The words typed in the library's search (folded), and the tags asked with ``tag:NAME``
    (normalised; a name that is no tag is looked for as typed, and so finds nothing)."""
    words: list[str] = []
    tags: list[str] = []
    for raw in text.split():
        if raw.lower().startswith(_TAG_PREFIX) and len(raw) > len(_TAG_PREFIX):
            name = raw[len(_TAG_PREFIX) :]
            try:
                tags.append(normalise_tag(name))
            except TagError:
                tags.append(name)
        else:
            words.extend(search_fold(raw).split())
    return words, tags


class LibrarySearch(Input):
    BINDINGS: ClassVar = [Binding("escape", "screen.clear", "Clear", show=False)]


class LibraryScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [*bindings(LIBRARY_COMMANDS)]
    COMMANDS: ClassVar = {LibraryCommands}
    AUTO_FOCUS = "#library-list"

    DEFAULT_CSS = """
    LibraryScreen {
        layout: vertical;
        background: $background;
        & > #library-bar { height: 1; padding: 0 1; background: $panel; }
        & > #library-search {
            height: 1;
            border: none;
            padding: 0 1;
            background: $boost;
            &:focus { background: $accent 20%; }
        }
        & > #library-message { height: auto; padding: 1 2; color: $text-muted; }
        & > #library-list { background: $surface; }
    }
    """

    def __init__(
        self,
        *,
        flags: FlagKeeper,
        cache: Callable[[], DayCache],
        fetch_ids: FetchIds | None,
        seen: MutableMapping[str, Paper],
        open_page: Callable[[str], None],
        today: date,
    ) -> None:
        """``fetch_ids`` None: never fetch (the demo). ``seen`` gets the papers fetched here."""
        super().__init__()
        self.flags = flags
        self._cache = cache
        self._fetch_ids = fetch_ids
        self._seen = seen
        self._open_page = open_page
        self._today = today
        self.order: SortOrder = "starred"
        self.entries: list[LibraryEntry] = []
        self._haystacks: dict[str, str] = {}
        self.finding = True
        """Until the starred papers are found (Widget.loading would cover the screen)."""
        self.fetching = 0
        """Papers whose metadata is being fetched."""
        self._fetch_note = ""
        self._cancel = threading.Event()
        self._tag_steps: list[TagStep] = []
        """The tag changes made here, for ``u`` (the latest last)."""

    def compose(self) -> ComposeResult:
        yield Static("", id="library-bar", markup=False)
        yield LibrarySearch(
            placeholder="/ Search: title, author, abstract, id, note; tag:NAME",
            id="library-search",
        )
        yield Static("", id="library-message", markup=False)
        yield LibraryList(flag_lookup=self.flags.get, id="library-list")
        yield Footer()

    @property
    def papers(self) -> LibraryList:
        return self.query_one(LibraryList)

    @property
    def search_box(self) -> LibrarySearch:
        return self.query_one(LibrarySearch)

    @property
    def actions(self) -> PaperActions:
        """Copy, open, note, export and help: the same as the triage screen's."""
        return PaperActions(self.app, self.flags, self._open_page)

    @property
    def bar_text(self) -> str:
        return str(self.query_one("#library-bar", Static).render())

    def on_mount(self) -> None:
        self._show()
        self.run_worker(
            partial(self._find, dict(self._seen)),
            name="library",
            group="library",
            description="find the starred papers",  # not repr() of every paper seen
            exclusive=True,
            thread=True,
        )

    def on_unmount(self) -> None:
        self._cancel.set()

    # ----------------------------------------------------------------- loading

    def _find(self, seen: Mapping[str, Paper]) -> None:
        """Worker: the starred flags, their papers from the session or the day cache."""
        self.flags.settle()  # the store open: it may be waiting for the first paint
        flags = self.flags.starred()
        imported = _imported()
        starred = {flag.id for flag in flags}
        extra = [i for i in imported if i not in starred]
        # Tagged papers are kept as starred ones are, starred or not (newest ids first).
        tagged = sorted(set(self.flags.tagged()) - starred - set(extra), reverse=True)
        wanted = [flag.id for flag in flags] + extra + tagged
        found = starred_papers(wanted, seen, self._cache().find)
        entries = [
            LibraryEntry(
                flag.id, found.get(flag.id), flag.starred_changed, imported.get(flag.id, ())
            )
            for flag in flags
        ]
        # The imported library and the tagged papers after the stars (never starred: no date
        # to sort them among).
        entries += [LibraryEntry(i, found.get(i), None, imported[i]) for i in extra]
        entries += [LibraryEntry(i, found.get(i), None) for i in tagged]
        self.post_message(LibraryFound(entries))

    @on(LibraryFound)
    def library_found(self, message: LibraryFound) -> None:
        self.finding = False
        self.entries = list(message.entries)
        self._haystacks = {entry.id: _haystack(entry) for entry in self.entries}
        missing = [entry.id for entry in self.entries if entry.paper is None]
        if missing and self._fetch_ids is not None:
            self.fetching = len(missing)
            self._fetch_note = ""
            self.run_worker(
                partial(self._fetch, missing, self._fetch_ids, self._cancel),
                name="library metadata",
                description="fetch the starred papers' metadata",
                group="library-fetch",
                exclusive=True,
                thread=True,
            )
        self._show(keep_position=False)

    def _fetch(self, ids: Sequence[str], fetch_ids: FetchIds, cancel: threading.Event) -> None:
        """Worker: the metadata of starred papers no cached day has, from arXiv by id."""
        from tui.adapters.sources.api import FetchCancelled, FetchError

        try:
            papers = fetch_ids(ids, cancel)
        except FetchCancelled:
            return
        except FetchError as error:
            self.post_message(MetadataFetched([], str(error)))
            return
        except Exception as error:  # a bug or a strange answer: the ids stay shown
            self.post_message(MetadataFetched([], f"{type(error).__name__}: {error}"))
            return
        # Kept, so the next opening (and the recommendations) have them without arXiv; a disk
        # that refuses only costs asking arXiv again next time.
        with contextlib.suppress(OSError):
            self._cache().keep(papers)
        self.post_message(MetadataFetched(papers, None))

    @on(MetadataFetched)
    def metadata_fetched(self, message: MetadataFetched) -> None:
        fetched = {paper.id: paper for paper in message.papers}
        self._seen.update(fetched)
        self.entries = [
            replace(entry, paper=fetched.get(entry.id, entry.paper)) for entry in self.entries
        ]
        self._haystacks = {entry.id: _haystack(entry) for entry in self.entries}
        still = sum(1 for entry in self.entries if entry.paper is None)
        self.fetching = 0
        if message.failure is not None:
            self._fetch_note = f"{count_papers(still)} without metadata: {message.failure}"
            self.app.notify(
                message.failure, title="Could not fetch starred papers", severity="warning"
            )
        elif still:
            self._fetch_note = f"{count_papers(still)} unknown to arXiv"
        self._show()

    # ----------------------------------------------------------------- the list

    def shown_entries(self) -> list[LibraryEntry]:
        terms, tags = search_terms(self.search_box.value)
        entries = sort_entries(self.entries, self.order)
        if tags:
            get = self.flags.get
            entries = [e for e in entries if all(has_tag(get(e.id).tags, t) for t in tags)]
        if not terms:
            return entries
        shown = []
        for entry in entries:
            haystack = (
                self._haystacks.get(entry.id, "")
                + "\n"
                + search_fold(self.flags.get(entry.id).note)
            )
            if all(term in haystack for term in terms):
                shown.append(entry)
        return shown

    def _show(self, *, keep_position: bool = True) -> None:
        shown = self.shown_entries()
        papers = self.papers
        papers.fetching = self.fetching > 0
        if not keep_position:
            papers.highlighted = None
        papers.show(shown)
        self._update_bar(len(shown))
        message = ""
        if self.finding:
            message = "Finding the starred papers…"
        elif not self.entries:
            message = "No starred papers yet: s stars a paper on the day's list."
        elif not shown:
            message = "No starred paper matches. Esc clears the search."
        widget = self.query_one("#library-message", Static)
        widget.update(Content(message))
        widget.display = bool(message)

    def _update_bar(self, shown: int) -> None:
        total = len(self.entries)
        count = count_papers(total) if shown == total else f"{shown} of {count_papers(total)}"
        imported = sum(1 for entry in self.entries if entry.imported and entry.starred_at is None)
        tagged = sum(1 for entry in self.entries if not entry.imported and entry.starred_at is None)
        others = []
        if imported:
            others.append(f"{imported:,} imported")
        if tagged:
            others.append(f"{tagged:,} tagged")
        parts = [
            Content.styled("★ Library", "bold $text-warning"),
            Content(count + (f" ({', '.join(others)})" if others else " starred")),
            Content.assemble(
                "sorted by ", (_SORT_LABEL[self.order], "bold"), ("  (S changes)", "$text-muted")
            ),
        ]
        line = Content(" · ").join(parts)
        if self.fetching:
            status = f"fetching {count_papers(self.fetching)} from arXiv…"
            line = Content.assemble(line, "  ", Content.styled(status, "$text-accent"))
        elif self._fetch_note:
            line = Content.assemble(line, "  ", Content.styled(self._fetch_note, "$text-warning"))
        self.query_one("#library-bar", Static).update(line)

    @on(Input.Changed, "#library-search")
    def search_changed(self) -> None:
        self._show()

    @on(Input.Submitted, "#library-search")
    def search_submitted(self) -> None:
        self.papers.focus()

    @on(OptionList.OptionSelected, "#library-list")
    def entry_selected(self) -> None:
        self.papers.toggle_expand()

    def _highlighted(self) -> LibraryEntry | None:
        entry = self.papers.highlighted_entry
        if entry is None:
            self.app.notify("No paper here.", severity="warning", timeout=2)
        return entry

    def _with_paper(self) -> Paper | None:
        entry = self._highlighted()
        if entry is None:
            return None
        if entry.paper is None:
            self.app.notify(
                f"{entry.id}: its metadata is not cached.", severity="warning", timeout=3
            )
        return entry.paper

    # ----------------------------------------------------------------- actions

    def action_toggle_expand(self) -> None:
        self.papers.toggle_expand()

    def action_search(self) -> None:
        self.search_box.focus()

    def action_clear(self) -> None:
        search = self.search_box
        if search.value or search.has_focus:
            search.value = ""
            self.papers.focus()
            self._show()
        else:
            self.dismiss(None)

    def action_library(self) -> None:
        self.dismiss(None)

    def action_toggle_sort(self) -> None:
        self.order = "published" if self.order == "starred" else "starred"
        self._show()

    def action_toggle_star(self) -> None:
        entry = self._highlighted()
        if entry is not None:
            starred = not self.flags.get(entry.id).starred
            self.flags.set("starred", [entry.id], starred)
            self.papers.repaint([entry.id])

    def action_edit_tags(self) -> None:
        entry = self._highlighted()
        if entry is not None:
            title = entry.paper.title if entry.paper is not None else None
            ask_for_tags(self.app, self.flags, [entry.id], title=title, done=self._tagged)

    def _tagged(self, step: TagStep) -> None:
        self._tag_steps.append(step)
        del self._tag_steps[:-UNDO_KEPT]
        self.papers.repaint(list(step.previous))

    def action_undo(self) -> None:
        if not self._tag_steps:
            self.app.notify("Nothing to undo (u takes back the tag changes made here).", timeout=3)
            return
        step = self._tag_steps.pop()
        self.papers.repaint(undo_tags(self.flags, step) or list(step.previous))
        self.app.notify(f"Undone: {step.label}.", timeout=3)

    def action_edit_note(self) -> None:
        entry = self._highlighted()
        if entry is not None:
            self.actions.edit_note(
                entry.id, entry.paper, lambda paper_id: self.papers.repaint([paper_id])
            )

    def action_copy_id(self) -> None:
        self.actions.copy(self._targets(), "id")

    def action_copy_abs(self) -> None:
        self.actions.copy(self._targets(), "abs")

    def action_copy_pdf(self) -> None:
        self.actions.copy(self._targets(), "pdf")

    def action_copy_bibtex(self) -> None:
        paper = self._with_paper()
        if paper is not None:
            self.actions.copy_bibtex([paper])

    def action_open_abs(self) -> None:
        self.actions.open_pages(self._targets())

    def _repaint_one(self, paper_id: str) -> None:
        self.papers.repaint([paper_id])

    def _targets(self) -> list[LibraryEntry]:
        entry = self._highlighted()
        return [] if entry is None else [entry]

    def action_export(self) -> None:
        shown = self.papers.entries
        papers = [entry.paper for entry in shown if entry.paper is not None]
        if not papers:
            self.app.notify(
                "Nothing to export: no starred paper with metadata is shown.", timeout=3
            )
            return
        left_out = len(shown) - len(papers)
        get = self.flags.get
        starred = all(get(entry.id).starred for entry in shown if entry.paper is not None)
        what = count_papers(len(papers)) + (" starred" if starred else "")  # else tagged too
        if left_out:
            what += f" ({left_out} without metadata left out)"
        query = self.search_box.value.strip()
        if query:
            what += f", matching “{query}”"
        title = ("Starred arXiv papers" if starred else "arXiv papers of the library") + (
            f" matching {query}" if query else ""
        )
        matches = [Match(paper, ()) for paper in papers]
        stem = file_stem("starred", self._today.isoformat(), query)
        self.actions.export(matches, what=what, title=title, stem=stem)

    def action_help(self) -> None:
        self.actions.help(LIBRARY_COMMANDS)

    async def action_quit(self) -> None:
        await self.app.action_quit()


def _imported() -> dict[str, tuple[str, ...]]:
    """Paper id -> the library files it was imported from (``arxiv-daily library import``);
    a library file that cannot be read gives none (the command line says why)."""
    from tui.adapters.library import LibraryStore

    try:
        positives = LibraryStore().positives()
    except (OSError, ValueError):
        return {}
    return {p.arxiv_id: p.sources for p in positives if p.arxiv_id}
