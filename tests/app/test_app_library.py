"""The starred library (L): every starred paper of every day, searchable, sortable, with notes."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date
from typing import Any

import factories
import pytest
from app_helpers import (
    RecordingApp,
    cache_days,
    demo_app,
    make_day,
    make_paper,
    settle,
    star_in_store,
    stored,
    visible_rows,
    wait_until,
)
from arxiv_double import ArxivDouble
from textual.command import CommandList
from textual.pilot import Pilot
from textual.widgets import Input

from tui.adapters.day_cache import DayCache
from tui.adapters.store import FlagStore
from tui.app.commands import LIBRARY_COMMANDS
from tui.app.dialogs.help import HelpScreen
from tui.app.dialogs.note import NoteScreen
from tui.app.screens.library import LibraryScreen
from tui.app.screens.triage import TriageScreen
from tui.app.widgets.library_list import NOT_CACHED, LibraryList
from tui.config import Config
from tui.core.export import to_bibtex
from tui.core.follow import DEFAULT_FOLLOW
from tui.core.paper import RECONSTRUCTED
from tui.options import Options

SIZE = (110, 36)
TUESDAY, MONDAY = date(2025, 4, 8), date(2025, 4, 7)
UNKNOWN = "2503.99999"


@pytest.fixture(autouse=True)
def terminal_clipboard_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARXIV_DAILY_CLIPBOARD", "osc52")


def star_one_by_one(ids: list[str]) -> None:
    """Starred in this order, each a moment after the one before (the last is the newest)."""
    with FlagStore() as store:
        for paper_id in ids:
            store.set_starred(paper_id, True)
            time.sleep(0.002)


def library(app: Any) -> LibraryScreen:
    screen = app.screen
    assert isinstance(screen, LibraryScreen), screen
    return screen


def lines(app: Any) -> list[str]:
    papers = library(app).papers
    return [papers.render_line(y).text.rstrip() for y in range(papers.size.height)]


def text(app: Any) -> str:
    return "\n".join(lines(app))


async def open_library(pilot: Pilot[Any]) -> LibraryScreen:
    await pilot.press("L")
    screen = library(pilot.app)
    await wait_until(pilot, lambda: not screen.finding, "the starred papers")
    await settle(pilot)
    return screen


def app_paper_date(paper_id: str) -> str:
    found = DayCache().find([paper_id])[paper_id]
    return found.published.strftime("%Y-%m-%d")


def cached_days() -> tuple[list[str], list[str]]:
    tuesday, monday = make_day(TUESDAY, 3), make_day(MONDAY, 3, first=100)
    cache_days(tuesday, monday)
    return [p.id for p in tuesday.papers], [p.id for p in monday.papers]


async def test_l_shows_every_starred_paper_newest_star_first_and_s_sorts_by_published() -> None:
    tuesday, monday = cached_days()
    star_one_by_one([tuesday[0], UNKNOWN, monday[1]])
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # the sample day's last paper (a replacement, published in 2024): starred last of all
        await pilot.press("G", "s")
        sample_first = app.triage.papers.shown_papers[-1].id
        screen = await open_library(pilot)
        order = [entry.id for entry in screen.papers.entries]
        assert order == [sample_first, monday[1], UNKNOWN, tuesday[0]]
        assert screen.bar_text.startswith("★ Library · 4 papers starred · sorted by date starred")
        shown = text(app)
        assert "Synthetic paper 101 on cs.LG for 2025-04-07" in shown
        assert f"{UNKNOWN}  {NOT_CACHED}" in shown  # the demo never fetches
        published = f"published {app_paper_date(monday[1])}"
        assert published in shown and "starred 20" in shown
        assert "Ada Lovelace, Alan Turing" in shown

        await pilot.press("S")
        assert "sorted by date published" in screen.bar_text
        order = [entry.id for entry in screen.papers.entries]
        assert order == [tuesday[0], monday[1], sample_first, UNKNOWN]  # the sample's is 2024's
        await pilot.press("S")
        assert "sorted by date starred" in screen.bar_text


async def test_slash_searches_as_you_type_title_author_and_note() -> None:
    tuesday, monday = cached_days()
    star_one_by_one([tuesday[0], monday[1], tuesday[2]])
    with FlagStore() as store:
        store.set_note(monday[1], "read for the reading group")
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_library(pilot)
        await pilot.press("slash")
        assert screen.search_box.has_focus
        await pilot.press(*"paper 10")
        assert [e.id for e in screen.papers.entries] == [monday[1]]
        assert screen.bar_text.startswith("★ Library · 1 of 3 papers starred")
        screen.search_box.value = ""
        await pilot.press(*"group")  # the note
        assert [e.id for e in screen.papers.entries] == [monday[1]]
        await pilot.press("enter")
        assert screen.papers.has_focus
        await pilot.press("escape")  # clears the search first
        assert len(screen.papers.entries) == 3
        await pilot.press("slash", *"nobody wrote this")
        assert "No starred paper matches" in str(screen.query_one("#library-message").render())
        await pilot.press("escape", "escape")  # clear, then close
        assert isinstance(app.screen, TriageScreen)


async def test_shift_n_writes_a_note_shown_in_the_library_and_the_expanded_paper() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = app.triage.papers.highlighted_paper
        assert paper is not None
        await pilot.press("s")
        await open_library(pilot)
        await pilot.press("N")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"compare with DDT", "enter")
        await settle(pilot)
        assert stored([paper.id])[paper.id].note == "compare with DDT"
        assert "✎ compare with DDT" in text(app)
        assert ("", f"Note on {paper.id} saved.", "information") in app.notices

        await pilot.press("L")  # L again closes the library
        assert isinstance(app.screen, TriageScreen)
        await pilot.press("enter")
        await settle(pilot)
        rows = "\n".join(visible_rows(app.triage))
        assert "Note: compare with DDT" in rows

        await pilot.press("N")  # on the triage screen too; escape leaves the note as it was
        field = app.screen.query_one("#note-text", Input)
        assert field.value == "compare with DDT"
        await pilot.press("escape")
        await settle(pilot)
        assert stored([paper.id])[paper.id].note == "compare with DDT"
        await pilot.press("N")
        app.screen.query_one("#note-text", Input).value = ""
        await pilot.press("enter")
        await settle(pilot)
        assert stored([paper.id])[paper.id].note == ""
        assert "Note:" not in "\n".join(visible_rows(app.triage))
        # u on the list brings the note back, and takes back the note before it in turn.
        await pilot.press("u")
        await settle(pilot)
        assert stored([paper.id])[paper.id].note == "compare with DDT"
        assert "Note: compare with DDT" in "\n".join(visible_rows(app.triage))
        assert ("", "Undone: remove note on " + paper.id + ".", "information") in app.notices


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("c", "{id}"),
        ("y", "https://arxiv.org/abs/{id}"),
        ("Y", "https://arxiv.org/pdf/{id}"),
    ],
)
async def test_copy_keys_work_in_the_library(key: str, expected: str) -> None:
    tuesday, _ = cached_days()
    star_in_store([tuesday[1]])
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_library(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert app.clipboard == expected.format(id=tuesday[1])


async def test_b_o_s_and_enter_in_the_library() -> None:
    tuesday, _ = cached_days()
    star_in_store([tuesday[1]])
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_library(pilot)
        entry = screen.papers.highlighted_entry
        assert entry is not None and entry.paper is not None
        await pilot.press("b")
        await settle(pilot)
        assert app.clipboard == to_bibtex([entry.paper])
        assert ("", f"Copied BibTeX of {entry.id}", "information") in app.notices
        await pilot.press("o")
        await settle(pilot)
        assert app.opened == [f"https://arxiv.org/abs/{entry.id}"]
        await pilot.press("enter")
        assert "We study problem 2." in text(app)
        await pilot.press("space")
        assert "We study problem 2." not in text(app)

        await pilot.press("s")  # unstarred: still listed, shown hollow, until the library closes
        assert "☆ Synthetic paper 2" in text(app)
        await settle(pilot)
        assert not stored([entry.id])[entry.id].starred
        await pilot.press("s")
        await settle(pilot)
        assert stored([entry.id])[entry.id].starred
        assert "★ Synthetic paper 2" in text(app)


async def test_help_and_palette_know_the_library() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_command_palette()
        await pilot.pause()
        await pilot.press(*"Starred library")
        await wait_until(
            pilot,
            lambda: bool(
                app.screen.query(CommandList) and app.screen.query_one(CommandList).option_count
            ),
            "the palette to offer the library",
        )
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, LibraryScreen), "the library")
        await settle(pilot)
        assert "No starred papers yet" in str(app.screen.query_one("#library-message").render())
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert len(app.screen.entries) == len(LIBRARY_COMMANDS)
        descriptions = {entry.description for entry in app.screen.entries}
        assert "Sort by the date starred or the date published" in descriptions
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


async def test_papers_in_no_cached_day_are_fetched_by_id(arxiv_double: ArxivDouble) -> None:
    newest = make_day(date(2025, 4, 9), 2)
    arxiv_double.add_many(newest.papers)
    elsewhere = make_paper(7, date(2024, 12, 3), title="A paper from last December")
    arxiv_double.add(elsewhere)
    star_in_store([elsewhere.id, "2412.77777"])  # the second is unknown to arXiv
    app = RecordingApp(Options())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_library(pilot)
        await wait_until(pilot, lambda: screen.fetching == 0, "the metadata")
        await settle(pilot)
        shown = text(app)
        assert "A paper from last December" in shown
        assert f"2412.77777  {NOT_CACHED}" in shown
        assert "1 paper unknown to arXiv" in screen.bar_text
        id_requests = [r for r in arxiv_double.query_requests if r.params.get("id_list")]
        assert len(id_requests) == 1
        assert set(id_requests[0].params["id_list"].split(",")) == {elsewhere.id, "2412.77777"}
        # fetched once per session: the starred view has it too
        await pilot.press("L", "f")
        await settle(pilot)
        assert elsewhere.id in {p.id for p in app.triage.papers.shown_papers}


async def test_papers_fetched_by_id_are_kept_for_the_next_run(arxiv_double: ArxivDouble) -> None:
    newest = make_day(date(2025, 4, 9), 2)
    arxiv_double.add_many(newest.papers)
    elsewhere = make_paper(7, date(2024, 12, 3), title="A paper from last December")
    arxiv_double.add(elsewhere)
    star_in_store([elsewhere.id])
    for _ in range(2):  # two runs: arXiv is asked in the first only
        app = RecordingApp(Options())
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            library = await open_library(pilot)
            await wait_until(pilot, lambda: library.fetching == 0, "the metadata")  # noqa: B023
            await settle(pilot)
            assert "A paper from last December" in text(app)
    id_requests = [r for r in arxiv_double.query_requests if r.params.get("id_list")]
    assert len(id_requests) == 1


async def test_offline_the_ids_stay_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARXIV_DAILY_API_MIN_INTERVAL", "0.01")
    monkeypatch.setenv("ARXIV_DAILY_API_BACKOFF", "0.01")
    cache_days(make_day(TUESDAY, 2))
    star_in_store([UNKNOWN])
    app = RecordingApp(Options(date=TUESDAY))  # cached and not the newest: nothing else fetched
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_library(pilot)
        await wait_until(pilot, lambda: screen.fetching == 0, "the failed fetch", timeout=10)
        await settle(pilot)
        assert f"{UNKNOWN}  {NOT_CACHED}" in text(app)
        assert "1 paper without metadata" in screen.bar_text
        assert any(n[0] == "Could not fetch starred papers" for n in app.notices)
        await pilot.press("b")
        assert any("metadata is not cached" in m for _, m, _ in app.notices)
        await pilot.press("c")
        await settle(pilot)
        assert app.clipboard == UNKNOWN


async def test_e_in_the_library_exports_the_starred_shown(isolated_dirs: Any) -> None:
    tuesday, monday = cached_days()
    star_one_by_one([tuesday[0], monday[0], UNKNOWN])
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_library(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert "2 papers starred (1 without metadata left out)" in str(
            app.screen.query_one("#export-what").render()
        )
        await pilot.press("down", "enter")
        await settle(pilot)
        target = isolated_dirs / "exports" / "starred-2025-04-09.bib"
        bibtex = target.read_text(encoding="utf-8")
        assert bibtex.count("@misc{") == 2
        assert tuesday[0] in bibtex and monday[0] in bibtex


async def test_settings_rebind_the_library_keys() -> None:
    tuesday, monday = cached_days()
    star_one_by_one([tuesday[0], monday[0]])
    # (w would be refused: it is the key of watch_author on the day's list; z and O are
    # compact_list's and open_pdf's there, and toggle_sort sorts the day's list too)
    config = Config(follow=DEFAULT_FOLLOW, keys={"library": "x", "toggle_sort": "I"})
    app = demo_app(app_options={"config": config})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("L")
        assert isinstance(app.screen, TriageScreen)
        await pilot.press("x")
        screen = library(app)
        await wait_until(pilot, lambda: not screen.finding, "the starred papers")
        await pilot.press("S")
        assert "sorted by date starred" in screen.bar_text
        await pilot.press("I")
        assert "sorted by date published" in screen.bar_text
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = {entry.description: entry.keys for entry in app.screen.entries}
        assert keys["Sort by the date starred or the date published"] == "I"
        assert keys["Back to the day's papers"] == "x"
        await pilot.press("escape", "x")
        assert isinstance(app.screen, TriageScreen)


async def test_markup_in_titles_and_notes_is_shown_as_written() -> None:
    hostile = replace(
        make_paper(9, TUESDAY),
        title="[@click=app.quit]Quit[/] and [b]bold[/b] $x_1$",
        authors=("[red]Mallory[/red]",),
    )
    cache_days(factories.day(TUESDAY, (hostile,), fetched_at=None, provenance=RECONSTRUCTED))
    star_in_store([hostile.id])
    with FlagStore() as store:
        store.set_note(hostile.id, "[@click=app.quit]click me[/]")
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_library(pilot)
        shown = text(app)
        assert "[@click=app.quit]Quit[/] and [b]bold[/b]" in shown
        assert "[red]Mallory[/red]" in shown
        assert "✎ [@click=app.quit]click me[/]" in shown
        await pilot.click(LibraryList, offset=(8, 0))
        await pilot.click(LibraryList, offset=(8, 2))
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, LibraryScreen)
