"""Power triage on the sample day: the watch list, selections and bulk actions, fuzzy search."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from app_helpers import (
    RecordingApp,
    cache_days,
    demo_app,
    make_day,
    row_of,
    settle,
    stored,
    wait_until,
)
from textual.content import Content
from textual.style import Style

from tui.adapters.sample import load_sample_day
from tui.app.dialogs.export import ExportScreen
from tui.app.dialogs.pick_author import PickAuthorScreen
from tui.app.screens.triage import TriageScreen
from tui.app.widgets.paper_row import (
    RowLayout,
    RowMarks,
    RowStyles,
    highlight_names,
    row_content,
)
from tui.config import Config, add_watch_author, config_path, load_config
from tui.core.export import to_bibtex
from tui.core.follow import DEFAULT_FOLLOW
from tui.core.paper import Paper

SIZE = (120, 30)
KAI_WANG = ("2503.24354", "2504.06803")
"""The sample day's papers with a Kai Wang among the authors."""
LOW_RANK = "2504.06330"
"""The sample day's paper that says "low-rank" (and no other does)."""


@pytest.fixture(autouse=True)
def terminal_clipboard_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARXIV_DAILY_CLIPBOARD", "osc52")


def watching(authors: Sequence[str] = (), phrases: Sequence[str] = ()) -> RecordingApp:
    config = Config(
        follow=DEFAULT_FOLLOW, watch_authors=tuple(authors), watch_phrases=tuple(phrases)
    )
    return demo_app(app_options={"config": config})


def shown_ids(app: RecordingApp) -> list[str]:
    return [paper.id for paper in app.triage.papers.shown_papers]


def watched_entry(app: RecordingApp) -> str:
    return str(app.triage.query_one("#watched").get_option_at_index(0).prompt)  # type: ignore[attr-defined]


# ---------------------------------------------------------------- watch list


async def test_watched_authors_and_phrases_are_marked_counted_and_shown_alone() -> None:
    app = watching(authors=["Kai Wang"], phrases=["low-rank"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        marked = {*KAI_WANG, LOW_RANK}
        for paper_id in shown_ids(app):
            assert ("◆" in row_of(triage, paper_id)) == (paper_id in marked), paper_id
        assert triage.query_one("#watched").display
        assert "Watched 3" in watched_entry(app)

        await pilot.press("W")
        assert set(shown_ids(app)) == marked
        assert "3 of 16 papers" in triage.date_bar.text
        assert "◆ watched only" in triage.date_bar.text
        assert "● ◆ Watched 3" in watched_entry(app)
        await pilot.press("W")
        assert len(shown_ids(app)) == 16
        assert "watched only" not in triage.date_bar.text

        # The sidebar's entry does the same (Tab: categories, profiles, watched).
        await pilot.press("tab", "tab", "tab")
        assert triage.query_one("#watched").has_focus
        await pilot.press("enter")
        assert set(shown_ids(app)) == marked


async def test_watched_only_combines_with_the_category_filter_and_the_search() -> None:
    app = watching(authors=["Kai Wang"], phrases=["low-rank"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("W", "tab", "down", "enter")  # cs.CV off
        assert set(shown_ids(app)) == {KAI_WANG[0], LOW_RANK}  # also in cs.LG, cs.AI
        assert "Watched 2" in watched_entry(app)
        await pilot.press("shift+tab", "slash", *"promptng")
        await settle(pilot)
        assert shown_ids(app) == [KAI_WANG[0]]


async def test_nothing_watched_hides_the_sidebar_entry_and_w_shift_says_so() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not app.triage.query_one("#watched").display
        await pilot.press("W")
        assert len(shown_ids(app)) == 16
        assert any("Nothing is watched yet" in message for _, message, _ in app.notices)


async def test_w_picks_an_author_and_keeps_it_in_the_settings() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        await pilot.press(*["j"] * 13)  # ORAL: the first replacement, after 13 new submissions
        first = triage.papers.highlighted_paper
        assert first is not None and first.id == "2503.24354"
        await pilot.press("w")
        assert isinstance(app.screen, PickAuthorScreen)
        assert app.screen.authors == first.authors  # the paper's order, first author first
        await pilot.press("down", "down", "down", "enter")  # Kai Wang, the fourth
        await settle(pilot)
        assert isinstance(app.screen, TriageScreen)
        assert load_config(config_path()).watch_authors == ("Kai Wang",)
        for paper_id in KAI_WANG:
            assert "◆" in row_of(triage, paper_id)
        assert triage.query_one("#watched").display
        assert "Watched 2" in watched_entry(app)
        assert any("Watching Kai Wang" in message for _, message, _ in app.notices)

        # Escape adds no one; picking a watched author stops watching them.
        await pilot.press("w", "escape")
        await settle(pilot)
        assert load_config(config_path()).watch_authors == ("Kai Wang",)
        await pilot.press("W")  # only the watched papers
        await settle(pilot)
        await pilot.press("w", "down", "down", "down", "enter")
        await settle(pilot)
        assert load_config(config_path()).watch_authors == ()
        assert any("Stopped watching Kai Wang" in message for _, message, _ in app.notices)
        assert not triage.watched_only  # nothing left to show in it
        for paper_id in KAI_WANG:
            assert "◆" not in row_of(triage, paper_id)
        assert not triage.query_one("#watched").display


async def test_unwatching_takes_out_the_settings_spelling_and_only_that_author() -> None:
    config = load_config()  # the commented template
    add_watch_author("Wang, K.")
    add_watch_author("Peizhi Niu")
    app = demo_app(app_options={"config": load_config()})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        assert all("◆" in row_of(triage, paper_id) for paper_id in KAI_WANG)
        await pilot.press(*["j"] * 13)  # ORAL: the first replacement, after 13 new submissions
        await pilot.press("w", "down", "down", "down", "enter")  # Kai Wang: watched as "Wang, K."
        await settle(pilot)
        assert load_config().watch_authors == ("Peizhi Niu",)
        assert all("◆" not in row_of(triage, paper_id) for paper_id in KAI_WANG)
        assert "◆" in row_of(triage, "2504.06312")  # Peizhi Niu's paper keeps its mark
        assert "Watched 1" in watched_entry(app)
    assert config.watch_authors == ()


async def test_w_keeps_the_comments_of_the_settings_file() -> None:
    config = load_config()  # writes the commented template
    template = config_path().read_text(encoding="utf-8")
    app = demo_app(app_options={"config": config})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("w", "enter")  # DMol's first author (the first new submission)
        await settle(pilot)
    text = config_path().read_text(encoding="utf-8")
    assert load_config().watch_authors == ("Peizhi Niu",)
    assert [line for line in text.splitlines() if line.startswith("#")] == [
        line for line in template.splitlines() if line.startswith("#")
    ]


async def test_a_settings_file_that_cannot_be_edited_still_watches_for_the_session() -> None:
    config_path().parent.mkdir(parents=True)
    config_path().write_text("categories = [\n", encoding="utf-8")  # invalid TOML
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("w", "enter")  # DMol: the first new submission
        await settle(pilot)
        assert "◆" in row_of(app.triage, "2504.06312")
        assert any(
            "Watching Peizhi Niu for now" in message and severity == "warning"
            for _, message, severity in app.notices
        )


def test_the_row_highlights_a_watched_author_it_shows() -> None:
    paper = load_sample_day().papers[1]  # DMol: Peizhi Niu, Yu-Hsiang Wang, …
    watch, plain = Style(bold=True), Style()
    styles = RowStyles(*((plain,) * 12), watch=watch)
    marks = RowMarks(watched=True, watched_authors=("Yu-Hsiang Wang",))
    row = row_content(
        paper,
        Content(paper.title),
        read=False,
        starred=False,
        layout=RowLayout.fit(140),
        styles=styles,
        marks=marks,
    )
    assert "◆ DMol" in row.plain
    watched = [row.plain[span.start : span.end] for span in row.spans if span.style == watch]
    assert watched == ["◆", "Yu-Hsiang Wang"]
    # Only whole names: "Wang" alone is not "Yu-Hsiang Wang".
    names = highlight_names("Ai Wangari, Wang", ("Wang",), watch)
    assert [names.plain[s.start : s.end] for s in names.spans] == ["Wang"]


# ---------------------------------------------------------------- selection and bulk actions


async def test_v_selects_and_moves_on_and_s_r_u_act_on_the_selection() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        ids = shown_ids(app)
        await pilot.press("v", "j", "v")
        assert triage.papers.highlighted_paper == triage.papers.shown_papers[3]
        assert "2 selected" in triage.date_bar.text
        chosen = [ids[0], ids[2]]
        for paper_id in ids[:4]:
            assert ("✓" in row_of(triage, paper_id)) == (paper_id in chosen)

        await pilot.press("s")
        await settle(pilot)
        flags = stored(ids)
        assert [i for i in ids if flags[i].starred] == chosen
        assert any("Starred 2 papers" in message for _, message, _ in app.notices)

        await pilot.press("r")
        await settle(pilot)
        assert [i for i in ids if stored(ids)[i].read] == chosen
        assert "14 unread" in triage.date_bar.text

        await pilot.press("u")  # the bulk read
        await settle(pilot)
        assert not any(flag.read for flag in stored(ids).values())
        await pilot.press("u")  # the bulk star
        await settle(pilot)
        assert not any(flag.starred for flag in stored(ids).values())
        assert "☆" in row_of(triage, ids[0])

        await pilot.press("v")  # unselect works too: the highlighted (fourth) was not selected
        assert "3 selected" in triage.date_bar.text
        await pilot.press("escape")
        assert "selected" not in triage.date_bar.text
        assert "✓" not in row_of(triage, ids[0])


async def test_s_on_a_selection_all_starred_unstars_them() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ids = shown_ids(app)
        await pilot.press("s", "v", "v")  # the first starred alone, then both selected
        await pilot.press("s")  # one is not starred: star both
        await settle(pilot)
        assert stored(ids[:2])[ids[1]].starred
        await pilot.press("s")  # all starred: unstar both
        await settle(pilot)
        assert not any(flag.starred for flag in stored(ids[:2]).values())


async def test_shift_v_selects_every_paper_shown_and_again_unselects_them() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        await pilot.press("slash", *"transformer", "enter")
        await settle(pilot)
        found = shown_ids(app)
        assert 0 < len(found) < 16
        await pilot.press("V")
        assert f"{len(found)} selected" in triage.date_bar.text
        assert all("✓" in row_of(triage, paper_id) for paper_id in found)
        await pilot.press("V")
        assert "selected" not in triage.date_bar.text
        await pilot.press("V", "escape")  # Escape clears the search first …
        assert len(shown_ids(app)) == 16
        assert f"{len(found)} selected" in triage.date_bar.text  # … the selection stays
        await pilot.press("r")
        await settle(pilot)
        assert [i for i, flag in stored(shown_ids(app)).items() if flag.read] == [
            i for i in shown_ids(app) if i in found
        ]


async def test_copy_and_open_act_on_the_selection_one_per_line() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ids = shown_ids(app)
        await pilot.press("v", "v", "v")
        await pilot.press("c")
        await settle(pilot)
        assert app.clipboard == "\n".join(ids[:3])
        assert ("", "Copied 3 IDs", "information") in app.notices
        await pilot.press("y")
        await settle(pilot)
        assert app.clipboard == "\n".join(f"https://arxiv.org/abs/{i}" for i in ids[:3])
        await pilot.press("Y")
        await settle(pilot)
        assert app.clipboard.splitlines()[2] == f"https://arxiv.org/pdf/{ids[2]}"
        await pilot.press("o")
        await settle(pilot)
        assert app.opened == [f"https://arxiv.org/abs/{i}" for i in ids[:3]]


async def test_bibtex_copy_and_export_act_on_the_selection(isolated_dirs: Path) -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = list(app.triage.papers.shown_papers)
        chosen = [papers[0], papers[2]]
        await pilot.press("v", "j", "v", "b")
        await settle(pilot)
        assert app.clipboard == to_bibtex(chosen)
        assert ("", "Copied 2 BibTeX entries", "information") in app.notices
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        assert "the 2 selected papers" in str(app.screen.query_one("#export-what").render())
        await pilot.press("down", "enter")  # BibTeX
        await settle(pilot)
        written = list((isolated_dirs / "exports").glob("*.bib"))
        assert [path.name for path in written] == ["2025-04-09-selected.bib"]
        assert written[0].read_text(encoding="utf-8") == to_bibtex(chosen)


async def test_a_day_change_clears_the_selection() -> None:
    cache_days(make_day(date(2025, 4, 8), 3))
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("v", "v", "left_square_bracket")
        await settle(pilot)
        assert "selected" not in app.triage.date_bar.text
        await pilot.press("s")
        await settle(pilot)
        paper = app.triage.papers.highlighted_paper
        assert paper is not None
        starred = stored([paper.id, *(p.id for p in load_sample_day().papers[:2])])
        assert [i for i, flag in starred.items() if flag.starred] == [paper.id]


# ---------------------------------------------------------------- fuzzy search


async def test_search_finds_typos_and_swapped_words_ranked() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        await pilot.press("slash", *"difusion", "space", *"trnsformer")
        await settle(pilot)
        found = shown_ids(app)
        assert triage.fuzzy_searches > 0
        assert found[:2] == ["2504.05741", "2504.06803"]  # "Diffusion Transformer(s)" in titles
        triage.search_box.value = "transformer diffusion"
        await settle(pilot)
        assert shown_ids(app)[:2] == found[:2]
        triage.search_box.value = "Rocktaschel"
        await settle(pilot)
        assert shown_ids(app) == ["2503.08295"]  # an author, accents aside
        triage.search_box.value = "2504.0681"  # an id: never guessed at
        await settle(pilot)
        assert shown_ids(app) == ["2504.06816"]


async def test_fuzzy_search_keeps_the_category_filter() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab", "down", "enter", "shift+tab")  # cs.CV off
        await pilot.press("slash", *"difusion")
        await settle(pilot)
        papers = {paper.id: paper for paper in load_sample_day().papers}
        found = shown_ids(app)
        assert found
        assert all(set(papers[i].categories) - {"cs.CV"} for i in found)
        view = app.triage.view
        assert view is not None
        assert view.category_counts["cs.CV"] > 0  # counted, though switched off


async def test_search_filters_by_substring_until_the_fuzzy_index_is_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tui.app.screens.triage import screen as power_triage
    from tui.core.fuzzy import FuzzyIndex

    release = threading.Event()

    class SlowFuzzyIndex(FuzzyIndex):
        def __init__(self, papers: Sequence[Paper], **kwargs: Any) -> None:
            release.wait(5)
            super().__init__(papers, **kwargs)

    monkeypatch.setattr(power_triage, "FuzzyIndex", SlowFuzzyIndex)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: len(shown_ids(app)) == 16, "the sample day")
        await pilot.press("slash", *"difusion")
        await pilot.pause()
        assert shown_ids(app) == []  # no substring hit for the typo
        assert app.triage.fuzzy_searches == 0
        release.set()
        await settle(pilot)
        assert len(shown_ids(app)) >= 10
        assert app.triage.fuzzy_searches > 0
