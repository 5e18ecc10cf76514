"""How well and how fast the recommendation model (tui.core.recommend) ranks a real day.

Quality: on arXiv's real RSS day of 2024-11-28 (1,504 announcements), for each of six primary
categories, "star" 5 papers of that category at random and measure precision@20: the fraction of
the top 20 of the ranking over the remaining papers whose primary category is the same. Repeated
over SEEDS seeds; compared:

- cosine:   today's ranking (tui.core.ranking: largest TF-IDF cosine to a starred paper);
- model:    the linear SVM over 1-2-grams (tui.core.recommend.Model);
- centroid: the numpy-only alternative that was measured against it (Rocchio: the positives'
            mean TF-IDF vector minus the day's, same features);
- "library": 20 papers of the category as library positives (an imported BibTeX file, weighted
            by recency_weights) taken out of the day, instead of 5 stars;
- skips:    after the 5 stars, the reader reads the model's top 20 and passes over the papers of
            other categories: they are taken out of the day ("removed") or also learnt from as
            negatives ("learnt"), and precision@20 is measured again over what is left.

Time: a 5,000-paper day made by repeating the real papers with changed ids; the day's Corpus is
built once (when the day opens), then each star trains a model and re-scores the day (median
over runs). Run by hand: python tests/benchmarks/recommend_bench.py
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conftest import RECORDED

from tui.adapters.sources.rss import parse_rss
from tui.core.library_file import recency_weights
from tui.core.paper import Paper
from tui.core.ranking import Ranker
from tui.core.recommend import Corpus, Model

FULL_DAY = RECORDED / "rss-all-archives-2024-11-28.xml"
CATEGORIES = ("cs.CV", "cs.LG", "cs.CL", "quant-ph", "hep-ph", "cs.RO")
SEEDS = 20
STARS = 5
LIBRARY = 20
ADDED = [datetime(2025, 4, 9, tzinfo=UTC) - timedelta(days=n) for n in range(LIBRARY)]
"""The library papers' added dates, newest first, a day apart: weighed as an import is."""
TOP = 20

Ranking = list[Paper]


def precision(ranking: Ranking, category: str, exclude: set[str]) -> float:
    top = [p for p in ranking if p.id not in exclude][:TOP]
    return sum(p.primary_category == category for p in top) / TOP


def by_scores(papers: Sequence[Paper], scores: Sequence[float]) -> Ranking:
    order = sorted(range(len(papers)), key=lambda i: -scores[i])
    return [papers[i] for i in order]


def centroid_scores(corpus: Corpus, positives: Sequence[Paper]) -> list[float]:
    import numpy as np

    positive = np.asarray(corpus.vectors(positives).mean(axis=0)).ravel()
    background = np.asarray(corpus.matrix.mean(axis=0)).ravel()
    return [float(s) for s in corpus.matrix @ (positive - background)]


def quality(papers: list[Paper]) -> None:
    ranker, corpus = Ranker(papers), Corpus(papers)
    columns = (
        "cosine",
        "model",
        "centroid",
        "skips out",
        "skips neg",
        "cosine lib",
        "model lib",
        "centr lib",
    )
    results: dict[str, dict[str, list[float]]] = {c: {} for c in columns}
    counts = Counter(p.primary_category for p in papers)
    started = time.perf_counter()
    for category in CATEGORIES:
        pool = [p for p in papers if p.primary_category == category]
        for seed in range(SEEDS):
            rng = random.Random(f"{category}-{seed}")
            stars = rng.sample(pool, STARS)
            starred = {p.id for p in stars}

            def record(
                column: str, ranking: Ranking, exclude: set[str], cat: str = category
            ) -> None:
                results[column].setdefault(cat, []).append(precision(ranking, cat, exclude))

            record("cosine", by_scores(papers, ranker.scores(stars)), starred)
            model = Model.train(corpus, stars)
            ranked = [p for p, _ in model.rank()]
            record("model", ranked, starred)
            record("centroid", by_scores(papers, centroid_scores(corpus, stars)), starred)

            read = [p for p in ranked if p.id not in starred][:TOP]
            skipped = [p for p in read if p.primary_category != category]
            gone = starred | {p.id for p in skipped}
            record("skips out", ranked, gone)
            learnt = Model.train(corpus, stars, negatives=skipped)
            record("skips neg", [p for p, _ in learnt.rank()], gone)

            # A library of 20 papers of the category, from elsewhere: not in the day.
            library = rng.sample(pool, LIBRARY)
            shelved = {p.id for p in library}
            rest = [p for p in papers if p.id not in shelved]
            record("cosine lib", by_scores(rest, Ranker(rest).scores(library)), set())
            rest_corpus = Corpus(rest)
            weights = recency_weights(ADDED)
            library_model = Model.train(rest_corpus, library, weights=weights)
            record("model lib", [p for p, _ in library_model.rank()], set())
            record("centr lib", by_scores(rest, centroid_scores(rest_corpus, library)), set())
    elapsed = time.perf_counter() - started

    print(
        f"precision@{TOP} (same primary category) on the {len(papers)}-paper RSS day of "
        f"2024-11-28, mean over {SEEDS} seeds; {STARS} stars, or a library of {LIBRARY} "
        f"papers ({elapsed:.0f} s)\n"
    )
    width = max(len(c) for c in columns)
    header = f"{'category':<11}{'papers':>7}" + "".join(f"{c:>{width + 2}}" for c in columns)
    print(header)
    print("-" * len(header))
    means: dict[str, list[float]] = {c: [] for c in columns}
    for category in CATEGORIES:
        row = f"{category:<11}{counts[category]:>7}"
        for column in columns:
            value = statistics.mean(results[column][category])
            means[column].append(value)
            row += f"{value:>{width + 2}.3f}"
        print(row)
    print("-" * len(header))
    print(
        f"{'mean':<11}{'':>7}"
        + "".join(f"{statistics.mean(means[c]):>{width + 2}.3f}" for c in columns)
    )
    spread = {
        c: statistics.pstdev([x for values in results[c].values() for x in values]) for c in columns
    }
    print(f"{'sd/trial':<11}{'':>7}" + "".join(f"{spread[c]:>{width + 2}.3f}" for c in columns))


def timed(runs: int, action: Callable[[int], object]) -> list[float]:
    times = []
    for run in range(runs):
        started = time.perf_counter()
        action(run)
        times.append(time.perf_counter() - started)
    return times


def timings(papers: list[Paper]) -> None:
    size = 5_000
    day = [replace(p, id=f"{p.id}{k}") for k in range(4) for p in papers][:size]
    rng = random.Random(20241128)
    star_sets = [rng.sample(day, STARS) for _ in range(15)]
    library = [replace(p, id=f"lib-{p.id}") for p in rng.sample(papers, LIBRARY)]
    negatives = rng.sample(day, 10)

    def show(label: str, times: list[float]) -> None:
        print(
            f"  {label:<42} median {statistics.median(times) * 1000:6.1f} ms "
            f"(best {min(times) * 1000:5.1f})"
        )

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\ntimes at {size} papers (load average {load:.1f} on {os.cpu_count()} CPUs)")
    show("Corpus (once per day, when it opens)", timed(3, lambda _: Corpus(day)))
    show(
        "day opens: Corpus + train + rank",
        timed(3, lambda run: Model.train(Corpus(day), star_sets[run]).rank()),
    )
    corpus = Corpus(day)
    print(f"    {len(corpus.vocabulary)} terms, {corpus.matrix.nnz} non-zeros")

    def after_a_star(run: int) -> None:
        Model.train(corpus, star_sets[run % len(star_sets)]).rank()

    show("after a star: train + rank the day", timed(15, after_a_star))
    weights = recency_weights(ADDED)

    def with_library(run: int) -> None:
        Model.train(corpus, [*star_sets[run], *library], negatives, [1.0] * 5 + weights).rank()

    show("5 stars + 20 library + 10 skips, + rank", timed(15, with_library))
    show(
        "more like this + rank",
        timed(15, lambda run: Model.more_like_this(corpus, day[run]).rank()),
    )
    model = Model.train(corpus, star_sets[0])
    show("explain (whole model, 8 each way)", timed(15, lambda _: model.explain()))
    show("explain one paper", timed(15, lambda run: model.explain_paper(day[run])))
    ranker = Ranker(day)
    show(
        "old cosine, Ranker kept, after a star", timed(7, lambda run: ranker.scores(star_sets[run]))
    )


def main() -> None:
    papers = parse_rss(FULL_DAY.read_bytes(), [])[1]
    quality(papers)
    timings(papers)


if __name__ == "__main__":
    main()
