"""Quick triage: one paper at a time, a key per decision, a later queue that survives restarts,
undo, and how many are left."""

from __future__ import annotations

import threading
from pathlib import Path

from textual.app import App

from tui.adapters.later import LaterQueue
from tui.adapters.sample import load_sample_day
from tui.adapters.store import FlagStore
from tui.app.screens.quick_triage import QuickTriageScreen
from tui.app.services.flag_keeper import FlagKeeper

PAPERS = load_sample_day().papers[:4]


def keeper(directory: Path) -> FlagKeeper:
    opened = threading.Event()
    flags = FlagKeeper(
        lambda: FlagStore(directory),
        on_opened=lambda notices: opened.set(),
        on_open_failed=lambda reason: None,
        on_write_failed=lambda ids, reason: None,
    )
    flags.ui_ready()
    assert opened.wait(5)
    return flags


class Host(App[None]):
    def __init__(self, screen: QuickTriageScreen) -> None:
        super().__init__()
        self.quick = screen

    def on_mount(self) -> None:
        self.push_screen(self.quick)


async def test_each_key_decides_and_moves_on_and_u_takes_it_back(tmp_path: Path) -> None:
    flags = keeper(tmp_path / "flags")
    later = LaterQueue(tmp_path / "later.json")
    quick = QuickTriageScreen(PAPERS, flags=flags, later=later)
    try:
        async with Host(quick).run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert "4 papers left" in quick.bar_text
            assert PAPERS[0].id in quick.paper_text
            await pilot.press("s")  # star (and read)
            await pilot.press("m")  # read
            await pilot.press("l")  # later
            assert "1 paper left · 1 starred, 1 read, 1 later" in quick.bar_text
            assert flags.get(PAPERS[0].id).starred and flags.get(PAPERS[0].id).read
            assert flags.get(PAPERS[1].id).read and not flags.get(PAPERS[1].id).starred
            assert later.ids == [PAPERS[2].id]
            await pilot.press("u")  # the later decision taken back
            assert later.ids == []
            assert PAPERS[2].id in quick.paper_text
            await pilot.press("u", "u")
            assert not flags.get(PAPERS[0].id).starred
            assert not flags.get(PAPERS[0].id).read
            assert "4 papers left" in quick.bar_text
    finally:
        flags.close()


async def test_the_later_queue_survives_a_restart_and_has_its_own_pass(tmp_path: Path) -> None:
    flags = keeper(tmp_path / "flags")
    path = tmp_path / "later.json"
    try:
        quick = QuickTriageScreen(PAPERS, flags=flags, later=LaterQueue(path))
        async with Host(quick).run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await pilot.press("l", "l", "m", "m")
            assert "0 papers left" in quick.bar_text
            assert "l goes through the 2 papers put off" in quick.paper_text
        # Another run: the two put off are still queued, and left out of the next pass.
        later = LaterQueue(path)
        assert later.ids == [PAPERS[0].id, PAPERS[1].id]
        again = QuickTriageScreen(PAPERS, flags=flags, later=later, put_off=PAPERS)
        async with Host(again).run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert "2 papers left" in again.bar_text
            await pilot.press("m", "m")
            await pilot.press("l")  # the pass over: go through the papers put off
            assert again.in_later_pass and "2 papers left" in again.bar_text
            await pilot.press("s", "m")
            assert later.ids == []
            assert flags.get(PAPERS[0].id).starred
    finally:
        flags.close()


def test_a_damaged_later_file_is_set_aside_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "later.json"
    path.write_text("{not json")
    later = LaterQueue(path)
    assert len(later) == 0
    assert later.notices and "moved aside" in later.notices[0]
    assert list(tmp_path.glob("later.json.corrupt-*"))


async def test_t_on_the_list_goes_through_its_unread_papers(tmp_path: Path) -> None:
    from app_helpers import demo_app, settle

    app = demo_app()
    async with app.run_test(size=(110, 36)) as pilot:
        await settle(pilot)
        triage = app.triage
        first = triage.papers.shown_papers[0]
        await pilot.press("r")  # read: not in the pass
        await pilot.press("T")
        quick = app.screen
        assert isinstance(quick, QuickTriageScreen)
        assert "15 papers left" in quick.bar_text
        second = triage.papers.shown_papers[1]
        assert second.id in quick.paper_text and first.id not in quick.paper_text
        await pilot.press("s", "escape")
        assert app.screen is triage
        assert app.flags is not None and app.flags.get(second.id).starred


async def test_undo_takes_back_only_what_the_decision_changed(tmp_path: Path) -> None:
    flags = keeper(tmp_path / "flags")
    later = LaterQueue(tmp_path / "later.json")
    quick = QuickTriageScreen(PAPERS, flags=flags, later=later)
    try:
        async with Host(quick).run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await pilot.press("l")  # put off…
            flags.set("starred", [PAPERS[0].id], True).result(5)  # …then starred elsewhere
            await pilot.press("u")
            assert flags.get(PAPERS[0].id).starred  # not this decision's to take back
            assert later.ids == []
    finally:
        flags.close()


async def test_a_later_queue_that_cannot_be_saved_is_said_and_left_as_it_was(
    tmp_path: Path,
) -> None:
    flags = keeper(tmp_path / "flags")
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    later = LaterQueue(blocked / "later.json")  # its folder is a file: every save fails
    quick = QuickTriageScreen(PAPERS, flags=flags, later=later)
    try:
        async with Host(quick).run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await pilot.press("l")
            assert later.ids == []
            assert "4 papers left" in quick.bar_text  # still on the same paper
    finally:
        flags.close()
