"""Saved searches in the core: a profile with a query, counted in the sidebar's profile counts
and chosen as the active profile, its papers found by the day's QueryIndex."""

from __future__ import annotations

import time
from collections.abc import Set

import factories

from tui.core.filters import DayIndex, Query
from tui.core.follow import KeywordProfile
from tui.core.paper import Kind
from tui.core.query import QueryIndex
from tui.core.saved_search import asks_about_flags, saved_positions, warm_saved_searches

PAPERS = (
    factories.paper(number=1, title="Diffusion models for images", categories=("cs.CV",)),
    factories.paper(number=2, title="Diffusion on graphs", categories=("cs.LG",)),
    factories.paper(
        number=3, title="A survey of transformers", categories=("cs.CL",), kind=Kind.REPLACE
    ),
    factories.paper(number=4, title="Score matching", categories=("cs.LG", "cs.CV")),
)
IDS = [p.id for p in PAPERS]
CATEGORIES = ("cs.LG", "cs.CV", "cs.CL")
KEYWORDS = KeywordProfile("Diffusion", ("diffusion",))
VISION = KeywordProfile("vision", (), (), query="ti:diffusion cat:cs.CV")
UNREAD = KeywordProfile("unread", (), (), query="is:unread -is:replace")


class Facts:
    def __init__(self, read: Set[str] = frozenset(), starred: Set[str] = frozenset()) -> None:
        self.read, self.starred = set(read), set(starred)

    def is_read(self, paper_id: str) -> bool:
        return paper_id in self.read

    def is_starred(self, paper_id: str) -> bool:
        return paper_id in self.starred


def test_saved_positions_are_the_papers_each_query_matches() -> None:
    index = QueryIndex(PAPERS)
    found = saved_positions(index, (KEYWORDS, VISION, UNREAD), Facts(read={IDS[0]}))
    assert found == {"vision": frozenset({0}), "unread": frozenset({1, 3})}
    assert saved_positions(index, (KEYWORDS,), Facts()) == {}


def test_the_counts_and_the_filter_of_a_saved_search_beside_a_keyword_profile() -> None:
    index = DayIndex(PAPERS, (KEYWORDS, VISION, UNREAD))
    found = saved_positions(QueryIndex(PAPERS, index.search_texts()), (VISION, UNREAD), Facts())
    profiles = (KEYWORDS, VISION, UNREAD)
    view = index.view(Query(), CATEGORIES, profiles, searched=found)
    assert dict(view.profile_counts) == {"Diffusion": 2, "vision": 1, "unread": 3}
    chosen = Query(profile=UNREAD, searched=found["unread"])
    view = index.view(chosen, CATEGORIES, profiles, searched=found)
    assert [m.paper.id for m in view.matches] == [IDS[0], IDS[1], IDS[3]]
    assert all(m.keywords == () for m in view.matches)
    assert dict(view.category_counts) == {"cs.LG": 2, "cs.CV": 2, "cs.CL": 0}
    # The other facets narrow the counts as they narrow a keyword profile's.
    narrowed = Query(categories=frozenset({"cs.LG"}), profile=UNREAD, searched=found["unread"])
    view = index.view(narrowed, CATEGORIES, profiles, searched=found)
    assert [m.paper.id for m in view.matches] == [IDS[1], IDS[3]]
    assert dict(view.profile_counts) == {"Diffusion": 1, "vision": 0, "unread": 2}


def test_a_saved_search_without_its_positions_matches_nothing() -> None:
    index = DayIndex(PAPERS)
    view = index.view(Query(profile=VISION), CATEGORIES, (VISION,))
    assert view.matches == () and dict(view.profile_counts) == {"vision": 0}


def test_which_saved_searches_ask_the_flags() -> None:
    assert asks_about_flags((KEYWORDS, UNREAD))
    assert not asks_about_flags((KEYWORDS, VISION))


def test_counting_five_saved_searches_on_a_big_day_is_set_work_once_warm() -> None:
    """A 5,000-paper day: the terms are found once (the day's worker), then every view counts
    the saved searches with set operations and a pass over the flags per is: term."""
    papers = [
        factories.paper(
            number=n,
            title=f"Paper {n} on {'diffusion' if n % 7 == 0 else 'graphs'}",
            abstract=f"We study {'language models' if n % 5 == 0 else 'vision'} at scale {n}.",
            categories=("cs.CV",) if n % 3 == 0 else ("cs.LG",),
        )
        for n in range(1, 5001)
    ]
    searches = [
        KeywordProfile("a", (), (), query="ti:diffusion -cat:cs.CV is:unread"),
        KeywordProfile("b", (), (), query='abs:"language models" OR ti:llm'),
        KeywordProfile("c", (), (), query="au:lovelace cat:cs.LG"),
        KeywordProfile("d", (), (), query="vision -is:read"),
        KeywordProfile("e", (), (), query="(ti:graphs OR ti:gnn) -survey is:new"),
    ]
    index = QueryIndex(papers)
    warm_saved_searches(index, searches)
    scans = index.scans
    facts = Facts(read={p.id for p in papers[::2]})
    began = time.perf_counter()
    for _ in range(10):
        found = saved_positions(index, searches, facts)
    per_view = (time.perf_counter() - began) / 10
    assert index.scans == scans  # no term looked for again
    assert len(found["a"]) == len(
        [n for n in range(1, 5001) if n % 7 == 0 and n % 3 and n % 2 == 0]
    )
    assert per_view < 0.05, f"{per_view * 1e3:.1f} ms a view"  # ~1-2 ms on a laptop
