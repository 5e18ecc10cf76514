"""Fuzzy search timings on a 5,000-paper day: ``python tests/benchmarks/fuzzy_bench.py``.

The day is real: the 1,504-paper RSS day of 2024-11-28 from ../shared/data when present (else
the bundled sample), topped up to 5,000 papers whose abstracts are recombined from its real
sentences, some words misspelt or made up so the vocabulary grows as a real 5,000-paper day's
does (about 30,000 words). Queries are typed one character at a time into one ``FuzzyIndex``
(its caches warm, as in the app); each keystroke is one ``search`` of the whole text so far.
Also timed: the same queries in one go on a cold index, and building the index.

Target: ≤ 50 ms per keystroke at 5,000 papers.
"""

from __future__ import annotations

import gc
import os
import random
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conftest import RECORDED

from tui.adapters.sample import load_sample_day
from tui.adapters.sources.rss import parse_rss
from tui.core.fuzzy import EXACT, FuzzyIndex
from tui.core.paper import Paper

FULL_DAY = RECORDED / "rss-all-archives-2024-11-28.xml"
SIZE = 5_000
QUERIES = (
    "diffusion",
    "difusion model",
    "transformer diffusion",
    "trasnformer atention",
    "reinforcement lerning policy",
    "Rocktaschl",
    "2411.0",
    "graph neural netwrok",
    "language models reasoning",
    "qxzvbnm",
    "a",
    "semi-supervsed segmentaton",
)


def real_papers() -> list[Paper]:
    papers = list(load_sample_day().papers)
    if FULL_DAY.is_file():
        papers += parse_rss(FULL_DAY.read_bytes(), [])[1]
    return papers


def _misspelt(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    at = rng.randrange(1, len(word) - 1)
    return word[:at] + rng.choice("aeiourstnl") + word[at + 1 :]


def make_day(size: int, pool: list[Paper], rng: random.Random) -> list[Paper]:
    sentences = [s for p in pool for s in p.abstract.split(". ") if s]
    day = list(pool[:size])
    while len(day) < size:
        model = rng.choice(pool)
        picked = [rng.choice(sentences) for _ in range(8)]
        words = " ".join(picked).split()
        # About one word in 25 becomes a rare one (a name, a coinage, a typo in the source).
        words = [_misspelt(w, rng) if rng.random() < 0.04 else w for w in words]
        day.append(replace(model, id=f"2411.{90000 + len(day):05d}", abstract=" ".join(words)))
    return day


def main() -> None:
    rng = random.Random(20241128)
    day = make_day(SIZE, real_papers(), rng)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"fuzzy search, {len(day)} papers (load average {load:.1f} on {os.cpu_count()} CPUs)")

    started = time.perf_counter()
    index = FuzzyIndex(day)
    built = time.perf_counter() - started
    words = sum(len(p.abstract.split()) for p in day) / len(day)
    print(
        f"  build: {built * 1000:.0f} ms; vocabulary {index.vocabulary_size:,} words; "
        f"abstracts {words:.0f} words on average"
    )

    full_collections: list[float] = []
    collection_started = [0.0]

    def watch_gc(phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            collection_started[0] = time.perf_counter()
        else:
            full_collections.append(time.perf_counter() - collection_started[0])

    gc.callbacks.append(watch_gc)
    keystrokes: list[float] = []
    print("  typed one character at a time (ms per keystroke: median / worst):")
    for query in QUERIES:
        times = []
        for end in range(1, len(query) + 1):
            started = time.perf_counter()
            found = index.search(query[:end])
            times.append(time.perf_counter() - started)
        keystrokes += times
        exact = sum(1 for _, score in found if score >= EXACT)
        print(
            f"    {query!r:34} {statistics.median(times) * 1000:5.1f} / "
            f"{max(times) * 1000:5.1f}   {exact:>5} exact + {len(found) - exact:>4} near"
        )
    keystrokes.sort()
    p95 = keystrokes[int(len(keystrokes) * 0.95)]
    print(
        f"  all {len(keystrokes)} keystrokes: median {statistics.median(keystrokes) * 1000:.1f} ms,"
        f" 95th percentile {p95 * 1000:.1f} ms, worst {keystrokes[-1] * 1000:.1f} ms"
    )

    if full_collections:
        print(
            f"  {len(full_collections)} keystroke(s) included a full garbage collection of the "
            f"process ({max(full_collections) * 1000:.0f} ms at most): the worst case above"
        )
    gc.callbacks.remove(watch_gc)

    cold = []
    for query in QUERIES:
        index._exact_cache.clear()
        index._fuzzy_cache.clear()
        started = time.perf_counter()
        index.search(query)
        cold.append(time.perf_counter() - started)
    print(
        f"  whole query at once, caches cold: median {statistics.median(cold) * 1000:.1f} ms, "
        f"worst {max(cold) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
