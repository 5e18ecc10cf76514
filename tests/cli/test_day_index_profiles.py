"""A DayIndex given its profiles up front answers as one that matches them on first use."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from tui.adapters.sample import load_sample_day
from tui.core.filters import DayIndex, Query
from tui.core.follow import KeywordProfile

PROFILES = (
    KeywordProfile("Diffusion", ("diffusion", "score matching")),
    KeywordProfile("Graphs", ("graph",), exclude=("graph diffusion",)),
)


def test_profiles_given_up_front_match_as_on_first_use() -> None:
    papers = load_sample_day().papers
    categories = ("cs.LG", "cs.CV", "cs.CL", "cs.AI")
    eager, lazy = DayIndex(papers, PROFILES), DayIndex(papers)
    for profile in (None, *PROFILES):
        for text in ("", "learning", "model data"):
            query = Query(profile=profile, text=text)
            assert eager.view(query, categories, PROFILES) == lazy.view(query, categories, PROFILES)
    assert any(eager.keyword_matches(profile) for profile in PROFILES)


def test_the_folded_texts_are_not_kept_for_profiles_given_up_front() -> None:
    index = DayIndex(load_sample_day().papers, PROFILES)
    assert index._keyword_text is None
    later = KeywordProfile("Later", ("language",))
    assert index.keyword_matches(later) == DayIndex(index.papers).keyword_matches(later)


def test_typing_on_within_a_word_shares_the_set_of_papers() -> None:
    index = DayIndex(load_sample_day().papers)
    word = "learning"
    sets = [index._term_set(word[:end]) for end in range(1, len(word) + 1)]
    assert all(later is earlier or len(later) < len(earlier) for earlier, later in pairwise(sets))
    assert len({id(found) for found in sets}) < len(sets)  # some prefixes kept every paper
    expected = {i for i, paper in enumerate(index.papers) if word in index._search_text[i]}
    assert sets[-1] == expected


def test_the_term_cache_stays_bounded() -> None:
    index = DayIndex(load_sample_day().papers)
    for n in range(500):
        index.view(Query(text=f"term{n}"), ("cs.LG",), ())
    assert len(index._terms) <= DayIndex._TERM_CACHE_SIZE


def test_a_fuzzy_index_sharing_the_filter_index_texts_searches_alike() -> None:
    from tui.core.fuzzy import FuzzyIndex

    papers = load_sample_day().papers
    index = DayIndex(papers)
    shared, own = FuzzyIndex(papers, texts=index.search_texts()), FuzzyIndex(papers)
    assert shared._text is index.search_texts()[0]  # one folded copy of each abstract, not two
    for query in ("diffusion", "difusion model", "learn", "2503", "qxzvbnm", "graph neural"):
        assert shared.search(query) == own.search(query)


def test_texts_of_other_papers_are_refused() -> None:
    from tui.core.fuzzy import FuzzyIndex

    papers = load_sample_day().papers
    texts = DayIndex(papers[:3]).search_texts()
    with pytest.raises(ValueError):
        FuzzyIndex(papers, texts=texts)


def test_the_flag_store_keeps_one_string_per_change_time(tmp_path: Path) -> None:
    from tui.adapters.store import FlagStore

    ids = [f"2504.{n:05d}" for n in range(50)]
    with FlagStore(tmp_path) as store:
        store.set_read(ids, True)  # one time for all of them
        store.set_starred(ids[:10], True)
        store.checkpoint()
    with FlagStore(tmp_path) as store:
        rows = store._rows
        read_times = {id(rows[paper_id].read_changed) for paper_id in ids}
        assert len(read_times) == 1
        assert all(store.get(paper_id).read for paper_id in ids)
        assert [store.get(paper_id).starred for paper_id in ids] == [True] * 10 + [False] * 40
        first = store.get(ids[0])
        assert first.read_changed is not None and first.starred_changed is not None
