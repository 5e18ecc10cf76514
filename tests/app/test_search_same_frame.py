"""Typing in the search box filters the list while the key is handled (same frame as the letter)."""

from __future__ import annotations

from app_helpers import demo_app, settle

SIZE = (120, 40)


async def test_the_list_follows_the_search_text_at_once() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        everything = len(triage.papers.shown_papers)
        await pilot.press("slash")
        triage.search_box.value = "qxzvbnm"  # no await: no message has been handled yet
        assert triage.papers.shown_papers == []
        triage.search_box.value = ""
        assert len(triage.papers.shown_papers) == everything
        await pilot.press("l", "e", "a", "r", "n")
        assert 0 < len(triage.papers.shown_papers) < everything
        assert triage.view is not None and triage.view.matches
        await pilot.press("escape")
        assert len(triage.papers.shown_papers) == everything
        assert triage.search_box.value == ""
