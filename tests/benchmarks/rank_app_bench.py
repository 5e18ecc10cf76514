"""Ranking a big day in the app, run by hand: ``python tests/benchmarks/rank_app_bench.py [N]``.

Caches app_bench's synthetic day of N (default 5,000) papers, stars 20 of them in the store,
opens the app on that day (headless, 120x40) and times:
- R to the ranked list on screen (the ranking runs on a worker thread: tokenising the day,
  scoring, then one repaint), and the worker's own time;
- a star while ranked, to the list ranked again (after the RANK_DELAY pause, which is left out
  of the figure: the worker's time);
- j pressed while a ranking runs on the worker: key to screen (the worker holds the GIL in
  stretches, so this is what the reader feels during a ranking).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from app_bench import DAY, NOW, SIZE, Frames, press_times, synthetic_day  # noqa: E402

from tui.adapters.day_cache import DayCache  # noqa: E402
from tui.adapters.store import FlagStore  # noqa: E402
from tui.app.app import ArxivDailyApp  # noqa: E402
from tui.app.services.day_ranking import RANK_DELAY  # noqa: E402
from tui.options import Options  # noqa: E402

STARS = 20


async def bench(size: int) -> None:
    day = synthetic_day(size)
    DayCache().save(day)
    with FlagStore() as store:
        store.set_starred([p.id for p in day.papers[:: size // STARS]][:STARS], True)

    app = ArxivDailyApp(Options(date=DAY), now=lambda: NOW, opener=lambda url: None)
    frames = Frames(app)
    async with app.run_test(size=SIZE) as pilot:
        triage = app.triage
        while len(triage.papers.shown_papers) < size:
            await pilot.pause(0.001)
        await app.workers.wait_for_complete()
        await pilot.pause()

        firsts = []
        for _ in range(3):
            triage._ranker = type(triage._ranker)()  # a fresh Ranker: tokenise the day again
            began = time.perf_counter()
            await pilot.press("R")
            while triage.papers.scores is None:
                await pilot.pause(0.001)
            ranked_at = time.perf_counter()
            await pilot.pause()
            painted = frames.first_after(ranked_at) or ranked_at
            firsts.append((painted - began, triage.rank_seconds or 0.0))
            await pilot.press("R")  # back to the day's order
            await pilot.pause()
        for total, worker in firsts:
            print(
                f"R → ranked list on screen {total * 1000:5.0f} ms (worker {worker * 1000:.0f} ms)"
            )

        await pilot.press("R")
        while triage.papers.scores is None:
            await pilot.pause(0.001)
        again = []
        for _ in range(3):
            before = triage.rank_seconds
            scores = triage.papers.scores
            await pilot.press("s")
            while triage.papers.scores is scores:
                await pilot.pause(0.005)
            assert triage.rank_seconds is not None and triage.rank_seconds is not before
            again.append(triage.rank_seconds)
        shown = ", ".join(f"{s * 1000:.0f}" for s in again)
        print(f"star → ranked again: worker {shown} ms (after the {RANK_DELAY:.1f} s pause)")

        await pilot.press("R")  # off
        await pilot.pause()
        triage._ranker = type(triage._ranker)()
        await pilot.press("R")  # on again: a full ranking runs while j is pressed
        samples = await press_times(pilot, frames, "j", 30)
        if samples:
            median = statistics.median(samples) * 1000
            worst = max(samples) * 1000
            print(f"j during a ranking: median {median:.1f} ms, worst {worst:.1f} ms")
        await pilot.press("q")


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    with tempfile.TemporaryDirectory() as data:
        os.environ["ARXIV_DAILY_DATA_DIR"] = data
        os.environ["ARXIV_DAILY_API_URL"] = "http://127.0.0.1:9/api/query"
        os.environ["ARXIV_DAILY_RSS_URL"] = "http://127.0.0.1:9/rss/{categories}"
        os.environ["ARXIV_DAILY_BROWSER"] = "none"
        os.environ["ARXIV_DAILY_CLIPBOARD"] = "osc52"
        asyncio.run(bench(size))


if __name__ == "__main__":
    main()
