"""The imported library in the reader's library screen: shown apart from the stars, marked with
the file it came from; starring one makes it a star like any other."""

from __future__ import annotations

from typing import Any

from app_helpers import demo_app, settle, wait_until
from textual.pilot import Pilot

from tui.adapters.library import LibraryStore
from tui.adapters.sample import load_sample_day
from tui.adapters.store import FlagStore
from tui.app.screens.library import LibraryScreen
from tui.core.library_file import read_library

SIZE = (110, 36)
PAPERS = load_sample_day().papers


def bibtex(ids: list[str]) -> str:
    return "\n".join(
        f"@article{{key{n}, title = {{Paper {n}}}, eprint = {{{paper_id}}}, "
        f"archivePrefix = {{arXiv}}}}"
        for n, paper_id in enumerate(ids)
    )


async def open_library(pilot: Pilot[Any]) -> LibraryScreen:
    await pilot.press("L")
    screen = pilot.app.screen
    assert isinstance(screen, LibraryScreen)
    await wait_until(pilot, lambda: not screen.finding, "the library")
    await settle(pilot)
    return screen


async def test_imported_papers_come_after_the_stars_marked_with_their_file() -> None:
    imported = [PAPERS[3].id, PAPERS[5].id]
    LibraryStore().replace("zotero.bib", read_library(bibtex(imported), name="zotero.bib"))
    with FlagStore() as store:
        store.set_starred(PAPERS[0].id, True)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_library(pilot)
        assert [entry.id for entry in screen.papers.entries] == [PAPERS[0].id, *imported]
        assert "3 papers (2 imported)" in screen.bar_text
        lines = [screen.papers.render_line(y).text for y in range(screen.papers.size.height)]
        text = "\n".join(lines)
        assert text.count("imported from zotero.bib") == 2
        assert "⊕" in text
        await pilot.press("j", "s")  # star the first imported paper
        await app.flush_flags()
        with FlagStore() as store:
            assert store.get(imported[0]).starred
