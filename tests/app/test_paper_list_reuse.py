"""A new list reuses what the last ones measured and drew: each title is measured once per width,
a row already drawn is not drawn again, and a paper that came back as another object (a day
loaded again) is drawn anew."""

from __future__ import annotations

from dataclasses import replace

import pytest
from test_paper_list import ListApp, make_paper, matches_of

from tui.app.widgets import paper_list as paper_list_module
from tui.app.widgets import paper_row
from tui.core.paper import Paper

SIZE = (100, 30)


async def test_a_title_is_measured_once_whatever_the_lists_it_is_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    papers = [make_paper(n, title=f"A title of paper {n} " * (1 + n % 4)) for n in range(40)]
    measured: list[str] = []
    fast = paper_row.fast_title_line_count

    def counting(title: str, width: int) -> int | None:
        measured.append(title)
        return fast(title, width)

    monkeypatch.setattr(paper_list_module, "fast_title_line_count", counting)
    app = ListApp(matches_of(papers), compact=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert sorted(measured) == sorted(p.title for p in papers)
        heights = {p.id: len(app.papers.row_lines(p.id) or ()) for p in papers}
        measured.clear()
        whole = matches_of(papers)
        app.papers.show(whole)
        shown = app.papers.shown_papers
        app.papers.show(matches_of(papers[::2]))  # narrowed (as H does), then widened again
        app.papers.show(whole)
        await pilot.pause()
        assert measured == []
        assert app.papers.shown_papers is shown  # the same list again: taken back, as it was
        assert {p.id: len(app.papers.row_lines(p.id) or ()) for p in papers} == heights


async def test_rows_drawn_before_are_not_drawn_again_in_a_new_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    papers = [make_paper(n) for n in range(30)]
    drawn: list[str] = []
    two_line_row = paper_row.two_line_row

    def counting(paper: Paper, *args: object, **kwargs: object) -> object:
        drawn.append(paper.id)
        return two_line_row(paper, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(paper_list_module, "two_line_row", counting)
    app = ListApp(matches_of(papers), compact=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first_screen = set(drawn)
        assert papers[0].id in first_screen
        drawn.clear()
        app.papers.show(matches_of(papers[1:]), keep_position=False)  # the first one hidden
        await pilot.pause()
        # Only the new cursor's row, and the one scrolled in at the bottom.
        assert set(drawn) <= {papers[1].id, papers[len(first_screen)].id}
        drawn.clear()
        app.papers.show(matches_of(papers), keep_position=False)  # shown again
        await pilot.pause()
        assert drawn == []
        assert papers[0].title in app.papers.row_strips(papers[0].id)[0].text


async def test_a_paper_come_back_as_another_object_is_drawn_anew() -> None:
    papers = [make_paper(n) for n in range(10)]
    app = ListApp(matches_of(papers), compact=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        renamed = replace(papers[0], title="Corrected title of paper zero")
        app.papers.show(matches_of([renamed, *papers[1:]]))
        await pilot.pause()
        assert "Corrected title of paper zero" in app.papers.row_strips(renamed.id)[0].text


async def test_keywords_of_a_new_list_show_in_rows_drawn_before() -> None:
    papers = [make_paper(n, title=f"Diffusion paper {n}") for n in range(10)]
    app = ListApp(matches_of(papers), compact=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        plain = app.papers.row_strips(papers[0].id)[0]
        app.papers.show(matches_of(papers, ("diffusion",)))  # a profile turned on
        await pilot.pause()
        marked = app.papers.row_strips(papers[0].id)[0]
        assert marked.text == plain.text
        assert list(marked) != list(plain)  # the keyword is highlighted now
