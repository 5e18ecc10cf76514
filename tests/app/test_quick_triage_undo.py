"""Quick triage's decisions are in the list's undo history: after going back to the list, ``u``
takes them back one at a time, the last first (flags in the store, the later queue, the rows),
and in quick triage ``u`` takes back only that pass's own decisions."""

from __future__ import annotations

from app_helpers import demo_app, row_of, settle, stored, wait_until

from tui.adapters.later import LaterQueue
from tui.app.screens.quick_triage import QuickTriageScreen
from tui.app.widgets.paper_row import STAR_MARK, UNREAD_MARK

SIZE = (110, 36)


async def test_u_on_the_list_takes_back_quick_triage_decisions_one_by_one() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        first, second, third = (paper.id for paper in triage.papers.shown_papers[:3])
        unread = triage.date_state.unread
        await pilot.press("T")
        assert isinstance(app.screen, QuickTriageScreen)
        await pilot.press("s", "m", "l")  # star, read and next, put off
        await pilot.press("escape")
        assert triage.is_current
        await settle(pilot)
        assert stored([first])[first].starred and stored([first])[first].read
        assert stored([second])[second].read
        assert LaterQueue().ids == [third]
        assert triage.date_state.unread == unread - 2

        await pilot.press("u")  # the last decision first: the paper put off
        assert LaterQueue().ids == []
        assert "Undone: later " + third in app.notice_text()
        await pilot.press("u")  # then the read
        await settle(pilot)
        assert not stored([second])[second].read
        assert row_of(triage, second).startswith(UNREAD_MARK)
        assert stored([first])[first].starred  # one decision per u
        await pilot.press("u")  # then the star (and its read)
        await settle(pilot)
        flag = stored([first])[first]
        assert not flag.starred and not flag.read
        assert STAR_MARK not in row_of(triage, first)
        assert triage.date_state.unread == unread
        await pilot.press("u")
        assert app.notices[-1][1] == "Nothing to undo."


async def test_u_in_quick_triage_stops_at_the_list_s_own_steps() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        first = triage.papers.shown_papers[0].id
        await pilot.press("s")  # a star on the list: the list's own step
        await pilot.press("j", "T")
        quick = app.screen
        assert isinstance(quick, QuickTriageScreen)
        decided = quick.current
        assert decided is not None
        await pilot.press("m", "u")  # this pass's decision goes back
        await settle(pilot)
        assert not stored([decided.id])[decided.id].read
        assert quick.current == decided
        await pilot.press("u")  # the list's star is not this pass's to take back
        assert "Nothing to undo in this pass." in app.notice_text()
        assert stored([first])[first].starred
        await pilot.press("escape", "u")  # on the list, u goes on with the list's own steps
        await settle(pilot)
        assert not stored([first])[first].starred


async def test_a_later_queue_that_cannot_be_saved_is_said_and_the_flags_go_back() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        await pilot.press("T")
        quick = app.screen
        assert isinstance(quick, QuickTriageScreen)
        paper = quick.current
        assert paper is not None
        await pilot.press("l", "escape")
        path = LaterQueue().path
        path.unlink()
        path.mkdir()  # the queue's file is now a directory: saving it fails
        await pilot.press("u")
        await wait_until(pilot, lambda: "could not be saved" in app.notice_text(), "the error")
        title, _, severity = app.notices[-1]
        assert (title, severity) == ("Later queue", "error")
        assert "Undone: later " + paper.id in app.notice_text()
        assert triage.papers.shown_papers  # the list is still there
