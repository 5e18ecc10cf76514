import random
import time

import pytest
from factories import paper

from tui.adapters.sample import SAMPLE_KEYWORDS, load_sample_day
from tui.core.filters import DayIndex, Match, Query, matched_keywords, search_fold
from tui.core.follow import KeywordProfile
from tui.core.paper import Paper

DIFFUSION = KeywordProfile("Diffusion", SAMPLE_KEYWORDS)


# ---------------------------------------------------------------- matched_keywords


def test_keyword_is_a_case_insensitive_substring() -> None:
    detector = paper(abstract="We integrate LoRA into DiffusionDet for aerial images.")
    assert matched_keywords(detector, ["Diffusion"]) == ("Diffusion",)
    sampler = paper(number=2, title="Faster DDPM sampling")
    assert matched_keywords(sampler, ["ddpm"]) == ("ddpm",)


def test_keyword_in_title_or_abstract_only() -> None:
    by_author = paper(authors=("Diffusion Smith",), categories=("cs.LG",))
    assert matched_keywords(by_author, ["Diffusion"]) == ()


def test_keywords_come_back_in_the_given_order() -> None:
    both = paper(title="DDIM meets DDPM", abstract="A diffusion sampler.")
    assert matched_keywords(both, ["DDPM", "Diffusion", "DDIM", "GAN"]) == (
        "DDPM",
        "Diffusion",
        "DDIM",
    )


def test_keyword_spanning_a_hard_wrapped_line_still_matches() -> None:
    wrapped = paper(abstract="a latent\n  diffusion model")
    assert matched_keywords(wrapped, ["latent diffusion"]) == ("latent diffusion",)


def test_keyword_only_inside_an_excluded_phrase_does_not_count() -> None:
    graph_only = paper(abstract="A graph diffusion algorithm for lexical similarity.")
    assert matched_keywords(graph_only, ["Diffusion"], exclude=["Graph Diffusion"]) == ()


def test_keyword_also_outside_the_excluded_phrase_counts() -> None:
    mixed = paper(
        title="A Schedule-Driven Diffusion Model",
        abstract="We introduce a new graph diffusion model.",
    )
    assert matched_keywords(mixed, ["Diffusion"], exclude=["graph diffusion"]) == ("Diffusion",)


def test_exclusion_vetoes_only_the_keywords_it_covers() -> None:
    text = paper(abstract="graph diffusion with a DDPM prior")
    assert matched_keywords(text, ["Diffusion", "DDPM"], exclude=["graph diffusion"]) == ("DDPM",)


def test_exclusions_agree_with_checking_every_occurrence_against_every_phrase() -> None:
    def by_hand(text: str, keyword: str, exclude: list[str]) -> bool:
        text = " ".join(text.split())  # as matching folds them
        exclude = [folded for e in exclude if (folded := " ".join(e.split()))]
        spans = [
            (i, i + len(e)) for e in exclude for i in range(len(text)) if text.startswith(e, i)
        ]
        return any(
            not any(lo <= i and i + len(keyword) <= hi for lo, hi in spans)
            for i in range(len(text))
            if text.startswith(keyword, i)
        )

    rng = random.Random(7)
    for _ in range(2000):
        text = "".join(rng.choice("ab ") for _ in range(rng.randint(1, 30)))
        keyword = "".join(rng.choice("ab") for _ in range(rng.randint(1, 3)))
        exclude = ["".join(rng.choice("ab ") for _ in range(rng.randint(1, 5))) for _ in range(2)]
        expected = (keyword,) if by_hand(text, keyword, exclude) else ()
        found = matched_keywords(paper(title="", abstract=text), [keyword], exclude)
        assert found == expected, (text, keyword, exclude)


def test_exclusions_on_a_hostile_abstract_take_linear_time() -> None:
    # Every occurrence inside an excluded phrase, 12,000 times: ~4 s when each occurrence was
    # checked against every phrase occurrence.
    hostile = paper(abstract="graph diffusion " * 12_000)
    started = time.perf_counter()
    assert matched_keywords(hostile, ["diffusion"], exclude=["graph diffusion"]) == ()
    assert time.perf_counter() - started < 0.5


def test_blank_keywords_never_match() -> None:
    assert matched_keywords(paper(), ["", "  "]) == ()


# ---------------------------------------------------------------- DayIndex.view

DAY = [
    paper(number=1, title="Diffusion for vision", categories=("cs.CV", "cs.LG")),
    paper(number=2, title="Language models", categories=("cs.CL",)),
    paper(number=3, title="DDPM in physics", categories=("physics.comp-ph", "cs.LG")),
    paper(number=4, title="Graph things", categories=("math.CO",), authors=("R\\'emy Duval",)),
    paper(number=5, title="A DDIM trick", categories=("cs.CL", "cs.AI")),
]
FOLLOWED = ("cs.LG", "cs.CV", "cs.CL", "cs.AI")
LANGUAGE = KeywordProfile("Language", ("language",))


def ids(matches: tuple[Match, ...]) -> list[str]:
    return [m.paper.id for m in matches]


def test_no_filter_shows_the_whole_day_in_order() -> None:
    view = DayIndex(DAY).view(Query(), FOLLOWED, [DIFFUSION])
    assert ids(view.matches) == [p.id for p in DAY]
    assert view.total == 5
    assert all(m.keywords == () for m in view.matches)


def test_categories_are_any_of() -> None:
    view = DayIndex(DAY).view(Query(categories=frozenset({"cs.CV", "cs.AI"})), FOLLOWED, [])
    assert ids(view.matches) == ["2504.00001", "2504.00005"]


def test_profile_filters_and_reports_matched_keywords() -> None:
    view = DayIndex(DAY).view(Query(profile=DIFFUSION), FOLLOWED, [DIFFUSION])
    assert [(m.paper.id, m.keywords) for m in view.matches] == [
        ("2504.00001", ("Diffusion",)),
        ("2504.00003", ("DDPM",)),
        ("2504.00005", ("DDIM",)),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("vision", ["2504.00001"]),  # title
        ("lovelace", ["2504.00001", "2504.00002", "2504.00003", "2504.00005"]),  # authors
        ("abstract", [p.id for p in DAY]),  # abstract
        ("2504.00003", ["2504.00003"]),  # id
        ("math.co", ["2504.00004"]),  # category
        ("DIFFUSION VISION", ["2504.00001"]),  # every term, any case
        ("diffusion language", []),
        ("remy", ["2504.00004"]),  # a TeX accent, typed without it
        ("rémy", ["2504.00004"]),
        ("   ", [p.id for p in DAY]),
    ],
)
def test_free_text_terms_all_must_occur(text: str, expected: list[str]) -> None:
    view = DayIndex(DAY).view(Query(text=text), FOLLOWED, [])
    assert ids(view.matches) == expected


def test_all_filters_combine() -> None:
    query = Query(categories=frozenset({"cs.LG"}), profile=DIFFUSION, text="physics")
    view = DayIndex(DAY).view(query, FOLLOWED, [DIFFUSION])
    assert ids(view.matches) == ["2504.00003"]


def test_category_counts_ignore_the_category_filter_but_honour_the_others() -> None:
    query = Query(categories=frozenset({"cs.CV"}), profile=DIFFUSION)
    view = DayIndex(DAY).view(query, FOLLOWED, [DIFFUSION, LANGUAGE])
    assert dict(view.category_counts) == {"cs.LG": 2, "cs.CV": 1, "cs.CL": 1, "cs.AI": 1}


def test_profile_counts_ignore_the_profile_but_honour_categories_and_text() -> None:
    index = DayIndex(DAY)
    query = Query(categories=frozenset({"cs.CL", "cs.LG"}), profile=LANGUAGE)
    view = index.view(query, FOLLOWED, [DIFFUSION, LANGUAGE])
    assert dict(view.profile_counts) == {"Diffusion": 3, "Language": 1}
    narrowed = index.view(Query(text="trick"), FOLLOWED, [DIFFUSION, LANGUAGE])
    assert dict(narrowed.profile_counts) == {"Diffusion": 1, "Language": 0}


def test_typing_a_longer_term_narrows_consistently() -> None:
    index = DayIndex(DAY)
    seen = [ids(index.view(Query(text=t), FOLLOWED, []).matches) for t in ("d", "dd", "ddp", "dd")]
    assert seen[0] == [p.id for p in DAY]
    assert seen[1] == seen[3] == ["2504.00003", "2504.00005"]
    assert seen[2] == ["2504.00003"]


def test_search_fold_meets_accents_however_written() -> None:
    assert search_fold("R\\'emy") == search_fold("Rémy") == "remy"
    assert search_fold("Pawe{\\l}") == search_fold("Paweł") == "pawel"


def test_the_sample_day_matches_its_keywords() -> None:
    day = load_sample_day()
    view = DayIndex(day.papers).view(Query(profile=DIFFUSION), FOLLOWED, [DIFFUSION])
    assert len(view.matches) == 16
    detector = next(m for m in view.matches if m.paper.id == "2504.06330")
    assert detector.keywords == ("Diffusion",)  # only through "DiffusionDet"


# ---------------------------------------------------------------- speed


def synthetic_day(size: int) -> list[Paper]:
    rng = random.Random(2025)
    words = " ".join(p.abstract + " " + p.title for p in load_sample_day().papers).split()
    categories = ["cs.LG", "cs.CV", "cs.CL", "cs.AI", "stat.ML", "math.OC", "eess.IV"]
    return [
        paper(
            number=10000 + i,
            title=" ".join(rng.choices(words, k=12)),
            abstract=" ".join(rng.choices(words, k=180)),
            categories=tuple(rng.sample(categories, rng.randint(1, 3))),
            authors=tuple(f"Author {rng.randrange(50000)}" for _ in range(rng.randint(1, 10))),
        )
        for i in range(size)
    ]


def test_a_keystroke_at_five_thousand_papers_is_fast() -> None:
    papers = synthetic_day(5000)
    started = time.perf_counter()
    index = DayIndex(papers)
    built = time.perf_counter() - started
    profiles = [DIFFUSION, LANGUAGE, KeywordProfile("Vision", ("image", "video", "visual"))]
    index.view(Query(profile=DIFFUSION), FOLLOWED, profiles)  # first view fills the profile caches
    timings = []
    for text in ["d", "di", "dif", "diff", "diffu", "diffusion", "diffusion m", "diffusion mo"]:
        query = Query(categories=frozenset({"cs.LG", "cs.CV"}), profile=DIFFUSION, text=text)
        started = time.perf_counter()
        index.view(query, FOLLOWED, profiles)
        timings.append(time.perf_counter() - started)
    worst = max(timings)
    print(
        f"\nDayIndex at 5000 papers: build {built * 1000:.0f} ms, "
        f"view per keystroke median {sorted(timings)[len(timings) // 2] * 1000:.1f} ms, "
        f"worst {worst * 1000:.1f} ms"
    )
    assert worst < 0.5  # a sanity bound for slow CI machines; the target is < 15 ms
