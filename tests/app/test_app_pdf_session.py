"""PDFs from the app (against the loopback double), picking up where the reader left off, and
what an unexpected error leaves behind."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

import pytest
from app_helpers import (
    RecordingApp,
    cache_days,
    demo_app,
    in_sections,
    make_day,
    settle,
    stored,
    wait_until,
)
from arxiv_double import ArxivDouble
from textual.binding import Binding, BindingType

from tui.adapters.pdf import pdf_file_name
from tui.adapters.sample import load_sample_day
from tui.adapters.session import Session, load_session
from tui.adapters.store import FlagStore
from tui.app import app as app_module
from tui.app.app import ArxivDailyApp, run_app
from tui.core.paper import Paper
from tui.options import Options
from tui.paths import data_dir, state_dir

SIZE = (120, 30)
TUESDAY = date(2025, 4, 8)
SAMPLE = in_sections(load_sample_day())  # as the list shows it
PDF_BODY = b"%PDF-1.7\n" + bytes(range(256)) * 1200 + b"\n%%EOF\n"  # ~300 KB


@pytest.fixture
def pdf_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ArxivDouble]:
    """The double serves every sample paper's PDF; ARXIV_DAILY_PDF_URL points at it."""
    with ArxivDouble() as double:
        for paper in SAMPLE.papers:
            double.set_pdf(paper.id, PDF_BODY)
        monkeypatch.setenv("ARXIV_DAILY_PDF_URL", f"{double.base_url}/pdf/{{id}}")
        yield double


def pdf_folder() -> Path:
    return data_dir() / "pdfs"


def pdf_of(paper: Paper) -> Path:
    return pdf_folder() / pdf_file_name(paper)


def notices(app: RecordingApp, text: str) -> list[tuple[str, str, str]]:
    return [notice for notice in app.notices if text in notice[0] or text in notice[1]]


# ---------------------------------------------------------------- PDFs


async def test_shift_d_downloads_the_pdf_under_a_readable_name(pdf_server: ArxivDouble) -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        paper = SAMPLE.papers[0]
        path = pdf_of(paper)
        assert path.name.startswith("2504.06312 DMol - A Schedule-Driven Diffusion Model")
        assert path.read_bytes() == PDF_BODY
        assert notices(app, "Saved in")
        assert "PDF" not in app.triage.date_bar.text  # the progress is gone once done
        await pilot.press("D")  # there already: not fetched again
        await settle(pilot)
        assert notices(app, "Already downloaded")
        assert len(pdf_server.pdf_requests) == 1


async def test_a_cut_download_shows_progress_says_why_and_resumes(
    pdf_server: ArxivDouble,
) -> None:
    pdf_server.cut_next_pdf(100_000, stall=0.6)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = SAMPLE.papers[0]
        await pilot.press("D")
        await wait_until(
            pilot, lambda: "PDF 2504.06312" in app.triage.date_bar.text, "download progress"
        )
        assert ": 0 KB of 300 KB" in app.triage.date_bar.text
        await settle(pilot)
        problem = notices(app, "Could not download the PDF of 2504.06312")
        assert problem and "try again to continue it" in problem[0][1]
        assert not pdf_of(paper).exists()
        assert list(pdf_folder().glob("*.part"))

        await pilot.press("D")
        await settle(pilot)
        assert pdf_of(paper).read_bytes() == PDF_BODY
        resumed_from = pdf_server.pdf_requests[-1][1]  # what had arrived whole: 64 KB chunks
        assert resumed_from is not None and resumed_from.startswith("bytes=")
        assert 0 < int(resumed_from.removeprefix("bytes=").rstrip("-")) <= 100_000
        assert not list(pdf_folder().glob("*.part"))


async def test_a_different_file_under_the_name_is_never_replaced(pdf_server: ArxivDouble) -> None:
    paper = SAMPLE.papers[0]
    pdf_folder().mkdir(parents=True)
    pdf_of(paper).write_bytes(b"%PDF-1.4 the reader's own annotated copy")
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
    assert pdf_of(paper).read_bytes() == b"%PDF-1.4 the reader's own annotated copy"
    assert pdf_server.pdf_requests == []


async def test_shift_d_on_a_selection_downloads_each(pdf_server: ArxivDouble) -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("v", "j", "v", "D")
        await settle(pilot)
    for paper in (SAMPLE.papers[0], SAMPLE.papers[2]):
        assert pdf_of(paper).read_bytes() == PDF_BODY
    assert not pdf_of(SAMPLE.papers[1]).exists()


async def test_a_missing_pdf_says_so(pdf_server: ArxivDouble) -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pdf_server.set_pdf(SAMPLE.papers[0].id, b"<html>Not found</html>")
        await pilot.press("D")
        await settle(pilot)
        assert notices(app, "not a PDF")
        assert not pdf_folder().exists() or not list(pdf_folder().glob("*.pdf"))


async def test_shift_o_opens_the_pdf_downloading_it_first(pdf_server: ArxivDouble) -> None:
    opened: list[Path] = []
    app = demo_app(app_options={"pdf_opener": opened.append})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "O")
        await settle(pilot)
        paper = SAMPLE.papers[1]
        assert opened == [pdf_of(paper)]
        assert pdf_of(paper).read_bytes() == PDF_BODY
        await pilot.press("O")  # on disk now: opened without a request
        await settle(pilot)
        assert opened == [pdf_of(paper)] * 2
        assert len(pdf_server.pdf_requests) == 1


async def test_shift_o_without_a_viewer_says_where_the_pdf_is(
    pdf_server: ArxivDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARXIV_DAILY_BROWSER", "none")
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("O")
        await settle(pilot)
        path = pdf_of(SAMPLE.papers[0])
        assert app.opened_pdfs == [path]
        assert ("Not opening a PDF viewer here", str(path), "information") in app.notices


async def test_a_failing_viewer_says_why(pdf_server: ArxivDouble) -> None:
    def broken(path: Path) -> None:
        raise OSError("no viewer for you")

    app = demo_app(app_options={"pdf_opener": broken})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("O")
        await settle(pilot)
        assert any(
            title == "Could not open" and "no viewer for you" in message
            for title, message, _ in app.notices
        )


# ---------------------------------------------------------------- the session


def session_on_disk(demo: bool = True) -> dict[str, Any]:
    name = "session-demo.json" if demo else "session.json"
    loaded = json.loads((state_dir() / name).read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


async def test_quitting_keeps_the_place_and_the_next_start_restores_it() -> None:
    cache_days(make_day(TUESDAY, 6, category="cs.CV"))
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        await pilot.press("tab", "enter")  # cs.LG off
        await pilot.press("tab", "enter")  # the Diffusion profile
        await pilot.press("shift+tab", "shift+tab", "slash", *"problem", "enter")
        await settle(pilot)
        await pilot.press("j", "j")
        kept = app.triage.papers.highlighted_paper
        assert kept is not None
        await pilot.press("q")
    saved = session_on_disk()
    assert saved["day"] == "2025-04-08"
    assert saved["categories_off"] == ["cs.LG"]
    assert (saved["profile"], saved["search"], saved["paper_id"]) == (
        "Diffusion",
        "problem",
        kept.id,
    )

    again = demo_app()
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = again.triage
        assert triage.shown_date == TUESDAY
        assert triage.sidebar.enabled_categories == frozenset({"cs.CV", "cs.CL", "cs.AI"})
        assert triage.sidebar.active_profile == "Diffusion"
        assert triage.search_box.value == "problem" and triage.search_box.display
        assert triage.papers.highlighted_paper == kept
        assert len(triage.papers.shown_papers) == 6


async def test_the_newest_day_is_kept_as_the_newest_and_the_paper_comes_back() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j")
        await pilot.press("q")
    assert session_on_disk()["day"] is None  # "the newest", whichever day that will be
    again = demo_app()
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.triage.papers.highlighted_paper == SAMPLE.papers[3]


async def test_the_starred_view_is_restored() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s", "j", "j", "s", "f")
        await settle(pilot)
        await pilot.press("j")
        await pilot.press("q")
    again = demo_app()
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = again.triage
        assert triage.starred_only
        assert {p.id for p in triage.papers.shown_papers} == {
            SAMPLE.papers[0].id,
            SAMPLE.papers[2].id,
        }
        assert triage.papers.highlighted_index == 1


async def test_the_starred_view_is_restored_when_the_flag_store_opens_late() -> None:
    """The restored starred view asks for the starred papers as the first day arrives, maybe
    before the flag store has opened: it waits for the store rather than find none."""
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s", "f")
        await settle(pilot)
        await pilot.press("q")

    def slow_store() -> FlagStore:
        time.sleep(0.5)
        return FlagStore()

    again = demo_app(app_options={"store": slow_store})
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = again.triage
        await wait_until(
            pilot,
            lambda: [p.id for p in triage.papers.shown_papers] == [SAMPLE.papers[0].id],
            "the starred paper, once the slow store has opened",
        )
        assert triage.starred_only
        assert [p.id for p in triage.papers.shown_papers] == [SAMPLE.papers[0].id]


async def test_a_move_is_saved_half_a_second_later_without_quitting() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        keeper = app.session_keeper
        assert keeper is not None
        await wait_until(
            pilot,
            lambda: (
                keeper.last_written is not None
                and keeper.last_written.paper_id == SAMPLE.papers[2].id
            ),
            "the session to be saved",
            timeout=3,
        )
        assert session_on_disk()["paper_id"] == SAMPLE.papers[2].id


async def test_a_date_on_the_command_line_starts_there_instead() -> None:
    cache_days(make_day(TUESDAY, 3))
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "q")
    again = demo_app(date=SAMPLE.date)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.restored is None
        assert again.triage.papers.highlighted_index == 0


async def test_the_demo_keeps_its_own_session() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "q")
    assert (state_dir() / "session-demo.json").exists()
    assert not (state_dir() / "session.json").exists()
    assert ArxivDailyApp(Options()).restored is None


async def test_a_damaged_session_file_is_set_aside_with_a_notice() -> None:
    state_dir().mkdir(parents=True)
    (state_dir() / "session-demo.json").write_text("{not json", encoding="utf-8")
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert notices(app, "session-demo.json was unreadable")
        assert len(app.triage.papers.shown_papers) == 16
    assert load_session(state_dir() / "session-demo.json") is not None  # written anew


# ---------------------------------------------------------------- crash reports


class CrashingApp(RecordingApp):
    """The real app with one more key, X, whose action fails as a bug would."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("X", "explode", "Explode")]

    def action_explode(self) -> None:
        raise RuntimeError("an unexpected failure in an action")


async def test_an_unexpected_error_leaves_a_report_and_loses_no_flag() -> None:
    app = CrashingApp(Options(demo=True))
    with pytest.raises(RuntimeError, match="unexpected failure"):
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("s", "j", "s", "r", "j", "X")
            await pilot.pause()
    report = app.crash_report
    assert report is not None and report.parent == state_dir()
    text = report.read_text(encoding="utf-8")
    assert "RuntimeError: an unexpected failure in an action" in text
    assert "Traceback" in text and "action_explode" in text
    actions = text[text.index("last actions") : text.index("traceback:")]
    assert actions.index("toggle_star") < actions.index("toggle_read") < actions.index("explode")
    ids = [paper.id for paper in SAMPLE.papers[:3]]
    flags = stored(ids)
    assert [i for i in ids if flags[i].starred] == ids[:2]
    assert [i for i in ids if flags[i].read] == [ids[1]]
    assert Session.from_json(session_on_disk()).paper_id == ids[2]


def test_run_app_prints_where_the_report_is(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class HeadlessCrash(CrashingApp):
        def run(self, **kwargs: Any) -> Any:
            async def crash(pilot: Any) -> None:
                await pilot.pause()
                await pilot.press("X")

            return super().run(headless=True, size=SIZE, auto_pilot=crash)

    monkeypatch.setattr(app_module, "ArxivDailyApp", HeadlessCrash)
    code = run_app(Options(demo=True))
    err = capsys.readouterr().err
    assert code == 1
    reports = list(state_dir().glob("crash-*.txt"))
    assert len(reports) == 1
    assert f"arxiv-daily stopped on an unexpected error; a report is in {reports[0]}" in err


async def test_a_date_on_the_command_line_is_not_saved_as_the_session() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "q")
    before = session_on_disk()
    cache_days(make_day(TUESDAY, 3))
    visit = demo_app(date=SAMPLE.date)
    async with visit.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        await pilot.press("j", "q")
    assert visit.session_keeper is None
    assert session_on_disk() == before  # the plain start still comes back to where it was


@pytest.mark.parametrize(
    ("saved", "opened"),
    [
        ("2025-04-05", date(2025, 4, 4)),  # a Saturday: the Friday before
        ("1990-05-01", SAMPLE.date),  # before arXiv: the newest
    ],
)
async def test_a_saved_session_on_a_day_without_a_listing_opens_a_listing_day(
    saved: str, opened: date
) -> None:
    cache_days(make_day(date(2025, 4, 4), 2))
    path = state_dir() / "session-demo.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"day": saved}), encoding="utf-8")
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.triage.shown_date == opened
        assert not [n for n in app.notices if n[2] == "error"]
