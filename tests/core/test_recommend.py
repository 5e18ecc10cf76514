"""The recommendation model: it learns from stars and skips and names the words behind it."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import RECORDED
from factories import paper

from tui.core.library_file import recency_weights
from tui.core.paper import Paper
from tui.core.recommend import Corpus, Model, terms

# Four topics, each a pool of phrases; a paper of a topic is a few of its phrases.
# fmt: off
TOPICS = {
    "diffusion": (
        "cs.CV",
        ["diffusion models generate images", "denoising diffusion transformers",
         "image synthesis with latent diffusion", "classifier-free guidance improves samples",
         "text-to-image generation quality", "noise schedules for diffusion sampling",
         "video diffusion with temporal attention", "score matching and image generation"],
    ),
    "quantum": (
        "quant-ph",
        ["quantum error correction codes", "surface code logical qubits",
         "fault-tolerant quantum computation", "entanglement of superconducting qubits",
         "decoherence in trapped ions", "quantum circuits with noisy gates",
         "stabilizer measurements and syndrome decoding", "logical error rates below threshold"],
    ),
    "graphs": (
        "math.CO",
        ["chromatic number of random graphs", "Hamiltonian cycles in regular graphs",
         "extremal bounds for planar graphs", "treewidth of minor-closed classes",
         "perfect matchings in bipartite graphs", "Ramsey numbers of sparse graphs",
         "edge colourings and girth", "Turán density of hypergraphs"],
    ),
    "galaxies": (
        "astro-ph.GA",
        ["stellar kinematics of the Galactic bulge", "dark matter halos of dwarf galaxies",
         "star formation in spiral arms", "metallicity gradients of disc galaxies",
         "rotation curves from HI surveys", "galaxy mergers at high redshift",
         "supermassive black holes in galactic nuclei", "gas accretion onto the Milky Way"],
    ),
}
# fmt: on


def make_day(per_topic: int = 12, seed: int = 7) -> list[Paper]:
    rng = random.Random(seed)
    papers: list[Paper] = []
    for topic, (category, phrases) in TOPICS.items():
        for _ in range(per_topic):
            chosen = rng.sample(phrases, 4)
            papers.append(
                paper(
                    number=len(papers) + 1,
                    title=chosen[0].capitalize(),
                    abstract=". ".join(chosen[1:]) + f". A {topic} study.",
                    categories=(category,),
                )
            )
    rng.shuffle(papers)
    return papers


DAY = make_day()


def topic_of(p: Paper) -> str:
    return next(t for t, (category, _) in TOPICS.items() if p.categories[0] == category)


def of_topic(topic: str, papers: list[Paper] = DAY) -> list[Paper]:
    return [p for p in papers if topic_of(p) == topic]


def top_topics(model: Model, exclude: list[Paper], count: int) -> list[str]:
    skip = {p.id for p in exclude}
    return [topic_of(p) for p, _ in model.rank() if p.id not in skip][:count]


def occurs_in(term: str, p: Paper) -> bool:
    """The term's words, next to each other, in the paper's title or abstract."""
    pattern = r"\W+".join(re.escape(word) for word in term.split())
    text = f"{p.title}\n{p.abstract}".lower()
    return re.search(rf"(?<![^\W_]){pattern}(?![^\W_])", text) is not None


def test_terms_are_words_and_adjacent_pairs_without_stop_words_or_breaks() -> None:
    p = paper(title="Fast graph colouring", abstract="We colour the graphs, quickly. Finished now.")
    assert terms(p) == [
        "fast", "graph", "fast graph", "colouring", "graph colouring",
        "colour", "graphs", "quickly", "finished",
    ]  # fmt: skip


def test_a_starred_topic_rises_to_the_top() -> None:
    stars = of_topic("quantum")[:3]
    model = Model.train(DAY, stars)
    assert top_topics(model, stars, 9) == ["quantum"] * 9


def test_two_starred_topics_both_rise() -> None:
    stars = of_topic("quantum")[:2] + of_topic("graphs")[:2]
    top = top_topics(Model.train(DAY, stars), stars, 16)
    assert set(top) == {"quantum", "graphs"}


def test_negatives_push_their_topic_down() -> None:
    # Stars on two topics; the reader passed over papers of one of them.
    stars = of_topic("quantum")[:2] + of_topic("galaxies")[:2]
    passed = of_topic("galaxies")[2:6]
    corpus = Corpus(DAY)
    before = Model.train(corpus, stars)
    after = Model.train(corpus, stars, negatives=passed)

    def galaxy_rank(model: Model) -> float:
        skip = {p.id for p in stars + passed}
        ranked = [p for p, _ in model.rank() if p.id not in skip]
        places = [i for i, p in enumerate(ranked) if topic_of(p) == "galaxies"]
        return sum(places) / len(places)

    assert galaxy_rank(after) > galaxy_rank(before) + 2
    assert top_topics(after, stars + passed, 8) == ["quantum"] * 8


def test_more_like_this_ranks_the_papers_own_topic_first() -> None:
    for topic in TOPICS:
        seed = of_topic(topic)[0]
        model = Model.more_like_this(DAY, seed)
        assert top_topics(model, [seed], 8) == [topic] * 8


def test_library_papers_from_elsewhere_are_positives_weighted_by_recency() -> None:
    elsewhere = [
        paper(id=f"2301.{n:05d}", title=t, abstract=a, categories=("math.CO",))
        for n, (t, a) in enumerate(
            [
                ("Chromatic number of Kneser graphs", "Colourings of graphs and girth."),
                ("Planar graphs", "Extremal bounds for planar graphs without short cycles."),
            ]
        )
    ]
    weights = recency_weights(added_days_ago(2))
    assert weights == sorted(weights, reverse=True)
    model = Model.train(DAY, elsewhere, weights=weights)
    assert top_topics(model, [], 6) == ["graphs"] * 6


def test_explanations_name_terms_that_occur_in_the_paper() -> None:
    stars = of_topic("diffusion")[:3]
    model = Model.train(DAY, stars, negatives=of_topic("graphs")[:2])
    for p in DAY:
        up, down = model.explain_paper(p, top=5)
        assert up or down
        for term, weight in up + down:
            assert occurs_in(term, p), (term, p.title, p.abstract)
            assert weight != 0
        assert [w for _, w in up] == sorted((w for _, w in up), reverse=True)
        assert all(w > 0 for _, w in up) and all(w < 0 for _, w in down)
    assert any(
        topic_of(p) == "diffusion" and any(" " in t for t, _ in model.explain_paper(p)[0])
        for p in DAY
    ), "bigrams explain too"


def test_the_whole_model_is_explained_by_its_heaviest_terms() -> None:
    model = Model.train(DAY, of_topic("quantum")[:3])
    up, down = model.explain(top=6)
    assert len(up) == 6 and len(down) == 6
    quantum_words = " ".join(" ".join(TOPICS["quantum"][1]) for _ in [0]).lower()
    assert all(all(w in quantum_words for w in t.split()) for t, _ in up[:3])
    assert [w for _, w in down] == sorted(w for _, w in down)
    assert all(t in model.corpus.term_index for t, _ in up + down)


def test_relevance_runs_from_the_day_to_the_stars_and_a_threshold_cuts() -> None:
    stars = of_topic("graphs")[:3]
    model = Model.train(DAY, stars)
    relevance = model.relevance(model.scores())
    assert all(0 <= r <= 1 for r in relevance)
    # The model is fitted to the stars: they stand far out of the day.
    assert sorted(model.relevance(model.scores(stars)))[1] == 1.0
    recommended = model.recommended(0.5)
    assert recommended and {topic_of(p) for p, _ in recommended} == {"graphs"}
    assert len(model.recommended(0.9)) <= len(recommended) <= len(model.recommended(0.1))


def test_no_positive_scores_every_paper_zero_and_explains_nothing() -> None:
    for model in (
        Model.train(DAY, []),
        Model.train(DAY, [], negatives=DAY[:3]),
        Model.train(DAY, DAY[:2], weights=[0.0, 0.0]),
        Model.train([], DAY[:2]),
    ):
        assert not model.trained
        assert model.scores() == [0.0] * len(model.corpus)
        assert model.explain() == ([], [])
        assert model.explain_paper(DAY[0]) == ([], [])
        assert model.recommended(0.0) == []
    assert [p for p, _ in Model.train(DAY, []).rank()] == DAY  # the day's order is kept


def test_a_paper_with_no_words_scores_the_bias_and_has_no_explanation() -> None:
    empty = paper(number=900, title="", abstract="$x$ 42 ... (1)", categories=("math.CO",))
    day = [*DAY, empty]
    model = Model.train(day, of_topic("graphs")[:2])
    assert model.explain_paper(empty) == ([], [])
    assert model.scores([empty]) == [pytest.approx(model.bias)]
    assert not Model.train(day, [empty]).trained  # nothing to learn from


def test_all_papers_identical_gives_equal_scores_and_no_crash() -> None:
    same = [paper(number=n, title="Graph colouring", abstract="Graphs.") for n in range(1, 6)]
    model = Model.train(same, same[:1])
    scores = model.scores()
    assert all(s == pytest.approx(scores[0]) for s in scores)
    assert not Model.train(same, same).trained  # no background to tell them from


def test_weights_must_match_positives() -> None:
    with pytest.raises(ValueError):
        Model.train(DAY, DAY[:2], weights=[1.0])


def test_the_same_input_gives_the_same_model() -> None:
    stars = of_topic("galaxies")[:3]
    first, second = Model.train(DAY, stars), Model.train(list(DAY), list(stars))
    assert first.scores() == second.scores()
    assert first.explain() == second.explain()
    assert first.explain_paper(DAY[5]) == second.explain_paper(DAY[5])


FULL_DAY = RECORDED / "rss-all-archives-2024-11-28.xml"


@pytest.mark.skipif(not FULL_DAY.is_file(), reason="../shared/data is absent")
def test_on_the_real_day_five_stars_of_a_category_bring_up_that_category() -> None:
    from tui.adapters.sources.rss import parse_rss

    papers = parse_rss(Path(FULL_DAY).read_bytes(), [])[1]
    quantum = [p for p in papers if p.primary_category == "quant-ph"]
    stars = random.Random(0).sample(quantum, 5)
    model = Model.train(papers, stars)
    skip = {p.id for p in stars}
    top = [p for p, _ in model.rank() if p.id not in skip][:20]
    assert sum(p.primary_category == "quant-ph" for p in top) >= 12
    for p in top:
        up, down = model.explain_paper(p)
        for term, _ in up + down:
            assert occurs_in(term, p), (term, p.id)


@pytest.mark.skipif(not FULL_DAY.is_file(), reason="../shared/data is absent")
def test_on_the_real_day_the_threshold_lets_through_fewer_and_better_papers() -> None:
    """Relevance is counted in the day's spread of scores: 0.5 lets through a few dozen of
    1,504 papers, most of the stars' category; a higher threshold fewer and better."""
    from tui.adapters.sources.rss import parse_rss

    papers = parse_rss(Path(FULL_DAY).read_bytes(), [])[1]
    corpus = Corpus(papers)
    for category in ("cs.CV", "quant-ph"):
        pool = [p for p in papers if p.primary_category == category]
        stars = random.Random(1).sample(pool, 5)
        model = Model.train(corpus, stars)
        skip = {p.id for p in stars}
        shares = []
        for threshold in (0.3, 0.5, 0.8):
            chosen = [p for p, _ in model.recommended(threshold) if p.id not in skip]
            assert 0 < len(chosen) < 150, (category, threshold, len(chosen))
            shares.append(sum(p.primary_category == category for p in chosen) / len(chosen))
        assert shares[0] < shares[2] and shares[1] >= 0.4, (category, shares)


def test_importing_the_module_loads_no_numerical_library() -> None:
    code = (
        "import sys, tui.core.recommend\n"
        "print(','.join(m for m in ('numpy', 'scipy', 'sklearn') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "", f"imported with tui.core.recommend: {loaded}"


def added_days_ago(count: int) -> list[datetime]:
    """Added dates of ``count`` library papers, newest first, a day apart."""
    newest = datetime(2025, 4, 9, tzinfo=UTC)
    return [newest - timedelta(days=n) for n in range(count)]
