"""The starred library's list: a few lines per paper (title; id, authors, dates; the reader's
tags and note).

An OptionList: a library holds hundreds of papers, not a day's thousands, and its entries are
several lines tall. Prompts are built from plain strings as Content, never markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.adapters.store import Flag
from tui.app.widgets.paper_row import (
    NO_STAR_MARK,
    STAR_MARK,
    kind_mark,
    readable,
    row_authors,
    safe_text,
)
from tui.core.paper import Paper, base_id
from tui.core.tags import format_tags

NOT_CACHED = "metadata not cached"
FETCHING = "fetching its metadata…"
NOTE_MARK = "✎"
IMPORTED_MARK = "⊕"
"""An imported library paper not starred."""
ROW_AUTHOR_WIDTH = 30
_INDENT = "   "


@dataclass(frozen=True, slots=True)
class LibraryEntry:
    """One starred (or tagged, or imported) paper: its metadata if known, and when it was
    starred."""

    id: str
    paper: Paper | None
    starred_at: datetime | None
    imported: tuple[str, ...] = ()
    """The library files (``arxiv-daily library import``) it came from; shown apart from stars."""

    @property
    def abs_url(self) -> str:
        return self.paper.abs_url if self.paper else f"https://arxiv.org/abs/{self.id}"

    @property
    def pdf_url(self) -> str:
        return self.paper.pdf_url if self.paper else f"https://arxiv.org/pdf/{self.id}"


def _date(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d") if moment is not None else "—"


def entry_prompt(entry: LibraryEntry, flag: Flag, *, expanded: bool, fetching: bool) -> Content:
    """The entry's lines: star and title; id, category, authors and dates; the note; the
    abstract when expanded."""
    star = (
        Content.styled(STAR_MARK, "$text-warning")
        if flag.starred
        else Content.styled(NO_STAR_MARK, "$text-muted")
    )
    paper = entry.paper
    lines: list[Content] = []
    if entry.imported and not flag.starred:
        star = Content.styled(IMPORTED_MARK, "$text-accent")
    if flag.starred or (entry.starred_at is not None and not entry.imported):
        when = f"starred {_date(entry.starred_at)}"
    elif entry.imported:
        when = "imported from " + ", ".join(entry.imported)
    else:
        when = "tagged, not starred" if flag.tags else "not starred"
    if paper is None:
        missing = FETCHING if fetching else NOT_CACHED
        lines.append(
            Content.assemble(
                star,
                " ",
                Content.styled(safe_text(entry.id), "bold"),
                "  ",
                Content.styled(missing, "$text-muted italic"),
            )
        )
        lines.append(Content.assemble(_INDENT, Content.styled(safe_text(when), "$text-muted")))
    else:
        lines.append(Content.assemble(star, " ", Content.styled(readable(paper.title), "bold")))
        details = [
            safe_text(paper.id),
            safe_text(paper.primary_category),
            f"published {_date(paper.published)}",
            safe_text(when),
            row_authors(paper, ROW_AUTHOR_WIDTH),
        ]
        mark = kind_mark(paper)
        if mark:
            details.insert(2, mark)
        lines.append(Content.assemble(_INDENT, Content.styled(" · ".join(details), "$text-muted")))
    if flag.tags:
        tags = Content.styled(safe_text(format_tags(flag.tags)), "$text-accent")
        lines.append(Content.assemble(_INDENT, tags))
    if flag.note.strip():
        lines.append(
            Content.assemble(
                _INDENT,
                Content.styled(NOTE_MARK + " ", "$text-accent"),
                Content.styled(safe_text(flag.note), "$text-accent"),
            )
        )
    if expanded and paper is not None:
        abstract = readable(paper.abstract) or "(no abstract)"
        lines.append(Content.assemble(_INDENT, Content(abstract)))
    return Content("\n").join(lines)


class LibraryList(OptionList):
    """Starred papers, one option each; Enter or Space shows a paper's abstract."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="library_list.down"),
        Binding("k", "cursor_up", "Up", show=False, id="library_list.up"),
        Binding("g", "first", "First", show=False, id="library_list.first"),
        Binding("G", "last", "Last", show=False, id="library_list.last"),
        Binding("space", "select", "Abstract", show=False, id="library_list.space"),
    ]

    DEFAULT_CSS = """
    LibraryList, LibraryList:focus {
        height: 1fr;
        border: none;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }
    """

    def __init__(self, *, flag_lookup: Callable[[str], Flag], id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self._flag_lookup = flag_lookup
        self.entries: list[LibraryEntry] = []
        self._index_of: dict[str, int] = {}
        self.expanded: set[str] = set()
        self.fetching = False

    @property
    def highlighted_entry(self) -> LibraryEntry | None:
        index = self.highlighted
        return None if index is None or index >= len(self.entries) else self.entries[index]

    def show(self, entries: Sequence[LibraryEntry]) -> None:
        """Replace the entries, keeping the highlighted paper where it is still shown."""
        current = self.highlighted_entry
        self.entries = list(entries)
        self._index_of = {entry.id: index for index, entry in enumerate(self.entries)}
        self.set_options(Option(self._prompt(entry), id=entry.id) for entry in self.entries)
        if self.entries:
            kept = self._index_of.get(current.id) if current is not None else None
            self.highlighted = kept if kept is not None else 0

    def repaint(self, ids: Sequence[str]) -> None:
        """Build these papers' prompts again (a star, a note or the expansion changed)."""
        for paper_id in ids:
            index = self._index_of.get(base_id(paper_id))
            if index is not None:
                self.replace_option_prompt_at_index(index, self._prompt(self.entries[index]))

    def toggle_expand(self) -> None:
        entry = self.highlighted_entry
        if entry is None:
            return
        if entry.id in self.expanded:
            self.expanded.discard(entry.id)
        else:
            self.expanded.add(entry.id)
        self.repaint([entry.id])
        self.scroll_to_highlight()

    def _prompt(self, entry: LibraryEntry) -> Content:
        return entry_prompt(
            entry,
            self._flag_lookup(entry.id),
            expanded=entry.id in self.expanded,
            fetching=self.fetching,
        )
