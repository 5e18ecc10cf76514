"""Time ArxivSource.fetch_day for a 2,000- and a 5,000-paper day from the loopback double.

    python tests/benchmarks/fetch_bench.py

Uses the real page size (2,000) and a 0.01 s interval, so the figures are the client's own cost
(HTTP on 127.0.0.1, XML parsing, classification), not arXiv's three-second spacing.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from arxiv_double import ArxivDouble

from tui.adapters.sources.api import ArxivSource, FetchPolicy
from tui.core.paper import Paper

DAY = date(2025, 4, 9)  # window 2025-04-07 18:00 UTC .. 2025-04-08 18:00 UTC
START = datetime(2025, 4, 7, 18, 1, tzinfo=UTC)


def papers(count: int) -> list[Paper]:
    step = timedelta(hours=23) / count
    abstract = " ".join(["A realistic abstract sentence about learning and inference."] * 18)
    return [
        Paper(
            id=f"2504.{n + 1:05d}",
            version=1,
            title=f"On the behaviour of paper number {n + 1} under $\\alpha$-scaling",
            authors=tuple(f"Author {k} Surname" for k in range(6)),
            abstract=abstract,
            categories=("cs.LG", "stat.ML"),
            published=START + step * n,
            updated=START + step * n,
            comment="12 pages, 4 figures",
        )
        for n in range(count)
    ]


def main() -> None:
    policy = FetchPolicy(min_interval=0.01)
    for count in (2000, 5000):
        with ArxivDouble() as double:
            double.add_many(papers(count))
            source = ArxivSource(api_url=double.url, policy=policy)
            started = time.perf_counter()
            day = source.fetch_day(DAY, ["cs.LG"])
            elapsed = time.perf_counter() - started
            size = sum(len(p.abstract) for p in day.papers)
            print(
                f"{count:>5} papers: {elapsed:.2f} s, {source.requests_made} requests, "
                f"{len(day.papers)} in the day ({size / 1e6:.1f} MB of abstracts)"
            )


if __name__ == "__main__":
    main()
