"""Kill rules in the reader: hidden papers leave the list, read rules mark papers read on arrival
(one undo takes it back), the sidebar counts what they cleared and K shows it."""

from __future__ import annotations

from app_helpers import RecordingApp, demo_app, in_sections, settle, stored

from tui.adapters.sample import load_sample_day
from tui.config import Config
from tui.core.follow import DEFAULT_FOLLOW

SIZE = (110, 36)
PAPERS = in_sections(load_sample_day()).papers  # as the list shows them


def rules_app(hide: tuple[str, ...] = (), read: tuple[str, ...] = ()) -> RecordingApp:
    config = Config(follow=DEFAULT_FOLLOW, rules_hide=hide, rules_read=read)
    return demo_app(app_options={"config": config})


async def test_hide_rules_keep_papers_out_and_k_shows_them() -> None:
    app = rules_app(hide=("cat:cs.CV -cat:cs.AI",))
    hidden = [p.id for p in PAPERS if "cs.CV" in p.categories and "cs.AI" not in p.categories]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        shown = [p.id for p in triage.papers.shown_papers]
        assert shown == [p.id for p in PAPERS if p.id not in hidden]
        assert f"{len(hidden)} cleared by rules (K)" in str(
            triage.sidebar.query_one("#cleared").render()
        )
        await pilot.press("K")
        assert [p.id for p in triage.papers.shown_papers] == hidden
        assert "cleared by rules (K: back)" in triage.date_bar.text
        await pilot.press("K")
        assert [p.id for p in triage.papers.shown_papers] == shown


async def test_read_rules_mark_papers_read_on_arrival_and_u_takes_it_back() -> None:
    app = rules_app(read=("is:replace",))
    replaced = [p.id for p in PAPERS if p.kind.value == "replace"]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        assert len(triage.papers.shown_papers) == 16  # read, not hidden
        assert f"{16 - len(replaced)} unread" in triage.date_bar.text
        assert any("Kill rules marked" in message for _, message, _ in app.notices)
        await app.flush_flags()
        assert all(flag.read for flag in stored(replaced).values())
        await pilot.press("u")
        await app.flush_flags()
        assert not any(flag.read for flag in stored(replaced).values())


async def test_k_without_rules_says_how_to_write_them() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("K")
        assert any("No kill rules yet" in message for _, message, _ in app.notices)
