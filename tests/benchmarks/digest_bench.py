"""``arxiv-daily digest`` wall time, run by hand: ``python tests/benchmarks/digest_bench.py [N]``.

Serves a day of N (default 2,000) synthetic papers from the loopback arXiv double and times, as
subprocesses with a fresh data dir: the first digest (fetch, parse, cache, filter, print), the
same digest again (from the cache), and ``digest --demo`` (start-up and rendering only).
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from arxiv_double import ArxivDouble  # noqa: E402

from tui.core.listing import listing_window  # noqa: E402
from tui.core.paper import Paper  # noqa: E402

DAY = "2025-04-09"
WORDS = (
    *("diffusion", "model", "score", "matching", "transformer", "attention", "graph", "neural"),
    *("network", "sparse", "latent", "variational", "bound", "convergence", "stochastic"),
    *("gradient", "policy", "reinforcement", "robust", "efficient", "scalable", "benchmark"),
    *("federated", "contrastive", "retrieval", "language", "vision"),
    *("$\\mathcal{O}(n^2)$", "$\\textit{i.e.}$", 'Schr\\"odinger'),
)


def synthetic_day(size: int) -> list[Paper]:
    rng = random.Random(7)
    start, end = listing_window(datetime.fromisoformat(DAY).date())
    span = (end - start).total_seconds()
    categories = ["cs.LG", "cs.CV", "cs.CL", "cs.AI", "stat.ML"]
    papers = []
    for i in range(size):
        when = start + timedelta(seconds=rng.uniform(0, span - 1))
        papers.append(
            Paper(
                id=f"2504.{10000 + i:05d}",
                version=1,
                title=" ".join(rng.choices(WORDS, k=10)),
                authors=tuple(f"Author {rng.randrange(10**5)}" for _ in range(rng.randint(1, 8))),
                abstract=" ".join(rng.choices(WORDS, k=170)),
                categories=tuple(rng.sample(categories, rng.randint(1, 3))),
                published=when.astimezone(UTC),
                updated=when.astimezone(UTC),
            )
        )
    return papers


def timed(args: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "tui", *args], capture_output=True, text=True, env=env, cwd=ROOT
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"digest failed ({result.returncode}): {result.stderr.strip()}")
    return elapsed, result


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    papers = synthetic_day(size)
    digest = ["digest", "--date", DAY, "--category", "cs.LG,cs.CV,cs.CL", "--keyword", "Diffusion"]
    with ArxivDouble() as double, tempfile.TemporaryDirectory() as scratch:
        double.add_many(papers)
        env = dict(os.environ)
        env.update(
            ARXIV_DAILY_DATA_DIR=str(Path(scratch) / "data"),
            ARXIV_DAILY_API_URL=double.url,
            ARXIV_DAILY_API_MIN_INTERVAL="0.01",
            ARXIV_DAILY_API_BACKOFF="0.01",
            ARXIV_DAILY_API_TIMEOUT="10",
        )
        first, result = timed(digest, env)
        requests = len(double.query_requests)
        count = result.stdout.count("### [")
        cached = [timed(digest, env)[0] for _ in range(3)]
        demo = [timed(["digest", "--demo"], env)[0] for _ in range(3)]
    print(f"{size} papers served, {count} in the digest, {requests} API request(s)")
    print(f"first digest (fetch + cache + render): {first * 1000:.0f} ms")
    print(f"digest again (from the cache):         {statistics.median(cached) * 1000:.0f} ms")
    print(f"digest --demo (16 papers):             {statistics.median(demo) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
