"""Hostile arXiv metadata through the whole app: a cached day of markup-looking titles, huge
author lists, control characters and LaTeX, opened, read, clicked, searched and copied.

Nothing in a title or abstract may be taken as markup (no action runs, no style leaks), every
title must show as written (control characters aside), and the app must keep working at any
terminal size.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import factories
import pytest
from app_helpers import RecordingApp, cache_days, make_paper, row_of, settle, stored
from arxiv_double import ArxivDouble
from rich.cells import cell_len
from textual.pilot import Pilot

from tui.app.widgets.paper_list import PaperList
from tui.core.paper import Day, Paper
from tui.options import Options

TUESDAY = date(2025, 4, 8)
"""Older than the newest listing (FIXED_NOW is Wednesday noon): the cached copy is final."""

LONG_TITLE = " ".join(f"w{n:03d}" for n in range(500))[:1995].rsplit(" ", 1)[0] + " LAST"
BELL_ABSTRACT = "Press [@click=app.bell]ring the bell[/] to hear it; we bound $x_1$ from above."


@dataclass(frozen=True)
class Hostile:
    paper: Paper
    row: str
    """What its row must show."""
    expanded: tuple[str, ...] = ()
    """What its expanded block must show too (all of it on one screen at 200x50)."""


def hostile(
    number: int, title: str, row: str | None = None, *expanded: str, **changes: Any
) -> Hostile:
    paper = replace(make_paper(number, TUESDAY, title=title), **changes)
    return Hostile(paper, title if row is None else row, expanded)


HOSTILE = [
    hostile(1, "Closing tag [/] alone", None, "Closing tag [/] alone"),
    hostile(2, "[bold red]x[/] looks like style", None, "[bold red]x[/] looks like style"),
    hostile(
        3, "[@click=app.quit]click me[/] to quit", None, "[@click=app.quit]click me[/] to quit"
    ),
    hostile(4, "Ends with a backslash \\", None, "Ends with a backslash \\"),
    hostile(5, "深層学習による拡散モデルの研究", None, "深層学習による拡散モデルの研究"),
    hostile(6, "Rockets 🚀 and fire 🔥 in a title"),
    hostile(7, "Ame\u0301lie and Zoe\u0308 carry combining marks"),
    # The override itself is dropped (it would reverse the rest of the terminal line).
    hostile(8, "abc\u202edef right-to-left override", "abcdef right-to-left override"),
    hostile(9, LONG_TITLE, "w000 w001 w002 w003", "LAST"),
    hostile(
        10,
        "Three thousand authors",
        None,
        "Authors (3,000): Author0 Surname0, Author1 Surname1",
        "and 2,970 more",
        authors=tuple(f"Author{n} Surname{n}" for n in range(3000)),
    ),
    hostile(11, "An empty abstract", None, "(no abstract)", abstract=""),
    hostile(
        12,
        "A bell in the abstract",
        None,
        "Press [@click=app.bell]ring the bell[/] to hear it; we bound x_1 from above.",
        abstract=BELL_ABSTRACT,
    ),
]


def hostile_day() -> Day:
    return factories.day(TUESDAY, (h.paper for h in HOSTILE))


class WatchedApp(RecordingApp):
    """Counts bells: a title read as markup could ring one."""

    def __init__(self, options: Options, **kwargs: Any) -> None:
        super().__init__(options, **kwargs)
        self.bells = 0

    def bell(self) -> None:
        self.bells += 1
        super().bell()


def terminal_lines(app: WatchedApp) -> list[str]:
    """The whole terminal as plain text lines (date bar, sidebar, list, toasts, footer)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def terminal_text(app: WatchedApp) -> str:
    return "\n".join(terminal_lines(app))


def unwrapped(app: WatchedApp) -> str:
    """The terminal text with the expanded blocks' wrapped lines joined back up."""
    parts = []
    for line in terminal_lines(app):
        _, bar, rest = line.partition("▎ ")
        parts.append(rest.strip() if bar else line.strip())
    return " ".join(parts)


def list_lines(app: WatchedApp) -> list[str]:
    """The paper list's lines as painted, from its left edge."""
    papers = app.triage.papers
    region = papers.region
    return [line[region.x :] for line in terminal_lines(app)[region.y : region.bottom]]


def expanded_block(app: WatchedApp, row: int) -> list[tuple[int, str]]:
    """(y, text) of each line of the expanded block under the list line ``row``."""
    block = []
    for y, line in enumerate(list_lines(app)[row + 1 :], start=row + 1):
        if "▎" not in line[:6]:
            break
        block.append((y, line))
    return block


def clickable_text(app: WatchedApp) -> list[str]:
    """Text painted in the paper list that carries an action (the meta a [@click] makes)."""
    papers = app.triage.papers
    return [
        segment.text
        for y in range(papers.size.height)
        for segment in papers.render_line(y)
        if segment.style is not None and segment.style.meta
    ]


def assert_untouched(app: WatchedApp) -> None:
    assert app.is_running and app.return_code is None, "an action in the text quit the app"
    assert app.bells == 0, "an action in the text rang the bell"


@pytest.fixture(autouse=True)
def terminal_clipboard_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARXIV_DAILY_CLIPBOARD", "osc52")


@pytest.fixture
def busy_arxiv(arxiv_double: ArxivDouble) -> ArxivDouble:
    """arXiv answers 503 to everything: whatever shows came from the cache."""
    arxiv_double.fail_next(503, times=1000)
    cache_days(hostile_day())
    return arxiv_double


async def open_hostile_day(pilot: Pilot[Any]) -> WatchedApp:
    app = pilot.app
    assert isinstance(app, WatchedApp)
    await settle(pilot)
    assert app.triage.date_bar.text.startswith(f"Tue 2025-04-08 · {len(HOSTILE)} papers")
    return app


async def test_every_hostile_title_shows_as_written_and_survives_reading(
    busy_arxiv: ArxivDouble,
) -> None:
    app = WatchedApp(Options(date=TUESDAY))
    async with app.run_test(size=(200, 50)) as pilot:
        app = await open_hostile_day(pilot)
        text = terminal_text(app)
        for item in HOSTILE:
            assert item.row in text, f"{item.paper.id}: {item.row!r} is not on screen:\n{text}"
        assert "\u202e" not in text
        assert "LAST" not in text  # the long title is cut in its row...

        papers = app.triage.papers
        await pilot.press("g")
        for item in HOSTILE:
            assert papers.highlighted_paper == item.paper
            await pilot.press("enter")
            await pilot.pause()
            assert papers.is_expanded(item.paper.id)
            for expected in item.expanded:
                assert expected in unwrapped(app), f"{item.paper.id} expanded lacks {expected!r}"
            await pilot.press("enter", "j")
            assert_untouched(app)
        await settle(pilot)
        assert app.triage.date_bar.text.startswith("Tue 2025-04-08 · 12 papers · 0 unread")
        assert_untouched(app)
    assert busy_arxiv.query_requests == []
    assert all(flag.read for flag in stored([item.paper.id for item in HOSTILE]).values())


async def test_clicking_rows_and_expanded_text_triggers_nothing(busy_arxiv: ArxivDouble) -> None:
    app = WatchedApp(Options(date=TUESDAY))
    async with app.run_test(size=(200, 50)) as pilot:
        app = await open_hostile_day(pilot)
        papers = app.triage.papers
        assert clickable_text(app) == []
        markup_lines_clicked = 0
        for item in HOSTILE:
            paper = item.paper
            lines = papers.row_lines(paper.id)  # the title's line(s), then the id's
            assert lines is not None
            row = lines.start - papers.scroll_offset.y
            line = list_lines(app)[row]
            assert paper.id in list_lines(app)[lines.stop - 1 - papers.scroll_offset.y]
            # Click right on the title's text, where a live [@click] would be: the first click
            # on a row moves the cursor there, a click on the cursor row expands it.
            column = line.index(item.row[:5])
            was_highlighted = papers.highlighted_paper == paper
            await pilot.click(PaperList, offset=(column, row))
            assert papers.highlighted_paper == paper
            assert papers.is_expanded(paper.id) == was_highlighted
            assert_untouched(app)
            looks_like_markup = "[" in paper.title + paper.abstract
            if not looks_like_markup and not was_highlighted:
                continue  # a click costs ~0.14 s: expand only where markup could act
            if not was_highlighted:
                await pilot.click(PaperList, offset=(column, row))
            await pilot.pause()
            assert papers.is_expanded(paper.id)
            assert clickable_text(app) == []
            block = expanded_block(app, row + len(lines) - 1)
            assert block, f"{paper.id} expanded to nothing"
            # Click the block's lines that look like markup: the cursor stays, nothing runs.
            for y, text in block:
                if "[" in text:
                    await pilot.click(PaperList, offset=(text.index("["), y))
                    markup_lines_clicked += 1
                    assert papers.highlighted_paper == paper
                    assert_untouched(app)
            await pilot.press("enter")
            assert not papers.is_expanded(paper.id)
        assert markup_lines_clicked >= 4  # three titles and the [@click=app.bell] abstract
        assert_untouched(app)


async def test_searching_for_a_closing_tag_finds_the_titles_that_have_one(
    busy_arxiv: ArxivDouble,
) -> None:
    app = WatchedApp(Options(date=TUESDAY))
    async with app.run_test(size=(200, 50)) as pilot:
        app = await open_hostile_day(pilot)
        triage = app.triage
        await pilot.press("slash", *"[/]")
        assert triage.search_box.value == "[/]"
        await pilot.pause()
        having_one = {
            h.paper.id for h in HOSTILE if "[/]" in h.paper.title or "[/]" in h.paper.abstract
        }
        assert len(having_one) == 4
        assert {paper.id for paper in triage.papers.shown_papers} == having_one
        assert triage.date_bar.text.startswith("Tue 2025-04-08 · 4 of 12 papers")
        assert "[@click=app.quit]click me[/] to quit" in terminal_text(app)
        await pilot.press("enter", "G", "enter")  # to the list, last match, expand it
        await pilot.pause()
        assert_untouched(app)
        await pilot.press("escape")  # clears the search
        await pilot.pause()
        assert triage.search_box.value == ""
        assert len(triage.papers.shown_papers) == len(HOSTILE)
        assert_untouched(app)


async def test_copying_the_id_of_a_hostile_paper(busy_arxiv: ArxivDouble) -> None:
    app = WatchedApp(Options(date=TUESDAY))
    async with app.run_test(size=(200, 50)) as pilot:
        app = await open_hostile_day(pilot)
        quitter = HOSTILE[2].paper
        assert app.triage.papers.move_to(quitter.id)
        await pilot.press("c")
        await settle(pilot)
        assert app.clipboard == quitter.id
        assert ("", f"Copied {quitter.id}", "information") in app.notices
        await pilot.press("y")
        await settle(pilot)
        assert app.clipboard == quitter.abs_url
        assert_untouched(app)


# ----------------------------------------------------------------------------- sizes


async def star_the_next(pilot: Pilot[Any], app: WatchedApp) -> str:
    """j, enter, s: the keys must still move, expand and star. Returns the starred id."""
    papers = app.triage.papers
    before = papers.highlighted_index
    assert before is not None
    await pilot.press("j")
    assert papers.highlighted_index == before + 1
    paper = papers.highlighted_paper
    assert paper is not None
    await pilot.press("enter")
    assert papers.is_expanded(paper.id)
    await pilot.press("s")
    assert app.flags is not None and app.flags.get(paper.id).starred
    await pilot.press("enter")  # fold it, so the next j lands on the next row
    return paper.id


async def test_a_tiny_terminal_and_resizes_keep_every_key_working(
    busy_arxiv: ArxivDouble,
) -> None:
    app = WatchedApp(Options(date=TUESDAY))
    async with app.run_test(size=(40, 12)) as pilot:
        app = await open_hostile_day(pilot)
        assert not app.triage.sidebar.display
        assert all(cell_len(line) == 40 for line in terminal_lines(app))
        starred = [await star_the_next(pilot, app)]
        for size in [(200, 50), (60, 20), (40, 12), (110, 32)]:
            await pilot.resize_terminal(*size)
            await settle(pilot)
            lines = terminal_lines(app)
            assert len(lines) == size[1] and all(cell_len(line) == size[0] for line in lines)
            highlighted = app.triage.papers.highlighted_paper
            assert highlighted is not None
            assert highlighted.id in terminal_text(app), f"the cursor row is off screen at {size}"
            starred.append(await star_the_next(pilot, app))
            assert_untouched(app)
        await settle(pilot)
        assert "★" in row_of(app.triage, starred[-1])
    assert len(set(starred)) == 5
    flags = stored(starred)
    assert all(flags[paper_id].starred for paper_id in starred)
