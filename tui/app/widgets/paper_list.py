"""The paper list: a row per paper, expandable in place to the paper's details.

A row is two lines or more (the whole title, wrapped, then authors, id and category) or, in the
compact list, one line. In day order the papers come in arXiv's sections (new submissions,
cross-lists, replacements), each under a heading with its count; the cursor moves over papers
only.

A line-rendered ScrollView rather than an OptionList: OptionList measures every option's height
up front and clears all its caches whenever one prompt changes, so a star or an expand costs
O(papers). Here a row is built only when it is painted; the line map is the commonest row
height plus the rows of another height, the headings and the expanded blocks, so moving and
re-rendering a row cost O(visible lines) and a lookup O(log papers). The titles' line breaks
and heights are measured once per title and width (a new list at a known width only looks them
up), and drawn rows are kept across lists (keyed by everything they show): a list narrowed or
widened again (H hides the read papers) draws only the rows it has not drawn before.

Which line shows which paper is ``LineMap``'s (pure, tested without a screen); the shortcut past
Textual's general line path, which uses Textual internals, is ``FastRender``'s. This module
draws rows and details and handles keys, clicks and scrolling with public Textual API only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress
from operator import attrgetter, itemgetter
from typing import ClassVar, cast

from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style
from textual.timer import Timer

from tui.adapters.store import Flag
from tui.app.widgets.fast_render import FastRender
from tui.app.widgets.line_map import LineMap
from tui.app.widgets.list_order import SECTION_ORDER, ListOrder, arrange, in_sections
from tui.app.widgets.paper_row import (
    NO_MARKS,
    SCORE_WIDTH,
    RowLayout,
    RowMarks,
    RowStyles,
    detail_lines,
    fast_title_line_count,
    heading_content,
    readable_title,
    row_content,
    title_content,
    title_line_count,
    two_line_row,
    wrap_offsets,
)
from tui.core.filters import Match
from tui.core.paper import Kind, Paper

FlagLookup = Callable[[str], Flag]
MarksLookup = Callable[[Paper], RowMarks]
WhyLookup = Callable[[Paper], Content | None]
"""The words behind a paper's recommendation, for its expanded view (None: no model)."""

_ROW_CACHE_SIZE = 1024
_DETAIL_CACHE_SIZE = 256
"""Papers whose expanded details are kept laid out (an expanded paper is laid out again if
it has dropped out)."""
_PREPARE_DELAY = 0.03
"""How long the cursor rests on a paper before its details are laid out ahead of Enter (it
fires 30-60 ms after the last move; keys repeat every 25-40 ms)."""
_TITLE_CACHE_SIZE = 8192
_MAX_ID_WIDTH = 16
_MAX_CATEGORY_WIDTH = 14
MEASURED_FIRST = 300
"""Rows measured exactly at the first paint; beyond them long LaTeX titles wait for it."""
_WRAP_CACHE_SIZE = 50_000
"""Titles whose line breaks (and, apart, line counts) are kept, over all widths (a day at a
few widths)."""
_TITLE_WIDTHS_KEPT = 4
"""Widths at which the titles' line counts are kept (the list's, with and without scores)."""
_LISTS_KEPT = 2
"""Lists whose derived rows are kept (the one shown and the one before: H goes back to it)."""
_DRAWN_LIMIT = 4 * _ROW_CACHE_SIZE
"""Papers whose rows may be cached that a new list is checked against (beyond it the caches are
let go rather than checked)."""
_paper_of = attrgetter("paper")
_keywords_of = attrgetter("keywords")
_id_of = attrgetter("id")
_title_of = attrgetter("title")
_kind_of = attrgetter("kind")
_categories_of = attrgetter("categories")
_first = itemgetter(0)
HEADING_LINES = 1
"""A section heading's height."""


class PaperList(ScrollView, can_focus=True):
    """The day's papers, one row each; Enter or Space expands the highlighted one in place."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False, id="paper_list.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="paper_list.up"),
        Binding("g,home", "first", "First", show=False, id="paper_list.first"),
        Binding("G,end", "last", "Last", show=False, id="paper_list.last"),
        Binding("pageup", "page_up", "Page up", show=False, id="paper_list.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="paper_list.page_down"),
        Binding("enter,space", "toggle_expand", "Expand", id="paper_list.toggle_expand"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "paper-list--row",
        "paper-list--cursor",
        "paper-list--unread",
        "paper-list--star",
        "paper-list--title",
        "paper-list--title-read",
        "paper-list--keyword",
        "paper-list--id",
        "paper-list--category",
        "paper-list--authors",
        "paper-list--kind",
        "paper-list--label",
        "paper-list--gutter",
        "paper-list--gutter-cursor",
        "paper-list--muted",
        "paper-list--watch",
        "paper-list--selected",
    }

    DEFAULT_CSS = """
    PaperList {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        background: $surface;
        color: $foreground;
        & > .paper-list--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .paper-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .paper-list--unread { color: $accent; }
        & > .paper-list--star { color: $warning; }
        & > .paper-list--title { text-style: bold; }
        & > .paper-list--title-read { color: $text-muted; }
        & > .paper-list--keyword { color: $text-warning; text-style: bold underline; }
        & > .paper-list--id { color: $text-muted; }
        & > .paper-list--category { color: $text-secondary; }
        & > .paper-list--authors { color: $text-muted; }
        & > .paper-list--kind { color: $text-accent; }
        & > .paper-list--label { color: $text-primary; text-style: bold; }
        & > .paper-list--gutter { color: $foreground 25%; }
        & > .paper-list--gutter-cursor { color: $accent; }
        & > .paper-list--muted { color: $text-muted; }
        & > .paper-list--watch { color: $text-success; text-style: bold; }
        & > .paper-list--selected { color: $text-primary; text-style: bold; }
    }
    """

    class Highlighted(Message):
        """The cursor moved to another paper (``paper`` is None when the list is empty)."""

        def __init__(self, paper_list: PaperList, paper: Paper | None, index: int | None) -> None:
            super().__init__()
            self.paper_list = paper_list
            self.paper = paper
            self.index = index

        @property
        def control(self) -> PaperList:
            return self.paper_list

    class ExpandToggled(Message):
        """The user expanded or collapsed a paper."""

        def __init__(self, paper_list: PaperList, paper: Paper, expanded: bool) -> None:
            super().__init__()
            self.paper_list = paper_list
            self.paper = paper
            self.expanded = expanded

        @property
        def control(self) -> PaperList:
            return self.paper_list

    def __init__(
        self,
        *,
        flag_lookup: FlagLookup,
        on_expand: Callable[[Paper, bool], object] | None = None,
        marks_lookup: MarksLookup | None = None,
        why_lookup: WhyLookup | None = None,
        compact: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._flag_lookup = flag_lookup
        self._on_expand = on_expand
        """Called at once on expand/collapse, so what it changes shows in the same frame (the
        ExpandToggled message reaches the screen after the next frame is drawn)."""
        self._marks_lookup = marks_lookup
        self._why_lookup = why_lookup
        self._why_epoch = 0
        """Moved when the explanations change (a model trained): expanded views are redone."""
        self._papers: list[Paper] = []
        self._keywords: list[tuple[str, ...]] = []
        self._index_of: dict[str, int] = {}
        self._cursor: int | None = None
        self._expanded: set[str] = set()
        self._id_width = 10
        self._category_width = 8
        self._map = LineMap()
        """Which line shows which paper; laid out again when expansion or the width changes."""
        self._fast = FastRender(self)
        self._row_layout: RowLayout | None = None
        self._row_styles: RowStyles | None = None
        self._title_cache: LRUCache[tuple[str, str, tuple[str, ...]], Content] = LRUCache(
            _TITLE_CACHE_SIZE
        )
        self._row_cache: LRUCache[tuple[object, ...], Strip] = LRUCache(_ROW_CACHE_SIZE)
        self._detail_cache: LRUCache[tuple[object, ...], list[Content]] = LRUCache(
            _DETAIL_CACHE_SIZE
        )
        self._prepare_timer: Timer | None = None
        self._scores: Mapping[str, float] | None = None
        self._compact = compact
        """One line per paper (the title cut to fit) instead of the two-line rows."""
        self._headings: dict[int, tuple[Kind, int]] = {}
        """The papers a section heading stands above: the section and its paper count."""
        self._wraps: dict[tuple[str, int], tuple[int, ...]] = {}
        """Where each title's lines start at a width (raw title, width): kept across lists."""
        self._title_lines: dict[int, dict[str, int]] = {}
        """How many lines each title (raw) takes, by title width: kept across lists."""
        self._titles: Sequence[str] = ()
        """The shown papers' titles, in order."""
        self._rows: _Rows | None = None
        """What the shown list was derived into."""
        self._lately: list[_Rows] = []
        """The lists shown last (the shown one first), as derived: one shown again is taken
        back (see ``_rows_of``)."""
        self._drawn: dict[str, Paper] = {}
        """The papers whose rows or details may be in the caches, by id: a list that has another
        paper object under one of these ids (the day loaded again) lets the caches go."""
        self._shape: tuple[tuple[int, bool], int, dict[int, int], bool] | None = None
        """The rows' heights for the shown papers at a width: the width and whether scored,
        the commonest height, and the papers of another height."""

    # ----------------------------------------------------------------- public API

    @property
    def shown_papers(self) -> Sequence[Paper]:
        return self._papers

    @property
    def shown_ids(self) -> frozenset[str]:
        """The ids of the papers shown."""
        return frozenset(self._index_of)

    @property
    def highlighted_index(self) -> int | None:
        return self._cursor

    @property
    def highlighted_paper(self) -> Paper | None:
        return None if self._cursor is None else self._papers[self._cursor]

    def row_lines(self, paper_id: str) -> range | None:
        """The lines of the list (from its top, not the screen's) this paper's row is on; None
        if it is not shown."""
        index = self._index_of.get(paper_id)
        if index is None:
            return None
        self._ensure_layout()
        start = self._map.line_of(index)
        return range(start, start + self._map.row_height(index))

    def row_strips(self, paper_id: str) -> list[Strip]:
        """The lines of this paper's row as they are painted (on screen or not; none if the
        paper is not shown)."""
        lines = self.row_lines(paper_id)
        width = self.scrollable_content_region.width
        if lines is None or width <= 0:
            return []
        return [self._line(line, width, width, self.has_focus) for line in lines]

    def is_expanded(self, paper_id: str) -> bool:
        return paper_id in self._expanded

    @property
    def scores(self) -> Mapping[str, float] | None:
        return self._scores

    @property
    def compact(self) -> bool:
        """One line per paper rather than the two-line rows."""
        return self._compact

    @property
    def sections(self) -> list[tuple[Kind, int]]:
        """The section headings shown, in order: each section and its paper count."""
        return [self._headings[index] for index in sorted(self._headings)]

    def set_compact(self, compact: bool) -> None:
        """Show one line per paper (True) or the two-line rows; the highlighted paper keeps its
        place on screen."""
        if compact == self._compact:
            return
        screen_offset = None
        if self._cursor is not None:
            screen_offset = self._map.line_of(self._cursor) - self.scroll_offset.y
        self._compact = compact
        self._shape = None
        self._row_layout = None
        self._row_cache.clear()
        self._update_layout()
        if self._cursor is not None and screen_offset is not None:
            top = max(0, self._map.line_of(self._cursor) - max(0, screen_offset))
            self.scroll_to(y=top, animate=False, force=True)
            self._scroll_cursor_into_view()
        self.refresh()

    def show(
        self,
        matches: Sequence[Match],
        *,
        keep_position: bool = True,
        scores: Mapping[str, float] | None = None,
        sections: bool = False,
    ) -> None:
        """Replace the rows. Keeps the highlighted paper (and its place on screen) if still shown,
        and keeps every paper's expanded state. With ``scores`` (by paper id) each row shows its
        paper's score. With ``sections`` the papers are grouped as arXiv's /new page groups them
        (new submissions, cross-lists, replacements; the order within each kept), each group
        under a heading with its count."""
        previous = self.highlighted_paper
        previous_index = self._cursor
        screen_offset = None
        if previous is not None and keep_position:
            screen_offset = self._map.line_of(self._cursor or 0) - self.scroll_offset.y

        rows = self._rows = self._rows_of(matches, sections)
        self._papers = rows.papers
        self._titles = rows.titles
        self._headings = rows.headings
        self._keywords = rows.keywords
        self._index_of = rows.index_of
        self._shape = rows.shape  # else measured again: the titles' line counts are looked up
        self._scores = scores
        self._let_stale_rows_go()
        if rows.widths != (self._id_width, self._category_width):
            self._id_width, self._category_width = rows.widths
            self._row_layout = None
        self._map.invalidate()

        cursor: int | None = None
        if self._papers:
            cursor = 0
            if keep_position and previous is not None:
                kept = self._index_of.get(previous.id)
                if kept is not None:
                    cursor = kept
                elif previous_index is not None:
                    cursor = min(previous_index, len(self._papers) - 1)
        self._cursor = cursor
        self._update_layout()
        if cursor is None or screen_offset is None:
            self.scroll_to(y=0, animate=False, force=True)
        else:
            self.scroll_to(
                y=max(0, self._map.line_of(cursor) - screen_offset), animate=False, force=True
            )
        self._scroll_cursor_into_view()
        self.refresh()
        if cursor is not None:
            self._prepare_details_soon()
        current = self.highlighted_paper
        if current is None or previous is None or current.id != previous.id:
            self.post_message(self.Highlighted(self, self.highlighted_paper, cursor))

    def _rows_of(self, matches: Sequence[Match], sections: bool) -> _Rows:
        """What the list derives from ``matches``: taken back when they are a list shown
        lately (the same object: H shows the list it narrowed again), else derived."""
        for rows in self._lately:
            if rows.matches is matches and rows.sections == sections:
                return rows
        given = matches
        # Each a pass over the papers with no Python call per paper (~0.2 ms at 5,000).
        papers = list(map(_paper_of, matches))
        kinds = list(map(_kind_of, papers))
        if sections and not in_sections(kinds):
            matches = arrange(matches, ListOrder.DAY, sections=True)  # grouped: kept as is
            papers = list(map(_paper_of, matches))
            kinds = list(map(_kind_of, papers))
        ids = list(map(_id_of, papers))
        id_width = min(_MAX_ID_WIDTH, max(map(len, ids), default=10))
        primary = map(_first, filter(None, map(_categories_of, papers)))  # the first of each
        category_width = min(_MAX_CATEGORY_WIDTH, max(map(len, primary), default=0 if ids else 5))
        rows = _Rows(
            given,
            sections,
            papers,
            list(map(_keywords_of, matches)),
            list(map(_title_of, papers)),
            _headings(kinds) if sections else {},
            dict(zip(ids, range(len(ids)), strict=True)),
            (id_width, category_width),
        )
        self._lately = [rows, *self._lately[: _LISTS_KEPT - 1]]
        return rows

    def _let_stale_rows_go(self) -> None:
        """Keep the drawn rows for the new list unless one of its papers is another object than
        the one drawn under its id (the day loaded again: its metadata may have changed)."""
        drawn = self._drawn
        index_of, papers = self._index_of, self._papers
        stale = len(drawn) > _DRAWN_LIMIT or any(
            papers[index] is not paper
            for paper_id, paper in drawn.items()
            if (index := index_of.get(paper_id)) is not None
        )
        if stale:
            drawn.clear()
            self._row_cache.clear()
            self._detail_cache.clear()

    def refresh_papers(self, ids: Iterable[str]) -> None:
        """Repaint the rows of these papers (their flags changed); nothing else is rebuilt."""
        for paper_id in ids:
            index = self._index_of.get(paper_id)
            if index is not None:
                self.refresh_lines(self._map.line_of(index), self._map.row_height(index))

    def refresh_marks(self, ids: Iterable[str] | None = None) -> None:
        """The watch list or the selection changed: repaint these rows (None: all of them,
        expanded details included)."""
        if ids is None:
            self._title_cache.clear()
            self._detail_cache.clear()
            self._row_cache.clear()
            self._map.invalidate()
            self.refresh()
        else:
            self.refresh_papers(ids)

    def _marks(self, index: int) -> RowMarks:
        lookup = self._marks_lookup
        return NO_MARKS if lookup is None else lookup(self._papers[index])

    def explanations_changed(self) -> None:
        """The words behind the recommendations changed: an expanded view is laid out anew
        (its height may change)."""
        self._why_epoch += 1
        if self._expanded:
            self._update_layout()
            self.refresh()

    def notes_changed(self, ids: Iterable[str]) -> None:
        """These papers' notes changed: an expanded one grows or shrinks by its note lines."""
        self._row_cache.clear()
        if any(paper_id in self._expanded for paper_id in ids):
            self._update_layout()
        self.refresh()

    def move_to(self, paper_id: str) -> bool:
        """Put the cursor on this paper; False if it is not shown."""
        index = self._index_of.get(paper_id)
        if index is None:
            return False
        self._move_cursor(index)
        return True

    def next_unread(self) -> bool:
        """Move to the next unread paper after the cursor, wrapping; False if all are read."""
        count = len(self._papers)
        start = -1 if self._cursor is None else self._cursor
        for step in range(1, count + 1):
            index = (start + step) % count
            if not self._flag_lookup(self._papers[index].id).read:
                self._move_cursor(index)
                return True
        return False

    def toggle_expand(self) -> None:
        """Expand the highlighted paper in place (the rows below shift down), or collapse it."""
        paper = self.highlighted_paper
        if paper is None or self._cursor is None:
            return
        expanded = paper.id not in self._expanded
        if expanded:
            self._expanded.add(paper.id)
        else:
            self._expanded.discard(paper.id)
        self._update_layout()
        self.refresh()
        if expanded:
            self._scroll_block_into_view(self._cursor)
        else:
            self._scroll_cursor_into_view()
        if self._on_expand is not None:
            self._on_expand(paper, expanded)
        self.post_message(self.ExpandToggled(self, paper, expanded))

    # ----------------------------------------------------------------- actions

    def action_cursor_down(self) -> None:
        if self._cursor is not None:
            self._move_cursor(self._map.step(self._cursor, 1))

    def action_cursor_up(self) -> None:
        if self._cursor is not None:
            self._move_cursor(self._map.step(self._cursor, -1))

    def action_first(self) -> None:
        if self._papers:
            self._move_cursor(0)

    def action_last(self) -> None:
        if self._papers:
            self._move_cursor(len(self._papers) - 1)

    def action_page_down(self) -> None:
        self._move_page(1)

    def action_page_up(self) -> None:
        self._move_page(-1)

    def action_toggle_expand(self) -> None:
        self.toggle_expand()

    # ----------------------------------------------------------------- cursor and scrolling

    def _move_cursor(self, index: int) -> None:
        old = self._cursor
        if old == index:
            self._scroll_cursor_into_view()
            return
        self._cursor = index
        for changed in (old, index):
            if changed is not None:
                self._refresh_block(changed)
        self._scroll_cursor_into_view()
        self._prepare_details_soon()
        self.post_message(self.Highlighted(self, self._papers[index], index))

    def _prepare_details_soon(self) -> None:
        """Lay out the highlighted paper's details once the cursor rests on it: Enter then only
        places ready lines (the LaTeX-rendered, wrapped abstract is half the work of an expand)."""
        if self._prepare_timer is None:
            self._prepare_timer = self.set_timer(_PREPARE_DELAY, self._prepare_details)
        else:
            self._prepare_timer.reset()  # still moving: nothing is built while keys repeat

    def _prepare_details(self) -> None:
        self._prepare_timer = None
        width = self.scrollable_content_region.width
        if self._cursor is not None and width > 0:
            self._details(self._cursor, width)

    def _move_page(self, direction: int) -> None:
        if self._cursor is None:
            return
        height = max(1, self.scrollable_content_region.height)
        target = self._map.page_target(self._cursor, direction, height)
        self.scroll_to(y=self.scroll_offset.y + direction * height, animate=False, force=True)
        self._move_cursor(target)

    def _scroll_cursor_into_view(self) -> None:
        if self._cursor is None:
            return
        height = self.scrollable_content_region.height
        self._show_from(self._map.scroll_to_row(self._cursor, self.scroll_offset.y, height))

    def _scroll_block_into_view(self, index: int) -> None:
        """Show as much of an expanded paper as fits, its row first."""
        height = self.scrollable_content_region.height
        self._show_from(self._map.scroll_to_block(index, self.scroll_offset.y, height))

    def _show_from(self, top: int | None) -> None:
        if top is not None:
            self.scroll_to(y=top, animate=False, force=True)

    def _refresh_block(self, index: int) -> None:
        lines = self._map.lines_of(index)
        self.refresh_lines(lines.start, len(lines))

    # ----------------------------------------------------------------- line map

    def _update_layout(self) -> None:
        """Lay out the line map for the expanded papers at the current width."""
        width = self.scrollable_content_region.width
        index_of = self._index_of
        expanded = (index_of[paper_id] for paper_id in self._expanded if paper_id in index_of)
        row_height, rows = self._row_heights(width)
        self._map.layout(
            len(self._papers),
            expanded,
            width,
            self._detail_height,
            row_height=row_height,
            rows=rows,
            headings=dict.fromkeys(self._headings, HEADING_LINES),
        )
        self._fast.set_virtual_size(Size(width, self._map.total_lines))

    def _row_heights(self, width: int) -> tuple[int, dict[int, int]]:
        """The commonest row height at ``width``, and the rows of another height: one line each
        in the compact list, else the title's lines and one more."""
        if self._compact or width <= 0:
            return 1, {}
        key = (width, self._scores is not None)
        shape = self._shape
        if shape is None or shape[0] != key:
            # Deferred only while the cursor is among the rows measured: a cursor further down
            # needs every row above it measured to keep its place.
            cursor_below = self._cursor is not None and self._cursor >= MEASURED_FIRST
            shape = self._shape = self._measure(key, exact=cursor_below)
            if shape[3]:
                self.call_after_refresh(self._measure_exactly, key)
            elif self._rows is not None:
                self._rows.shape = shape  # kept with the list, should it be shown again
        return shape[1], shape[2]

    def _measure(
        self, key: tuple[int, bool], *, exact: bool
    ) -> tuple[tuple[int, bool], int, dict[int, int], bool]:
        """Each row's height at ``key``'s width: its title's lines (looked up when measured
        before, at this width) and one more. Not ``exact``: of the titles not measured yet, only
        those in the first screens' rows (MEASURED_FIRST) are; the others take the commonest
        height until they are measured, right after the first paint. The last item says whether
        any row was so estimated."""
        title_width = self._title_width(key[0])
        known = self._known_title_lines(title_width)
        titles = self._titles
        lines = list(map(known.get, titles))
        estimated = False
        if None in lines:
            limit = len(titles) if exact else MEASURED_FIRST
            for index, title in enumerate(titles):
                if lines[index] is None:
                    if index < limit:
                        lines[index] = known[title] = _title_lines(title, title_width)
                    else:
                        estimated = True  # out of sight at the first paint: measured after it
            if estimated:
                measured = [count for count in lines if count is not None]
                guess = Counter(measured).most_common(1)[0][0] if measured else 1
                lines = [guess if count is None else count for count in lines]
        counts = cast("list[int]", lines)
        common = Counter(counts).most_common(1)[0][0] if counts else 1
        other = list(compress(range(len(counts)), map(common.__ne__, counts)))  # no call each
        rows = dict(zip(other, [counts[index] + 1 for index in other], strict=True))
        return key, common + 1, rows, estimated

    def _known_title_lines(self, title_width: int) -> dict[str, int]:
        """The titles' line counts measured at ``title_width`` (a few widths are kept)."""
        known = self._title_lines.get(title_width)
        if known is None or len(known) >= _WRAP_CACHE_SIZE:
            if len(self._title_lines) >= _TITLE_WIDTHS_KEPT:
                self._title_lines.clear()
            known = self._title_lines[title_width] = {}
        return known

    def _measure_exactly(self, key: tuple[int, bool]) -> None:
        """After the first paint: the rows estimated are measured, and laid out if they differ."""
        shape = self._shape
        if shape is None or shape[0] != key or not shape[3]:
            return
        exact = self._measure(key, exact=True)
        self._shape = exact
        if self._rows is not None:
            self._rows.shape = exact
        if exact[1:3] == shape[1:3]:
            return
        screen_offset = None
        if self._cursor is not None:
            screen_offset = self._map.line_of(self._cursor) - self.scroll_offset.y
        self._update_layout()
        if self._cursor is not None and screen_offset is not None:
            top = max(0, self._map.line_of(self._cursor) - max(0, screen_offset))
            self.scroll_to(y=top, animate=False, force=True)
            self._scroll_cursor_into_view()
        self.refresh()

    def _title_width(self, width: int) -> int:
        return max(1, width - 4 - (0 if self._scores is None else SCORE_WIDTH))

    def _wrap(self, title: str, width: int) -> tuple[int, ...]:
        """Where ``title`` (raw, as the paper has it) breaks into lines at ``width``."""
        key = (title, width)
        starts = self._wraps.get(key)
        if starts is None:
            if len(self._wraps) >= _WRAP_CACHE_SIZE:
                self._wraps.clear()
            starts = self._wraps[key] = wrap_offsets(readable_title(title), width)
        return starts

    def _ensure_layout(self) -> None:
        if not self._map.is_laid_out_at(self.scrollable_content_region.width):
            self._update_layout()

    # ----------------------------------------------------------------- rendering

    def _detail_height(self, index: int, width: int) -> int:
        return len(self._details(index, width))

    def _details(self, index: int, width: int) -> list[Content]:
        paper = self._papers[index]
        note = self._flag_lookup(paper.id).note
        tags = self._flag_lookup(paper.id).tags
        marks = self._marks(index)
        keywords = self._keywords[index] + marks.phrases
        key = (
            paper.id,
            width,
            note,
            marks.seen,
            tags,
            keywords,
            marks.watched_authors,
            self._why_epoch,
        )
        lines = self._detail_cache.get(key)
        if lines is None:
            self._drawn[paper.id] = paper
            lines = detail_lines(
                paper,
                keywords,
                width,
                self._styles(),
                note,
                marks.watched_authors,
                marks.seen,
                tags=tags,
                why=None if self._why_lookup is None else self._why_lookup(paper),
            )
            self._detail_cache[key] = lines
        return lines

    def _styles(self) -> RowStyles:
        if self._row_styles is None:

            def style(name: str) -> Style:
                return self.get_visual_style(f"paper-list--{name}", partial=True)

            self._row_styles = RowStyles(
                unread=style("unread"),
                star=style("star"),
                title=style("title"),
                title_read=style("title-read"),
                keyword=style("keyword"),
                paper_id=style("id"),
                category=style("category"),
                authors=style("authors"),
                kind=style("kind"),
                label=style("label"),
                gutter=style("gutter"),
                muted=style("muted"),
                watch=style("watch"),
                selected=style("selected"),
            )
        return self._row_styles

    def _title(self, index: int, phrases: tuple[str, ...] = ()) -> Content:
        paper = self._papers[index]
        keywords = self._keywords[index] + phrases
        key = (paper.id, paper.title, keywords)
        title = self._title_cache.get(key)
        if title is None:
            title = title_content(paper, keywords, self._styles().keyword)
            self._title_cache[key] = title
        return title

    def notify_style_update(self) -> None:
        self._row_styles = None
        self._row_cache.clear()
        self._title_cache.clear()
        self._detail_cache.clear()
        self._map.invalidate()
        super().notify_style_update()
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self._row_layout = None  # the row heights are kept by width: measured again if it moved
        self._update_layout()
        self._scroll_cursor_into_view()

    def render_lines(self, crop: Region) -> list[Strip]:
        """The visible lines, straight from the line caches when the list is plainly styled.

        Textual's general path rebuilds every line it repaints (for borders, padding, tint,
        opacity), so a row that merely moved, as rows do below an expanded paper, costs as much
        as a new one. Lines from here are the cached strips themselves, full-width and styled:
        their filtered, cut and rendered forms are cached on them too (see ``FastRender``).
        """
        if not self._fast.plainly_styled():
            return super().render_lines(crop)
        self._ensure_layout()
        width, full = self.scrollable_content_region.width, self.size.width
        top, focused = self.scroll_offset.y, self.has_focus
        return self._fast.render_lines(crop, lambda y: self._line(top + y, width, full, focused))

    def render_line(self, y: int) -> Strip:
        """Line ``y`` for Textual's general path, which pads it to the widget's width itself."""
        self._ensure_layout()
        width = self.scrollable_content_region.width
        return self._line(self.scroll_offset.y + y, width, width, self.has_focus)

    def _line(self, line: int, width: int, full: int, focused: bool) -> Strip:
        """Line ``line`` of the list, ``full`` cells wide: laid out in the ``width`` left of
        the scrollbar, then padded with the background under it, as Textual's own path pads it."""
        if line >= self._map.total_lines or width <= 0:
            blank = Strip.blank(width, self.get_visual_style("paper-list--row").rich_style)
            return self._fast.pad(blank, full)
        index, offset = self._map.locate(line)
        if offset < 0:
            return self._heading_strip(index, width, full)
        is_cursor = index == self._cursor
        rows = self._map.row_height(index)
        if offset < rows:
            if self._compact:
                return self._row_strip(index, width, full, is_cursor, focused)
            return self._two_line_strip(index, offset, width, full, is_cursor, focused)
        paper_id, keywords = self._papers[index].id, self._keywords[index]
        key = ("detail", paper_id, width, full, offset - rows, is_cursor, focused, keywords)
        strip = self._row_cache.get(key)
        if strip is None:
            content = self._details(index, width)[offset - rows]
            if is_cursor:
                # Recolour the gutter so the expanded block reads as the highlighted paper's.
                gutter = self.get_visual_style("paper-list--gutter-cursor", partial=True)
                content = content.stylize(gutter, 0, 4)
            strip = self._strip(content, self.get_visual_style("paper-list--row"), width, full)
            self._row_cache[key] = strip
        return strip

    def _row_strip(
        self, index: int, width: int, full: int, is_cursor: bool, focused: bool
    ) -> Strip:
        paper = self._papers[index]
        flag = self._flag_lookup(paper.id)
        marks = self._marks(index)
        score = None if self._scores is None else self._scores.get(paper.id, 0.0)
        flags = (flag.read, flag.starred, flag.tags)
        key = (paper.id, width, full, is_cursor, flags, focused, score, marks, *self._shows(index))
        strip = self._row_cache.get(key)
        if strip is None:
            self._drawn[paper.id] = paper
            row_width = width if score is None else max(0, width - SCORE_WIDTH)
            if self._row_layout is None or self._row_layout.width != row_width:
                self._row_layout = RowLayout.fit(row_width, self._id_width, self._category_width)
            content = row_content(
                paper,
                self._title(index, marks.phrases),
                read=flag.read,
                starred=flag.starred,
                layout=self._row_layout,
                styles=self._styles(),
                score=score,
                marks=marks,
                tags=flag.tags,
            )
            base = self.get_visual_style("paper-list--cursor" if is_cursor else "paper-list--row")
            strip = self._strip(content, base, width, full)
            self._row_cache[key] = strip
        return strip

    def _shows(self, index: int) -> tuple[tuple[str, ...], int, int]:
        """What else paper ``index``'s row shows, for its cache key (rows are kept across
        lists): its keywords, and the id and category columns' widths."""
        return self._keywords[index], self._id_width, self._category_width

    def _heading_strip(self, index: int, width: int, full: int) -> Strip:
        kind, count = self._headings[index]
        key = ("heading", kind, count, width, full)
        strip = self._row_cache.get(key)
        if strip is None:
            content = heading_content(kind, count, width, self._styles())
            strip = self._strip(content, self.get_visual_style("paper-list--row"), width, full)
            self._row_cache[key] = strip
        return strip

    def _two_line_strip(
        self, index: int, offset: int, width: int, full: int, is_cursor: bool, focused: bool
    ) -> Strip:
        """Line ``offset`` of paper ``index``'s row in the two-line list (its lines are built and
        cached together)."""
        paper = self._papers[index]
        flag = self._flag_lookup(paper.id)
        marks = self._marks(index)
        score = None if self._scores is None else self._scores.get(paper.id, 0.0)
        flags = (flag.read, flag.starred, flag.tags)
        key = (paper.id, width, full, is_cursor, flags, focused, score, marks, *self._shows(index))
        strip = self._row_cache.get((*key, offset))
        if strip is None:
            self._drawn[paper.id] = paper
            title_width = self._title_width(width)
            lines = two_line_row(
                paper,
                self._title(index, marks.phrases),
                self._wrap(paper.title, title_width),
                read=flag.read,
                starred=flag.starred,
                width=width,
                styles=self._styles(),
                score=score,
                marks=marks,
                tags=flag.tags,
            )
            base = self.get_visual_style("paper-list--cursor" if is_cursor else "paper-list--row")
            blank = Content("")
            for number in range(self._map.row_height(index)):
                content = lines[number] if number < len(lines) else blank
                line_strip = self._strip(content, base, width, full)
                self._row_cache[(*key, number)] = line_strip
                if number == offset:
                    strip = line_strip
            if strip is None:
                strip = self._strip(blank, base, width, full)
        return strip

    def _strip(self, content: Content, base: Style, width: int, full: int) -> Strip:
        segments = [Segment(text, style.rich_style) for text, style in content.render(base, end="")]
        strip = Strip(segments, content.cell_length).extend_cell_length(width, base.rich_style)
        return self._fast.pad(strip.crop(0, width), full)

    # ----------------------------------------------------------------- mouse and focus

    async def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        hit = self._map.hit(self.scroll_offset.y + offset.y)
        if hit is None:
            return
        index, block_offset = hit
        if block_offset < 0:
            return  # a section heading
        if index == self._cursor and block_offset < self._map.row_height(index):
            self.toggle_expand()
        else:
            self._move_cursor(index)

    def on_focus(self, event: events.Focus) -> None:
        self.refresh()

    def on_blur(self, event: events.Blur) -> None:
        self.refresh()


Shape = tuple[tuple[int, bool], int, dict[int, int], bool]
"""The rows' heights at a width: the width and whether scored, the commonest height, the rows
of another height (index -> lines), whether some were estimated."""


@dataclass(slots=True)
class _Rows:
    """What the list derives from the matches it is given, kept for the lists shown lately."""

    matches: Sequence[Match]
    """As given: a list shown again is the same object."""
    sections: bool
    papers: list[Paper]
    keywords: list[tuple[str, ...]]
    titles: list[str]
    headings: dict[int, tuple[Kind, int]]
    index_of: dict[str, int]
    widths: tuple[int, int]
    """The id and category columns'."""
    shape: Shape | None = None
    """The rows' heights as last measured exactly (at a width)."""


def _title_lines(title: str, width: int) -> int:
    """How many lines ``title`` (raw) takes at ``width``."""
    lines = fast_title_line_count(title, width)
    return title_line_count(title, width) if lines is None else lines


def _headings(kinds: Sequence[Kind]) -> dict[int, tuple[Kind, int]]:
    """The papers of these kinds (grouped in arXiv's order, as ``arrange`` groups them) that
    start a section, with the section and its count."""
    counts = Counter(kinds)
    headings: dict[int, tuple[Kind, int]] = {}
    start = 0
    for kind in SECTION_ORDER:
        count = counts.get(kind, 0)
        if count:
            headings[start] = (kind, count)
            start += count
    return headings
