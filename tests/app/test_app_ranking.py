"""R ranks the shown day by likeness to the starred papers (of any day), scores in the rows."""

from __future__ import annotations

import re
from datetime import date

import factories
from app_helpers import (
    RecordingApp,
    cache_days,
    demo_app,
    row_of,
    settle,
    star_in_store,
    wait_until,
)

from tui.core.paper import Day, Paper
from tui.options import Options

SIZE = (120, 36)
TUESDAY, MONDAY = date(2025, 4, 8), date(2025, 4, 7)
SCORE = re.compile(r"[☆★] (\d\.\d\d) ")

TOPICS = {
    "protein": (
        "Protein structure prediction with folding models",
        "We predict protein structure and folding from amino acid sequences; residues, "
        "contacts and folding energy landscapes of proteins.",
    ),
    "graph": (
        "Message passing graph neural networks",
        "Graph neural networks pass messages between nodes and edges; we study oversmoothing "
        "of message passing on large graphs.",
    ),
    "speech": (
        "Speech recognition for low-resource languages",
        "Automatic speech recognition of spoken audio in languages with little transcribed "
        "speech; acoustic models and phoneme lexicons.",
    ),
    "market": (
        "Pricing options in volatile markets",
        "Option pricing under stochastic volatility: markets, hedging strategies and "
        "portfolio risk for traders.",
    ),
}


def paper(number: int, day: date, topic: str, variant: str) -> Paper:
    title, abstract = TOPICS[topic]
    return factories.paper(
        number=number,
        day=day,
        title=f"{title}: {variant}",
        authors=("Ada Lovelace", "Alan Turing"),
        abstract=f"{abstract} This {variant} variant is new.",
    )


def tuesday_day() -> Day:
    topics = ["market", "speech", "graph", "market", "speech", "protein"] * 2
    papers = tuple(
        paper(number + 1, TUESDAY, topic, f"v{number}") for number, topic in enumerate(topics)
    )
    return factories.day(TUESDAY, papers)  # fetched 2025-04-08 01:00 UTC, as announced


def shown(app: RecordingApp) -> list[str]:
    return [p.title.split(":")[0] for p in app.triage.papers.shown_papers]


async def test_shift_r_ranks_papers_like_the_starred_ones_first() -> None:
    monday_protein = paper(500, MONDAY, "protein", "monday")
    cache_days(
        factories.day(MONDAY, (monday_protein,), fetched_at=None),
        tuesday_day(),
    )
    star_in_store([monday_protein.id])  # a paper of another day, found in the cache
    app = RecordingApp(Options(date=TUESDAY))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        before = [p.id for p in triage.papers.shown_papers]
        assert shown(app)[:2] == [TOPICS["market"][0], TOPICS["speech"][0]]
        assert not SCORE.search(row_of(triage, before[0]))

        await pilot.press("R")
        await wait_until(pilot, lambda: triage.papers.scores is not None, "the ranking")
        assert shown(app)[:2] == [TOPICS["protein"][0]] * 2
        top = triage.papers.shown_papers[0]
        score = SCORE.search(row_of(triage, top.id))
        assert score is not None and float(score.group(1)) > 0.3
        assert "ranked by likeness to 1 starred paper" in triage.date_bar.text
        assert triage.rank_seconds is not None

        # Star a graph paper: after a short pause the day is ranked again, graphs rise too.
        await pilot.press("G")
        graph = next(p for p in reversed(triage.papers.shown_papers) if "graph" in p.title)
        triage.papers.move_to(graph.id)
        await pilot.press("s")
        await wait_until(
            pilot,
            lambda: "ranked by likeness to 2 starred papers" in triage.date_bar.text,
            "ranking again",
        )
        assert sorted(shown(app)[:4]) == sorted(
            [TOPICS["graph"][0]] * 2 + [TOPICS["protein"][0]] * 2
        )
        assert triage.papers.highlighted_paper == graph  # the cursor stays on the paper

        await pilot.press("R")
        assert [p.id for p in triage.papers.shown_papers] == before
        assert not SCORE.search(row_of(triage, before[0]))
        assert "ranked" not in triage.date_bar.text


async def test_ranking_keeps_the_search_and_sidebar_filters() -> None:
    cache_days(tuesday_day())
    app = RecordingApp(Options(date=TUESDAY))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        speech = next(p for p in triage.papers.shown_papers if "Speech" in p.title)
        await pilot.press("s")  # a market paper
        await pilot.press("slash", *"variant", "enter")  # every paper says "variant"
        await pilot.press("R")
        await wait_until(pilot, lambda: triage.papers.scores is not None, "the ranking")
        assert shown(app)[:2] == [TOPICS["market"][0]] * 2
        await pilot.press("escape", "slash", *"speech", "enter")
        await settle(pilot)
        assert set(shown(app)) == {TOPICS["speech"][0]}
        assert speech.id in {p.id for p in triage.papers.shown_papers}
        assert SCORE.search(row_of(triage, speech.id))


async def test_shift_r_without_stars_says_so_and_stays_off() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert not app.triage.ranking
        assert app.triage.papers.scores is None
        assert any("No starred papers to rank by" in m for _, m, _ in app.notices)


async def test_a_new_day_is_ranked_when_it_arrives() -> None:
    cache_days(tuesday_day())
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        dyd = next(p for p in triage.papers.shown_papers if p.id == "2504.06803")
        triage.papers.move_to(dyd.id)
        await pilot.press("s", "R")
        await wait_until(pilot, lambda: triage.papers.scores is not None, "the ranking")
        ranked = triage.papers.shown_papers
        assert ranked[0] == dyd  # the starred paper itself is the most like itself
        scores = triage.papers.scores
        assert scores is not None and scores[dyd.id] > 0.99
        assert scores[dyd.id] > scores[ranked[1].id]
        await pilot.press("left_square_bracket")
        await wait_until(
            pilot,
            lambda: triage.shown_date == TUESDAY and triage.papers.scores is not None,
            "Tuesday ranked",
        )
        assert len(triage.papers.shown_papers) == 12
