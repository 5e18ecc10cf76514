"""Tags and collections in the reader: ``#`` on the day's list and in the library, the rows and
the expanded paper, ``u``, ``/tag:``, the sidebar's Tags, the help and the palette."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from app_helpers import (
    RecordingApp,
    cache_days,
    demo_app,
    make_day,
    row_of,
    settle,
    star_in_store,
    stored,
    type_text,
    visible_rows,
    wait_until,
)
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from tui.adapters.store import FlagStore
from tui.app.commands import LIBRARY_COMMANDS, TRIAGE_COMMANDS, EditTags, keymap
from tui.app.dialogs.export import ExportScreen
from tui.app.dialogs.help import HelpScreen
from tui.app.dialogs.tags import TagsScreen
from tui.app.screens.library import LibraryScreen
from tui.app.screens.triage import TriageScreen
from tui.config import Config
from tui.core.follow import DEFAULT_FOLLOW
from tui.core.tags import TagEdit

SIZE = (120, 34)
TUESDAY = date(2025, 4, 8)


def shown_ids(app: RecordingApp) -> list[str]:
    return [paper.id for paper in app.triage.papers.shown_papers]


def tag_entries(triage: TriageScreen) -> list[str]:
    tags = triage.query_one("#tags", OptionList)
    if not tags.display:
        return []
    return [str(tags.get_option_at_index(i).prompt) for i in range(tags.option_count)]


def dialog(app: Any) -> TagsScreen:
    screen = app.screen
    assert isinstance(screen, TagsScreen), screen
    return screen


async def tag_with(pilot: Pilot[Any], typed: str) -> None:
    """``#``, the names typed, Enter."""
    await pilot.press("number_sign")
    dialog(pilot.app)
    await type_text(pilot, typed)
    await pilot.press("enter")
    await settle(pilot)


def tag_in_store(tags: dict[str, tuple[str, ...]]) -> None:
    with FlagStore() as store:
        for paper_id, names in tags.items():
            store.edit_tags(paper_id, TagEdit(add=names))


# ---------------------------------------------------------------- tagging and undo


async def test_hash_tags_the_paper_the_row_shows_it_and_u_takes_it_back() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        paper = triage.papers.highlighted_paper
        assert paper is not None
        await pilot.press("number_sign")
        screen = dialog(app)
        assert screen.dialog_title == f"Tags of {paper.id}"
        await type_text(pilot, "Thesis/ch2 ml")
        problem = str(screen.query_one("#tags-problem").render())
        assert problem == "Enter: +#ml +#thesis/ch2 on the paper."
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TriageScreen)

        assert stored([paper.id])[paper.id].tags == ("ml", "thesis/ch2")
        assert row_of(triage, paper.id).rstrip().endswith(f"{paper.id} · cs.LG · #ml #thesis/ch2")
        assert any(
            f"{paper.id}: tagged #ml #thesis/ch2. u undoes it." in m for _, m, _ in app.notices
        )
        assert tag_entries(triage) == ["○ #ml 1", "○ #thesis 1", "○ #thesis/ch2 1"]

        await pilot.press("u")
        await settle(pilot)
        assert stored([paper.id])[paper.id].tags == ()
        assert "#" not in row_of(triage, paper.id)
        assert tag_entries(triage) == []  # the Tags section goes with the last tag
        assert any("Undone: tags +#ml +#thesis/ch2" in m for _, m, _ in app.notices)


async def test_tags_are_kept_across_a_restart() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = app.triage.papers.highlighted_paper
        assert paper is not None
        await tag_with(pilot, "reading-group")
        await pilot.press("q")
    again = demo_app()
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "#reading-group" in row_of(again.triage, paper.id)
        assert tag_entries(again.triage) == ["○ #reading-group 1"]


async def test_a_selection_is_tagged_at_once_and_the_list_takes_a_tag_off_one() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        ids = shown_ids(app)
        await pilot.press("v", "v")  # the first two selected, the cursor on the third
        await pilot.press("number_sign")
        assert dialog(app).dialog_title == "Tags of 2 papers"
        await type_text(pilot, "ml")
        await pilot.press("enter")
        await settle(pilot)
        assert [stored(ids[:3])[i].tags for i in ids[:3]] == [("ml",), ("ml",), ()]

        await pilot.press("escape", "g")  # the selection cleared, back to the first paper
        await pilot.press("number_sign")
        screen = dialog(app)
        options = screen.query_one("#tags-list", OptionList)
        assert "☑ #ml" in str(options.get_option_at_index(0).prompt)
        await pilot.press("down", "space")  # down to the list; ml off
        assert "☐ #ml" in str(options.get_option_at_index(0).prompt)
        assert "(changed)" in str(options.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await settle(pilot)
        assert [stored(ids[:2])[i].tags for i in ids[:2]] == [(), ("ml",)]
        assert tag_entries(triage) == ["○ #ml 1"]

        await pilot.press("u")  # the last step: ml back on the first
        await settle(pilot)
        assert stored(ids[:1])[ids[0]].tags == ("ml",)
        await pilot.press("u")  # the step before: the selection's tag
        await settle(pilot)
        assert not any(flag.tags for flag in stored(ids[:2]).values())


async def test_a_tag_on_some_of_the_selection_is_shown_so_and_can_go_on_all() -> None:
    tag_in_store({"2504.06312": ("ml",)})
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ids = shown_ids(app)
        assert ids[0] == "2504.06312"
        await pilot.press("V", "number_sign")
        options = dialog(app).query_one("#tags-list", OptionList)
        assert "◐ #ml  on 1 of 16" in str(options.get_option_at_index(0).prompt)
        await pilot.press("down", "space")
        assert "☑ #ml" in str(options.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await settle(pilot)
        assert all(flag.tags == ("ml",) for flag in stored(ids).values())
        await pilot.press("u")
        await settle(pilot)
        flags = stored(ids)
        assert flags[ids[0]].tags == ("ml",)  # it had it before: the undo leaves it
        assert not any(flags[i].tags for i in ids[1:])


async def test_space_on_a_tag_some_papers_have_cycles_all_none_and_as_it_was() -> None:
    tag_in_store({"2504.06312": ("ml",)})
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("V", "number_sign")
        options = dialog(app).query_one("#tags-list", OptionList)
        await pilot.press("down")
        seen = []
        for _ in range(3):
            await pilot.press("space")
            seen.append(str(options.get_option_at_index(0).prompt)[:1])
        assert seen == ["☑", "☐", "◐"]  # on all, on none, back as it was
        assert "on 1 of 16" in str(options.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await settle(pilot)
        assert stored(["2504.06312"])["2504.06312"].tags == ("ml",)


async def test_escape_changes_nothing_and_a_bad_name_is_said_not_saved() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = app.triage.papers.highlighted_paper
        assert paper is not None
        await pilot.press("number_sign")
        await type_text(pilot, "fine c++")
        await pilot.press("enter")
        screen = dialog(app)  # still open
        problem = screen.query_one("#tags-problem")
        assert "“c++”: a tag has letters, digits and - _ / . only, not +" in str(problem.render())
        assert problem.has_class("-bad")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TriageScreen)
        assert stored([paper.id])[paper.id].tags == ()
        await pilot.press("u")
        assert any("Nothing to undo" in m for _, m, _ in app.notices)


async def test_a_name_used_before_is_completed_and_minus_takes_one_away() -> None:
    tag_in_store({"2504.05741": ("thesis/ch2", "ml")})
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = shown_ids(app)[0]
        await pilot.press("number_sign")
        field = dialog(app).query_one(Input)
        await type_text(pilot, "th")
        await wait_until(pilot, lambda: field._suggestion == "thesis/ch2", "the suggestion")
        await pilot.press("right")  # takes the suggestion
        assert field.value == "thesis/ch2"
        await pilot.press("enter")
        await settle(pilot)
        assert stored([first])[first].tags == ("thesis/ch2",)
        await tag_with(pilot, "-thesis/ch2 -absent")
        assert stored([first])[first].tags == ()


async def test_the_expanded_paper_and_the_compact_row_show_the_tags() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        paper = triage.papers.highlighted_paper
        assert paper is not None
        await pilot.press("enter")  # expanded first: its lines grow by the tags line
        await settle(pilot)
        await tag_with(pilot, "ml thesis")
        rows = "\n".join(visible_rows(triage))
        assert "Tags: #ml #thesis" in rows
        abstract = rows.index("We introduce a new graph")
        assert rows.index("Tags: #ml #thesis") < abstract
        await pilot.press("enter", "z")  # folded; one-line rows
        await settle(pilot)
        assert "#ml+1 DMol: A Schedule-Driven" in row_of(triage, paper.id)


# ---------------------------------------------------------------- filtering


async def test_slash_tag_finds_the_tag_and_its_collection() -> None:
    tag_in_store({"2504.06312": ("thesis/ch2",), "2504.05741": ("thesis",), "2504.06816": ("ml",)})
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "tag:thesis")
        await settle(pilot)
        assert sorted(shown_ids(app)) == ["2504.05741", "2504.06312"]
        await pilot.press(*["backspace"] * len("tag:thesis"))
        await type_text(pilot, "tag:Thesis/CH2")
        await settle(pilot)
        assert shown_ids(app) == ["2504.06312"]
        await pilot.press(*["backspace"] * len("tag:Thesis/CH2"))
        await type_text(pilot, "is:tagged -tag:ml")
        await settle(pilot)
        assert sorted(shown_ids(app)) == ["2504.05741", "2504.06312"]


async def test_a_tag_typed_after_slash_follows_a_tag_given_meanwhile() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = shown_ids(app)[0]
        await tag_with(pilot, "later")
        await pilot.press("slash")
        await type_text(pilot, "tag:later")
        await settle(pilot)
        assert shown_ids(app) == [first]


async def test_the_sidebar_counts_the_days_tags_and_shows_one_tags_papers() -> None:
    tag_in_store(
        {
            "2504.06312": ("thesis/ch2",),
            "2504.05741": ("thesis/ch3", "ml"),
            "2401.00001": ("elsewhere",),  # not on this day: not counted
        }
    )
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        assert tag_entries(triage) == [
            "○ #ml 1",
            "○ #thesis 2",
            "○ #thesis/ch2 1",
            "○ #thesis/ch3 1",
        ]
        tags = triage.query_one("#tags", OptionList)
        tags.focus()
        tags.highlighted = 1
        await pilot.press("enter")
        await settle(pilot)
        assert triage.active_tag == "thesis"
        assert sorted(shown_ids(app)) == ["2504.05741", "2504.06312"]
        assert tag_entries(triage)[1] == "● #thesis 2"
        await pilot.press("e")  # the export of what is shown says the tag
        export = app.screen
        assert isinstance(export, ExportScreen)
        assert export.what == "2 papers of Wed 2025-04-09, tagged thesis"
        assert export.stem == "2025-04-09-thesis"
        await pilot.press("escape")
        tags.focus()
        await pilot.press("enter")  # again: every paper
        await settle(pilot)
        assert triage.active_tag is None
        assert len(shown_ids(app)) == 16
        await pilot.press("enter")  # the tag again, then Esc from the list clears it
        triage.papers.focus()
        await pilot.press("escape")
        await settle(pilot)
        assert triage.active_tag is None
        assert len(shown_ids(app)) == 16
        assert tag_entries(triage)[1] == "○ #thesis 2"


async def test_the_sidebar_tag_filter_combines_with_the_search() -> None:
    tag_in_store({"2504.06312": ("thesis",), "2504.05741": ("thesis",)})
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        triage.active_tag = "thesis"
        await settle(pilot)
        assert sorted(shown_ids(app)) == ["2504.05741", "2504.06312"]
        await pilot.press("slash")
        await type_text(pilot, "ti:ddt")
        await settle(pilot)
        assert shown_ids(app) == ["2504.05741"]


async def test_a_kill_rule_can_hide_a_tag() -> None:
    tag_in_store({"2504.06312": ("done",), "2504.05741": ("done/later",)})
    config = Config(follow=DEFAULT_FOLLOW, rules_hide=("tag:done",))
    app = demo_app(app_options={"config": config})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = shown_ids(app)
        assert len(shown) == 14
        assert "2504.06312" not in shown and "2504.05741" not in shown


# ---------------------------------------------------------------- the library


async def test_the_library_keeps_tagged_papers_filters_by_tag_and_tags_with_hash() -> None:
    tuesday = make_day(TUESDAY, 3)
    cache_days(tuesday)
    ids = [paper.id for paper in tuesday.papers]
    star_in_store([ids[0]])
    tag_in_store({ids[1]: ("thesis/ch2",), "2504.06312": ("ml",)})
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("L")
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        await wait_until(pilot, lambda: not screen.finding, "the library's papers")
        await settle(pilot)
        assert sorted(entry.id for entry in screen.papers.entries) == sorted(
            [ids[0], ids[1], "2504.06312"]
        )
        assert screen.bar_text.startswith("★ Library · 3 papers (2 tagged)")
        shown = "\n".join(
            screen.papers.render_line(y).text for y in range(screen.papers.size.height)
        )
        assert "#thesis/ch2" in shown and "tagged, not starred" in shown

        await pilot.press("slash")
        await type_text(pilot, "tag:thesis")
        await settle(pilot)
        assert [entry.id for entry in screen.papers.entries] == [ids[1]]
        await pilot.press("escape")  # clears the search
        await settle(pilot)

        screen.papers.highlighted = [e.id for e in screen.papers.entries].index(ids[0])
        await pilot.press("number_sign")
        assert dialog(app).dialog_title == f"Tags of {ids[0]}"
        await type_text(pilot, "ml")
        await pilot.press("enter")
        await settle(pilot)
        assert stored([ids[0]])[ids[0]].tags == ("ml",)
        await pilot.press("slash")
        await type_text(pilot, "tag:ml")
        await settle(pilot)
        assert sorted(entry.id for entry in screen.papers.entries) == sorted([ids[0], "2504.06312"])
        await pilot.press("escape")
        await pilot.press("u")
        await settle(pilot)
        assert stored([ids[0]])[ids[0]].tags == ()
        await pilot.press("u")
        assert any("Nothing to undo" in m for _, m, _ in app.notices)

        await pilot.press("L")  # back: the day's row shows the tag given in the library
        await settle(pilot)
        assert isinstance(app.screen, TriageScreen)
        assert "#ml" in row_of(app.triage, "2504.06312")


# ---------------------------------------------------------------- keys, help, palette


def test_hash_is_one_command_on_both_screens_sharing_its_binding() -> None:
    assert EditTags in TRIAGE_COMMANDS
    tags_in_library = [c for c in LIBRARY_COMMANDS if issubclass(c, EditTags)]
    assert len(tags_in_library) == 1
    assert tags_in_library[0].binding_id() == EditTags.binding_id()
    known, problems = keymap({"edit_tags": "ctrl+t"})
    assert problems == []
    assert known == {EditTags.binding_id(): "ctrl+t"}


async def test_hash_is_in_the_help_and_can_be_rebound() -> None:
    config = Config(follow=DEFAULT_FOLLOW, keys={"edit_tags": "ctrl+t"})
    app = demo_app(app_options={"config": config})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = {entry.keys: entry.description for entry in app.screen.entries}
        assert keys["ctrl+t"].startswith("Add or take away tags")
        await pilot.press("escape")
        await pilot.press("ctrl+t")
        assert isinstance(app.screen, TagsScreen)


@pytest.mark.parametrize("typed", ["Tags", "tag"])
async def test_the_palette_offers_tags(typed: str) -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_command_palette()
        await pilot.pause()
        await pilot.press(*typed)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, TagsScreen), "the tag dialog")
