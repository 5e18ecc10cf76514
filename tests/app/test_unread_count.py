"""The date bar's unread count, kept up by each flag change, always equals a fresh count."""

from __future__ import annotations

from app_helpers import demo_app, settle

from tui.app.screens.triage import TriageScreen

SIZE = (120, 40)


def counted(triage: TriageScreen) -> int:
    view = triage.view
    assert view is not None
    return sum(1 for match in view.matches if not triage.flags.get(match.paper.id).read)


async def test_unread_count_follows_every_kind_of_flag_change() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        steps = [
            "enter",  # expand: marks read
            "enter",
            "j",
            "r",  # read
            "r",  # unread again
            "s",  # a star leaves the count alone
            "m",  # read and next
            "A",  # every shown paper read
            "u",  # undone
            "u",
            "slash",
            "l",
            "escape",
            "r",
        ]
        for key in steps:
            await pilot.press(key)
            shown = triage.date_bar.state.unread
            assert shown == counted(triage), f"after {key}: bar says {shown}"
        await settle(pilot)
        assert triage.date_bar.state.unread == counted(triage)
