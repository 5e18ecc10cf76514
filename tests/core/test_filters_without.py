"""Leaving papers out of a view (the hide toggles) gives what making the view with them left out
of ``within`` gives: the same papers, in the view's own order, and the same counts."""

from __future__ import annotations

import random
from dataclasses import replace

import factories
import pytest

from tui.core.filters import DayIndex, Query, View
from tui.core.follow import KeywordProfile
from tui.core.paper import Paper

CATEGORIES = ("cs.LG", "cs.CV", "cs.CL")
PROFILES = (
    KeywordProfile("Diffusion", ("diffusion",)),
    KeywordProfile("Graphs", ("graph",)),
)
WORDS = ("diffusion", "graph", "attention", "sparse", "kernel", "bound")


def papers(count: int, seed: int) -> list[Paper]:
    rng = random.Random(seed)
    return [
        factories.paper(
            number=number,
            title=" ".join(rng.sample(WORDS, 3)),
            abstract=" ".join(rng.choices(WORDS, k=12)),
            categories=tuple(rng.sample(CATEGORIES, rng.randint(1, 2))),
        )
        for number in range(1, count + 1)
    ]


def ids(view: View) -> list[str]:
    return [match.paper.id for match in view.matches]


@pytest.mark.parametrize("seed", range(12))
def test_leaving_papers_out_equals_making_the_view_without_them(seed: int) -> None:
    rng = random.Random(seed)
    index = DayIndex(papers(60, seed))
    query = Query(
        categories=frozenset(rng.sample(CATEGORIES, 2)) if seed % 2 else None,
        profile=PROFILES[0] if seed % 3 == 0 else None,
        text=rng.choice(("", "graph", "sparse bound")),
    )
    within = frozenset(rng.sample(range(60), 45)) if seed % 4 == 0 else None
    left_out = frozenset(rng.sample(range(60), rng.randint(0, 30)))

    made = index.view(query, CATEGORIES, PROFILES, within=within)
    narrowed = index.without(made, left_out)
    kept = (within if within is not None else index.all_positions) - left_out
    expected = index.view(query, CATEGORIES, PROFILES, within=kept)

    assert ids(narrowed) == ids(expected)
    assert dict(narrowed.category_counts) == dict(expected.category_counts)
    assert dict(narrowed.profile_counts) == dict(expected.profile_counts)
    assert narrowed.total == expected.total
    # And again: a second hide over the first.
    more = frozenset(rng.sample(range(60), 10))
    twice = index.without(narrowed, more)
    again = index.view(query, CATEGORIES, PROFILES, within=kept - more)
    assert ids(twice) == ids(again)
    assert dict(twice.category_counts) == dict(again.category_counts)


def test_the_view_s_own_order_is_kept() -> None:
    index = DayIndex(papers(20, 1))
    made = index.view(Query(), CATEGORIES, ())
    backwards = replace(made, matches=made.matches[::-1])  # as a sorted list is
    narrowed = index.without(backwards, frozenset({0, 5, 19}))
    expected = [p.id for i, p in enumerate(index.papers) if i not in {0, 5, 19}][::-1]
    assert ids(narrowed) == expected


def test_nothing_left_out_is_the_same_view() -> None:
    index = DayIndex(papers(10, 2))
    made = index.view(Query(text="graph"), CATEGORIES, PROFILES)
    outside = frozenset(range(10)) - (made.facets.in_text if made.facets else frozenset())
    assert index.without(made, frozenset()) is made
    assert index.without(made, outside) is made  # none of them passes the search anyway


def test_a_view_not_made_by_the_index_cannot_leave_papers_out() -> None:
    index = DayIndex(papers(5, 3))
    made = index.view(Query(), CATEGORIES, ())
    bare = View(made.matches, made.category_counts, made.profile_counts, made.total)
    with pytest.raises(ValueError, match=r"DayIndex\.view"):
        index.without(bare, frozenset({1}))
