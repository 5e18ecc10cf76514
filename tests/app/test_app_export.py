"""Exports from the app: `e` writes the papers shown (or the starred ones) as Markdown, BibTeX or
JSON through a small dialog; `B` copies one paper's BibTeX."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from app_helpers import demo_app, settle, wait_until
from textual.widgets import Input, OptionList

from tui.app.dialogs.export import ExportScreen, file_stem
from tui.app.screens.triage import TriageScreen
from tui.config import Config
from tui.core.export import to_bibtex
from tui.core.follow import DEFAULT_FOLLOW

SIZE = (110, 36)


@pytest.fixture(autouse=True)
def terminal_clipboard_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARXIV_DAILY_CLIPBOARD", "osc52")


def export_screen(app: object) -> ExportScreen:
    screen = getattr(app, "screen", None)
    assert isinstance(screen, ExportScreen), screen
    return screen


def path_shown(app: object) -> str:
    return export_screen(app).query_one("#export-path", Input).value


def test_file_stems_are_plain_ascii_words() -> None:
    assert file_stem("2025-04-09", "Diffusion", "") == "2025-04-09-diffusion"
    assert (
        file_stem("starred", "2025-04-09", "Rémy's LoRA / 3D")
        == "starred-2025-04-09-remy-s-lora-3d"
    )
    assert file_stem("", "") == "papers"
    assert len(file_stem("2025-04-09", "x" * 200)) <= 60


async def test_e_exports_the_filtered_day_as_bibtex(isolated_dirs: Path) -> None:
    config = Config(follow=replace(DEFAULT_FOLLOW, default_profile="Diffusion"))
    app = demo_app(app_options={"config": config})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = list(app.triage.papers.shown_papers)
        await pilot.press("e")
        await pilot.pause()
        exports = isolated_dirs / "exports"
        assert path_shown(app) == str(exports / "2025-04-09-diffusion.md")
        assert "16 papers of Wed 2025-04-09, profile Diffusion" in str(
            export_screen(app).query_one("#export-what").render()
        )
        await pilot.press("down")  # BibTeX: the suggested file follows the format
        assert path_shown(app) == str(exports / "2025-04-09-diffusion.bib")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TriageScreen)
        target = exports / "2025-04-09-diffusion.bib"
        assert target.read_text(encoding="utf-8") == to_bibtex(shown)
        assert ("Exported", f"16 papers as BibTeX in {target}", "information") in app.notices
        assert not list(exports.glob("*.tmp-*"))


async def test_e_exports_what_the_search_leaves_as_markdown(isolated_dirs: Path) -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"transformer", "enter")
        await settle(pilot)
        shown = [p.id for p in app.triage.papers.shown_papers]
        assert 0 < len(shown) < 16
        await pilot.press("e")
        await pilot.pause()
        target = isolated_dirs / "exports" / "2025-04-09-transformer.md"
        assert path_shown(app) == str(target)
        await pilot.press("enter")
        await settle(pilot)
        text = target.read_text(encoding="utf-8")
        assert text.startswith(
            "# arXiv 2025-04-09 (cs.LG, cs.CV, cs.CL, cs.AI), matching transformer"
        )
        assert all(f"arxiv.org/abs/{paper_id}" in text for paper_id in shown)
        assert text.count("\n### ") == len(shown)


async def test_e_in_the_starred_view_exports_the_starred_as_json(isolated_dirs: Path) -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first, third = (app.triage.papers.shown_papers[i].id for i in (0, 2))
        await pilot.press("s", "j", "j", "s", "f")
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("down", "down")
        target = isolated_dirs / "exports" / "starred-2025-04-09.json"
        assert path_shown(app) == str(target)
        await pilot.press("enter")
        await settle(pilot)
        data = json.loads(target.read_text(encoding="utf-8"))
        assert data["count"] == 2
        assert {paper["id"] for paper in data["papers"]} == {first, third}
        assert data["title"] == "Starred arXiv papers"


async def test_a_typed_path_is_used_and_escape_writes_nothing(
    isolated_dirs: Path, tmp_path: Path
) -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TriageScreen)
        assert not (isolated_dirs / "exports").exists()

        await pilot.press("e")
        await pilot.pause()
        field = export_screen(app).query_one("#export-path", Input)
        target = tmp_path / "mine" / "today.markdown"
        field.value = str(target)
        await pilot.press("tab")
        assert field.has_focus
        await pilot.press("enter")
        await settle(pilot)
        assert target.read_text(encoding="utf-8").startswith("# arXiv 2025-04-09")


async def test_a_file_that_cannot_be_written_is_an_error_notice(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        export_screen(app).query_one("#export-path", Input).value = str(blocker / "x.md")
        export_screen(app).query_one("#export-format", OptionList).focus()
        await pilot.press("enter")
        await settle(pilot)
        errors = [n for n in app.notices if n[2] == "error"]
        assert errors and errors[0][0] == "Could not export"
        assert str(blocker / "x.md") in errors[0][1]


async def test_writing_the_same_file_again_says_it_replaced_it(isolated_dirs: Path) -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(2):
            await pilot.press("e")
            await pilot.pause()
            await pilot.press("enter")
            await settle(pilot)
        await wait_until(
            pilot, lambda: len([n for n in app.notices if n[0] == "Exported"]) == 2, "two exports"
        )
        assert "replaced the earlier file" in [n for n in app.notices if n[0] == "Exported"][1][1]


async def test_e_with_nothing_shown_says_so() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zzqx", "enter")
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, TriageScreen)
        assert any("Nothing to export" in m for _, m, _ in app.notices)


async def test_shift_b_copies_the_bibtex_entry() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j")  # the second of the new submissions
        paper = app.triage.papers.highlighted_paper
        assert paper is not None and paper.id == "2504.06416"
        await pilot.press("b")
        await settle(pilot)
        assert app.clipboard == to_bibtex([paper])
        assert app.clipboard.startswith("@misc{fathi2025unifying,")
        assert ("", "Copied BibTeX of 2504.06416", "information") in app.notices
