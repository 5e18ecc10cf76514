"""The paper list's line map, without a screen: which line shows which paper."""

from __future__ import annotations

import ast
import math
import random
import sys
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from tui.app.widgets import line_map as line_map_module
from tui.app.widgets.line_map import LineMap, Place


def laid_out(
    count: int, heights: dict[int, int], width: int = 80, calls: list[int] | None = None
) -> LineMap:
    """A map of ``count`` papers, those in ``heights`` expanded with that many detail lines."""

    def measure(index: int, at_width: int) -> int:
        assert at_width == width
        if calls is not None:
            calls.append(index)
        return heights[index]

    line_map = LineMap()
    line_map.layout(count, heights, width, measure)
    return line_map


def reference(count: int, heights: dict[int, int]) -> list[Place]:
    """Every line of the list, written out one by one."""
    lines = []
    for index in range(count):
        lines.append(Place(index, 0))
        lines.extend(Place(index, offset) for offset in range(1, heights.get(index, 0) + 1))
    return lines


# ----------------------------------------------------------------------------- rows


def test_an_empty_list_has_no_lines() -> None:
    line_map = laid_out(0, {})
    assert line_map.total_lines == 0
    assert line_map.hit(0) is None
    with pytest.raises(IndexError):
        line_map.locate(0)


def test_collapsed_papers_take_one_line_each() -> None:
    line_map = laid_out(5, {})
    assert line_map.total_lines == 5
    for index in range(5):
        assert line_map.line_of(index) == index
        assert line_map.block_height(index) == 1
        assert line_map.lines_of(index) == range(index, index + 1)
        assert line_map.locate(index) == Place(index, 0)


def test_expanding_a_paper_puts_its_details_under_its_row_and_shifts_the_rest() -> None:
    line_map = laid_out(5, {1: 3})
    assert line_map.total_lines == 8
    assert line_map.lines_of(1) == range(1, 5)
    assert [line_map.line_of(index) for index in range(5)] == [0, 1, 5, 6, 7]
    assert [line_map.locate(line) for line in range(8)] == [
        Place(0, 0),
        Place(1, 0),
        Place(1, 1),
        Place(1, 2),
        Place(1, 3),
        Place(2, 0),
        Place(3, 0),
        Place(4, 0),
    ]


def test_collapsing_gives_every_paper_its_own_line_back() -> None:
    line_map = laid_out(5, {1: 3, 3: 2})
    line_map.layout(5, [3], 80, lambda index, width: 2)
    assert [line_map.line_of(index) for index in range(5)] == [0, 1, 2, 3, 6]
    line_map.layout(5, [], 80, lambda index, width: 2)
    assert [line_map.line_of(index) for index in range(5)] == [0, 1, 2, 3, 4]
    assert line_map.total_lines == 5


def test_first_and_last_papers_expanded() -> None:
    line_map = laid_out(3, {0: 2, 2: 4})
    assert line_map.lines_of(0) == range(0, 3)
    assert line_map.lines_of(1) == range(3, 4)
    assert line_map.lines_of(2) == range(4, 9)
    assert line_map.total_lines == 9
    assert line_map.locate(8) == Place(2, 4)
    assert line_map.hit(9) is None


@pytest.mark.parametrize("seed", range(8))
def test_every_line_and_every_paper_agree_with_the_list_written_out(seed: int) -> None:
    rng = random.Random(seed)
    count = rng.randint(1, 60)
    heights = {index: rng.randint(0, 6) for index in range(count) if rng.random() < 0.3}
    line_map = laid_out(count, heights)
    lines = reference(count, heights)
    assert line_map.total_lines == len(lines)
    assert [line_map.locate(line) for line in range(len(lines))] == lines
    for index in range(count):
        shown = [line for line, place in enumerate(lines) if place.paper == index]
        assert line_map.lines_of(index) == range(shown[0], shown[-1] + 1)
        assert line_map.line_of(index) == shown[0]
        assert line_map.block_height(index) == len(shown)


def test_expanded_papers_not_in_the_list_or_named_twice_are_ignored() -> None:
    line_map = LineMap()
    line_map.layout(4, [7, 2, -1, 2], 80, lambda index, width: 3)
    assert line_map.total_lines == 7
    assert line_map.lines_of(2) == range(2, 6)


def test_a_detail_block_of_no_lines_is_just_the_row() -> None:
    line_map = laid_out(3, {1: 0})
    assert [line_map.line_of(index) for index in range(3)] == [0, 1, 2]
    assert line_map.block_height(1) == 1


# ----------------------------------------------------------------------------- wrapping


def wrapped(lengths: dict[int, int]) -> Callable[[int, int], int]:
    """Details of ``lengths[index]`` characters, wrapped at the width."""
    return lambda index, width: math.ceil(lengths[index] / width)


def test_details_are_measured_at_the_width_and_measured_again_at_a_new_one() -> None:
    lengths = {0: 200, 2: 90}
    line_map = LineMap()
    line_map.layout(4, lengths, 40, wrapped(lengths))
    assert line_map.is_laid_out_at(40) and not line_map.is_laid_out_at(80)
    assert line_map.lines_of(0) == range(0, 6)  # 200 characters: 5 lines at 40
    assert line_map.lines_of(2) == range(7, 11)  # 90 characters: 3 lines at 40
    assert line_map.total_lines == 4 + 5 + 3

    line_map.layout(4, lengths, 80, wrapped(lengths))
    assert line_map.is_laid_out_at(80)
    assert line_map.lines_of(0) == range(0, 4)  # 3 lines at 80
    assert line_map.lines_of(2) == range(5, 8)  # 2 lines at 80
    assert line_map.locate(6) == Place(2, 1)
    assert line_map.total_lines == 4 + 3 + 2


def test_measured_once_per_expanded_paper_in_order_and_not_at_no_width() -> None:
    calls: list[int] = []
    laid_out(10, {7: 1, 2: 1, 5: 1}, calls=calls)
    assert calls == [2, 5, 7]

    line_map = LineMap()
    line_map.layout(10, [2, 5], 0, lambda index, width: pytest.fail("measured at width 0"))
    assert line_map.total_lines == 10
    assert line_map.block_height(2) == 1


def test_an_invalidated_map_asks_to_be_laid_out_again() -> None:
    line_map = laid_out(3, {1: 2}, width=60)
    assert line_map.is_laid_out_at(60)
    line_map.invalidate()
    assert not line_map.is_laid_out_at(60)
    assert line_map.lines_of(1) == range(1, 4)  # still answers until laid out again


# ----------------------------------------------------------------------------- clicks


def test_a_click_lands_on_the_paper_whose_line_it_is() -> None:
    line_map = laid_out(4, {1: 2})
    assert line_map.hit(0) == Place(0, 0)
    assert line_map.hit(1) == Place(1, 0)  # the row
    assert line_map.hit(3) == Place(1, 2)  # a detail line
    assert line_map.hit(4) == Place(2, 0)
    assert line_map.hit(5) == Place(3, 0)
    assert line_map.hit(6) is None  # below the last paper
    assert line_map.hit(-1) is None
    with pytest.raises(IndexError):
        line_map.locate(6)


# ----------------------------------------------------------------------------- cursor


def test_the_cursor_stops_at_the_ends() -> None:
    line_map = laid_out(3, {})
    assert line_map.step(0, -1) == 0
    assert line_map.step(0, 1) == 1
    assert line_map.step(2, 1) == 2
    assert line_map.step(1, 5) == 2
    assert line_map.step(1, -5) == 0
    assert line_map.page_target(0, -1, 10) == 0
    assert line_map.page_target(2, 1, 10) == 2


def test_a_page_moves_to_the_paper_a_screen_away() -> None:
    line_map = laid_out(100, {})
    assert line_map.page_target(0, 1, 10) == 10
    assert line_map.page_target(10, -1, 10) == 0
    assert line_map.page_target(95, 1, 10) == 99
    assert line_map.page_target(5, 1, 0) == 6  # no height: at least one line


def test_a_page_over_an_expanded_paper_counts_its_lines() -> None:
    line_map = laid_out(20, {2: 5})
    assert line_map.page_target(0, 1, 4) == 2  # line 4 is a detail line of paper 2
    assert line_map.page_target(2, 1, 10) == 7  # rows 2..7 + 5 details: line 12 is paper 7
    assert line_map.page_target(7, -1, 10) == 2


def test_a_page_inside_a_tall_block_still_moves_one_paper() -> None:
    line_map = laid_out(5, {1: 30})
    assert line_map.page_target(1, 1, 10) == 2  # a screen down is still paper 1
    assert line_map.page_target(2, -1, 10) == 1


# ----------------------------------------------------------------------------- scrolling


def test_scrolling_to_a_row_moves_as_little_as_it_can() -> None:
    line_map = laid_out(100, {})
    assert line_map.scroll_to_row(5, 0, 10) is None  # already on screen
    assert line_map.scroll_to_row(12, 0, 10) == 3  # row at the bottom
    assert line_map.scroll_to_row(2, 20, 10) == 2  # row at the top
    assert line_map.scroll_to_row(50, 0, 0) is None  # no screen


def test_scrolling_to_an_expanded_paper_shows_its_row_first() -> None:
    line_map = laid_out(100, {20: 4, 40: 30})
    assert line_map.scroll_to_block(20, 0, 30) is None  # the whole block shows
    assert line_map.scroll_to_block(20, 0, 22) == 3  # its last detail line at the bottom
    assert line_map.scroll_to_block(20, 22, 10) == 20  # above the screen: row at the top
    row = line_map.line_of(40)
    assert line_map.scroll_to_block(40, 0, 10) == row  # taller than the screen: row at the top
    assert line_map.scroll_to_block(40, row, 10) == row
    assert line_map.scroll_to_block(40, 0, 0) is None


# ----------------------------------------------------------------------------- 5,000 papers


class Reads:
    count = 0


class CountingList(list[int]):
    """A list that counts the elements read from it: one by one, by slice, or in a scan."""

    def __init__(self, items: list[int], reads: Reads) -> None:
        super().__init__(items)
        self.reads = reads

    def __getitem__(self, key: Any) -> Any:
        item = super().__getitem__(key)
        self.reads.count += len(item) if isinstance(key, slice) else 1
        return item

    def __iter__(self) -> Iterator[int]:
        self.reads.count += len(self)
        return super().__iter__()

    def __reversed__(self) -> Iterator[int]:
        self.reads.count += len(self)
        return super().__reversed__()

    def __contains__(self, item: object) -> bool:
        self.reads.count += len(self)
        return super().__contains__(item)

    def index(self, *args: Any) -> int:
        self.reads.count += len(self)
        return super().index(*args)

    def count(self, item: int) -> int:
        self.reads.count += len(self)
        return super().count(item)


def count_reads(line_map: LineMap) -> Reads:
    """From now on, count every element the map reads from the lists it keeps."""
    reads = Reads()
    for name, value in list(vars(line_map).items()):
        if isinstance(value, list):
            setattr(line_map, name, CountingList(value, reads))
    return reads


def lines_run(call: Callable[[], object]) -> int:
    """How many lines of line_map.py a call runs (a loop over the papers would run thousands)."""
    run = 0
    source = line_map_module.__file__

    def in_line_map(frame: FrameType, event: str, arg: object) -> Any:
        nonlocal run
        if event == "line":
            run += 1
        return in_line_map

    def tracer(frame: FrameType, event: str, arg: object) -> Any:
        return in_line_map if frame.f_code.co_filename == source else None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        call()
    finally:
        sys.settrace(previous)
    return run


Lookup = tuple[str, Callable[[], object]]


def lookups(line_map: LineMap) -> list[Lookup]:
    """Every lookup, named, at the top, the middle and the end of the list."""
    count, total = line_map.count, line_map.total_lines
    middle = total // 2
    named: list[Lookup] = []
    for i in (0, 1, count // 2, count // 2 + 1, count - 2, count - 1):
        named += [
            (f"line_of({i})", partial(line_map.line_of, i)),
            (f"block_height({i})", partial(line_map.block_height, i)),
            (f"lines_of({i})", partial(line_map.lines_of, i)),
            (f"step({i}, 1)", partial(line_map.step, i, 1)),
            (f"page_target({i}, 1, 40)", partial(line_map.page_target, i, 1, 40)),
            (f"page_target({i}, -1, 40)", partial(line_map.page_target, i, -1, 40)),
            (f"scroll_to_row({i})", partial(line_map.scroll_to_row, i, middle, 40)),
            (f"scroll_to_block({i})", partial(line_map.scroll_to_block, i, middle, 40)),
        ]
    for line in (0, 1, 2, middle, middle + 1, total - 2, total - 1, total):
        named.append((f"hit({line})", partial(line_map.hit, line)))
    return named


def test_five_thousand_papers_half_expanded_answer_every_lookup_in_log_time() -> None:
    """2,500 expanded papers: a lookup reads a bisect's worth of entries and runs a few lines,
    the same few as in a list of 50."""
    heights = {index: 3 for index in range(0, 5000, 2)}
    calls: list[int] = []
    line_map = laid_out(5000, heights, calls=calls)
    assert len(calls) == 2500  # laying out measures the expanded papers, not every paper
    assert line_map.total_lines == 5000 + 2500 * 3
    assert line_map.locate(line_map.total_lines - 1) == Place(4999, 0)
    assert line_map.lines_of(4998) == range(4998 + 2499 * 3, 4998 + 2500 * 3 + 1)

    small = laid_out(50, {index: 3 for index in range(0, 50, 2)})
    small_lines = max(lines_run(call) for _name, call in lookups(small))
    large_lines = max(lines_run(call) for _name, call in lookups(line_map))
    assert large_lines == small_lines <= 40

    reads = count_reads(line_map)
    bound = 5 * (math.ceil(math.log2(2500)) + 1) + 10  # four bisects and a few reads, at most
    for name, call in lookups(line_map):
        reads.count = 0
        call()
        assert reads.count <= bound, name


def test_five_thousand_collapsed_papers_answer_without_reading_anything() -> None:
    line_map = laid_out(5000, {})
    reads = count_reads(line_map)
    for _name, call in lookups(line_map):
        call()
    assert reads.count == 0
    assert line_map.line_of(4999) == 4999
    assert line_map.locate(2500) == Place(2500, 0)


def test_the_counting_list_would_catch_a_scan() -> None:
    """The bound above means something: summing the heights before a paper reads them all."""
    line_map = laid_out(5000, {index: 3 for index in range(0, 5000, 2)})
    reads = count_reads(line_map)
    heights = next(value for value in vars(line_map).values() if isinstance(value, CountingList))
    sum(heights[:2000])
    assert reads.count == 2000


# ----------------------------------------------------------------------------- purity


def test_the_line_map_imports_no_textual_and_no_rich() -> None:
    tree = ast.parse(Path(line_map_module.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"__future__", "bisect", "collections.abc", "itertools", "typing"}


# ----------------------------------------------------------------------------- rows of several
# lines and section headings


def reference_with(
    count: int,
    heights: dict[int, int],
    row_height: int,
    rows: dict[int, int],
    headings: dict[int, int],
) -> list[Place]:
    """Every line of a list with headings and rows of several lines, written out one by one."""
    lines: list[Place] = []
    for index in range(count):
        head = headings.get(index, 0)
        lines.extend(Place(index, offset) for offset in range(-head, 0))
        row = rows.get(index, row_height)
        lines.extend(Place(index, offset) for offset in range(row + heights.get(index, 0)))
    return lines


def sectioned(
    count: int,
    heights: dict[int, int],
    row_height: int,
    rows: dict[int, int],
    headings: dict[int, int],
) -> LineMap:
    line_map = LineMap()
    line_map.layout(
        count,
        heights,
        80,
        lambda index, width: heights[index],
        row_height=row_height,
        rows=rows,
        headings=headings,
    )
    return line_map


def test_two_line_rows_under_headings() -> None:
    # Headings over papers 0 and 3; paper 1's title takes two lines (a row of three).
    line_map = sectioned(5, {}, 2, {1: 3}, {0: 1, 3: 1})
    assert line_map.total_lines == 1 + 2 + 3 + 2 + 1 + 2 + 2
    assert [line_map.line_of(index) for index in range(5)] == [1, 3, 6, 9, 11]
    assert [line_map.row_height(index) for index in range(5)] == [2, 3, 2, 2, 2]
    assert line_map.heading_height(3) == 1 and line_map.heading_height(2) == 0
    assert line_map.locate(0) == Place(0, -1)  # the first heading
    assert line_map.locate(8) == Place(3, -1)  # the second heading belongs to no row
    assert line_map.locate(4) == Place(1, 1)
    assert line_map.lines_of(1) == range(3, 6)


def test_the_cursor_and_pages_move_over_papers_not_headings() -> None:
    line_map = sectioned(6, {}, 2, {}, {0: 1, 3: 1})
    assert line_map.step(2, 1) == 3  # across the heading
    assert line_map.page_target(2, 1, 1) == 3  # a line down is the heading: the paper below
    assert line_map.scroll_to_row(0, 5, 4) == 0  # up to the first paper: its heading shows too
    assert line_map.scroll_to_row(3, 20, 4) == line_map.line_of(3) - 1
    assert line_map.scroll_to_row(5, 0, 4) == line_map.line_of(5) + 2 - 4  # both lines shown


@pytest.mark.parametrize("seed", range(12))
def test_headings_rows_and_details_agree_with_the_list_written_out(seed: int) -> None:
    rng = random.Random(seed)
    count = rng.randint(1, 60)
    row_height = rng.randint(1, 3)
    heights = {index: rng.randint(0, 6) for index in range(count) if rng.random() < 0.3}
    rows = {index: rng.randint(1, 5) for index in range(count) if rng.random() < 0.3}
    headings = {index: rng.randint(1, 2) for index in range(count) if rng.random() < 0.1}
    line_map = sectioned(count, heights, row_height, rows, headings)
    lines = reference_with(count, heights, row_height, rows, headings)
    assert line_map.total_lines == len(lines)
    assert [line_map.locate(line) for line in range(len(lines))] == lines
    for index in range(count):
        block = [line for line, place in enumerate(lines) if place == (index, place.offset)]
        shown = [line for line in block if lines[line].offset >= 0]
        assert line_map.lines_of(index) == range(shown[0], shown[-1] + 1)
        assert line_map.row_height(index) == rows.get(index, row_height)


def test_five_thousand_two_line_papers_in_sections_answer_in_log_time() -> None:
    """Every row two lines, a third of the titles three, three headings: bisects still."""
    rows = {index: 3 for index in range(0, 5000, 3)}
    headings = {0: 1, 3000: 1, 4000: 1}
    line_map = sectioned(5000, {}, 2, rows, headings)
    small = sectioned(50, {}, 2, {index: 3 for index in range(0, 50, 3)}, {0: 1, 30: 1, 40: 1})
    small_lines = max(lines_run(call) for _name, call in lookups(small))
    large_lines = max(lines_run(call) for _name, call in lookups(line_map))
    assert large_lines == small_lines
    reads = count_reads(line_map)
    bound = 5 * (math.ceil(math.log2(len(rows) + 3)) + 1) + 10
    for name, call in lookups(line_map):
        reads.count = 0
        call()
        assert reads.count <= bound, name
