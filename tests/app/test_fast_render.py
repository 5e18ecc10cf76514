"""The paper list's fast line path draws what Textual's public line path draws.

``PaperList.render_lines`` goes through ``FastRender`` (Textual internals, see its docstring);
``Widget.render_lines`` is Textual's own path, which calls the public ``render_line``. For the
same list, in the states a line can be in (widths, expanded papers, the cursor, selected and
watched papers, focus), both must give the same segments.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import version

import pytest
from rich.segment import Segment
from test_paper_list import LATEX_ABSTRACT, make_paper, matches_of
from textual.app import App, ComposeResult
from textual.filter import LineFilter, Monochrome
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget

from tui.adapters.store import Flag
from tui.app.widgets import fast_render
from tui.app.widgets.fast_render import FastRender
from tui.app.widgets.paper_list import PaperList
from tui.app.widgets.paper_row import RowMarks
from tui.core.paper import Kind, Paper

SELECTED = RowMarks(selected=True)
WATCHED = RowMarks(watched=True, watched_authors=("Alice Able",), phrases=("number",))


class MarkedListApp(App[None]):
    """A list with read, starred, selected and watched papers."""

    def __init__(self, papers: list[Paper]) -> None:
        super().__init__()
        self.paper_rows = papers
        self.marks: dict[str, RowMarks] = {}
        self.flags: dict[str, Flag] = {}

    def compose(self) -> ComposeResult:
        yield PaperList(flag_lookup=self.flag, marks_lookup=self.mark, id="papers")

    def flag(self, paper_id: str) -> Flag:
        return self.flags.get(paper_id) or Flag(paper_id)

    def mark(self, paper: Paper) -> RowMarks:
        return self.marks.get(paper.id, RowMarks())

    def on_mount(self) -> None:
        self.query_one(PaperList).show(matches_of(self.paper_rows, ("paper",)))
        self.query_one(PaperList).focus()


def marked_app() -> MarkedListApp:
    papers = [
        make_paper(
            n,
            abstract=LATEX_ABSTRACT * (1 + n % 3),
            doi="10.1/x",
            kind=Kind.CROSS if n % 4 == 0 else Kind.NEW,
        )
        for n in range(1, 60)
    ]
    app = MarkedListApp(papers)
    for n in (2, 3, 9):
        app.marks[papers[n].id] = SELECTED
    for n in (4, 9 + 1):
        app.marks[papers[n].id] = WATCHED
    for n in (1, 3, 5):
        app.flags[papers[n].id] = Flag(papers[n].id, read=True, starred=n != 5, note="A note.")
    return app


def both_paths(paper_list: PaperList, crop: Region) -> tuple[list[list[Segment]], ...]:
    """The lines of ``crop`` drawn by the fast path and by Textual's public path."""
    fast = [list(strip) for strip in paper_list.render_lines(crop)]
    paper_list.refresh()  # Textual's path keeps no line from an earlier frame
    public = [list(strip) for strip in Widget.render_lines(paper_list, crop)]
    return fast, public


def crops(paper_list: PaperList) -> list[Region]:
    width, height = paper_list.size
    return [
        Region(0, 0, width, height),
        Region(3, 2, width - 10, height // 2),
        Region(0, height - 1, width, 1),
        Region(width - 1, 0, 1, height),  # the scrollbar's column, when there is one
    ]


async def assert_same_lines(pilot: Pilot[None], paper_list: PaperList, state: str) -> None:
    await pilot.pause()
    assert FastRender(paper_list).plainly_styled()
    for crop in crops(paper_list):
        fast, public = both_paths(paper_list, crop)
        assert fast == public, f"{state}, {crop}"
        assert len(fast) == crop.height


@pytest.mark.parametrize("size", [(44, 14), (90, 24), (133, 40)])
async def test_the_fast_path_draws_what_textuals_public_path_draws(size: tuple[int, int]) -> None:
    app = marked_app()
    async with app.run_test(size=size) as pilot:
        paper_list = app.query_one(PaperList)
        await assert_same_lines(pilot, paper_list, "first rows")

        await pilot.press("j", "j", "enter")  # a selected, read paper expanded under the cursor
        await assert_same_lines(pilot, paper_list, "expanded under the cursor")
        assert paper_list.is_expanded(paper_list.shown_papers[2].id)

        await pilot.press("j", "j", "enter", "k")  # two expanded, the cursor between them
        await assert_same_lines(pilot, paper_list, "two expanded")

        await pilot.press("pagedown", "enter", "pagedown")
        await assert_same_lines(pilot, paper_list, "scrolled past expanded papers")

        paper_list.blur()
        await assert_same_lines(pilot, paper_list, "blurred")

        app.marks[paper_list.shown_papers[0].id] = SELECTED
        paper_list.refresh_marks()
        await pilot.press("g")
        await assert_same_lines(pilot, paper_list, "selection changed, back at the top")


async def test_both_paths_agree_when_the_width_changes_under_expanded_papers() -> None:
    app = marked_app()
    async with app.run_test(size=(120, 30)) as pilot:
        paper_list = app.query_one(PaperList)
        await pilot.press("enter", "j", "j", "j", "enter")
        for size in ((60, 20), (41, 12), (150, 45)):
            await pilot.resize_terminal(*size)
            await assert_same_lines(pilot, paper_list, f"resized to {size}")


class FilteredListApp(MarkedListApp):
    """As the terminal with NO_COLOR set: every line goes through a line filter."""

    def __init__(self, papers: list[Paper]) -> None:
        super().__init__(papers)
        self.filters: list[LineFilter] = [Monochrome()]

    def get_line_filters(self) -> Sequence[LineFilter]:
        return self.filters


async def test_both_paths_apply_the_apps_line_filters() -> None:
    plain = marked_app()
    app = FilteredListApp(plain.paper_rows)
    app.marks, app.flags = plain.marks, plain.flags
    async with app.run_test(size=(90, 24)) as pilot:
        paper_list = app.query_one(PaperList)
        await pilot.press("j", "j", "enter")
        await assert_same_lines(pilot, paper_list, "monochrome")
        fast, _public = both_paths(paper_list, Region(0, 0, *paper_list.size))
        app.filters = []
        unfiltered, _public = both_paths(paper_list, Region(0, 0, *paper_list.size))
        assert fast != unfiltered  # the filter did change the lines


async def test_the_fast_path_hands_back_its_cached_lines() -> None:
    """The point of the fast path: a repaint of unchanged lines builds nothing, so the strips
    (and what Textual caches on them) are the same objects from frame to frame."""
    app = marked_app()
    async with app.run_test(size=(90, 24)) as pilot:
        paper_list = app.query_one(PaperList)
        await pilot.press("enter")
        await pilot.pause()
        crop = Region(0, 0, *paper_list.size)
        first = paper_list.render_lines(crop)
        again = paper_list.render_lines(crop)
        assert all(a is b for a, b in zip(first, again, strict=True))


async def test_a_list_with_a_border_title_takes_textuals_path() -> None:
    app = marked_app()
    async with app.run_test(size=(90, 24)) as pilot:
        paper_list = app.query_one(PaperList)
        paper_list.border_title = "Papers"
        await pilot.pause()
        assert not FastRender(paper_list).plainly_styled()
        paper_list.border_title = None
        paper_list.styles.tint = "red 20%"
        await pilot.pause()
        assert not FastRender(paper_list).plainly_styled()


def test_the_adapter_was_checked_against_the_installed_textual() -> None:
    """Fails at a Textual upgrade until the adapter is rechecked (its docstring says how)."""
    assert version("textual") == fast_render.TEXTUAL_VERSION_CHECKED
    assert f"Textual {fast_render.TEXTUAL_VERSION_CHECKED}" in (fast_render.__doc__ or "")
