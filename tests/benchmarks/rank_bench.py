"""How long ranking a day by likeness to starred papers takes, at 1,000 and 5,000 papers.

Days are real abstracts: the 1,504-paper RSS day of 2024-11-28 from ../shared/data when present
(else the bundled sample), topped up with papers whose abstracts are recombined from real
sentences. Two sample papers are starred. Run: python tests/benchmarks/rank_bench.py
"""

from __future__ import annotations

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
from tui.core.paper import Paper
from tui.core.ranking import Ranker, rank

FULL_DAY = RECORDED / "rss-all-archives-2024-11-28.xml"
STARRED_IDS = ("2504.05741", "2504.06803")  # DDT and DyDiT++, two diffusion transformers


def real_papers() -> list[Paper]:
    if FULL_DAY.is_file():
        return parse_rss(FULL_DAY.read_bytes(), [])[1]
    return list(load_sample_day().papers)


def make_day(size: int, pool: list[Paper], rng: random.Random) -> list[Paper]:
    sentences = [s for p in pool for s in p.abstract.split(". ") if s]
    day = list(pool[:size])
    while len(day) < size:
        model = rng.choice(pool)
        abstract = ". ".join(rng.choice(sentences) for _ in range(8))
        day.append(replace(model, id=f"2411.{90000 + len(day):05d}", abstract=abstract))
    return day


def main() -> None:
    sample = load_sample_day().papers
    starred = [p for p in sample if p.id in STARRED_IDS]
    pool = real_papers()
    rng = random.Random(20241128)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"ranking by likeness to {len(starred)} starred papers, 7 runs each "
        f"(load average {load:.1f} on {os.cpu_count()} CPUs)"
    )
    for size in (1_000, 5_000):
        day = make_day(size, pool, rng)
        wall, cpu = [], []
        for _ in range(7):
            started, started_cpu = time.perf_counter(), time.process_time()
            rank(day, starred)
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        ranker = Ranker(day)
        started = time.perf_counter()
        ranker.rank(starred)
        again = time.perf_counter() - started
        print(
            f"  {size:>5} papers: best {min(wall) * 1000:4.0f} ms, "
            f"median {statistics.median(wall) * 1000:4.0f} ms "
            f"(CPU {min(cpu) * 1000:4.0f} ms); ranked again by a Ranker {again * 1000:4.0f} ms"
        )

    mixed = [*pool, *(p for p in sample if p.id not in STARRED_IDS)]
    print(f"\ntop 5 of a {len(mixed)}-paper day (the RSS day plus 14 sample papers):")
    for paper, score in rank(mixed, starred)[:5]:
        print(f"  {score:.3f}  {paper.id}  {paper.title[:80]}")


if __name__ == "__main__":
    main()
