"""Every key of the triage screen on the sample day: what the screen shows, what the store keeps."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from app_helpers import (
    cache_days,
    demo_app,
    make_day,
    row_of,
    settle,
    star_in_store,
    stored,
    wait_until,
)
from textual.command import CommandList
from textual.content import Content
from textual.widgets import OptionList, SelectionList

from tui.adapters.sample import SAMPLE_DATE, load_sample_day
from tui.app.commands import TRIAGE_COMMANDS, bindings, help_entries
from tui.app.dialogs.date_picker import DatePickerScreen
from tui.app.dialogs.help import HelpScreen
from tui.app.screens.triage import TriageScreen
from tui.config import Config
from tui.core.follow import DEFAULT_FOLLOW
from tui.core.paper import Kind

SIZE = (110, 36)


@pytest.fixture(autouse=True)
def terminal_clipboard_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARXIV_DAILY_CLIPBOARD", "osc52")


async def test_demo_opens_on_the_sample_day() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        assert triage.date_bar.text.startswith("Wed 2025-04-09 · 16 papers · 16 unread")
        assert "sample day" in triage.date_bar.text
        assert len(triage.papers.shown_papers) == 16
        assert triage.papers.has_focus


async def test_s_stars_and_unstars() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = app.triage.papers.highlighted_paper
        assert paper is not None
        assert "☆" in row_of(app.triage, paper.id)
        await pilot.press("s")
        assert "★" in row_of(app.triage, paper.id)
        await settle(pilot)
        assert stored([paper.id])[paper.id].starred
        await pilot.press("s")
        assert "☆" in row_of(app.triage, paper.id)
        await settle(pilot)
        assert not stored([paper.id])[paper.id].starred


async def test_r_toggles_read_and_the_unread_count() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = app.triage.papers.highlighted_paper
        assert paper is not None
        await pilot.press("r")
        assert "15 unread" in app.triage.date_bar.text
        await settle(pilot)
        assert stored([paper.id])[paper.id].read
        await pilot.press("r")
        assert "16 unread" in app.triage.date_bar.text
        await settle(pilot)
        assert not stored([paper.id])[paper.id].read


async def test_m_marks_read_and_moves_to_the_next() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = app.triage.papers
        first, second = papers.shown_papers[0], papers.shown_papers[1]
        await pilot.press("m")
        assert papers.highlighted_paper == second
        assert "15 unread" in app.triage.date_bar.text
        await settle(pilot)
        flags = stored([first.id, second.id])
        assert flags[first.id].read
        assert not flags[second.id].read


async def test_n_goes_to_the_next_unread() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = app.triage.papers
        await pilot.press("j", "r", "j", "r", "g")
        assert papers.highlighted_index == 0
        await pilot.press("n")
        assert papers.highlighted_index == 3
        await pilot.press("A", "n")
        assert papers.highlighted_index == 3
        assert any("Every paper shown is read" in m for _, m, _ in app.notices)


async def test_shift_a_marks_all_shown_read_and_u_undoes_it() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ids = [p.id for p in app.triage.papers.shown_papers]
        await pilot.press("j", "r")  # one already read: undo must keep it read
        already = ids[1]
        await pilot.press("A")
        assert "0 unread" in app.triage.date_bar.text
        await settle(pilot)
        assert all(flag.read for flag in stored(ids).values())
        await pilot.press("u")
        assert "15 unread" in app.triage.date_bar.text
        assert any("Undone" in m for _, m, _ in app.notices)
        await settle(pilot)
        flags = stored(ids)
        assert flags[already].read
        assert [i for i in ids if flags[i].read] == [already]
        await pilot.press("u")  # undoes the single r
        await settle(pilot)
        assert not stored([already])[already].read
        await pilot.press("u")
        assert any("Nothing to undo" in m for _, m, _ in app.notices)


async def test_u_undoes_a_star() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = app.triage.papers.highlighted_paper
        assert paper is not None
        await pilot.press("s", "u")
        assert "☆" in row_of(app.triage, paper.id)
        await settle(pilot)
        assert not stored([paper.id])[paper.id].starred


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("c", "{id}"),
        ("y", "https://arxiv.org/abs/{id}"),
        ("Y", "https://arxiv.org/pdf/{id}"),
    ],
)
async def test_c_y_shift_y_copy(key: str, expected: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        written: list[str] = []
        driver = app._driver
        assert driver is not None
        original_write = driver.write

        def write(data: str) -> None:
            written.append(data)
            original_write(data)

        monkeypatch.setattr(driver, "write", write)
        paper = app.triage.papers.highlighted_paper
        assert paper is not None
        await pilot.press(key)
        await settle(pilot)
        text = expected.format(id=paper.id)
        assert app.clipboard == text
        import base64

        assert f"\x1b]52;c;{base64.b64encode(text.encode()).decode()}\a" in written
        assert any(m.startswith("Copied ") and paper.id in m for _, m, _ in app.notices)


async def test_c_notification_names_the_id() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "c")
        await settle(pilot)  # the second of the new submissions (arXiv's sections)
        assert ("", "Copied 2504.06416", "information") in app.notices


async def test_o_opens_the_abs_page_with_the_injected_opener() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = app.triage.papers.highlighted_paper
        assert paper is not None
        await pilot.press("o")
        await settle(pilot)
        assert app.opened == [f"https://arxiv.org/abs/{paper.id}"]


async def test_o_without_a_browser_says_which_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARXIV_DAILY_BROWSER", "none")
    app = demo_app(app_options={"opener": None})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        # the first paper: the first of the new submissions (arXiv's sections)
        assert app.opened_urls == ["https://arxiv.org/abs/2504.06312"]
        assert any("2504.06312" in m for _, m, _ in app.notices)


async def test_enter_expands_and_marks_read() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = app.triage.papers
        paper = papers.highlighted_paper
        assert paper is not None
        await pilot.press("enter")
        assert papers.is_expanded(paper.id)
        assert "15 unread" in app.triage.date_bar.text
        await settle(pilot)
        assert stored([paper.id])[paper.id].read
        await pilot.press("enter")
        assert not papers.is_expanded(paper.id)
        await settle(pilot)
        assert stored([paper.id])[paper.id].read


async def test_q_quits_with_every_flag_on_disk() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ids = [p.id for p in app.triage.papers.shown_papers]
        await pilot.press("s", "m", "s", "m", "m", "j", "s")
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
    flags = stored(ids)
    assert [i for i in ids if flags[i].starred] == [ids[0], ids[1], ids[4]]
    assert [i for i in ids if flags[i].read] == [ids[0], ids[1], ids[2]]


async def test_slash_filters_as_you_type_and_escape_clears() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        await pilot.press("slash")
        assert triage.search_box.has_focus
        await pilot.press("l", "o", "r")
        after_lor = len(triage.papers.shown_papers)
        await pilot.press("a")
        shown = triage.papers.shown_papers
        assert 0 < len(shown) <= after_lor < 16
        assert all("lora" in (p.title + p.abstract).lower() for p in shown)
        assert f"{len(shown)} of 16 papers" in triage.date_bar.text
        view = triage.view
        assert view is not None
        assert sum(view.category_counts.values()) >= len(shown)
        assert view.category_counts != {"cs.LG": 5, "cs.CV": 11, "cs.CL": 2, "cs.AI": 6}
        await pilot.press("enter")
        assert triage.papers.has_focus
        assert triage.search_box.display
        await pilot.press("escape")
        assert len(triage.papers.shown_papers) == 16
        assert not triage.search_box.display
        assert triage.date_bar.text.startswith("Wed 2025-04-09 · 16 papers")


async def test_sidebar_category_toggle_changes_list_and_counts() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        categories = triage.query_one("#categories", SelectionList)
        await pilot.press("tab")
        assert categories.has_focus
        assert categories.highlighted == 0  # cs.LG
        await pilot.press("enter")
        shown = triage.papers.shown_papers
        assert shown and all(set(p.categories) & {"cs.CV", "cs.CL", "cs.AI"} for p in shown)
        assert len(shown) < 16
        assert f"{len(shown)} of 16 papers" in triage.date_bar.text
        await pilot.press("space")
        assert len(triage.papers.shown_papers) == 16
        # a click toggles too
        await pilot.click(categories, offset=(2, 1))
        assert set(categories.selected) == {"cs.LG", "cs.CL", "cs.AI"}
        shown = triage.papers.shown_papers
        assert all(set(p.categories) & {"cs.LG", "cs.CL", "cs.AI"} for p in shown)
        assert len(triage.papers.shown_papers) < 16


async def test_sidebar_profile_activation_filters_and_counts() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        profiles = triage.query_one("#profiles", OptionList)
        view = triage.view
        assert view is not None
        diffusion_count = view.profile_counts["Diffusion"]
        await pilot.press("tab", "tab")
        assert profiles.has_focus
        await pilot.press("enter")
        assert triage.sidebar.active_profile == "Diffusion"
        assert len(triage.papers.shown_papers) == diffusion_count
        assert "●" in str(profiles.get_option_at_index(0).prompt)
        await pilot.press("enter")
        assert triage.sidebar.active_profile is None
        assert len(triage.papers.shown_papers) == 16


async def test_keyword_option_is_an_active_profile() -> None:
    app = demo_app(keywords=("Transformer", "LoRA"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        assert triage.sidebar.active_profile == "--keyword"
        shown = triage.papers.shown_papers
        assert 0 < len(shown) < 16
        kind_of = {p.id: p.kind for p in load_sample_day().papers}
        expected = [
            p.id
            for p in load_sample_day().papers
            if "transformer" in (text := (p.title + " " + p.abstract).lower()) or "lora" in text
        ]
        sections = [Kind.NEW, Kind.CROSS, Kind.REPLACE]  # the day's order, in arXiv's sections
        in_sections = sorted(expected, key=lambda i: sections.index(kind_of[i]))
        assert [p.id for p in shown] == in_sections


async def test_brackets_and_t_change_day_skipping_the_weekend() -> None:
    cache_days(
        make_day(date(2025, 4, 8), 3),
        make_day(date(2025, 4, 7), 4, first=100),
        make_day(date(2025, 4, 4), 5, first=200),
    )
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        expected = [
            ("left_square_bracket", "Tue 2025-04-08 · 3 papers"),
            ("left_square_bracket", "Mon 2025-04-07 · 4 papers"),
            ("left_square_bracket", "Fri 2025-04-04 · 5 papers"),
            ("right_square_bracket", "Mon 2025-04-07 · 4 papers"),
            ("t", "Wed 2025-04-09 · 16 papers"),
        ]
        for key, text in expected:
            await pilot.press(key)
            await settle(pilot)
            assert triage.date_bar.text.startswith(text), (key, triage.date_bar.text)
            assert len(triage.papers.shown_papers) == int(text.split(" · ")[1].split()[0])
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert triage.shown_date == SAMPLE_DATE
        assert any("newest listing" in m for _, m, _ in app.notices)


async def test_a_day_not_cached_in_the_demo_says_so() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        triage = app.triage
        assert triage.date_bar.text.startswith("Tue 2025-04-08 · 0 papers")
        assert not triage.papers.shown_papers
        assert "nothing cached" in str(triage.query_one("#list-message").render())


async def test_d_picks_a_date() -> None:
    cache_days(make_day(date(2025, 4, 7), 4))
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        assert isinstance(app.screen, DatePickerScreen)
        await pilot.press(*"2025-04-07", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TriageScreen)
        assert app.triage.date_bar.text.startswith("Mon 2025-04-07 · 4 papers")
        await pilot.press("d", "escape")
        await settle(pilot)
        assert isinstance(app.screen, TriageScreen)
        assert app.triage.shown_date == date(2025, 4, 7)


async def test_f_shows_starred_papers_of_every_cached_day() -> None:
    tuesday, monday = make_day(date(2025, 4, 8), 3), make_day(date(2025, 4, 7), 4, first=100)
    cache_days(tuesday, monday)
    star_in_store([monday.papers[2].id])  # starred in an earlier session
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        await pilot.press("left_square_bracket")
        await settle(pilot)
        await pilot.press("j", "s")  # star Tuesday's second paper
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("s")  # and the sample day's first
        sample_first = triage.papers.shown_papers[0].id
        await pilot.press("f")
        await settle(pilot)
        shown = {p.id for p in triage.papers.shown_papers}
        assert shown == {tuesday.papers[1].id, monday.papers[2].id, sample_first}
        assert triage.date_bar.text.startswith("★ Starred")
        assert "3 papers" in triage.date_bar.text
        await pilot.press("f")
        assert len(triage.papers.shown_papers) == 16
        assert triage.date_bar.text.startswith("Wed 2025-04-09")


async def test_question_mark_shows_help_from_the_commands() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert len(app.screen.entries) == len(TRIAGE_COMMANDS)
        await pilot.press("escape")
        assert isinstance(app.screen, TriageScreen)


def test_every_command_has_a_binding_or_belongs_to_the_list() -> None:
    ids = [binding.id for binding in bindings()]
    assert len(ids) == len(set(ids))
    keys = {key for binding in bindings() for key in binding.key.split(",")}
    for key in ("s", "r", "m", "n", "A", "u", "c", "y", "Y", "o", "f", "q", "t", "d", "escape"):
        assert key in keys
    for key in ("left_square_bracket", "right_square_bracket", "slash", "question_mark"):
        assert key in keys
    entries = help_entries()
    assert {e.keys for e in entries} >= {
        "j ↓",
        "k ↑",
        "g Home",
        "G End",
        "Enter Space",
        "[",
        "]",
        "/",
        "?",
    }


async def test_command_palette_runs_a_command() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = app.triage.papers.highlighted_paper
        assert paper is not None
        app.action_command_palette()
        await pilot.pause()
        await pilot.press(*"Star")
        await wait_until(
            pilot,
            lambda: (
                "Star" in str(app.screen.query(CommandList).first().get_option_at_index(0).prompt)
                if app.screen.query(CommandList)
                and app.screen.query(CommandList).first().option_count
                else False
            ),
            "the palette to offer Star",
        )
        await pilot.press("enter")
        await settle(pilot)
        assert stored([paper.id])[paper.id].starred


async def test_b_and_narrow_widths_hide_the_sidebar() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        sidebar = app.triage.sidebar
        assert sidebar.display
        await pilot.press("backslash")
        await pilot.pause()
        assert not sidebar.display
        await pilot.press("backslash")
        await pilot.pause()
        assert sidebar.display
    narrow = demo_app()
    async with narrow.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        assert not narrow.triage.sidebar.display
        await pilot.press("backslash")
        await pilot.pause()
        assert narrow.triage.sidebar.display


async def test_works_at_40x12_and_after_resizing() -> None:
    app = demo_app()
    async with app.run_test(size=(40, 12)) as pilot:
        await settle(pilot)
        triage = app.triage
        assert not triage.sidebar.display
        assert triage.papers.size.height >= 5
        rows = [row for row in (triage.papers.render_line(y).text for y in range(3)) if row.strip()]
        assert len(rows) == 3
        await pilot.press("j", "s", "enter")
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert triage.sidebar.display
        assert triage.papers.size.width > 80
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        assert not triage.sidebar.display
        await settle(pilot)
        paper = triage.papers.highlighted_paper
        assert paper is not None
        flag = stored([paper.id])[paper.id]
        assert flag.starred and flag.read


async def test_settings_rebind_keys_pick_the_theme_and_the_default_profile() -> None:
    follow = replace(DEFAULT_FOLLOW, default_profile="Diffusion")
    config = Config(
        follow=follow,
        keys={
            "toggle_star": "x",
            "next_day": "right_square_bracket,l",
            "fly": "z",
            "toggle_read": "j",  # j moves the cursor: refused, r stays
            "copy_id": "ctrl+nonsense",
        },
        theme="nord",
    )
    app = demo_app(app_options={"config": config})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        assert app.theme == "nord"
        assert triage.sidebar.active_profile == "Diffusion"
        paper = triage.papers.highlighted_paper
        assert paper is not None
        await pilot.press("s")
        await settle(pilot)
        assert not stored([paper.id])[paper.id].starred
        await pilot.press("x")
        await settle(pilot)
        assert stored([paper.id])[paper.id].starred
        assert any("fly" in m and severity == "warning" for _, m, severity in app.notices)
        warned = [m for _, m, severity in app.notices if severity == "warning"]
        assert any("toggle_read: j is already the key of cursor_down" in m for m in warned)
        assert any("copy_id: ctrl+nonsense is not a key" in m for m in warned)
        await pilot.press("j")  # still moves: the refused override took nothing
        await settle(pilot)
        assert triage.papers.highlighted_index == 1
        assert not stored([paper.id])[paper.id].read
        await pilot.press("k")
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = {entry.description: entry.keys for entry in app.screen.entries}
        assert keys["Star or unstar the paper"] == "x"
        assert keys["Show the next listing day"] == "] l"
        assert keys["Mark the paper read or unread"] == "r"


async def test_expanding_need_not_mark_read() -> None:
    config = Config(follow=DEFAULT_FOLLOW, expand_marks_read=False)
    app = demo_app(app_options={"config": config})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = app.triage.papers.highlighted_paper
        assert paper is not None
        await pilot.press("enter")
        await settle(pilot)
        assert app.triage.papers.is_expanded(paper.id)
        assert not stored([paper.id])[paper.id].read
        assert "16 unread" in app.triage.date_bar.text


async def test_a_category_turned_off_says_off_not_only_by_colour() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab", "enter")  # the first category, cs.LG, off
        await settle(pilot)
        categories = app.triage.sidebar.query_one("#categories", OptionList)
        first = categories.get_option_at_index(0).prompt
        assert isinstance(first, Content)
        assert first.plain == "cs.LG off"
        assert any("strike" in str(span.style) for span in first.spans)
        await pilot.press("enter")  # on again: its count, no "off"
        await settle(pilot)
        again = categories.get_option_at_index(0).prompt
        assert isinstance(again, Content)
        assert "off" not in again.plain
