"""The paper list widget, driven by keys and clicks in a small host app."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import factories
import pytest
from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.content import Content
from textual.geometry import Region
from textual.message import Message
from textual.style import Style
from textual.widget import Widget

from tui.adapters.store import Flag
from tui.app.widgets import paper_list as paper_list_module
from tui.app.widgets.fast_render import FastRender
from tui.app.widgets.paper_list import PaperList
from tui.app.widgets.paper_row import (
    RowLayout,
    RowStyles,
    highlight_keywords,
    readable,
    row_content,
    safe_text,
)
from tui.core.filters import Match
from tui.core.paper import Kind, Paper

LATEX_ABSTRACT = (
    r"Models evolving ($\textit{i.e.}$, constantly updated) after R\'enyi and Erd\H{o}s."
)
RENDERED_ABSTRACT = "Models evolving (i.e., constantly updated) after Rényi and Erdős."


def make_paper(
    number: int,
    title: str | None = None,
    *,
    authors: tuple[str, ...] = ("Alice Able", "Bob Baker", "Carol Cole", "Dan Drew"),
    abstract: str = "A plain abstract.",
    categories: tuple[str, ...] = ("cs.LG", "cs.AI"),
    kind: Kind = Kind.NEW,
    version: int = 1,
    comment: str | None = None,
    journal_ref: str | None = None,
    doi: str | None = None,
) -> Paper:
    """A paper of the list: four authors to fold, two categories, a title naming its number."""
    return factories.paper(
        number=number,
        title=f"Paper number {number}" if title is None else title,
        authors=authors,
        abstract=abstract,
        categories=categories,
        kind=kind,
        version=version,
        comment=comment,
        journal_ref=journal_ref,
        doi=doi,
    )


def matches_of(papers: Sequence[Paper], keywords: tuple[str, ...] = ()) -> list[Match]:
    return [Match(paper, keywords) for paper in papers]


class ListApp(App[None]):
    """The list alone. Compact (one line per paper) unless told: most tests here are about
    rows, expansion and scrolling line by line; the two-line rows have tests of their own."""

    def __init__(self, matches: Sequence[Match], *, compact: bool = True) -> None:
        super().__init__()
        self.initial = list(matches)
        self.compact = compact
        self.flags: dict[str, Flag] = {}
        self.highlights: list[PaperList.Highlighted] = []
        self.toggles: list[PaperList.ExpandToggled] = []

    def flag(self, paper_id: str) -> Flag:
        return self.flags.get(paper_id) or Flag(paper_id)

    def compose(self) -> ComposeResult:
        yield PaperList(flag_lookup=self.flag, compact=self.compact, id="papers")

    def on_mount(self) -> None:
        self.papers.show(self.initial)
        self.papers.focus()

    @property
    def papers(self) -> PaperList:
        return self.query_one(PaperList)

    def on_paper_list_highlighted(self, message: PaperList.Highlighted) -> None:
        self.highlights.append(message)

    def on_paper_list_expand_toggled(self, message: PaperList.ExpandToggled) -> None:
        self.toggles.append(message)


def screen_lines(app: App[None]) -> list[str]:
    """The text on the terminal, one string per line, as the compositor painted it."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def screen_text(app: App[None]) -> str:
    return "\n".join(screen_lines(app))


def line_with(app: App[None], needle: str) -> str:
    found = [line for line in screen_lines(app) if needle in line]
    assert found, f"{needle!r} is not on screen:\n{screen_text(app)}"
    return found[0]


def row_number(app: App[None], needle: str) -> int:
    for number, line in enumerate(screen_lines(app)):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} is not on screen:\n{screen_text(app)}")


def highlighted_ids(messages: Sequence[Message]) -> list[str | None]:
    return [
        m.paper.id if m.paper else None for m in messages if isinstance(m, PaperList.Highlighted)
    ]


# ----------------------------------------------------------------------------- rows


async def test_row_shows_marker_star_title_id_category_authors_and_kind() -> None:
    papers = [
        make_paper(1, "Unread new paper"),
        make_paper(2, "Starred read cross-list", kind=Kind.CROSS, categories=("stat.ML",)),
        make_paper(3, "A replacement", kind=Kind.REPLACE, version=3),
    ]
    app = ListApp(matches_of(papers))
    app.flags["2504.00002"] = Flag("2504.00002", read=True, starred=True)
    async with app.run_test(size=(160, 10)) as pilot:
        await pilot.pause()
        first = line_with(app, "Unread new paper")
        assert first.startswith("● ☆ Unread new paper")
        assert "2504.00001" in first
        assert "cs.LG" in first
        assert "Alice Able, Bob Baker, Carol Cole et al." in first
        second = line_with(app, "Starred read cross-list")
        assert second.startswith("  ★ Starred")
        assert "stat.ML" in second
        assert "↔ cross" in second
        third = line_with(app, "A replacement")
        assert "↻ v3" in third


async def test_row_title_has_readable_latex() -> None:
    paper = make_paper(1, r"Fast $\mathcal{O}(n)$ sampling for R\'enyi divergences")
    app = ListApp(matches_of([paper]))
    async with app.run_test(size=(120, 6)) as pilot:
        await pilot.pause()
        row = line_with(app, "sampling for Rényi divergences")
        assert "Fast 𝒪(n) sampling" in row
        assert "\\" not in row and "$" not in row


def test_keyword_highlight_covers_every_occurrence_in_any_case() -> None:
    style = Style(bold=True)
    content = highlight_keywords(
        "Diffusion meets diffusion: DIFFUSION and DDPM", ("diffusion", "ddpm"), style
    )
    highlighted = [content.plain[span.start : span.end] for span in content.spans]
    assert sorted(highlighted) == sorted(["Diffusion", "diffusion", "DIFFUSION", "DDPM"])
    assert all(span.style == style for span in content.spans)


async def test_keyword_is_highlighted_on_screen() -> None:
    paper = make_paper(1, "Score diffusion and more Diffusion")
    app = ListApp(matches_of([paper, make_paper(2)], ("Diffusion",)))
    async with app.run_test(size=(120, 6)) as pilot:
        await pilot.pause()
        await pilot.press("j")  # the keyword row is not under the cursor: its own colours show
        await pilot.pause()
        row = app.screen._compositor.render_strips()[0]
        styles = {seg.text: seg.style for seg in row if seg.text.lower() == "diffusion"}
        assert set(styles) == {"diffusion", "Diffusion"}
        plain = next(seg.style for seg in row if seg.text == " and more ")
        for style in styles.values():
            assert style is not None and style.underline and style.bold
        assert plain is not None and not plain.underline


def test_row_layout_keeps_the_title_widest() -> None:
    for width in (40, 60, 80, 120, 200, 300):
        layout = RowLayout.fit(width)
        used = (
            4
            + layout.title
            + sum(w + 2 for w in (layout.paper_id, layout.category, layout.authors) if w)
        )
        used += (layout.kind + (1 if layout.kind == 1 else 2)) if layout.kind else 0
        assert used == width
        assert layout.title >= 16
        assert layout.title >= max(layout.authors, layout.category, layout.paper_id)


# ----------------------------------------------------------------------------- cursor


async def test_cursor_keys_move_and_post_highlighted() -> None:
    papers = [make_paper(n) for n in range(100)]
    app = ListApp(matches_of(papers))
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        paper_list = app.papers
        assert paper_list.highlighted_index == 0
        app.highlights.clear()

        await pilot.press("j", "down")
        assert paper_list.highlighted_index == 2
        await pilot.press("k")
        assert paper_list.highlighted_index == 1
        await pilot.press("up")
        assert paper_list.highlighted_index == 0
        await pilot.press("G")
        assert paper_list.highlighted_index == 99
        await pilot.press("g")
        assert paper_list.highlighted_index == 0
        await pilot.press("end")
        assert paper_list.highlighted_index == 99
        await pilot.press("home")
        assert paper_list.highlighted_index == 0
        await pilot.press("pagedown")
        page_down = paper_list.highlighted_index
        assert page_down is not None and 8 <= page_down <= 12
        await pilot.press("pagedown", "pageup")
        assert paper_list.highlighted_index == page_down
        await pilot.pause()

        expected = [2 - 1, 2, 1, 0, 99, 0, 99, 0, page_down, 2 * page_down, page_down]
        assert highlighted_ids(app.highlights) == [papers[n].id for n in expected]
        assert paper_list.highlighted_paper is papers[page_down]


async def test_cursor_row_is_painted_highlighted_and_kept_on_screen() -> None:
    papers = [make_paper(n) for n in range(50)]
    app = ListApp(matches_of(papers))
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        await pilot.press(*["j"] * 25)
        await pilot.pause()
        number = row_number(app, "Paper number 25 ")
        strips = app.screen._compositor.render_strips()
        cursor_style = list(strips[number])[-2].style
        other_style = list(strips[(number + 1) % 10])[-2].style
        assert cursor_style is not None and other_style is not None
        assert cursor_style.bgcolor != other_style.bgcolor


async def test_cursor_stays_put_at_the_ends() -> None:
    app = ListApp(matches_of([make_paper(n) for n in range(3)]))
    async with app.run_test(size=(80, 8)) as pilot:
        await pilot.pause()
        app.highlights.clear()
        await pilot.press("k", "home")
        assert app.papers.highlighted_index == 0
        await pilot.press("G", "j", "pagedown")
        assert app.papers.highlighted_index == 2
        await pilot.pause()
        assert highlighted_ids(app.highlights) == ["2504.00002"]


async def test_bindings_carry_ids() -> None:
    ids = {binding.id for binding in PaperList.BINDINGS if not isinstance(binding, tuple)}
    assert {
        "paper_list.down",
        "paper_list.up",
        "paper_list.first",
        "paper_list.last",
        "paper_list.page_up",
        "paper_list.page_down",
        "paper_list.toggle_expand",
    } <= ids


# ----------------------------------------------------------------------------- expand


async def test_enter_expands_in_place_and_collapses() -> None:
    papers = [
        make_paper(1, "First paper", abstract=LATEX_ABSTRACT, comment="12 pages", doi="10.1/x"),
        make_paper(2, "Second paper"),
    ]
    app = ListApp(matches_of(papers))
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        assert row_number(app, "Second paper") == 1
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert RENDERED_ABSTRACT in text
        assert "Comment: 12 pages" in text
        assert "DOI: 10.1/x" in text
        assert "Categories: cs.LG, cs.AI" in text
        assert row_number(app, "Second paper") > 5  # shifted down by the details
        assert app.papers.is_expanded("2504.00001")

        await pilot.press("enter")
        await pilot.pause()
        assert RENDERED_ABSTRACT not in screen_text(app)
        assert row_number(app, "Second paper") == 1
        assert [(m.paper.id, m.expanded) for m in app.toggles] == [
            ("2504.00001", True),
            ("2504.00001", False),
        ]


@pytest.fixture
def built_details(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the papers whose expanded details the list lays out, in order."""
    import tui.app.widgets.paper_list as paper_list_module
    from tui.app.widgets.paper_row import detail_lines as real_detail_lines

    built: list[str] = []

    def counting_detail_lines(paper: Paper, *args: Any, **kwargs: Any) -> Any:
        built.append(paper.id)
        return real_detail_lines(paper, *args, **kwargs)

    monkeypatch.setattr(paper_list_module, "detail_lines", counting_detail_lines)
    return built


async def test_the_highlighted_papers_details_are_laid_out_before_enter(
    built_details: list[str],
) -> None:
    """Once the cursor rests on a paper its details are prepared, so Enter does not build them."""
    built = built_details
    papers = [make_paper(n, f"Paper {n}", abstract=LATEX_ABSTRACT) for n in range(1, 4)]
    app = ListApp(matches_of(papers))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("j", "j")
        await pilot.pause(0.2)  # the cursor rests on the third paper
        assert built[-1] == "2504.00003"
        before = len(built)
        await pilot.press("enter")
        await pilot.pause()
        assert RENDERED_ABSTRACT in screen_text(app)
        assert len(built) == before  # Enter placed the prepared lines


async def test_nothing_is_laid_out_ahead_while_the_cursor_keeps_moving(
    built_details: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui.app.widgets.paper_list as paper_list_module

    built = built_details
    monkeypatch.setattr(paper_list_module, "_PREPARE_DELAY", 0.4)
    app = ListApp(matches_of([make_paper(n) for n in range(1, 30)]))
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(20):  # key repeat: a move every ~20 ms, well inside the delay
            await pilot.press("j")
            await pilot.pause(0.02)
        assert built == []
        await pilot.pause(1.0)
        assert built == ["2504.00021"]


async def test_space_toggles_like_enter() -> None:
    app = ListApp(matches_of([make_paper(1, abstract=LATEX_ABSTRACT)]))
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        await pilot.press("space")
        await pilot.pause()
        assert RENDERED_ABSTRACT in screen_text(app)
        await pilot.press("space")
        await pilot.pause()
        assert RENDERED_ABSTRACT not in screen_text(app)
        assert [m.expanded for m in app.toggles] == [True, False]


async def test_several_expanded_and_cursor_moves_across_them() -> None:
    papers = [make_paper(n, abstract=f"Abstract of {n}.") for n in range(6)]
    app = ListApp(matches_of(papers))
    async with app.run_test(size=(80, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter", "j", "j", "enter", "j")
        await pilot.pause()
        text = screen_text(app)
        assert "Abstract of 0." in text and "Abstract of 2." in text
        assert "Abstract of 1." not in text
        assert app.papers.highlighted_index == 3
        assert row_number(app, "Paper number 3 ") > row_number(app, "Abstract of 2.")
        await pilot.press("k", "k", "k")
        assert app.papers.highlighted_index == 0


async def test_expansion_survives_show_for_papers_still_present() -> None:
    papers = [make_paper(n, abstract=f"Abstract of {n}.") for n in range(5)]
    app = ListApp(matches_of(papers))
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.pause()
        await pilot.press("j", "enter")
        await pilot.pause()
        app.papers.show(matches_of([papers[0], papers[1], papers[4]]))
        await pilot.pause()
        assert "Abstract of 1." in screen_text(app)
        assert app.papers.highlighted_paper is papers[1]


async def test_expanded_view_folds_three_thousand_authors() -> None:
    authors = tuple(f"Author{n} Name" for n in range(3000))
    app = ListApp(matches_of([make_paper(1, "Big collaboration", authors=authors)]))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert "et al." in line_with(app, "Big collaboration")
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert "Authors (3,000): Author0 Name, Author1 Name" in text
        unwrapped = " ".join(line.removeprefix("  ▎ ").strip() for line in screen_lines(app))
        assert "Author29 Name … and 2,970 more" in unwrapped
        assert "Author30 Name" not in text


async def test_empty_abstract_says_so() -> None:
    app = ListApp(matches_of([make_paper(1, abstract="")]))
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert "(no abstract)" in screen_text(app)


async def test_two_thousand_character_title_truncated_in_row_whole_when_expanded() -> None:
    words = [f"w{n}" for n in range(700)]
    title = " ".join(words)[:2000].rsplit(" ", 1)[0] + " END"
    app = ListApp(matches_of([make_paper(1, title), make_paper(2)]))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        row = screen_lines(app)[0]
        assert "…" in row and "END" not in row
        assert len(row) == 100
        await pilot.press("enter")
        await pilot.pause()
        lines = app.papers._details(0, app.papers.scrollable_content_region.width)
        shown = " ".join(line.plain.removeprefix("  ▎ ").strip() for line in lines)
        assert title in shown
        assert "END" in screen_text(app)


# ----------------------------------------------------------------------------- flags, moves, show


async def test_refresh_papers_repaints_just_that_row(monkeypatch: pytest.MonkeyPatch) -> None:
    papers = [make_paper(n) for n in range(20)]
    app = ListApp(matches_of(papers))
    async with app.run_test(size=(100, 12)) as pilot:
        await pilot.pause()
        assert line_with(app, "Paper number 3 ").startswith("● ☆")

        built: list[str] = []

        def counting_row_content(paper: Paper, *args: Any, **kwargs: Any) -> Content:
            built.append(paper.id)
            return row_content(paper, *args, **kwargs)

        monkeypatch.setattr(paper_list_module, "row_content", counting_row_content)
        app.flags["2504.00003"] = Flag("2504.00003", read=True, starred=True)
        app.papers.refresh_papers(["2504.00003", "not-shown"])
        await pilot.pause()
        assert line_with(app, "Paper number 3 ").startswith("  ★")
        assert built == ["2504.00003"]


async def test_next_unread_skips_read_and_wraps() -> None:
    papers = [make_paper(n) for n in range(5)]
    app = ListApp(matches_of(papers))
    for n in (1, 2, 4):
        app.flags[papers[n].id] = Flag(papers[n].id, read=True)
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        paper_list = app.papers
        assert paper_list.next_unread() is True
        assert paper_list.highlighted_index == 3
        assert paper_list.next_unread() is True
        assert paper_list.highlighted_index == 0  # wrapped past the read 4
        for paper in papers:
            app.flags[paper.id] = Flag(paper.id, read=True)
        assert paper_list.next_unread() is False
        assert paper_list.highlighted_index == 0


async def test_move_to() -> None:
    papers = [make_paper(n) for n in range(40)]
    app = ListApp(matches_of(papers))
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        app.highlights.clear()
        assert app.papers.move_to("2504.00033") is True
        assert app.papers.highlighted_paper is papers[33]
        assert app.papers.move_to("9999.99999") is False
        assert app.papers.highlighted_paper is papers[33]
        await pilot.pause()
        assert "Paper number 33" in screen_text(app)  # scrolled into view
        assert highlighted_ids(app.highlights) == ["2504.00033"]


async def test_show_keeps_the_highlighted_paper() -> None:
    papers = [make_paper(n) for n in range(30)]
    app = ListApp(matches_of(papers))
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        app.papers.move_to(papers[20].id)
        app.papers.show(matches_of(papers[10:]))
        assert app.papers.highlighted_paper is papers[20]
        assert app.papers.highlighted_index == 10

        app.papers.show(matches_of(papers[:5] + papers[21:]))  # gone: the cursor keeps its place
        assert app.papers.highlighted_index == 10
        assert app.papers.highlighted_paper is papers[26]

        app.papers.show(matches_of(papers), keep_position=False)
        assert app.papers.highlighted_index == 0

        await pilot.pause()
        app.highlights.clear()
        app.papers.show([])
        assert app.papers.highlighted_paper is None
        assert app.papers.shown_papers == []
        await pilot.press("j", "enter", "G")  # an empty list ignores keys
        await pilot.pause()
        assert highlighted_ids(app.highlights) == [None]
        assert app.toggles == []


# ----------------------------------------------------------------------------- hostile metadata

HOSTILE_TITLES = {
    "[/]": "[/]",
    "[bold red]x[/]": "[bold red]x[/]",
    "[@click=app.quit]click[/]": "[@click=app.quit]click[/]",
    "Ends with a backslash \\": "Ends with a backslash \\",
    "深層学習による拡散モデルの研究": "深層学習による拡散モデルの研究",
    "Rockets 🚀 and fire 🔥 emoji": "Rockets 🚀 and fire 🔥 emoji",
    "Ame\u0301lie with a combining accent": "Ame\u0301lie with a combining accent",
    "abc\u202edef right-to-left override": "abcdef right-to-left override",
    "Escape \x1b[31m red \x07 bell": "[31m red",
}


async def test_hostile_titles_render_literally_and_clicks_trigger_nothing() -> None:
    papers = [make_paper(n, title) for n, title in enumerate(HOSTILE_TITLES)]
    app = ListApp(matches_of(papers, ("click",)))
    async with app.run_test(size=(120, 20)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        for shown in HOSTILE_TITLES.values():
            assert shown in text
        assert "\u202e" not in text and "\x1b" not in text
        for row in range(len(papers)):
            await pilot.click(PaperList, offset=(10, row))
            await pilot.click(PaperList, offset=(10, row))  # on the cursor row: expands
            await pilot.pause()
            assert app.is_running and app.return_code is None
        await pilot.press("G", "enter")
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert "[@click=app.quit]click[/]" in screen_text(app)


async def test_hostile_authors_comment_and_abstract_render_literally() -> None:
    paper = make_paper(
        1,
        authors=("[b]Bold[/b] Author", "Trailing \\"),
        abstract="[@click=app.quit]abstract[/] with \x1b[2J escape",
        comment="[red]comment[/red]",
        journal_ref="[/]",
    )
    app = ListApp(matches_of([paper]))
    async with app.run_test(size=(120, 20)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert "[b]Bold[/b] Author" in text
        assert "[@click=app.quit]abstract[/] with" in text
        assert "[2J escape" in text and "\x1b" not in text
        assert "Comment: [red]comment[/red]" in text
        assert "Journal ref: [/]" in text
        await pilot.click(PaperList, offset=(10, 5))
        await pilot.pause()
        assert app.is_running and app.return_code is None


def test_safe_text_and_readable() -> None:
    assert safe_text("a\nb\t c\u202e\u2066d") == "a b cd"
    assert safe_text("\x00\x7f\x85") == "␀␡\N{REPLACEMENT CHARACTER}"
    assert readable(r"Lone backslash \\") == "Lone backslash"
    assert readable("Lone backslash \\") == "Lone backslash \\"
    assert readable(r"$\textit{i.e.}$ and \'e") == "i.e. and é"


# ----------------------------------------------------------------------------- sizes


async def test_narrow_terminal_and_resize() -> None:
    papers = [
        make_paper(n, f"A title about diffusion models number {n}", abstract=LATEX_ABSTRACT)
        for n in range(30)
    ]
    app = ListApp(matches_of(papers, ("diffusion",)))
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        lines = screen_lines(app)
        assert all(len(line) == 40 for line in lines)
        assert lines[0].startswith("● ☆ A title about")
        assert "…" in lines[0]
        await pilot.press("j", "enter")
        await pilot.pause()
        assert "Models evolving" in screen_text(app)

        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert RENDERED_ABSTRACT in screen_text(app)
        assert "A title about diffusion models number 1 " in screen_text(app)
        assert all(len(line) == 100 for line in screen_lines(app))

        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        await pilot.press("G")
        await pilot.pause()
        assert app.papers.highlighted_index == 29
        assert "number 29" in screen_text(app) or "…" in line_with(app, "A title")
        await pilot.press("g", "enter")
        await pilot.pause()
        assert app.papers.is_expanded(papers[0].id)
        assert all(len(line) == 40 for line in screen_lines(app))


@pytest.mark.parametrize("width", [40, 57, 80, 133, 220])
def test_rows_fill_exactly_the_width(width: int) -> None:
    style = Style()
    styles = RowStyles(*([style] * 12))
    paper = make_paper(1, "深層学習 🚀 " * 40, kind=Kind.CROSS)
    layout = RowLayout.fit(width, 10, 8)
    row = row_content(
        paper,
        highlight_keywords(readable(paper.title), (), style),
        read=False,
        starred=True,
        layout=layout,
        styles=styles,
    )
    assert row.cell_length == width


async def test_expanding_past_the_screen_brings_a_scrollbar_and_rewraps() -> None:
    abstract = " ".join(f"word{n}" for n in range(80))
    app = ListApp(matches_of([make_paper(1, abstract=abstract), make_paper(2)]))
    async with app.run_test(size=(60, 8)) as pilot:
        await pilot.pause()
        assert app.papers.scrollable_content_region.width == 60
        await pilot.press("enter")
        await pilot.pause()
        assert app.papers.scrollable_content_region.width < 60  # the scrollbar took its columns
        assert "word0 word1" in screen_text(app)
        await pilot.press("j")
        await pilot.pause()
        lines = screen_lines(app)
        assert "word79" in screen_text(app)
        assert "Paper number 2" in lines[-1]
        assert all(len(line) == 60 for line in lines)
        await pilot.press("k", "enter")
        await pilot.pause()
        assert app.papers.scrollable_content_region.width == 60
        assert screen_lines(app)[1].startswith("● ☆ Paper number 2")


def screen_as_textual_draws_it(
    app: ListApp, monkeypatch: pytest.MonkeyPatch
) -> list[list[Segment]]:
    """The whole screen as Textual drew the list before PaperList drew its own lines: Textual's
    general line path, over lines not padded under the scrollbar, every cache empty."""
    with monkeypatch.context() as patch:
        patch.setattr(PaperList, "render_lines", Widget.render_lines)
        patch.setattr(FastRender, "pad", lambda self, strip, full: strip)
        return screen_segments(app)


def screen_segments(app: ListApp) -> list[list[Segment]]:
    app.papers._row_cache.clear()
    app.papers._styles_cache.clear()
    return [list(strip) for strip in app.screen._compositor.render_strips()]


async def test_the_lists_own_line_path_draws_what_textuals_would(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """PaperList hands Textual its cached lines instead of letting Textual rebuild each one:
    segment for segment the same screen, in every state a line can be in."""
    papers = [make_paper(n, abstract=LATEX_ABSTRACT, doi="10.1/x") for n in range(1, 40)]
    app = ListApp(matches_of(papers, keywords=("paper",)))
    async with app.run_test(size=(90, 24)) as pilot:
        await pilot.pause()

        def same_screen(state: str) -> None:
            expected = screen_as_textual_draws_it(app, monkeypatch)
            assert screen_segments(app) == expected, state

        same_screen("first rows")
        for keys in (["enter"], ["j", "j", "enter", "k"], ["pagedown"], ["G"]):
            await pilot.press(*keys)
            await pilot.pause()
            same_screen(" ".join(keys))  # expanded papers: a scrollbar, rows moved down
        papers_list = app.papers
        full = papers_list.size.width
        for crop in (Region(3, 5, full - 10, 7), Region(0, 23, full, 1), Region(full - 1, 0, 1, 9)):
            papers_list._row_cache.clear()
            own = [list(strip) for strip in papers_list.render_lines(crop)]
            with monkeypatch.context() as patch:
                patch.setattr(FastRender, "pad", lambda self, strip, full: strip)
                papers_list._row_cache.clear()
                papers_list._styles_cache.clear()
                textual = [list(strip) for strip in Widget.render_lines(papers_list, crop)]
            assert own == textual, crop
        papers_list.blur()
        await pilot.pause()
        same_screen("blurred")
        app.theme = "textual-light"
        await pilot.pause()
        same_screen("light theme")
        papers_list.styles.scrollbar_gutter = "stable"
        await pilot.resize_terminal(44, 12)
        await pilot.pause()
        same_screen("narrow, gutter kept")


async def test_a_styled_list_goes_through_textuals_line_path() -> None:
    app = ListApp(matches_of([make_paper(n) for n in range(1, 5)]))
    async with app.run_test(size=(80, 10)) as pilot:
        app.papers.styles.padding = (0, 2)
        app.papers.styles.border = ("round", "red")
        await pilot.pause()
        assert not FastRender(app.papers).plainly_styled()
        assert "╭" in screen_text(app) and "Paper number 1" in screen_text(app)


# ---------------------------------------------------------------- two-line rows and sections


def test_wrap_offsets_break_between_words_and_inside_a_word_too_long() -> None:
    from tui.app.widgets.paper_row import wrap_offsets

    title = "Learning to Reason over Long Contexts with Sparse Attention"
    starts = wrap_offsets(title, 24)
    pieces = [title[a:b].strip() for a, b in zip(starts, [*starts[1:], len(title)], strict=True)]
    assert pieces == ["Learning to Reason over", "Long Contexts with", "Sparse Attention"]
    assert wrap_offsets("x" * 50, 20) == (0, 20, 40)
    assert wrap_offsets("a b c d e f g h", 1, limit=3) == (0, 2, 4)  # at most three lines
    assert wrap_offsets("", 20) == (0,)


async def test_two_line_rows_show_the_whole_title_then_authors_id_and_category() -> None:
    long = "A title about diffusion models that goes on " * 3 + "and ends here"
    papers = [make_paper(n, long if n == 1 else f"Short title {n}") for n in range(6)]
    app = ListApp(matches_of(papers), compact=False)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        lines = screen_lines(app)
        joined = " ".join(" ".join(line.split()) for line in lines)
        assert " ".join(long.split()) in joined  # wrapped, not cut
        first = lines[0]
        assert first.startswith("● ☆ Short title 0")
        assert papers[0].id in lines[1] and papers[0].primary_category in lines[1]
        rows = app.papers.row_lines(papers[1].id)
        assert rows is not None and len(rows) == 4  # three title lines and the authors' line
        await pilot.press("j")
        assert app.papers.highlighted_paper == papers[1]
        await pilot.press("j")
        assert app.papers.highlighted_paper == papers[2]


def test_the_fast_title_line_count_agrees_with_the_wrap_on_real_titles() -> None:
    # Every title of arXiv's real day, at every width from 10 to 150: the count found without
    # LaTeX conversion or wrapping (plain ASCII titles) is the wrapped title's line count.
    from conftest import RECORDED

    from tui.adapters.sources.rss import parse_rss
    from tui.app.widgets.paper_row import readable_title, title_line_count, wrap_offsets

    path = RECORDED / "rss-all-archives-2024-11-28.xml"
    if not path.exists():
        pytest.skip("../shared/data is not here")
    _, papers = parse_rss(path.read_bytes(), [])
    titles = [p.title for p in papers] + ["", "  spaced   out  ", "x" * 300, "a " * 200]
    for width in range(10, 151, 7):
        for title in titles:
            expected = len(wrap_offsets(readable_title(title), width))
            assert title_line_count(title, width) == expected, (title, width)


async def test_rows_out_of_sight_at_the_first_paint_are_measured_right_after() -> None:
    # The first MEASURED_FIRST rows are measured for the first paint; the rest take the
    # commonest height and are measured just after it: a long title far down gets its lines.
    from tui.app.widgets.paper_list import MEASURED_FIRST
    from tui.app.widgets.paper_row import title_line_count

    papers = [replace(make_paper(n), title=f"Short title {n}") for n in range(MEASURED_FIRST + 100)]
    far = MEASURED_FIRST + 50
    papers[far] = replace(papers[far], title="A very long title " * 12)
    app = ListApp([Match(p, ()) for p in papers], compact=False)
    async with app.run_test(size=(80, 20)) as pilot:
        await pilot.pause()
        await pilot.pause()
        papers_list = app.papers
        width = papers_list._title_width(papers_list.scrollable_content_region.width)
        expected = title_line_count(papers[far].title, width) + 1
        assert expected > 2
        assert papers_list._map.row_height(far) == expected
        assert papers_list._map.row_height(far + 1) == 2


async def test_a_cursor_far_down_keeps_its_place_when_the_list_is_shown_again() -> None:
    # Rows below the first screens are measured after the first paint; a cursor down there
    # must not lose its place when a filter shows the list again (a review found it 5,000
    # lines off screen).
    from tui.app.widgets.paper_list import MEASURED_FIRST

    papers = [
        replace(
            make_paper(n),
            title=f"Short {n}" if n < MEASURED_FIRST else "A long title " * 10 + str(n),
        )
        for n in range(3000)
    ]
    matches = [Match(p, ()) for p in papers]
    app = ListApp(matches, compact=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        papers_list = app.papers
        assert papers_list.move_to(papers[2000].id)
        await pilot.pause()
        papers_list.show(matches[1:], keep_position=True)
        await pilot.pause()
        await pilot.pause()
        line = papers_list._map.line_of(papers_list._cursor or 0)
        top = papers_list.scroll_offset.y
        assert top <= line < top + papers_list.scrollable_content_region.height
