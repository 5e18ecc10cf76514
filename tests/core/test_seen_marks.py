"""Seen before, for a whole day: the short mark of a row, the papers of a day met before, and
``is:seen`` in the search language."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from factories import paper

from tui.core.paper import Kind
from tui.core.query import QueryError, QueryIndex, parse_query
from tui.core.seen import SeenBefore, asks_seen, day_seen_before, seen_before

MARCH = datetime(2025, 3, 5, tzinfo=UTC)
APRIL = datetime(2025, 4, 8, tzinfo=UTC)
MONDAY = date(2025, 4, 7)


def test_the_row_mark_is_short_and_says_what_changed_first() -> None:
    v2 = paper(number=1, kind=Kind.REPLACE, version=2, published=MARCH, updated=APRIL)
    read_v1 = seen_before(v2, listed=MONDAY, read_at=MARCH, starred_at=None)
    assert read_v1 is not None
    assert read_v1.mark == "seen · v2, you read v1"
    assert read_v1.text == "v2 · you read v1 · listed Mon 2025-04-07"
    v4 = replace(v2, version=4)
    starred = seen_before(v4, listed=None, read_at=None, starred_at=MARCH)
    assert starred is not None and starred.mark == "seen · v4, you starred v1–3"
    assert SeenBefore(MONDAY).mark == "seen · listed Apr 7"
    assert SeenBefore(None).mark == "seen"
    # Short enough for the second line of a row at 80 columns, beside the id and category.
    assert max(len(m.mark) for m in (read_v1, starred, SeenBefore(date(2025, 12, 31)))) <= 27


def test_a_starred_earlier_version_is_named_before_a_read_one() -> None:
    v2 = paper(number=1, kind=Kind.REPLACE, version=2, published=MARCH, updated=APRIL)
    both = seen_before(v2, listed=None, read_at=MARCH, starred_at=MARCH)
    assert both is not None and both.changed == "v2 · you starred v1"


def test_a_day_lists_only_the_papers_met_before() -> None:
    cross = paper(number=1, kind=Kind.CROSS)
    replaced = paper(number=2, kind=Kind.REPLACE, version=2, published=MARCH, updated=APRIL)
    read_today = paper(number=3, kind=Kind.REPLACE, version=3, published=MARCH, updated=APRIL)
    fresh = paper(number=4)
    asked: list[str] = []

    def flag_times(paper_id: str) -> tuple[datetime | None, datetime | None]:
        asked.append(paper_id)
        read = {replaced.id: MARCH, read_today.id: datetime(2025, 4, 9, tzinfo=UTC)}
        return read.get(paper_id), None

    found = day_seen_before([cross, replaced, read_today, fresh], {cross.id: MONDAY}, flag_times)
    assert found == {cross.id: SeenBefore(MONDAY), replaced.id: SeenBefore(None, 2, "read")}
    assert sorted(asked) == sorted([replaced.id, read_today.id])  # only replacements ask


def test_is_seen_asks_the_facts_for_the_days_marks() -> None:
    papers = [paper(number=n) for n in range(1, 5)]
    index = QueryIndex(papers)

    class Facts:
        def is_read(self, paper_id: str) -> bool:
            return False

        def is_starred(self, paper_id: str) -> bool:
            return False

    class WithSeen(Facts):
        def is_seen_before(self, paper_id: str) -> bool:
            return paper_id in {papers[1].id, papers[3].id}

    assert index.positions(parse_query("is:seen"), WithSeen()) == {1, 3}
    assert index.positions(parse_query("-is:seen"), WithSeen()) == {0, 2}
    assert index.positions(parse_query("is:seen"), Facts()) == frozenset()  # no marks: none


def test_a_rule_asking_is_seen_is_known() -> None:
    assert asks_seen(parse_query("cat:cs.LG (is:new OR -is:seen)"))
    assert not asks_seen(parse_query("is:read -is:starred ti:seen"))
    assert not asks_seen(None)


def test_is_takes_seen_and_says_so_when_misspelt() -> None:
    with pytest.raises(QueryError, match="seen"):
        parse_query("is:sen")
