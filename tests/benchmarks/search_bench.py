"""The search box in the app on a realistic 5,000-paper day.

Run by hand: ``python tests/benchmarks/search_bench.py``.

The day is fuzzy_bench.py's (the real RSS day of 2024-11-28 from ../shared/data when present,
topped up to 5,000 papers from its real sentences), cached and opened in the app headless
(120x40). Each query of fuzzy_bench.QUERIES is typed one character at a time; a keystroke is
timed from the key press to the first screen update after the list was filtered anew (ranked by
the FuzzyIndex once it is built). The same keystrokes are then timed with the fuzzy index
withheld (the substring filter the app falls back to while the index is being built).

Target: ≤ 50 ms per keystroke at 5,000 papers. Textual paints at most 60 times a second, so up
to ~17 ms of each figure is waiting for the next frame.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from app_bench import Frames, press_times  # noqa: E402
from fuzzy_bench import QUERIES, SIZE, make_day, real_papers  # noqa: E402
from textual.pilot import Pilot  # noqa: E402

from tui.adapters.day_cache import DayCache  # noqa: E402
from tui.app.app import ArxivDailyApp  # noqa: E402
from tui.core.listing import listing_window  # noqa: E402
from tui.core.paper import Day  # noqa: E402
from tui.options import Options  # noqa: E402

DAY = date(2025, 4, 8)
NOW = datetime(2025, 4, 9, 16, 0, tzinfo=UTC)  # DAY is not the newest listing: no fetch
CATEGORIES = ("cs.LG", "cs.CV", "cs.CL", "cs.AI")
SCREEN = (120, 40)


def realistic_day() -> Day:
    rng = random.Random(20241128)
    start, end = listing_window(DAY)
    papers = []
    for number, paper in enumerate(make_day(SIZE, real_papers(), rng)):
        moment = start + (end - start) * (number + 1) / (SIZE + 2)
        categories = (CATEGORIES[number % 4], *paper.categories[:2])
        papers.append(replace(paper, categories=categories, published=moment, updated=moment))
    return Day(DAY, CATEGORIES, tuple(papers), fetched_at=NOW, source="arxiv")


async def type_queries(pilot: Pilot[int], frames: Frames) -> list[float]:
    samples: list[float] = []
    for query in QUERIES:
        await press_times(pilot, frames, "slash", 1)
        for char in query:
            key = "space" if char == " " else char
            samples += await press_times(pilot, frames, key, 1)
        await press_times(pilot, frames, "escape", 1)
    return samples


def line(label: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95)] * 1000
    return (
        f"{label:<28} median {statistics.median(ordered) * 1000:6.1f} ms   95th {p95:6.1f} ms"
        f"   worst {ordered[-1] * 1000:6.1f} ms   ({len(ordered)} keystrokes)"
    )


async def bench() -> None:
    day = realistic_day()
    DayCache().save(day)
    app = ArxivDailyApp(Options(date=DAY), now=lambda: NOW, opener=lambda url: None)
    frames = Frames(app)
    async with app.run_test(size=SCREEN) as pilot:
        triage = app.triage
        began = time.perf_counter()
        while triage._fuzzy is None:
            await pilot.pause(0.005)
        print(f"{SIZE:,} papers; fuzzy index ready {time.perf_counter() - began:.2f} s after start")
        await app.workers.wait_for_complete()
        await pilot.pause()
        frames.watch_view(triage)

        searches = triage.fuzzy_searches
        fuzzy = await type_queries(pilot, frames)
        assert triage.fuzzy_searches > searches
        print(line("fuzzy (FuzzyIndex)", fuzzy))

        index, triage._fuzzy = triage._fuzzy, None
        searches = triage.fuzzy_searches
        substring = await type_queries(pilot, frames)
        assert triage.fuzzy_searches == searches
        print(line("substring (before the index)", substring))
        triage._fuzzy = index
        await pilot.press("q")


def main() -> None:
    with tempfile.TemporaryDirectory() as data:
        os.environ["ARXIV_DAILY_DATA_DIR"] = data
        os.environ["ARXIV_DAILY_API_URL"] = "http://127.0.0.1:9/api/query"
        os.environ["ARXIV_DAILY_BROWSER"] = "none"
        os.environ["ARXIV_DAILY_CLIPBOARD"] = "osc52"
        asyncio.run(bench())


if __name__ == "__main__":
    main()
