"""Saved searches: Ctrl+S names the search typed in / and keeps it in the settings' [searches];
the sidebar lists it under "Searches" with its count and chooses it like a keyword profile;
Delete there takes it out of the settings again."""

from __future__ import annotations

import pytest
from app_helpers import demo_app, in_sections, settle, type_text, wait_until
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from tui.adapters.sample import load_sample_day
from tui.app.app import ArxivDailyApp
from tui.app.dialogs.save_search import RemoveSearchScreen, SaveSearchScreen
from tui.app.widgets.sidebar import SearchList
from tui.config import config_path, load_config, template_text

SIZE = (110, 40)
PAPERS = in_sections(load_sample_day()).papers  # as the list shows them
CV_NEW = [p.id for p in PAPERS if "cs.CV" in p.categories and p.kind.value != "replace"]


def search_entries(app: ArxivDailyApp) -> list[str]:
    searches = app.triage.sidebar.query_one(SearchList)
    if not searches.display:
        return []
    return [str(searches.get_option_at_index(i).prompt) for i in range(searches.option_count)]


async def focus_searches(pilot: Pilot[int], app: ArxivDailyApp) -> SearchList:
    """Tab to the sidebar's saved searches, as a reader does."""
    for _ in range(10):
        if isinstance(app.focused, SearchList):
            return app.focused
        await pilot.press("tab")
    raise AssertionError(f"Tab never reached the saved searches (focused: {app.focused})")


async def test_ctrl_s_saves_the_typed_search_into_the_sidebar_and_the_settings() -> None:
    config = load_config()  # writes the commented template
    app = demo_app(app_options={"config": config})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert search_entries(app) == []
        await pilot.press("slash")
        await type_text(pilot, "cat:cs.CV -is:replace")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, SaveSearchScreen), "the dialog")
        await type_text(pilot, "Vision news")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Saved “Vision news”" in app.notice_text(), "the save")
        assert search_entries(app) == [f"○ Vision news {len(CV_NEW)}"]
        text = config_path().read_text(encoding="utf-8")
        assert "\"Vision news\" = 'cat:cs.CV -is:replace'\n" in text
        saved = load_config().follow.profile("Vision news")
        assert saved is not None and saved.query == "cat:cs.CV -is:replace"

        # Chosen in the sidebar, it filters the list (the search box emptied first).
        await pilot.press("escape")
        assert len(app.triage.papers.shown_papers) == len(PAPERS)
        searches = await focus_searches(pilot, app)
        await pilot.press("down")  # the first search highlighted
        assert searches.highlighted == 0
        await pilot.press("enter")
        assert app.triage.active_profile == "Vision news"
        assert [p.id for p in app.triage.papers.shown_papers] == CV_NEW
        assert search_entries(app) == [f"● Vision news {len(CV_NEW)}"]
        await pilot.press("enter")  # again: no filter
        assert app.triage.active_profile is None
        assert len(app.triage.papers.shown_papers) == len(PAPERS)


async def test_a_query_with_an_error_is_not_saved_and_says_why() -> None:
    load_config()
    app = demo_app(app_options={"config": load_config()})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "au:wang OR")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, SaveSearchScreen)
        assert "cannot be saved: OR needs a term after it (at “OR”)" in app.notice_text()
        assert config_path().read_text(encoding="utf-8") == template_text()
        await pilot.press("escape")  # an empty box: nothing to save either
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, SaveSearchScreen)
        assert "Type a search in / first" in app.notice_text()


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        # the template's keyword profile
        ("Diffusion", "A keyword profile is named “Diffusion”"),
        # an accent, and a zero-width space no one sees: the settings file would refuse it
        ("e\u0301\u200b", "a name is one line of printable characters"),
    ],
)
async def test_a_name_the_settings_cannot_take_is_refused_in_the_dialog(
    name: str, problem: str
) -> None:
    app = demo_app(app_options={"config": load_config()})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "ti:diffusion")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, SaveSearchScreen), "the dialog")
        app.screen.query_one("#save-search-name", Input).value = name
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SaveSearchScreen)
        assert problem in str(app.screen.query_one("#save-search-problem").render())
        await pilot.press("escape")
        await pilot.pause()
        assert search_entries(app) == []
        assert config_path().read_text(encoding="utf-8") == template_text()


async def test_a_saved_search_from_the_settings_counts_and_delete_removes_it() -> None:
    load_config()
    path = config_path()
    original = path.read_text(encoding="utf-8")
    path.write_text(
        original.replace(
            "[searches]\n",
            "[searches]\n\"Unread CV\" = 'cat:cs.CV is:unread'\n",
        ),
        encoding="utf-8",
    )
    app = demo_app(app_options={"config": load_config()})
    cv = [p.id for p in PAPERS if "cs.CV" in p.categories]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert search_entries(app) == [f"○ Unread CV {len(cv)}"]
        profiles = app.triage.sidebar.query_one("#profiles", OptionList)
        assert profiles.option_count == 1  # the keyword profile stays apart

        searches = await focus_searches(pilot, app)
        await pilot.press("down")  # the first search highlighted
        assert searches.highlighted == 0
        await pilot.press("delete")
        await wait_until(pilot, lambda: isinstance(app.screen, RemoveSearchScreen), "the question")
        await pilot.press("escape")  # kept
        await pilot.pause()
        assert search_entries(app) == [f"○ Unread CV {len(cv)}"]
        await pilot.press("delete")
        await wait_until(pilot, lambda: isinstance(app.screen, RemoveSearchScreen), "the question")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Removed the saved search" in app.notice_text(), "removal")
        assert search_entries(app) == []
        assert path.read_text(encoding="utf-8") == original  # byte for byte


async def test_an_unread_saved_search_counts_again_as_papers_are_read() -> None:
    load_config()
    path = config_path()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[searches]\n", "[searches]\nunread = 'is:unread'\n"), "utf-8")
    app = demo_app(app_options={"config": load_config()})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert search_entries(app) == [f"○ unread {len(PAPERS)}"]
        await pilot.press("r")  # the first paper read
        await pilot.press("slash")
        await type_text(pilot, "a")  # any change of the view counts again
        assert search_entries(app) == [f"○ unread {len(PAPERS) - 1}"]


async def test_default_profile_or_profile_option_opens_on_a_saved_search() -> None:
    load_config()
    path = config_path()
    text = path.read_text(encoding="utf-8").replace(
        "[searches]\n", "[searches]\nvision = 'cat:cs.CV -is:replace'\nall = 'is:unread'\n"
    )
    path.write_text('default_profile = "vision"\n' + text, encoding="utf-8")
    for app in (
        demo_app(app_options={"config": load_config()}),
        demo_app(app_options={"config": load_config(), "session": False}, profile="vision"),
    ):
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.triage.active_profile == "vision"
            assert [p.id for p in app.triage.papers.shown_papers] == CV_NEW
            assert search_entries(app) == [f"● vision {len(CV_NEW)}", f"○ all {len(PAPERS)}"]


async def test_a_file_the_app_cannot_edit_keeps_the_search_for_now_and_says_so() -> None:
    load_config()
    path = config_path()
    text = "searches = { }\n" + path.read_text(encoding="utf-8").replace("[searches]\n", "")
    path.write_text(text, encoding="utf-8")
    app = demo_app(app_options={"config": load_config()})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "cat:cs.CV -is:replace")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, SaveSearchScreen), "the dialog")
        await type_text(pilot, "mine")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Saved searches" in app.notice_text(), "the warning")
        assert "“mine” is kept for now; the settings were not changed" in app.notice_text()
        assert "add it by hand" in app.notice_text()
        assert search_entries(app) == [f"○ mine {len(CV_NEW)}"]
        assert path.read_text(encoding="utf-8") == text
