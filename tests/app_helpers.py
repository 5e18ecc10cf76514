"""Shared pieces of the app's Pilot tests (no tests here): a recording app, days, waiting."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

import factories
from arxiv_double import ArxivDouble
from factories import ANNOUNCED
from textual.pilot import Pilot

from tui.adapters.day_cache import DayCache
from tui.adapters.store import Flag, FlagStore
from tui.app.app import ArxivDailyApp
from tui.app.screens.triage import TriageScreen
from tui.app.widgets.key_hints import KeyHints
from tui.core.paper import Day, Kind, Paper, Provenance
from tui.options import Options

FIXED_NOW = datetime(2025, 4, 9, 16, 0, tzinfo=UTC)
"""Noon in New York on Wed 2025-04-09: the newest listing is that day's."""


class RecordingApp(ArxivDailyApp):
    """The real app, remembering every notification and every page it was asked to open."""

    def __init__(self, options: Options, **kwargs: Any) -> None:
        self.opened: list[str] = []
        kwargs.setdefault("now", lambda: FIXED_NOW)
        kwargs.setdefault("opener", self.opened.append)
        super().__init__(options, **kwargs)
        self.notices: list[tuple[str, str, str]] = []
        self.markup_notices: list[str] = []
        """Notifications whose message was parsed as markup (data must never be)."""

    def notify(
        self, message: str, *, title: str = "", severity: Any = "information", **kw: Any
    ) -> None:
        self.notices.append((title, message, str(severity)))
        if kw.get("markup", False):
            self.markup_notices.append(message)
        super().notify(message, title=title, severity=severity, **kw)

    def notice_text(self) -> str:
        return "\n".join(
            f"{title}: {message} [{severity}]" for title, message, severity in self.notices
        )

    @property
    def screen_text(self) -> str:
        """The date bar and the visible rows of the list, as plain text."""
        triage = self.triage
        return triage.date_bar.text + "\n" + "\n".join(visible_rows(triage))


def demo_app(app_options: dict[str, Any] | None = None, **options: Any) -> RecordingApp:
    """The app on the sample day; ``options`` are Options fields, ``app_options`` the app's."""
    return RecordingApp(Options(demo=True, **options), **(app_options or {}))


def visible_rows(triage: TriageScreen) -> list[str]:
    papers = triage.papers
    return [papers.render_line(y).text for y in range(papers.size.height)]


def row_of(triage: TriageScreen, paper_id: str) -> str:
    """The painted row of a paper (shown, on screen or scrolled off): its lines (in the
    two-line list, the title's, then authors, id and category) joined by a space."""
    strips = triage.papers.row_strips(paper_id)
    if strips:
        return " ".join(strip.text for strip in strips)
    raise AssertionError(f"{paper_id} is not shown:\n" + "\n".join(visible_rows(triage)))


async def settle(pilot: Pilot[Any]) -> None:
    """Every worker done, every message handled, every flag write on disk."""
    app = pilot.app
    assert isinstance(app, ArxivDailyApp)
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()
    await app.flush_flags()
    await pilot.pause()
    # The key hints follow the first day's paint (or half a second): on screen before a check.
    for screen in app.screen_stack:
        if isinstance(screen, TriageScreen):
            shown = partial(_hints_shown, screen.query_one(KeyHints))
            await wait_until(pilot, shown, "the key hints")
            await pilot.pause()


def _hints_shown(hints: KeyHints) -> bool:
    return not hints.held and bool(hints.children)


async def type_text(pilot: Pilot[Any], text: str) -> None:
    """Type ``text`` a key at a time, as a person does (spaces as the space key)."""
    for character in text:
        await pilot.press("space" if character == " " else character)


async def wait_until(
    pilot: Pilot[Any], condition: Callable[[], bool], what: str, timeout: float = 5.0
) -> None:
    """Poll (between screen updates) until ``condition`` holds; fail saying ``what`` did not."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


def stored(ids: Sequence[str]) -> dict[str, Flag]:
    """The flags as a fresh store on the same directory reads them from disk."""
    with FlagStore() as store:
        return {paper_id: store.get(paper_id) for paper_id in ids}


def make_paper(
    number: int, day: date, *, category: str = "cs.LG", title: str | None = None
) -> Paper:
    """A paper of the app's synthetic days, submitted inside the listing window of ``day``."""
    return factories.paper(
        number=number,
        day=day,
        title=title or f"Synthetic paper {number} on {category} for {day.isoformat()}",
        authors=("Ada Lovelace", "Alan Turing"),
        abstract=f"We study problem {number}. Its diffusion is measured in many settings.",
        categories=(category,),
    )


def make_day(
    day: date,
    count: int,
    *,
    first: int = 1,
    category: str = "cs.LG",
    provenance: Provenance = ANNOUNCED,
) -> Day:
    """A day as arXiv announced it (a kept one is final: the app does not fetch it again)."""
    papers = (make_paper(first + i, day, category=category) for i in range(count))
    return factories.day(day, papers, provenance=provenance)


def serve_day(double: ArxivDouble, day: Day, *, now: datetime = FIXED_NOW) -> None:
    """Announce ``day``'s papers on arXiv's double (pages, RSS, API), its clock at ``now``."""
    double.now = now
    for paper in day.papers:
        double.announce(day.date, paper, "replace" if paper.kind is Kind.REPLACE else "new")


def cache_days(*days: Day) -> None:
    cache = DayCache()
    for day in days:
        cache.save(day)


def star_in_store(ids: Sequence[str]) -> None:
    with FlagStore() as store:
        store.set_starred(list(ids), True)


def in_sections(day: Day) -> Day:
    """``day`` with its papers in the order the list shows them in the day's order: arXiv's
    sections (new submissions, cross-lists, replacements), the day's order within each."""
    rank = {Kind.NEW: 0, Kind.CROSS: 1, Kind.REPLACE: 2}
    return replace(day, papers=tuple(sorted(day.papers, key=lambda paper: rank[paper.kind])))
