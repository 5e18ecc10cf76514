"""Finding the starred papers: those seen first, the rest in one lookup, in the stars' order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from app_helpers import make_paper

from tui.core.paper import Paper
from tui.core.starred import starred_papers

DAY = date(2025, 4, 9)


def test_seen_papers_first_the_rest_looked_up_once_in_the_stars_order() -> None:
    a, b, c = (make_paper(n, DAY) for n in (1, 2, 3))
    asked: list[list[str]] = []

    def find(ids: Sequence[str]) -> Mapping[str, Paper]:
        asked.append(list(ids))
        return {c.id: c}

    found = starred_papers([c.id, "2504.99999", a.id], {a.id: a, b.id: b}, find)
    assert list(found) == [c.id, a.id]  # the unknown id is left out; b is not starred
    assert asked == [[c.id, "2504.99999"]]


def test_nothing_missing_asks_nothing() -> None:
    a = make_paper(1, DAY)

    def find(ids: Sequence[str]) -> Mapping[str, Paper]:
        raise AssertionError("no lookup needed")

    assert starred_papers([a.id], {a.id: a}, find) == {a.id: a}
