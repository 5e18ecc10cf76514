"""The triage screen's parts on their own: selection, undo steps, PDF jobs, watch marks."""

from __future__ import annotations

from concurrent.futures import Future
from datetime import date
from pathlib import Path

from app_helpers import make_paper
from textual.message import Message

from tui.app.messages import PdfJobEnded, PdfProgressed, WatchMatched
from tui.app.screens.triage.pdf_jobs import PdfJobs
from tui.app.screens.triage.selection import Selection
from tui.app.screens.triage.undo import KEPT, UndoHistory, UndoStep
from tui.app.screens.triage.watch_marks import WatchJob, WatchMarks
from tui.core.watch import WatchList

DAY = date(2025, 4, 9)
A, B, C = (make_paper(n, DAY) for n in (1, 2, 3))


def test_selection_targets_toggles_and_exports_in_selection_order() -> None:
    selection = Selection()
    assert selection.targets(A) == [A]  # nothing selected: the highlighted paper
    assert selection.targets(None) == []
    selection.toggle(C)
    selection.toggle(A)
    assert selection.targets(B) == [C, A]
    selection.toggle(C)
    assert selection.papers == [A]
    selection.toggle_all([A, B])  # not all selected: select them all
    assert selection.papers == [A, B]
    selection.toggle_all([A, B])  # all selected: unselect them
    assert not selection
    selection.toggle(B)
    matches, what, title, stem = selection.export([], "arXiv 2025-04-09", "2025-04-09")
    assert [m.paper for m in matches] == [B]
    assert (what, title, stem) == (
        "the 1 selected paper",
        "arXiv 2025-04-09, selected",
        "2025-04-09-selected",
    )
    assert selection.clear() == [B.id] and len(selection) == 0


def test_an_undo_puts_back_what_the_store_held_not_what_the_screen_saw() -> None:
    written: Future[dict[str, bool | str]] = Future()
    before = {A.id: False, B.id: False, C.id: True}
    step = UndoStep("star 3 papers", "starred", before, True, written)
    assert step.changes() == {A.id: (True, False), B.id: (True, False)}  # C was starred already
    written.set_result({A.id: True})  # another reader had starred A just before
    assert step.changes() == {B.id: (True, False)}


def test_undo_keeps_the_last_fifty_steps() -> None:
    history = UndoHistory()
    for n in range(KEPT + 5):
        history.push(UndoStep(f"step {n}", "read", {A.id: False}, True))
    steps = []
    while (step := history.pop()) is not None:
        steps.append(step.label)
    assert len(steps) == KEPT and steps[0] == f"step {KEPT + 4}" and steps[-1] == "step 5"


def test_a_pdf_job_takes_only_papers_not_already_downloading(tmp_path: Path) -> None:
    posted: list[Message] = []
    assert PdfJobs(None, posted.append).take([A]) == ([], "No PDF folder is set.")
    jobs = PdfJobs(tmp_path, posted.append)
    assert jobs.take([A, B]) == ([A, B], None)
    fresh, notice = jobs.take([B, C])
    assert fresh == [C] and notice == f"Already downloading {B.id}."
    assert jobs.progressed(PdfProgressed(B.id, 2048, 4 * 1024 * 1024, position="2/3"))
    assert jobs.activity == f"PDF 2/3 {B.id}: 2 KB of 4.0 MB"
    assert not jobs.progressed(PdfProgressed("2504.99999", 1, None, position=""))
    jobs.ended(PdfJobEnded([A.id, B.id]))
    assert jobs.activity  # C is still going
    jobs.ended(PdfJobEnded([C.id]))
    assert jobs.activity == ""


def test_watch_marks_drop_matches_of_an_older_list() -> None:
    posted: list[Message] = []
    saved: list[str] = []
    marks = WatchMarks(WatchList(), save=saved.append, remove=None, post=posted.append)
    job = marks.add("Ada  Lovelace", [A, B])
    assert isinstance(job, WatchJob) and job.name == "Ada Lovelace" and job.version == 1
    assert marks.add("Ada Lovelace", []) == "Ada Lovelace is already watched (as Ada Lovelace)."
    marks.run(job)  # on a worker: written to the settings, then matched
    assert saved == ["Ada Lovelace"]
    matched = posted[-1]
    assert isinstance(matched, WatchMatched) and set(matched.hits) == {A.id, B.id}
    later = marks.remove("ada lovelace", [A, B])
    assert isinstance(later, WatchJob) and later.version == 2
    assert not marks.matched(matched)  # made with list 1: dropped
    assert marks.hits == {}
    assert marks.remove("Alan Turing", []) == "Alan Turing is not watched."
