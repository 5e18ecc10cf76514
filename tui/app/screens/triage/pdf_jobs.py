"""PDF downloads from the triage screen (``D``, and ``O`` which opens them after): which papers
are being fetched, the progress line for the date bar, and the worker's body."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from textual.message import Message

from tui.app.messages import PdfFinished, PdfJobEnded, PdfProgressed
from tui.core.paper import Paper

PROGRESS_INTERVAL = 0.1
"""Seconds between two progress reports of a download."""


def size_text(count: int) -> str:
    if count < 1024 * 1024:
        return f"{count / 1024:.0f} KB"
    return f"{count / (1024 * 1024):.1f} MB"


class PdfJobs:
    """Downloads into ``folder`` (None: downloads are off), reported through ``post``."""

    def __init__(self, folder: Path | None, post: Callable[[Message], object]) -> None:
        self.folder = folder
        self._post = post
        self._busy: set[str] = set()
        self._cancel = threading.Event()
        self.activity = ""
        """What the date bar says about the download under way ("" when none is)."""

    def take(self, papers: Sequence[Paper]) -> tuple[list[Paper], str | None]:
        """The papers a new job should fetch (those not already being fetched, now counted as
        busy), and what to tell the user, if anything."""
        if self.folder is None:
            return [], "No PDF folder is set."
        busy = [paper.id for paper in papers if paper.id in self._busy]
        fresh = [paper for paper in papers if paper.id not in self._busy]
        self._busy.update(paper.id for paper in fresh)
        notice = None
        if busy:
            notice = "Already downloading " + ", ".join(busy[:3]) + ("…" if len(busy) > 3 else "")
            notice += "."
        return fresh, notice

    def fetch(self, papers: Sequence[Paper], then_open: bool) -> None:
        """Worker thread: each paper's PDF, from the folder if it is there, else downloaded."""
        # Imported here, on the worker: it brings in requests, which start-up goes without.
        from tui.adapters.pdf import PdfCancelled, PdfError, download_pdf, local_pdf

        folder, cancel, post = self.folder, self._cancel, self._post
        assert folder is not None
        try:
            for number, paper in enumerate(papers, 1):
                if cancel.is_set():
                    return
                position = f"{number}/{len(papers)}" if len(papers) > 1 else ""
                existing = local_pdf(paper, folder)
                if existing is not None:
                    post(
                        PdfFinished(
                            paper.id,
                            path=existing,
                            problem=None,
                            already_there=True,
                            then_open=then_open,
                        )
                    )
                    continue
                try:
                    path = download_pdf(
                        paper,
                        folder,
                        progress=self._reporter(paper.id, position),
                        cancel=cancel,
                    )
                except PdfCancelled:
                    return
                except PdfError as error:
                    post(PdfFinished(paper.id, path=None, problem=str(error)))
                    continue
                post(PdfFinished(paper.id, path=path, problem=None, then_open=then_open))
        finally:
            post(PdfJobEnded([paper.id for paper in papers]))

    def _reporter(self, paper_id: str, position: str) -> Callable[[int, int | None], None]:
        last = 0.0

        def report(done: int, total: int | None) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_INTERVAL or (total is not None and done >= total):
                last = now
                self._post(PdfProgressed(paper_id, done, total, position=position))

        return report

    def progressed(self, message: PdfProgressed) -> bool:
        """Take in a progress report; whether the activity line changed."""
        if message.paper_id not in self._busy:
            return False
        size = size_text(message.done)
        if message.total:
            size += f" of {size_text(message.total)}"
        position = f" {message.position}" if message.position else ""
        self.activity = f"PDF{position} {message.paper_id}: {size}"
        return True

    def ended(self, message: PdfJobEnded) -> None:
        self._busy.difference_update(message.paper_ids)
        if not self._busy:
            self.activity = ""

    def stop(self) -> None:
        """The screen goes: no download goes on."""
        self._cancel.set()
