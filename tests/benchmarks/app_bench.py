"""The triage screen on a big cached day, run by hand: ``python tests/benchmarks/app_bench.py [N]``.

Caches a synthetic day of N (default 5,000) papers in a fresh data dir, then times, headless
(App.run_test, 120x40):
- first paint: from creating the app until the first screen update with the list's rows in it
  (cache read and index build in a worker, list render);
- key to screen for j (next paper), enter (expand + mark read) and s (star): from the key press
  until the compositor has produced the screen update that shows it (median and worst of many
  presses). Headless, so the terminal write itself is not included; Textual paints at most
  60 times a second, so up to ~17 ms of that is waiting for the next frame;
- a search keystroke (the list filtered anew, ranked by the fuzzy index: exact words, then
  a query full of typos) and A (mark all 5,000 read, written behind);
- how long after the rows the fuzzy index is ready (built on a worker; until then the search
  filters by substring).
Pilot's own waiting (tens of ms per press, for idleness) is outside these figures.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from textual.pilot import Pilot  # noqa: E402

from tui.adapters.day_cache import DayCache  # noqa: E402
from tui.app.app import ArxivDailyApp  # noqa: E402
from tui.app.screens.triage import TriageScreen  # noqa: E402
from tui.core.listing import listing_window  # noqa: E402
from tui.core.paper import Day, Kind, Paper  # noqa: E402
from tui.options import Options  # noqa: E402

DAY = date(2025, 4, 8)
NOW = datetime(2025, 4, 9, 16, 0, tzinfo=UTC)  # DAY is not the newest listing: no fetch
CATEGORIES = ("cs.LG", "cs.CV", "cs.CL", "cs.AI")
WORDS = (
    *("diffusion", "model", "score", "matching", "transformer", "attention", "graph", "neural"),
    *("network", "sparse", "latent", "variational", "bound", "convergence", "stochastic"),
    *("gradient", "policy", "reinforcement", "robust", "efficient", "scalable", "benchmark"),
    *("federated", "contrastive", "retrieval", "language", "vision", "$\\mathcal{O}(n^2)$"),
)
SIZE = (120, 40)


def synthetic_day(size: int) -> Day:
    rng = random.Random(11)
    start, end = listing_window(DAY)
    papers = []
    for number in range(size):
        moment = start + (end - start) * rng.random()
        categories = tuple(rng.sample(CATEGORIES, rng.randint(1, 3)))
        papers.append(
            Paper(
                id=f"2504.{number + 10000:05d}",
                version=rng.randint(1, 3),
                title=" ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 16))).capitalize(),
                authors=tuple(f"Author {rng.randint(1, 9999)}" for _ in range(rng.randint(1, 12))),
                abstract=" ".join(rng.choice(WORDS) for _ in range(rng.randint(120, 250))),
                categories=categories,
                published=moment,
                updated=moment,
                kind=rng.choice(list(Kind)),
            )
        )
    return Day(DAY, CATEGORIES, tuple(papers), fetched_at=NOW, source="arxiv")


class Frames:
    """When the app finished handling something, and when the compositor produced screen updates."""

    def __init__(self, app: ArxivDailyApp) -> None:
        self.times: list[float] = []
        self.handled: float = 0.0
        display = app._display
        dispatch = app._dispatch_action

        def timed_display(screen: Any, renderable: Any) -> None:
            if renderable is not None:
                self.times.append(time.perf_counter())
            display(screen, renderable)

        async def timed_dispatch(*args: Any, **kwargs: Any) -> bool:
            result = await dispatch(*args, **kwargs)
            self.handled = time.perf_counter()
            return result

        app._display = timed_display  # type: ignore[method-assign]
        app._dispatch_action = timed_dispatch  # type: ignore[method-assign]

    def watch_view(self, triage: TriageScreen) -> None:
        """Search keys are typed into an Input, not run as actions: time the view refresh."""
        refresh_view = triage._refresh_view

        def timed_refresh(*args: Any, **kwargs: Any) -> None:
            refresh_view(*args, **kwargs)
            self.handled = time.perf_counter()

        triage._refresh_view = timed_refresh  # type: ignore[method-assign]

    def first_after(self, moment: float) -> float | None:
        return next((t for t in self.times if t >= moment), None)


async def press_times(pilot: Pilot[int], frames: Frames, key: str, times: int) -> list[float]:
    """Key press to the first screen update after the key was handled."""
    samples = []
    for _ in range(times):
        frames.handled = 0.0
        began = time.perf_counter()
        await pilot.press(key)
        await pilot.pause()
        if frames.handled < began:
            continue  # nothing to do (the cursor was already at the end)
        painted = frames.first_after(frames.handled)
        if painted is None:
            continue  # nothing changed on screen
        samples.append(painted - began)
    return samples


def line(label: str, samples: list[float]) -> str:
    if not samples:
        return f"{label:<34} (nothing to measure)"
    median = statistics.median(samples) * 1000
    worst = max(samples) * 1000
    return f"{label:<34} median {median:7.1f} ms   worst {worst:7.1f} ms   ({len(samples)} presses)"


async def bench(size: int) -> None:
    day = synthetic_day(size)
    began = time.perf_counter()
    DayCache().save(day)
    print(f"cached a day of {size:,} papers in {time.perf_counter() - began:.2f} s")

    began = time.perf_counter()
    app = ArxivDailyApp(Options(date=DAY), now=lambda: NOW, opener=lambda url: None)
    frames = Frames(app)
    async with app.run_test(size=SIZE) as pilot:
        triage = app.triage
        while len(triage.papers.shown_papers) < size:
            await pilot.pause(0.001)
        shown_at = time.perf_counter()
        await pilot.pause()
        painted = frames.first_after(shown_at)
        assert painted is not None
        rows = [triage.papers.render_line(y).text for y in range(3)]
        assert all(r.strip() for r in rows), rows
        print(f"{'first paint (app start → rows)':<34} {(painted - began) * 1000:7.0f} ms")
        while triage._fuzzy is None:
            await pilot.pause(0.005)
        fuzzy_ready = (time.perf_counter() - shown_at) * 1000
        print(f"{'fuzzy index ready after the rows':<34} {fuzzy_ready:7.0f} ms")
        await app.workers.wait_for_complete()
        await pilot.pause()
        frames.watch_view(triage)

        print(line("j (next paper)", await press_times(pilot, frames, "j", 200)))
        expand = []
        for _ in range(40):
            expand += await press_times(pilot, frames, "enter", 1)  # expand + mark read
            await press_times(pilot, frames, "enter", 1)  # collapse
            await press_times(pilot, frames, "j", 1)
        print(line("enter (expand, marks read)", expand))
        print(line("s (star)", await press_times(pilot, frames, "s", 100)))
        await press_times(pilot, frames, "slash", 1)
        typed: list[float] = []
        for key in "graph":
            typed += await press_times(pilot, frames, key, 1)
        print(line("search keystroke (typing graph)", typed))
        await press_times(pilot, frames, "escape", 1)
        await press_times(pilot, frames, "slash", 1)
        typed = []
        searches = triage.fuzzy_searches
        for key in "difusion modle convergnce":
            typed += await press_times(pilot, frames, "space" if key == " " else key, 1)
        assert triage.fuzzy_searches > searches, "the fuzzy index answered"
        print(line("search keystroke (typos)", typed))
        await press_times(pilot, frames, "escape", 1)
        print(line("A (mark all shown read)", await press_times(pilot, frames, "A", 1)))
        began = time.perf_counter()
        await app.flush_flags()
        flushed = (time.perf_counter() - began) * 1000
        print(f"{'flags written behind, flushed in':<34} {flushed:7.0f} ms")
        await pilot.press("q")


def run_offline(bench: Callable[[int], Coroutine[Any, Any, None]]) -> None:
    """Run ``bench`` with the size given on the command line (5,000 by default) in a fresh data
    dir, arXiv pointed at a closed port, no browser, the clipboard as OSC 52."""
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    with tempfile.TemporaryDirectory() as data:
        os.environ["ARXIV_DAILY_DATA_DIR"] = data
        os.environ["ARXIV_DAILY_API_URL"] = "http://127.0.0.1:9/api/query"
        os.environ["ARXIV_DAILY_RSS_URL"] = "http://127.0.0.1:9/rss/{categories}"
        os.environ["ARXIV_DAILY_BROWSER"] = "none"
        os.environ["ARXIV_DAILY_CLIPBOARD"] = "osc52"
        asyncio.run(bench(size))


def main() -> None:
    run_offline(bench)


if __name__ == "__main__":
    main()
