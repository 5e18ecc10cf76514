"""The list reads like arXiv's /new page: sections with counts, whole titles, compact mode, sort
orders — through the keys a user presses."""

from __future__ import annotations

from app_helpers import RecordingApp, demo_app, in_sections, row_of, settle, visible_rows

from tui.adapters.sample import load_sample_day
from tui.app.widgets.paper_row import readable
from tui.config import Config
from tui.core.follow import DEFAULT_FOLLOW
from tui.core.paper import Kind

SIZE = (110, 36)
SAMPLE = load_sample_day()
SHOWN = in_sections(SAMPLE).papers
NEW = [p.id for p in SHOWN if p.kind is Kind.NEW]
REPLACED = [p.id for p in SHOWN if p.kind is Kind.REPLACE]


def ids(app: RecordingApp) -> list[str]:
    return [p.id for p in app.triage.papers.shown_papers]


async def test_the_day_comes_in_arxivs_sections_with_counts() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = app.triage.papers
        assert [p.id for p in papers.shown_papers] == NEW + REPLACED
        assert papers.sections == [(Kind.NEW, len(NEW)), (Kind.REPLACE, len(REPLACED))]
        rows = visible_rows(app.triage)
        assert rows[0].startswith(f"─ New submissions ({len(NEW)}) ─")
        await pilot.press("G")  # the last paper: the replacements' heading is on screen
        assert f"─ Replacements ({len(REPLACED)}) ─" in "\n".join(visible_rows(app.triage))


async def test_the_cursor_skips_the_headings() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = app.triage.papers
        assert papers.highlighted_paper is not None
        assert papers.highlighted_paper.id == NEW[0]
        await pilot.press(*["j"] * len(NEW))  # from the first new paper over the heading
        assert papers.highlighted_paper is not None
        assert papers.highlighted_paper.id == REPLACED[0]
        await pilot.press("k")
        assert papers.highlighted_paper.id == NEW[-1]
        await pilot.press("G")
        assert papers.highlighted_paper.id == REPLACED[-1]
        await pilot.press("g")
        assert papers.highlighted_paper.id == NEW[0]
        assert papers.scroll_offset.y == 0  # the first heading shows above it
        # A click on a heading moves nothing; a click on a paper's second line moves there.
        await pilot.click("#papers", offset=(10, 0))
        assert papers.highlighted_paper.id == NEW[0]
        second = papers.row_lines(NEW[1])
        assert second is not None
        await pilot.click("#papers", offset=(10, second.stop - 1))
        assert papers.highlighted_paper.id == NEW[1]
        await pilot.click("#papers", offset=(10, second.start))  # the cursor row: expands
        assert papers.is_expanded(NEW[1])


async def test_titles_are_whole_at_80_and_120_columns() -> None:
    for size in ((80, 40), (120, 40)):
        app = demo_app()
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            for paper in SHOWN:
                row = " ".join(row_of(app.triage, paper.id).split())
                assert readable(paper.title) in row, (size, paper.id)


async def test_z_switches_to_one_line_per_paper_and_back() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = app.triage.papers
        await pilot.press("j", "j")
        highlighted = papers.highlighted_paper
        two_lines = papers.row_lines(NEW[0])
        assert two_lines is not None and len(two_lines) >= 2
        await pilot.press("z")
        assert papers.compact
        one_line = papers.row_lines(NEW[0])
        assert one_line is not None and len(one_line) == 1
        assert papers.highlighted_paper == highlighted  # the cursor stays on its paper
        assert papers.sections == [(Kind.NEW, len(NEW)), (Kind.REPLACE, len(REPLACED))]
        row = row_of(app.triage, NEW[0])
        assert NEW[0] in row and row.startswith("● ☆ ")
        await pilot.press("z")
        assert not papers.compact
        assert papers.highlighted_paper == highlighted


async def test_the_setting_starts_compact() -> None:
    config = Config(follow=DEFAULT_FOLLOW, compact_list=True)
    app = demo_app(app_options={"config": config})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.triage.papers.compact
        lines = app.triage.papers.row_lines(NEW[0])
        assert lines is not None and len(lines) == 1


async def test_s_cycles_day_order_newest_first_and_title() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        await pilot.press("S")
        newest = sorted(SAMPLE.papers, key=lambda p: p.published, reverse=True)
        assert ids(app) == [p.id for p in newest]
        assert triage.papers.sections == []
        assert "sorted: newest first (S)" in triage.date_bar.text
        await pilot.press("S")
        by_title = sorted(SAMPLE.papers, key=lambda p: readable(p.title).casefold())
        assert ids(app) == [p.id for p in by_title]
        assert "sorted: title A–Z (S)" in triage.date_bar.text
        await pilot.press("S")
        assert ids(app) == NEW + REPLACED
        assert "sorted" not in triage.date_bar.text
        assert triage.papers.sections


async def test_no_sections_when_ranked_starred_or_fuzzy_searched() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        await pilot.press("s", "f")  # the starred view
        await settle(pilot)
        assert triage.papers.sections == []
        await pilot.press("f")
        await settle(pilot)
        assert triage.papers.sections
        await pilot.press("slash", *"difusion")  # typo-tolerant, ranked
        await settle(pilot)
        assert triage.papers.shown_papers
        assert triage.papers.sections == []


async def test_a_ranked_day_is_not_sorted_and_the_bar_does_not_say_so() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        await pilot.press("S")  # newest first
        assert "sorted: newest first" in triage.date_bar.text
        await pilot.press("slash", *"difusion")  # the typo-tolerant search ranks by likeness
        await settle(pilot)
        assert "sorted" not in triage.date_bar.text
        assert triage.papers.sections == []
