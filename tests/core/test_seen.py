"""Seen before: which papers the reader met on an earlier day, and what changed since."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from factories import paper

from tui.core.paper import Kind
from tui.core.seen import seen_before

V1 = datetime(2025, 3, 1, tzinfo=UTC)
V3 = datetime(2025, 4, 8, tzinfo=UTC)
REPLACED = paper(number=1, kind=Kind.REPLACE, version=3, published=V1, updated=V3)


def test_a_replacement_read_before_its_newest_version_says_so() -> None:
    read_in_march = datetime(2025, 3, 5, tzinfo=UTC)
    seen = seen_before(REPLACED, listed=None, read_at=read_in_march, starred_at=None)
    assert seen is not None and seen.text == "v3 · you read an earlier version"
    v2 = replace(REPLACED, version=2)
    seen = seen_before(v2, listed=date(2025, 3, 3), read_at=None, starred_at=read_in_march)
    assert seen is not None and seen.text == "v2 · you starred v1 · listed Mon 2025-03-03"


def test_a_paper_read_after_its_newest_version_or_never_met_is_not_marked() -> None:
    after = datetime(2025, 4, 9, tzinfo=UTC)
    assert seen_before(REPLACED, listed=None, read_at=after, starred_at=None) is None
    assert seen_before(paper(number=2), listed=None, read_at=None, starred_at=None) is None


def test_a_cross_list_shown_again_names_the_day_it_was_listed() -> None:
    cross = paper(number=3, kind=Kind.CROSS)
    seen = seen_before(cross, listed=date(2025, 4, 7), read_at=None, starred_at=None)
    assert seen is not None and seen.text == "listed Mon 2025-04-07"
