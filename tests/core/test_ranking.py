import random
import time
from dataclasses import replace

import pytest
from factories import paper

from tui.adapters.sample import load_sample_day
from tui.core.paper import Paper
from tui.core.ranking import Ranker, rank

SEED = load_sample_day().papers
DDT, DYDIT = "2504.05741", "2504.06803"  # two diffusion transformers
GRAPH_LEXICAL = "2504.06816"  # "A Graph Diffusion Algorithm for Lexical Similarity Evaluation"

# Hand-written abstracts on graph theory and astrophysics: nothing to do with diffusion models.
# fmt: off
UNRELATED = [
    (
        "math.CO",
        "Hamiltonian cycles in random regular graphs of high girth",
        "We prove that for every fixed degree at least three, a random regular graph with girth"
        " at least g contains a Hamiltonian cycle with probability tending to one. The proof "
        "combines the small subgraph conditioning method with a switching argument on short "
        "cycles, and extends to the enumeration of perfect matchings and 2-factors.",
    ),
    (
        "math.CO",
        "The chromatic number of Kneser graphs revisited",
        "We give a short combinatorial proof of Lovász's theorem on the chromatic number of "
        "Kneser graphs, avoiding topological methods. Our argument uses a colouring of the "
        "vertices of the hypercube and a parity lemma on intersecting families of sets, and "
        "yields new bounds for the chromatic number of stable Kneser graphs.",
    ),
    (
        "math.CO",
        "Extremal results for planar graphs without short cycles",
        "Let ex_P(n, C_k) denote the maximum number of edges in an n-vertex planar graph with "
        "no cycle of length k. We determine this Turán-type number exactly for k = 5 and 6 and "
        "give asymptotically tight bounds for larger k, using discharging on the faces of a "
        "plane embedding and a structural lemma on bipartite minors.",
    ),
    (
        "cs.DM",
        "Treewidth of graph powers and minor-closed classes",
        "We show that the treewidth of the k-th power of a graph in a proper minor-closed class"
        " is bounded by a function of its maximum degree, k and the treewidth of the graph. As "
        "a consequence, graph isomorphism and coloring problems are fixed-parameter tractable "
        "on such powers. Tree decompositions are built from layered separators.",
    ),
    (
        "astro-ph.GA",
        "Stellar kinematics of the Milky Way bulge from Gaia and APOGEE",
        "We combine Gaia astrometry with APOGEE spectroscopy for 30,000 red giants to measure "
        "the rotation curve and velocity dispersion of the Galactic bulge. The bar pattern "
        "speed and the metallicity gradient of the inner Galaxy are constrained, and the "
        "kinematics favour a secular origin of the boxy-peanut bulge from disc instabilities.",
    ),
    (
        "astro-ph.HE",
        "X-ray timing of an accreting millisecond pulsar during outburst",
        "We report NICER observations of the accreting millisecond X-ray pulsar during its 2024"
        " outburst. Coherent timing gives the spin frequency, its derivative and the orbital "
        "parameters of the binary. Pulse profiles evolve with flux, suggesting changes in the "
        "accretion column geometry and the magnetospheric radius of the neutron star.",
    ),
    (
        "astro-ph.CO",
        "Baryon acoustic oscillations in the Lyman-alpha forest at redshift 2.3",
        "We measure the baryon acoustic oscillation scale in the auto-correlation of the Lyman-"
        "alpha forest flux and its cross-correlation with quasars. The angular diameter "
        "distance and Hubble parameter at redshift 2.3 are consistent with a flat Lambda cold "
        "dark matter cosmology, and we constrain the curvature density.",
    ),
    (
        "astro-ph.SR",
        "Asteroseismology of red clump stars with TESS photometry",
        "Solar-like oscillations of 2,000 red clump stars observed by TESS give their masses, "
        "radii and ages via scaling relations. Mixed-mode period spacings separate core helium "
        "burning stars from hydrogen-shell burning giants, and the age-metallicity relation of "
        "the local disc is derived for the stellar population.",
    ),
]
# fmt: on


def unrelated() -> list[Paper]:
    return [
        paper(number=90000 + i, title=t, abstract=a, categories=(c,))
        for i, (c, t, a) in enumerate(UNRELATED)
    ]


def starred(*ids: str) -> list[Paper]:
    return [p for p in SEED if p.id in ids]


def mixed_day() -> list[Paper]:
    """Unrelated papers first, interleaved with the seed: the day's order favours them."""
    others = unrelated()
    interleaved = [p for pair in zip(others, SEED, strict=False) for p in pair]
    return interleaved + list(SEED[len(others) :])


def test_papers_like_the_starred_ones_rise_to_the_top() -> None:
    ranked = rank(mixed_day(), starred(DDT, DYDIT))
    ids = [p.id for p, _ in ranked]
    assert set(ids[:2]) == {DDT, DYDIT}
    assert [s for _, s in ranked[:2]] == pytest.approx([1.0, 1.0])
    diffusion_models = {p.id for p in SEED} - {GRAPH_LEXICAL}
    assert set(ids[: len(diffusion_models)]) == diffusion_models
    unrelated_ids = {p.id for p in unrelated()}
    assert unrelated_ids <= set(ids[-(len(unrelated_ids) + 1) :])


def test_starred_papers_from_another_day_work_too() -> None:
    day = [p for p in mixed_day() if p.id not in (DDT, DYDIT)]
    ranked = rank(day, starred(DDT, DYDIT))
    assert len(ranked) == len(day)
    top = [p.id for p, _ in ranked[:13]]
    assert set(top) == {p.id for p in SEED} - {DDT, DYDIT, GRAPH_LEXICAL}
    assert all(0.0 <= s < 1.0 for _, s in ranked)


def test_no_starred_papers_keep_the_days_order_with_zero_scores() -> None:
    day = mixed_day()
    assert rank(day, []) == [(p, 0.0) for p in day]
    assert Ranker(day).rank([]) == [(p, 0.0) for p in day]


def test_an_empty_day() -> None:
    assert rank([], starred(DDT)) == []


def test_ties_keep_the_days_order() -> None:
    twin_a = paper(
        number=80001, title="Spectral sparsifiers of hypergraphs", abstract="Cuts and expanders."
    )
    twin_b = replace(twin_a, id="2504.80002")
    twin_c = replace(twin_a, id="2504.80003")
    day = [twin_c, *SEED[:3], twin_a, twin_b]
    ranked = rank(day, starred(DDT))
    twins = [p.id for p, _ in ranked if p.title == twin_a.title]
    assert twins == ["2504.80003", "2504.80001", "2504.80002"]
    scores = {p.id: s for p, s in ranked}
    assert scores["2504.80001"] == scores["2504.80002"] == scores["2504.80003"]


def test_the_score_is_the_best_likeness_to_any_starred_paper() -> None:
    day = mixed_day()
    ddt, pulsar = next(p for p in day if p.id == DDT), unrelated()[5]
    ranker = Ranker(day)
    both = ranker.scores([ddt, pulsar])
    # both stars are in the day, so the IDF is the same whichever is starred
    each = [ranker.scores([ddt]), ranker.scores([pulsar])]
    assert both == pytest.approx([max(a, b) for a, b in zip(*each, strict=True)])
    assert ranker.scores([ddt, pulsar, pulsar]) == both  # a star given twice counts once
    # a second, unrelated interest pulls nothing down (a mean would halve the diffusion scores)
    assert all(b >= a for a, b in zip(each[0], both, strict=True))
    ranked = [p.id for p, _ in ranker.rank([ddt, pulsar])]
    assert set(ranked[:2]) == {DDT, pulsar.id}


def test_papers_without_words_score_zero() -> None:
    empty = paper(number=80009, title="$x$", abstract="")
    day = [empty, *SEED[:4]]
    ranked = dict((p.id, s) for p, s in rank(day, [empty, SEED[7]]))
    assert ranked["2504.80009"] == 0.0
    assert rank([empty], [empty]) == [(empty, 0.0)]


def test_stop_words_and_latex_commands_do_not_make_papers_alike() -> None:
    noise = "We show that the results of this paper are $\\mathbb{R}$ \\textbf{based} on it."
    a = paper(number=80011, title="Quasars", abstract=noise)
    b = paper(number=80012, title="Lattices", abstract=noise)
    assert rank([a, b], [a])[1] == (b, 0.0)


def test_ranker_reuses_the_day() -> None:
    day = mixed_day()
    ranker = Ranker(day)
    for stars in ([SEED[7]], [SEED[7], SEED[11]], [unrelated()[0]]):
        assert ranker.rank(stars) == rank(day, stars)


def test_a_thousand_papers_rank_quickly() -> None:
    rng = random.Random(7)
    sentences = [s for p in SEED for s in p.abstract.split(". ")]
    day = [
        paper(
            number=70000 + i,
            title=rng.choice(SEED).title,
            abstract=". ".join(rng.sample(sentences, 8)),
        )
        for i in range(1000)
    ]
    started = time.perf_counter()
    ranked = rank(day, starred(DDT, DYDIT))
    assert time.perf_counter() - started < 1.0  # about 0.07 s; see tests/benchmarks/rank_bench.py
    assert len(ranked) == 1000
