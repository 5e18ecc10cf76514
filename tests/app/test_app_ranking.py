"""Recommendations in the reader: R ranks the day by a model learnt from the stars (of any day),
the imported library and the papers read and not starred; P shows only the papers above a
threshold that + and - move; M ranks by one paper; E says which words drive it all."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import factories
from app_helpers import (
    RecordingApp,
    cache_days,
    demo_app,
    row_of,
    settle,
    star_in_store,
    visible_rows,
    wait_until,
)
from textual.pilot import Pilot
from textual.widgets import Label, Static

from tui.adapters.library import LibraryStore
from tui.adapters.session import load_session
from tui.app.dialogs.explain import ExplainScreen
from tui.app.screens.triage import TriageScreen
from tui.config import Config
from tui.core.follow import DEFAULT_FOLLOW
from tui.core.library_file import read_library
from tui.core.paper import Day, Paper
from tui.options import Options
from tui.paths import state_dir

SIZE = (120, 36)
TUESDAY, MONDAY, WEDNESDAY = date(2025, 4, 8), date(2025, 4, 7), date(2025, 4, 9)
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


def trained(triage: TriageScreen) -> bool:
    shown = triage.recommendation
    return shown is not None and shown.day is triage.day and shown.trained


def sidebar_line(triage: TriageScreen) -> str:
    line = triage.sidebar.query_one("#recommended", Label)
    return str(line.render()) if line.display else ""


async def open_with_protein_starred(pilot: Pilot[Any]) -> TriageScreen:
    app = pilot.app
    assert isinstance(app, RecordingApp)
    await settle(pilot)
    triage = app.triage
    await wait_until(pilot, lambda: trained(triage), "the model, trained as the day opens")
    return triage


def cache_tuesday_and_star_monday_protein() -> None:
    monday_protein = paper(500, MONDAY, "protein", "monday")
    cache_days(factories.day(MONDAY, (monday_protein,), fetched_at=None), tuesday_day())
    star_in_store([monday_protein.id])  # a paper of another day, found in the cache


async def test_r_ranks_papers_like_the_starred_ones_first_and_learns_from_each_star() -> None:
    cache_tuesday_and_star_monday_protein()
    app = RecordingApp(Options(date=TUESDAY))
    async with app.run_test(size=SIZE) as pilot:
        triage = await open_with_protein_starred(pilot)
        before = [p.id for p in triage.papers.shown_papers]
        assert shown(app)[:2] == [TOPICS["market"][0], TOPICS["speech"][0]]
        assert not SCORE.search(row_of(triage, before[0]))
        assert triage.papers.scores is None  # trained, but the day keeps arXiv's order

        await pilot.press("R")
        await wait_until(pilot, lambda: triage.papers.scores is not None, "the ranking")
        assert shown(app)[:2] == [TOPICS["protein"][0]] * 2
        top = triage.papers.shown_papers[0]
        score = SCORE.search(row_of(triage, top.id))
        assert score is not None and float(score.group(1)) > 0.5
        assert "ranked · learnt from 1 starred" in triage.date_bar.text

        # Star a graph paper: a moment later the model has learnt it, graphs rise too.
        graph = next(p for p in reversed(triage.papers.shown_papers) if "graph" in p.title)
        triage.papers.move_to(graph.id)
        await pilot.press("s")
        await wait_until(
            pilot, lambda: "learnt from 2 starred" in triage.date_bar.text, "learning again"
        )
        assert sorted(shown(app)[:4]) == sorted(
            [TOPICS["graph"][0]] * 2 + [TOPICS["protein"][0]] * 2
        )
        assert triage.papers.highlighted_paper == graph  # the cursor stays on the paper
        assert triage.train_seconds is not None and triage.train_seconds < 5

        await pilot.press("R")
        assert [p.id for p in triage.papers.shown_papers] == before
        assert not SCORE.search(row_of(triage, before[0]))
        assert "ranked" not in triage.date_bar.text


async def test_papers_read_and_not_starred_count_against() -> None:
    cache_tuesday_and_star_monday_protein()
    app = RecordingApp(Options(date=TUESDAY))
    async with app.run_test(size=SIZE) as pilot:
        triage = await open_with_protein_starred(pilot)
        assert triage.recommendation is not None and triage.recommendation.negatives == 0
        speech = [p for p in triage.papers.shown_papers if "Speech" in p.title]
        for item in speech:
            triage.papers.move_to(item.id)
            await pilot.press("r")  # read, not starred
        await pilot.press("R")
        await wait_until(pilot, lambda: triage.papers.scores is not None, "the ranking")
        # Reading does not retrain (the list would move under the reader); a star does.
        protein = next(p for p in triage.papers.shown_papers if "Protein" in p.title)
        triage.papers.move_to(protein.id)
        await pilot.press("s")
        await wait_until(
            pilot, lambda: "learnt from 2 starred" in triage.date_bar.text, "learning again"
        )
        assert len(speech) == 4
        assert triage.recommendation is not None and triage.recommendation.negatives == 4
        assert shown(app)[-4:] == [TOPICS["speech"][0]] * 4  # pushed to the bottom


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


async def test_r_without_anything_to_learn_from_says_so_and_stays_off() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await wait_until(pilot, lambda: not app.triage.ranking, "R turned off")
        assert app.triage.papers.scores is None
        assert any("Nothing to learn from yet" in m for _, m, _ in app.notices)
        assert sidebar_line(app.triage) == ""  # no model, no Recommended count


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
        assert scores is not None and scores[dyd.id] == 1.0
        await pilot.press("left_square_bracket")
        await wait_until(
            pilot,
            lambda: triage.shown_date == TUESDAY and triage.papers.scores is not None,
            "Tuesday ranked",
        )
        assert len(triage.papers.shown_papers) == 12


async def test_p_shows_the_recommended_and_the_threshold_moves_and_is_kept() -> None:
    cache_tuesday_and_star_monday_protein()
    app = RecordingApp(Options(date=TUESDAY))
    async with app.run_test(size=SIZE) as pilot:
        triage = await open_with_protein_starred(pilot)
        recommendation = triage.recommendation
        assert recommendation is not None
        at_half = len(recommendation.recommended(0.5))
        assert sidebar_line(triage) == f"○ {at_half} at ≥ 0.50 (P, +/−)"
        assert at_half >= 2

        await pilot.press("P")
        assert len(triage.papers.shown_papers) == at_half
        assert shown(app)[:2] == [TOPICS["protein"][0]] * 2  # best first
        assert sidebar_line(triage).startswith("● ")
        assert "recommended ≥ 0.50" in triage.date_bar.text

        for _ in range(10):  # down to 0.00: every paper of the day
            await pilot.press("minus")
        assert triage.threshold == 0.0
        assert len(triage.papers.shown_papers) == 12
        await pilot.press("minus")
        assert any("at its end" in m for _, m, _ in app.notices)
        for _ in range(19):  # up to 0.95
            await pilot.press("plus")
        assert triage.threshold == 0.95
        assert len(triage.papers.shown_papers) == len(recommendation.recommended(0.95))
        assert "≥ 0.95" in sidebar_line(triage)

        await pilot.press("P")
        assert len(triage.papers.shown_papers) == 12


async def test_the_threshold_moved_is_kept_for_the_next_run() -> None:
    star_in_store(["2504.06803"])
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        triage = await open_with_protein_starred(pilot)
        await pilot.press("plus", "plus", "q")
        assert triage.threshold == 0.6
    session = load_session(state_dir() / "session-demo.json")
    assert session is not None and session.threshold == 0.6
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        triage = await open_with_protein_starred(pilot)
        assert triage.threshold == 0.6
        assert "≥ 0.60" in sidebar_line(triage)


async def test_m_ranks_the_day_by_the_highlighted_paper_and_esc_returns() -> None:
    cache_days(tuesday_day())
    app = RecordingApp(Options(date=TUESDAY))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        before = [p.id for p in triage.papers.shown_papers]
        speech = next(p for p in triage.papers.shown_papers if "Speech" in p.title)
        triage.papers.move_to(speech.id)
        await pilot.press("M")
        await wait_until(pilot, lambda: triage.like is not None, "more like this")
        assert shown(app)[:2] == [TOPICS["speech"][0]] * 2
        assert triage.papers.shown_papers[0] == speech
        assert f"more like {speech.id} · Esc returns" in triage.date_bar.text
        await pilot.press("escape")
        assert triage.like is None
        assert [p.id for p in triage.papers.shown_papers] == before
        assert "more like" not in triage.date_bar.text


async def test_e_names_words_that_occur_in_the_papers_it_explains() -> None:
    cache_tuesday_and_star_monday_protein()
    app = RecordingApp(Options(date=TUESDAY))
    async with app.run_test(size=SIZE) as pilot:
        triage = await open_with_protein_starred(pilot)
        market = triage.papers.shown_papers[0]
        assert "Pricing" in market.title
        await pilot.press("E")
        dialog = app.screen
        assert isinstance(dialog, ExplainScreen)
        learnt = str(dialog.query_one("#explain-learnt", Static).render())
        assert "Learnt from 1 starred." in learnt
        model_text = str(dialog.query_one("#explain-model", Static).render())
        assert model_text.split("\n")[1].startswith("↑ pull up")
        up = model_text.split("\n")[2].split()[0]
        assert up in ("protein", "folding", "structure", "proteins", "residues")
        paper_text = str(dialog.query_one("#explain-paper", Static).render())
        assert market.id in paper_text
        words = re.findall(r"^(?:.{36})?([a-z][a-z ]+?) +[+-]\d\.\d{3}", paper_text, re.M)
        assert words
        text = f"{market.title} {market.abstract}".lower()
        assert all(word.strip() in text for word in words)
        await pilot.press("E")
        assert not isinstance(app.screen, ExplainScreen)


async def test_the_imported_library_is_learnt_from_without_any_star() -> None:
    cache_days(tuesday_day())
    protein = [p for p in tuesday_day().papers if "Protein" in p.title]
    bibtex = "\n".join(
        f"@article{{k{n}, title = {{{p.title}}}, eprint = {{{p.id}}}, archivePrefix = {{arXiv}}}}"
        for n, p in enumerate(protein)
    )
    LibraryStore().replace("zotero.bib", read_library(bibtex, name="zotero.bib"))
    app = RecordingApp(Options(date=TUESDAY))
    async with app.run_test(size=SIZE) as pilot:
        triage = await open_with_protein_starred(pilot)
        assert triage.recommendation is not None
        assert triage.recommendation.library == 2 and triage.recommendation.starred == 0
        await pilot.press("R")
        await wait_until(pilot, lambda: triage.papers.scores is not None, "the ranking")
        assert shown(app)[:2] == [TOPICS["protein"][0]] * 2
        assert "learnt from 2 from your library" in triage.date_bar.text


async def test_an_expanded_paper_says_why_in_words_it_has() -> None:
    cache_tuesday_and_star_monday_protein()
    app = RecordingApp(Options(date=TUESDAY))
    async with app.run_test(size=SIZE) as pilot:
        triage = await open_with_protein_starred(pilot)
        protein = next(p for p in triage.papers.shown_papers if "Protein" in p.title)
        triage.papers.move_to(protein.id)
        await pilot.press("enter")
        await settle(pilot)
        lines = [line for line in visible_rows(triage) if "Why: relevance" in line]
        assert len(lines) == 1, visible_rows(triage)
        why = lines[0].split("Why: relevance", 1)[1]
        up = why.split("↑", 1)[1].split("·")[0]
        words = [word.strip() for word in up.split(",") if word.strip()]
        assert words
        text = f"{protein.title} {protein.abstract}".lower()
        assert all(word in text for word in words), words
        # More like a market paper: the same paper now says why in that model's words.
        market = next(p for p in triage.papers.shown_papers if "Pricing" in p.title)
        triage.papers.move_to(market.id)
        await pilot.press("M")
        await wait_until(pilot, lambda: triage.like is not None, "more like this")
        triage.papers.move_to(protein.id)
        await settle(pilot)
        lines = [line for line in visible_rows(triage) if "Why: relevance" in line]
        assert lines and "relevance 0.00" in lines[0]


async def test_papers_hidden_by_a_kill_rule_count_against() -> None:
    cache_tuesday_and_star_monday_protein()
    config = Config(follow=DEFAULT_FOLLOW, rules_hide=("ti:speech",))
    app = RecordingApp(Options(date=TUESDAY), config=config)
    async with app.run_test(size=SIZE) as pilot:
        triage = await open_with_protein_starred(pilot)
        assert triage.recommendation is not None
        assert triage.recommendation.negatives == 4  # the four speech papers, none read
        assert all("Speech" not in p.title for p in triage.papers.shown_papers)


async def test_p_on_another_day_shows_nothing_until_the_model_has_learnt_it() -> None:
    cache_tuesday_and_star_monday_protein()
    topics = ["market", "speech", "graph", "market", "speech", "protein"] * 2
    wednesday = [paper(900 + n, WEDNESDAY, t, f"w{n}") for n, t in enumerate(topics)]
    cache_days(factories.day(WEDNESDAY, tuple(wednesday)))
    app = RecordingApp(Options(date=TUESDAY))
    async with app.run_test(size=SIZE) as pilot:
        triage = await open_with_protein_starred(pilot)
        await pilot.press("P")
        recommended = {p.id for p in triage.papers.shown_papers}
        assert recommended and len(recommended) < 12
        counts: list[int] = []
        original = triage._refresh_view

        def counting(*args: Any, **kwargs: Any) -> None:
            original(*args, **kwargs)
            if triage.shown_date == WEDNESDAY:
                counts.append(len(triage.papers.shown_papers))

        triage._refresh_view = counting  # type: ignore[method-assign]
        await pilot.press("right_square_bracket")
        await wait_until(pilot, lambda: trained(triage), "Wednesday learnt")
        await settle(pilot)
        shown_now = [p.title.split(":")[0] for p in triage.papers.shown_papers]
        assert shown_now[:2] == [TOPICS["protein"][0]] * 2
        assert counts and max(counts) == len(shown_now) < 12  # never the whole day


async def test_unstarring_the_last_star_leaves_r_and_p_for_the_day_order() -> None:
    cache_days(tuesday_day())
    app = RecordingApp(Options(date=TUESDAY))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        before = [p.id for p in triage.papers.shown_papers]
        await pilot.press("s")
        await wait_until(pilot, lambda: trained(triage), "the model")
        await pilot.press("P", *["minus"] * 10)  # at 0.00 every paper, the best first
        assert triage.papers.shown_papers[0].id == before[0]
        assert triage.papers.scores is not None
        triage.papers.move_to(before[0])
        await pilot.press("s")  # the only star goes
        await wait_until(pilot, lambda: not triage.recommended_only, "P turned off")
        assert [p.id for p in triage.papers.shown_papers] == before
        assert triage.papers.scores is None
        assert sidebar_line(triage) == ""
        assert any("Nothing to learn from yet" in m for _, m, _ in app.notices)


async def test_e_at_60_columns_lists_the_words_one_under_the_other() -> None:
    cache_tuesday_and_star_monday_protein()
    app = RecordingApp(Options(date=TUESDAY))
    async with app.run_test(size=(60, 40)) as pilot:
        triage = await open_with_protein_starred(pilot)
        await pilot.press("E")
        dialog = app.screen
        assert isinstance(dialog, ExplainScreen)
        text = str(dialog.query_one("#explain-model", Static).render())
        lines = text.split("\n")
        assert lines[1] == "↑ pull up" and "↓ pull down" in lines
        # Every word line is one term and its weight: a weight never stands alone.
        words = [line for line in lines[2:] if line and not line.startswith(("↑", "↓"))]
        assert words and all(re.fullmatch(r"\S.*? +[+-]\d\.\d{3} *", w) for w in words), words
        assert triage.recommendation is not None


async def test_a_day_of_one_paper_says_why_there_is_nothing_to_rank() -> None:
    alone = paper(1, TUESDAY, "protein", "alone")
    cache_days(factories.day(TUESDAY, (alone,)))
    star_in_store([alone.id])
    app = RecordingApp(Options(date=TUESDAY))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = app.triage
        await wait_until(pilot, lambda: triage.recommendation is not None, "the model")
        await pilot.press("R")
        assert not triage.ranking
        assert "ranked" not in triage.date_bar.text
        assert any("Too little on this day to learn from" in m for _, m, _ in app.notices)
        await pilot.press("M")
        await wait_until(
            pilot, lambda: any("sets " + alone.id in m for _, m, _ in app.notices), "the notice"
        )
        assert triage.like is None
        await pilot.press("E")
        learnt = str(app.screen.query_one("#explain-learnt", Static).render())
        assert "Learnt from 1 starred, but too little on this day" in learnt


async def test_r_and_p_in_the_starred_view_say_so_and_change_nothing() -> None:
    cache_tuesday_and_star_monday_protein()
    app = RecordingApp(Options(date=TUESDAY))
    async with app.run_test(size=SIZE) as pilot:
        triage = await open_with_protein_starred(pilot)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("R", "P")
        assert not triage.ranking and not triage.recommended_only
        assert any("f leaves the starred view" in m for _, m, _ in app.notices)
        await pilot.press("f")
        await settle(pilot)
        assert len(triage.papers.shown_papers) == 12
