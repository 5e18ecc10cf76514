"""Only what is new to me: H hides the papers already read (the date bar counts them), a paper
read meanwhile stays until the list is made again, and the settings can start with it on."""

from __future__ import annotations

from app_helpers import demo_app, settle

from tui.config import Config
from tui.core.follow import DEFAULT_FOLLOW

SIZE = (110, 36)


async def test_h_hides_the_read_papers_and_says_how_many() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        first, second = (p.id for p in triage.papers.shown_papers[:2])
        await pilot.press("r", "j", "r")  # two papers read
        await pilot.press("H")
        shown = [p.id for p in triage.papers.shown_papers]
        assert len(shown) == 14 and first not in shown and second not in shown
        assert "2 read hidden (H)" in triage.date_bar.text
        await pilot.press("r")  # read now: it stays until the list is made again
        assert len(triage.papers.shown_papers) == 14
        await pilot.press("H", "H")
        assert len(triage.papers.shown_papers) == 13
        assert "3 read hidden (H)" in triage.date_bar.text
        await pilot.press("H")
        assert len(triage.papers.shown_papers) == 16
        assert "hidden" not in triage.date_bar.text


async def test_the_settings_can_start_with_read_papers_hidden() -> None:
    app = demo_app(app_options={"config": Config(follow=DEFAULT_FOLLOW, hide_read=True)})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "0 read hidden (H)" in app.triage.date_bar.text
        assert len(app.triage.papers.shown_papers) == 16
