"""The acceptance test: the real 2025-04-09 digest comes back from a day served over HTTP.

The seed's 16 papers are served by the loopback arXiv double in the listing window of Wed
2025-04-09 (Mon 2025-04-07 14:00 ET up to Tue 2025-04-08 14:00 ET), 13 as new submissions and 3
as replacements, among papers that must not come back: same-day papers without the keywords,
keyword papers just outside the window, and keyword papers in categories not asked for.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import factories
import pytest
from arxiv_double import ArxivDouble
from conftest import SEED_DIGEST, needs_shared_data

from tui.core.filters import matched_keywords
from tui.core.listing import EASTERN
from tui.core.paper import Paper

pytestmark = needs_shared_data()

ROOT = Path(__file__).resolve().parents[2]
CATEGORIES = "cs.LG,cs.CV,cs.CL"
KEYWORDS = ("Diffusion", "DDPM", "DDIM")
REPLACED = {"2503.24354", "2503.08295", "2408.13055"}
WINDOW_START = datetime(2025, 4, 7, 14, tzinfo=EASTERN).astimezone(UTC)
WINDOW_END = datetime(2025, 4, 8, 14, tzinfo=EASTERN).astimezone(UTC)


def seed() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SEED_DIGEST.read_text(encoding="utf-8"))
    return data


def seed_papers() -> list[Paper]:
    """The seed's papers as arXiv would serve them on that day."""
    papers = []
    for index, item in enumerate(seed()["papers"]):
        submitted = WINDOW_START + timedelta(minutes=7 + 80 * index)
        replaced = item["id"] in REPLACED
        papers.append(
            factories.paper(
                id=item["id"],
                version=2 if replaced else 1,
                title=item["title"],
                authors=tuple(item["authors"]),
                abstract=item["abstract"],
                categories=tuple(item["categories"]),
                published=submitted - timedelta(days=20) if replaced else submitted,
                updated=submitted,
            )
        )
    assert all(WINDOW_START <= p.updated < WINDOW_END for p in papers)
    return papers


def made_up(
    id: str,
    title: str,
    abstract: str,
    categories: tuple[str, ...],
    published: datetime,
    updated: datetime | None = None,
    version: int = 1,
) -> Paper:
    return factories.paper(
        id=id,
        version=version,
        title=title,
        authors=("Ada Lovelace", "Alan Turing"),
        abstract=abstract,
        categories=categories,
        published=published,
        updated=updated,
    )


def distractors() -> list[Paper]:
    inside = WINDOW_START + timedelta(hours=3)
    categories = [("cs.LG",), ("cs.CV", "cs.AI"), ("cs.CL",), ("cs.LG", "stat.ML")]
    same_day = [
        made_up(
            f"2504.{20000 + i}",
            f"Sparse attention for task {i}",
            "We study transformers, graphs and retrieval; no generative sampling is involved.",
            categories[i % len(categories)],
            inside + timedelta(minutes=11 * i),
        )
        for i in range(40)
    ]
    diffusion = "A score-based diffusion model with DDPM and DDIM samplers."
    just_outside = [
        # One second before the window opens, and exactly when it closes (the end is open).
        made_up(
            "2504.30001",
            "Early diffusion",
            diffusion,
            ("cs.LG",),
            WINDOW_START - timedelta(seconds=1),
        ),
        made_up("2504.30002", "Late DDPM", diffusion, ("cs.CV",), WINDOW_END),
        made_up(
            "2503.30003",
            "A replaced DDIM paper, too late",
            diffusion,
            ("cs.CL",),
            WINDOW_START - timedelta(days=9),
            updated=WINDOW_END,
            version=2,
        ),
    ]
    other_categories = [
        made_up("2504.40001", "Diffusion limits of random walks", diffusion, ("math.PR",), inside),
        made_up(
            "2504.40002",
            "Diffusion of calcium in neurons",
            diffusion,
            ("q-bio.NC", "physics.bio-ph"),
            inside + timedelta(minutes=5),
        ),
    ]
    return same_day + just_outside + other_categories


def run_digest(*extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "tui",
            "digest",
            "--date",
            "2025-04-09",
            "--category",
            CATEGORIES,
            "--keyword",
            ",".join(KEYWORDS),
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_every_seed_paper_matches_a_keyword() -> None:
    unmatched = [p.id for p in seed_papers() if not matched_keywords(p, KEYWORDS)]
    assert unmatched == []
    assert seed()["keywords"] == list(KEYWORDS)


@pytest.fixture
def served_day(arxiv_double: ArxivDouble) -> ArxivDouble:
    arxiv_double.add_many(seed_papers() + distractors())
    return arxiv_double


def test_seed_digest_json(served_day: ArxivDouble) -> None:
    result = run_digest("--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["date"] == "2025-04-09"
    expected = {p["id"] for p in seed()["papers"]}
    got = [p["id"] for p in data["papers"]]
    assert len(got) == len(set(got)) == data["count"] == 16
    assert set(got) == expected
    kinds = {p["id"]: p["kind"] for p in data["papers"]}
    assert {i for i, k in kinds.items() if k == "replace"} == REPLACED
    assert {k for i, k in kinds.items() if i not in REPLACED} == {"new"}
    by_id = {p["id"]: p for p in data["papers"]}
    oral = by_id["2503.24354"]
    assert oral["version"] == 2
    assert oral["primary_category"] == "cs.LG"
    assert oral["matched_keywords"] == ["Diffusion"]
    assert by_id["2504.06330"]["matched_keywords"] == ["Diffusion"]  # via "DiffusionDet"
    assert served_day.query_requests, "the digest must have asked the double"


def test_seed_digest_markdown(served_day: ArxivDouble) -> None:
    result = run_digest()
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.splitlines()[0] == ("# arXiv digest 2025-04-09 — 16 papers (Diffusion, DDPM, DDIM)")
    assert text.count("### [") == 16
    for item in seed()["papers"]:
        assert f"](https://arxiv.org/abs/{item['id']})" in text
        assert f"arXiv:{item['id']}" in text
    assert text.count("**Kind:** replacement (v2)") == 3
    assert "Early diffusion" not in text and "Diffusion limits" not in text
    assert "we introduce ORAL, a novel conditional recurrent diffusion framework" in text
