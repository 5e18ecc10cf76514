"""Time the flag store: a durable star, a checkpoint and an open, at 1k, 10k and 100k flags;
and the day cache: save and load of a 5,000-paper day, find across 30 cached days.

    python tests/benchmarks/store_bench.py [--sizes 1000,10000,100000] [--dir /some/disk]

A star is timed from the call to ``set_starred`` until it returns (the line is fsynced). A
background checkpoint is timed from the star that starts it until it has folded (in process mode
that is the child process's whole life: start, imports, fold, exit). The stall figure is the
longest gap a 1 ms ticker thread (standing in for the UI thread) saw while stars went on and a
background checkpoint ran: what a checkpoint costs the UI.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tui.adapters.day_cache import DayCache
from tui.adapters.store import CheckpointIn, FlagStore
from tui.core.paper import Day, Kind, Paper

STARS = 300


def ids(count: int) -> list[str]:
    return [f"{2001 + n // 90_000}.{n % 90_000:05d}" for n in range(count)]


def fill(directory: Path, count: int) -> None:
    with FlagStore(directory, background_checkpoints=False) as store:
        every = ids(count)
        for start in range(0, count, 5000):
            store.set_read(every[start : start + 5000], True)
        store.set_starred(every[::7], True)
        store.set_note(every[0], "a note")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class Ticker:
    """A thread that wants to run every millisecond; records the longest wait it got."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        last = time.perf_counter()
        while not self._stop.is_set():
            time.sleep(0.001)
            now = time.perf_counter()
            self.longest = max(self.longest, now - last - 0.001)
            last = now

    def __enter__(self) -> Ticker:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def measure(root: Path, count: int, mode: CheckpointIn) -> None:
    directory = root / f"flags-{count}"
    started = time.perf_counter()
    fill(directory, count)
    filled = time.perf_counter() - started

    started = time.perf_counter()
    store = FlagStore(directory, background_checkpoints=False)
    opened = time.perf_counter() - started
    assert len(store) == count, len(store)

    targets = ids(count)[1::13][:STARS]
    times = []
    for n, paper_id in enumerate(targets):
        started = time.perf_counter()
        store.set_starred(paper_id, n % 2 == 0)
        times.append(time.perf_counter() - started)

    started = time.perf_counter()
    store.checkpoint()
    checkpointed = time.perf_counter() - started
    store.close()

    # One background checkpoint from the star that starts it until it has folded (in process
    # mode: the child's start, imports, fold and exit), over a journal of one line per target.
    store = FlagStore(directory, checkpoint_every=len(targets), checkpoint_in=mode)
    store.set_starred(targets[:-1], True)
    started = time.perf_counter()
    store.set_starred(targets[-1], True)
    store.wait_for_background_checkpoint()
    background = time.perf_counter() - started
    assert store.notices == [], store.notices
    store.close()

    # Stars while a background checkpoint folds a full journal, with a "UI" thread ticking.
    store = FlagStore(directory, checkpoint_every=1000, checkpoint_in=mode)
    busy: list[float] = []
    with Ticker() as ticker:
        for n, paper_id in enumerate(targets * 4):
            started = time.perf_counter()
            store.set_starred(paper_id, n % 2 == 1)
            busy.append(time.perf_counter() - started)
        store.wait_for_background_checkpoint()
    store.close()

    print(
        f"{count:>7,} flags: star median {statistics.median(times) * 1e3:.2f} ms, "
        f"p95 {percentile(times, 0.95) * 1e3:.2f} ms, max {max(times) * 1e3:.2f} ms | "
        f"checkpoint {checkpointed * 1e3:.0f} ms, in the background ({mode}) start to finish "
        f"{background * 1e3:.0f} ms | open {opened * 1e3:.0f} ms | "
        f"during a {mode} checkpoint: star p95 {percentile(busy, 0.95) * 1e3:.2f} ms, "
        f"max {max(busy) * 1e3:.1f} ms, UI-thread stall max {ticker.longest * 1e3:.1f} ms "
        f"(fill {filled:.1f} s)"
    )


def big_day(when: date, count: int) -> Day:
    moment = datetime(2025, 4, 7, 18, tzinfo=UTC)
    abstract = " ".join(["A realistic abstract sentence about learning and inference."] * 18)
    papers = tuple(
        Paper(
            id=f"{when:%y%m}.{n:05d}",
            version=1,
            title=f"On the behaviour of paper number {n} under alpha-scaling",
            authors=tuple(f"Author {k} Surname" for k in range(6)),
            abstract=abstract,
            categories=("cs.LG", "stat.ML"),
            published=moment,
            updated=moment,
            kind=Kind.NEW,
            comment="12 pages, 4 figures",
        )
        for n in range(count)
    )
    return Day(when, ("cs.LG", "stat.ML"), papers, fetched_at=moment, source="arxiv")


def measure_day_cache(root: Path) -> None:
    cache = DayCache(root / "days")
    day = big_day(date(2025, 4, 9), 5000)
    started = time.perf_counter()
    cache.save(day)
    saved = time.perf_counter() - started
    size = (root / "days" / "2025-04-09.json").stat().st_size
    started = time.perf_counter()
    loaded = DayCache(root / "days").load(day.date, ["cs.LG"])
    load_time = time.perf_counter() - started
    assert loaded is not None and len(loaded.papers) == 5000
    for offset in range(1, 30):
        when = day.date - timedelta(days=offset)
        cache.save(big_day(when, 300))
    wanted = [f"2504.{n:05d}" for n in range(0, 5000, 50)] + ["2503.00007", "9999.99999"]
    started = time.perf_counter()
    found = DayCache(root / "days").find(wanted)
    find_time = time.perf_counter() - started
    print(
        f"day cache: save a 5,000-paper day {saved * 1e3:.0f} ms ({size / 1e6:.1f} MB), "
        f"load it {load_time * 1e3:.0f} ms, find {len(wanted)} ids over 30 days "
        f"{find_time * 1e3:.0f} ms ({len(found)} found)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--dir", type=Path, default=None, help="where to make the stores")
    parser.add_argument("--mode", default="process", choices=["process", "thread"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as root:
        for size in (int(s) for s in args.sizes.split(",")):
            measure(Path(root), size, "thread" if args.mode == "thread" else "process")
        measure_day_cache(Path(root))


if __name__ == "__main__":
    main()
