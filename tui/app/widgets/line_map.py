"""Which screen line shows which paper: the paper list's line map, with no Textual in it.

Every paper has a one-line row; an expanded paper's details (wrapped at the list's width) follow
its row. The map stores only the expanded papers, in order, with the line each one's row is on,
so every lookup is a bisect over the expanded papers plus a few reads: O(log k) for k expanded
papers, however many papers the list holds. Laying it out again (on expand, collapse, a new list,
a new width) costs O(k log k) plus measuring the k expanded papers.

Kept apart from the widget so that the arithmetic (rows below an expanded paper shift down, a
click on a detail line belongs to its paper, the cursor stops at the ends) is tested without a
screen, and so that the widget is left with drawing.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from typing import NamedTuple

Measure = Callable[[int, int], int]
"""``measure(index, width)``: how many detail lines paper ``index`` takes wrapped at ``width``."""

UNSET_WIDTH = -1
"""The width of a map that must be laid out again before it is drawn."""


class Place(NamedTuple):
    """Where a line is: the paper it belongs to and its offset in that paper's block."""

    paper: int
    """The paper's index in the list."""
    offset: int
    """0 for the paper's row, 1 and on for its detail lines."""


class LineMap:
    """The lines of a list of ``count`` papers, some expanded, laid out at one width."""

    def __init__(self) -> None:
        self._count = 0
        self._width = UNSET_WIDTH
        self._indices: list[int] = []
        """The expanded papers, ascending."""
        self._heights: list[int] = []
        """Their detail line counts."""
        self._row_lines: list[int] = []
        """The line each one's row is on."""
        self._total = 0

    # ----------------------------------------------------------------- layout

    def layout(self, count: int, expanded: Iterable[int], width: int, measure: Measure) -> None:
        """Lay out ``count`` papers with these expanded (indices; out-of-range ones and repeats
        are ignored), their details wrapped at ``width``. ``measure`` is asked once per expanded
        paper, in index order, and not at all when ``width`` is 0 or less (nothing fits)."""
        indices = sorted({index for index in expanded if 0 <= index < count})
        heights = [measure(index, width) if width > 0 else 0 for index in indices]
        row_lines: list[int] = []
        extra = 0
        for index, height in zip(indices, heights, strict=True):
            row_lines.append(index + extra)
            extra += height
        self._count = count
        self._width = width
        self._indices = indices
        self._heights = heights
        self._row_lines = row_lines
        self._total = count + extra

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

    def line_of(self, index: int) -> int:
        """The line paper ``index``'s row is on."""
        before = bisect_left(self._indices, index)  # expanded papers above this one
        if before == 0:
            return index
        last = before - 1
        return index + (self._row_lines[last] - self._indices[last]) + self._heights[last]

    def block_height(self, index: int) -> int:
        """How many lines paper ``index`` takes: 1, plus its details when expanded."""
        position = bisect_left(self._indices, index)
        if position < len(self._indices) and self._indices[position] == index:
            return 1 + self._heights[position]
        return 1

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
        position = bisect_right(self._row_lines, line) - 1
        if position < 0:
            return Place(line, 0)
        row_line = self._row_lines[position]
        height = self._heights[position]
        if line <= row_line + height:
            return Place(self._indices[position], line - row_line)
        return Place(self._indices[position] + (line - row_line - height), 0)

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
        scrolled to ``top``, moving as little as it can; None if it shows already."""
        if height <= 0:
            return None
        line = self.line_of(index)
        if line < top:
            return line
        if line >= top + height:
            return line - height + 1
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
