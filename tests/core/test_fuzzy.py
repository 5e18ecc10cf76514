import pytest
from factories import paper

from tui.adapters.sample import load_sample_day
from tui.core.fuzzy import EXACT, FuzzyIndex, edit_distance, max_edits
from tui.core.paper import Paper

DDT = "2504.05741"  # DDT: Decoupled Diffusion Transformer
ROCKTASCHEL = "2503.08295"  # Tim Rocktäschel is the last author


@pytest.fixture(scope="module")
def sample() -> FuzzyIndex:
    return FuzzyIndex(load_sample_day().papers)


def ids(found: list[tuple[Paper, float]]) -> list[str]:
    return [p.id for p, _ in found]


# ---------------------------------------------------------------- what it finds


def test_a_typo_finds_the_papers_with_the_word(sample: FuzzyIndex) -> None:
    found = sample.search("difusion")
    with_word = {p.id for p in sample.papers if "diffusion" in p.title.lower()}
    assert len(with_word) >= 14
    assert with_word <= set(ids(found))
    assert all(score < EXACT for _, score in found)  # nothing has "difusion" as typed


def test_words_in_another_order(sample: FuzzyIndex) -> None:
    found = sample.search("transformer diffusion")
    assert ids(found)[0] == DDT
    assert all(score >= EXACT for _, score in found)  # both words occur, just not in this order
    assert all("transformer" in (p.title + p.abstract).lower() for p, _ in found)


def test_a_misspelt_author(sample: FuzzyIndex) -> None:
    assert ids(sample.search("Rocktaschl")) == [ROCKTASCHEL]
    # Written without the umlaut, the name is an exact hit.
    [(hit, score)] = sample.search("rocktaschel")
    assert hit.id == ROCKTASCHEL and score >= EXACT


def test_an_id_prefix(sample: FuzzyIndex) -> None:
    found = ids(sample.search("2504.068"))
    expected = [p.id for p in sample.papers if p.id.startswith("2504.068")]
    assert len(expected) == 4
    assert sorted(found) == sorted(expected)


def test_nonsense_finds_nothing(sample: FuzzyIndex) -> None:
    assert sample.search("qxzvbnm") == []
    assert sample.search("diffusion qxzvbnm") == []


def test_swapped_letters_and_a_typo_in_each_word(sample: FuzzyIndex) -> None:
    assert DDT in ids(sample.search("trasnformer"))
    assert ids(sample.search("decoupld difusion trnasformer")) == [DDT]


def test_a_word_still_being_typed_matches_the_beginning_of_a_word(sample: FuzzyIndex) -> None:
    assert ids(sample.search("decoupled difus")) == [DDT]
    # Only the last term is taken as unfinished, and not once a space follows it.
    assert sample.search("difus decoupled") == []
    assert sample.search("decoupled difus ") == []


def test_hyphenated_term_with_a_typo(sample: FuzzyIndex) -> None:
    assert ids(sample.search("schedule-drivn")) == ["2504.06312"]


def test_short_terms_and_numbers_are_never_guessed() -> None:
    index = FuzzyIndex([paper(number=1, title="GAN training"), paper(number=2)])
    assert index.search("gab") == []
    assert index.search("2504.00003") == []
    assert ids(index.search("gan")) == ["2504.00001"]


def test_empty_query_gives_every_paper_in_order(sample: FuzzyIndex) -> None:
    for query in ("", "   "):
        found = sample.search(query)
        assert ids(found) == [p.id for p in sample.papers]
        assert {score for _, score in found} == {0.0}


# ---------------------------------------------------------------- ranking


def test_exact_hits_rank_above_near_misses() -> None:
    index = FuzzyIndex(
        [
            paper(number=1, title="Difusion models, spelt wrong"),
            paper(number=2, abstract="We train diffusion models."),
            paper(number=3, title="Unrelated"),
            paper(number=4, title="Diffusion models"),
        ]
    )
    found = index.search("diffusion")
    assert ids(found) == ["2504.00004", "2504.00002", "2504.00001"]
    scores = [score for _, score in found]
    assert scores[0] > scores[1] >= EXACT > scores[2] > 0


def test_a_phrase_ranks_above_its_words_apart() -> None:
    index = FuzzyIndex(
        [
            paper(number=1, title="Transformer meets diffusion"),
            paper(number=2, title="A diffusion transformer"),
        ]
    )
    assert ids(index.search("diffusion transformer")) == ["2504.00002", "2504.00001"]


def test_a_whole_word_ranks_above_part_of_a_word() -> None:
    index = FuzzyIndex(
        [
            paper(number=1, title="Exploration at scale"),
            paper(number=2, title="LoRA at scale"),
        ]
    )
    assert ids(index.search("lora")) == ["2504.00002", "2504.00001"]


def test_closer_misspellings_rank_higher() -> None:
    index = FuzzyIndex(
        [
            paper(number=1, title="Diffusoin"),
            paper(number=2, title="Diffusion"),
        ]
    )
    found = index.search("difusoin")
    assert ids(found) == ["2504.00001", "2504.00002"]
    assert found[0][1] > found[1][1]


def test_equal_scores_keep_the_day_order(sample: FuzzyIndex) -> None:
    found = sample.search("diffusion")
    best = [p.id for p, s in found if s == found[0][1]]
    day_order = [p.id for p in sample.papers if p.id in best]
    assert best == day_order


def test_accents_and_tex_are_ignored_both_ways() -> None:
    index = FuzzyIndex([paper(number=1, authors=("Pierre-Andr\\'e No\\\"el",))])
    assert ids(index.search("Noël")) == ["2504.00001"]
    assert ids(index.search("pierre-andre")) == ["2504.00001"]


def test_typing_one_letter_more_reuses_what_was_found(sample: FuzzyIndex) -> None:
    typed = "decoupled diffusion"
    results = [sample.search(typed[:end]) for end in range(1, len(typed) + 1)]
    assert ids(results[-1]) == [DDT]
    assert ids(FuzzyIndex(sample.papers).search(typed)) == [DDT]  # the same without caches


# ---------------------------------------------------------------- edit distance


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("diffusion", "diffusion", 0),
        ("difusion", "diffusion", 1),
        ("trasnformer", "transformer", 1),  # neighbours swapped: one edit
        ("rocktaschl", "rocktaschel", 1),
        ("kitten", "sitting", 3),
    ],
)
def test_edit_distance(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b, 3) == distance
    assert edit_distance(b, a, 3) == distance
    if distance:
        # One limit too tight: "more than the limit" is reported as limit + 1.
        assert edit_distance(a, b, distance - 1) == distance


def test_edit_distance_stops_past_the_limit() -> None:
    assert edit_distance("kitten", "sitting", 1) == 2
    assert edit_distance("a", "abcdef", 2) == 3


def test_prefix_distance() -> None:
    assert edit_distance("difus", "diffusion", 1, prefix=True) == 1
    assert edit_distance("transf", "transformer", 1, prefix=True) == 0
    assert edit_distance("trnsx", "transformer", 1, prefix=True) == 2


def test_max_edits_grows_with_the_term() -> None:
    assert [max_edits("x" * n) for n in (1, 3, 4, 6, 7, 12)] == [0, 0, 1, 1, 2, 2]
