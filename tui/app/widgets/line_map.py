"""Which screen line shows which paper: the paper list's line map, with no Textual in it.

Every paper has a row of ``row_height`` lines (1 in the compact list, 2 for a title line and a
line of authors, id and categories) or of its own height (a title wrapped to more lines); a
section heading may stand above a paper; an expanded paper's details (wrapped at the list's
width) follow its row. The map stores only the papers that differ from the plain row (a row of
another height, a heading, details), in order, with the line each one's block starts on, so
every lookup is a bisect over those papers plus a few reads: O(log k) for k such papers, however
many papers the list holds. Laying it out again (on expand, collapse, a new list, a new width)
costs O(k log k) plus measuring the expanded papers.

Kept apart from the widget so that the arithmetic (rows below an expanded paper shift down, a
click on a detail line belongs to its paper, a heading belongs to no paper's row, the cursor
stops at the ends) is tested without a screen, and so that the widget is left with drawing.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping
from itertools import accumulate
from typing import NamedTuple

Measure = Callable[[int, int], int]
"""``measure(index, width)``: how many detail lines paper ``index`` takes wrapped at ``width``."""

UNSET_WIDTH = -1
"""The width of a map that must be laid out again before it is drawn."""


class Place(NamedTuple):
    """Where a line is: the paper it belongs to and its offset in that paper's block."""

    paper: int
    """The paper's index in the list (for a heading line, the paper below the heading)."""
    offset: int
    """0 to ``row_height(paper) - 1`` for the paper's row, then its detail lines; negative for
    the lines of the heading above it (-1 the heading's last line)."""


class LineMap:
    """The lines of a list of ``count`` papers, some expanded, laid out at one width."""

    def __init__(self) -> None:
        self._count = 0
        self._width = UNSET_WIDTH
        self._row_height = 1
        self._indices: list[int] = []
        """The papers whose block is not a plain row, ascending."""
        self._heads: list[int] = []
        """The lines of the heading above each one (0: none)."""
        self._rows: list[int] = []
        """Each one's row height."""
        self._heights: list[int] = []
        """Each one's detail line count."""
        self._starts: list[int] = []
        """The line each one's block (heading first) starts on."""
        self._extra: list[int] = []
        """The lines the papers up to and including each one take beyond plain rows."""
        self._total = 0

    # ----------------------------------------------------------------- layout

    def layout(
        self,
        count: int,
        expanded: Iterable[int],
        width: int,
        measure: Measure,
        *,
        row_height: int = 1,
        rows: Mapping[int, int] | None = None,
        headings: Mapping[int, int] | None = None,
    ) -> None:
        """Lay out ``count`` papers with these expanded (indices; out-of-range ones and repeats
        are ignored), their details wrapped at ``width``. ``measure`` is asked once per expanded
        paper, in index order, and not at all when ``width`` is 0 or less (nothing fits).

        Every row is ``row_height`` lines but those in ``rows`` (index -> lines); ``headings``
        (index -> lines) puts a heading of that many lines above a paper."""
        rows = rows or {}
        headings = headings or {}
        opened = {index for index in expanded if 0 <= index < count}
        special = {index for index in rows if 0 <= index < count and rows[index] != row_height}
        special |= {index for index in headings if 0 <= index < count and headings[index] > 0}
        indices = sorted(opened | special)
        # A list at a time rather than a loop over the papers: a day has thousands of rows of
        # another height, laid out again at every new list.
        heads = [headings.get(index, 0) for index in indices]
        row_counts = [rows.get(index, row_height) for index in indices]
        heights = [
            measure(index, width) if index in opened and width > 0 else 0 for index in indices
        ]
        grown = [
            head + row - row_height + height
            for head, row, height in zip(heads, row_counts, heights, strict=True)
        ]
        extras = list(accumulate(grown))
        starts = [
            index * row_height + extra - more
            for index, extra, more in zip(indices, extras, grown, strict=True)
        ]
        extra = extras[-1] if extras else 0
        self._count = count
        self._width = width
        self._row_height = row_height
        self._indices = indices
        self._heads = heads
        self._rows = row_counts
        self._heights = heights
        self._starts = starts
        self._extra = extras
        self._total = count * row_height + extra

    def invalidate(self) -> None:
        """Something the layout depends on changed (styles, marks): lay it out before drawing."""
        self._width = UNSET_WIDTH

    def is_laid_out_at(self, width: int) -> bool:
        return self._width == width

    @property
    def count(self) -> int:
        """How many papers the list has."""
        return self._count

    @property
    def total_lines(self) -> int:
        return self._total

    # ----------------------------------------------------------------- lookups

    def _position(self, index: int) -> int | None:
        """Where paper ``index`` is among the special papers, if it is one."""
        position = bisect_left(self._indices, index)
        if position < len(self._indices) and self._indices[position] == index:
            return position
        return None

    def line_of(self, index: int) -> int:
        """The line paper ``index``'s row starts on."""
        position = bisect_left(self._indices, index)  # special papers up to this one
        if position < len(self._indices) and self._indices[position] == index:
            return self._starts[position] + self._heads[position]
        return index * self._row_height + (self._extra[position - 1] if position else 0)

    def row_height(self, index: int) -> int:
        """How many lines paper ``index``'s row takes (its details not counted)."""
        position = self._position(index)
        return self._row_height if position is None else self._rows[position]

    def heading_height(self, index: int) -> int:
        """How many lines the heading above paper ``index`` takes (0: it has none)."""
        position = self._position(index)
        return 0 if position is None else self._heads[position]

    def block_height(self, index: int) -> int:
        """How many lines paper ``index`` takes: its row, plus its details when expanded."""
        position = self._position(index)
        if position is None:
            return self._row_height
        return self._rows[position] + self._heights[position]

    def lines_of(self, index: int) -> range:
        """The lines of paper ``index``: its row, then its details when expanded."""
        start = self.line_of(index)
        return range(start, start + self.block_height(index))

    def locate(self, line: int) -> Place:
        """The paper on ``line`` and the line's offset in its block.

        Raises:
            IndexError: ``line`` is not in the list (see ``hit`` for a click's line).
        """
        if not 0 <= line < self._total:
            raise IndexError(f"line {line} of {self._total}")
        height = self._row_height
        position = bisect_right(self._starts, line) - 1
        if position < 0:
            return Place(line // height, line % height)
        start = self._starts[position]
        head = self._heads[position]
        end = start + head + self._rows[position] + self._heights[position]
        if line < end:
            return Place(self._indices[position], line - start - head)
        after = line - end
        return Place(self._indices[position] + 1 + after // height, after % height)

    def hit(self, line: int) -> Place | None:
        """What a click on ``line`` lands on; None below the last paper (or above the first)."""
        return self.locate(line) if 0 <= line < self._total else None

    # ----------------------------------------------------------------- cursor and scrolling

    def step(self, index: int, delta: int) -> int:
        """The paper ``delta`` papers from ``index``, stopping at the first and the last."""
        return max(0, min(index + delta, self._count - 1))

    def page_target(self, index: int, direction: int, height: int) -> int:
        """Where a page key moves the cursor from ``index`` (``direction`` 1 down, -1 up): the
        paper on the line a screen (``height`` lines) away, or at least the next paper."""
        line = self.line_of(index) + direction * max(1, height)
        target = self.locate(max(0, min(line, self._total - 1))).paper
        return self.step(target, direction) if target == index else target

    def scroll_to_row(self, index: int, top: int, height: int) -> int | None:
        """The scroll offset that brings paper ``index``'s row on a screen of ``height`` lines
        scrolled to ``top``, moving as little as it can (up: with the heading above it, if
        any); None if it shows already."""
        if height <= 0:
            return None
        line = self.line_of(index)
        if line < top:
            head = self.heading_height(index)  # its section's heading shows with it
            return line - head if head < height else line
        end = line + self.row_height(index) - 1
        if end >= top + height:
            return min(line, end - height + 1)
        return None

    def scroll_to_block(self, index: int, top: int, height: int) -> int | None:
        """As ``scroll_to_row``, for as much of the paper's block as fits, its row first."""
        if height <= 0:
            return None
        lines = self.lines_of(index)
        end = lines.stop - 1
        if end >= top + height:
            return min(lines.start, end - height + 1)
        return self.scroll_to_row(index, top, height)
