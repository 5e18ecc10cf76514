"""Recommendations on a big day in the app, run by hand:
``python tests/benchmarks/recommend_app_bench.py [N]``.

Caches app_bench's synthetic day of N (default 5,000) papers, stars 20 of them in the store,
opens the app on that day (headless, 120x40) and times:
- the model learning as the day opens, on its worker: the day's corpus (tokenised, vectorised,
  once per day) and the training;
- R to the ranked list on screen;
- a star while ranked, from the key to the list ranked again on screen (the RETRAIN_DELAY pause,
  the training on the worker and the repaint: the issue's "≤ 0.5 s after a star");
- j pressed while the corpus is built on the worker: key to screen (the worker holds the GIL in
  stretches, so this is what the reader feels the moment a day opens).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from app_bench import (  # noqa: E402
    DAY,
    NOW,
    SIZE,
    Frames,
    press_times,
    run_offline,
    synthetic_day,
)

from tui.adapters.day_cache import DayCache  # noqa: E402
from tui.adapters.store import FlagStore  # noqa: E402
from tui.app.app import ArxivDailyApp  # noqa: E402
from tui.app.screens.triage import TriageScreen  # noqa: E402
from tui.app.screens.triage.screen import RETRAIN_DELAY  # noqa: E402
from tui.app.services.recommender import Recommender  # noqa: E402
from tui.options import Options  # noqa: E402

STARS = 20


def trained(triage: TriageScreen) -> bool:
    shown = triage.recommendation
    return shown is not None and shown.day is triage.day and shown.trained


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
        # j while the day's corpus is built (the model learns as the day opens).
        samples = await press_times(pilot, frames, "j", 30)
        while not trained(triage):
            await pilot.pause(0.005)
        shown = triage.recommendation
        assert shown is not None
        print(
            f"day opened → model: corpus {shown.corpus_seconds * 1000:.0f} ms, "
            f"training {shown.seconds * 1000:.0f} ms (worker; first import of scikit-learn "
            "included in the corpus figure)"
        )
        if samples:
            median, worst = statistics.median(samples) * 1000, max(samples) * 1000
            print(f"j while the model learns: median {median:.1f} ms, worst {worst:.1f} ms")
        await app.workers.wait_for_complete()
        await pilot.pause()

        firsts = []
        for _ in range(3):
            began = time.perf_counter()
            await pilot.press("R")
            while triage.papers.scores is None:
                await pilot.pause(0.001)
            ranked_at = time.perf_counter()
            await pilot.pause()
            painted = frames.first_after(ranked_at) or ranked_at
            firsts.append(painted - began)
            await pilot.press("R")  # back to the day's order
            await pilot.pause()
        shown_ms = ", ".join(f"{t * 1000:.0f}" for t in firsts)
        print(f"R → ranked list on screen: {shown_ms} ms")

        await pilot.press("R")
        while triage.papers.scores is None:
            await pilot.pause(0.001)
        again, workers = [], []
        for _ in range(7):
            await pilot.press("j")
            scores = triage.papers.scores
            began = time.perf_counter()
            await pilot.press("s")
            while triage.papers.scores is scores:
                await pilot.pause(0.002)
            ranked_at = time.perf_counter()
            await pilot.pause()
            painted = frames.first_after(ranked_at) or ranked_at
            again.append(painted - began)
            workers.append(triage.train_seconds or 0.0)
        print(
            f"star → ranked again on screen: median {statistics.median(again) * 1000:.0f} ms, "
            f"worst {max(again) * 1000:.0f} ms (the {RETRAIN_DELAY:.2f} s pause included; "
            f"training on the worker median {statistics.median(workers) * 1000:.0f} ms)"
        )

        await pilot.press("R")  # off
        await pilot.pause()
        triage._recommender = Recommender()  # a fresh corpus: the day is tokenised again
        await pilot.press("R")  # on again: the corpus is built while j is pressed
        samples = await press_times(pilot, frames, "j", 30)
        if samples:
            median = statistics.median(samples) * 1000
            worst = max(samples) * 1000
            print(
                f"j while the corpus is built again: median {median:.1f} ms, worst {worst:.1f} ms"
            )
        await pilot.press("q")


def main() -> None:
    run_offline(bench)


if __name__ == "__main__":
    main()
