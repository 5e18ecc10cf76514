"""Tags and collections: names, what is typed, matching a collection, counts, edits; and ``tag:``
and ``is:tagged`` of the search language."""

from __future__ import annotations

from collections.abc import Mapping

import factories
import pytest

from tui.core.query import QueryError, QueryIndex, Tag, asks_the_flags, parse_query
from tui.core.tags import (
    MAX_TAG_LENGTH,
    TagEdit,
    TagError,
    edit_between,
    format_tags,
    has_tag,
    in_collection,
    known_tags,
    normalise_tag,
    papers_tag_counts,
    parse_tags,
    positions_with_tag,
    tag_counts,
)


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("thesis", "thesis"),
        ("  Thesis ", "thesis"),
        ("#ML", "ml"),
        ("thesis/Ch2", "thesis/ch2"),
        ("to-read_2025.v2", "to-read_2025.v2"),
        ("Ébauche", "ébauche"),
        ("e\u0301bauche", "ébauche"),  # NFD typed, NFC kept: one tag either way
        ("数学", "数学"),
        ("2025", "2025"),
    ],
)
def test_a_name_is_trimmed_lowercased_and_normalised(typed: str, name: str) -> None:
    assert normalise_tag(typed) == name


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "a tag needs a name"),
        ("#", "a tag needs a name"),
        ("machine learning", "letters, digits and - _ / . only, not space"),
        ("c++", "not +"),
        ("a;b", "not ;"),
        ("-draft", "starts with a letter or a digit"),
        ("/thesis", "starts with a letter or a digit"),
        ("thesis//ch2", "with none empty"),
        ("thesis/", "with none empty"),
        ("x" * (MAX_TAG_LENGTH + 1), f"longer than {MAX_TAG_LENGTH} characters"),
        ("bell\x07", "\\x07"),
    ],
)
def test_a_name_that_is_no_tag_says_why_in_one_line(typed: str, says: str) -> None:
    with pytest.raises(TagError) as raised:
        normalise_tag(typed)
    message = str(raised.value)
    assert says in message
    assert "\n" not in message and "\x07" not in message


def test_typed_names_are_split_on_spaces_and_commas_and_minus_takes_away() -> None:
    assert parse_tags("thesis, ML  ml/diffusion -draft,-Old") == (
        ("thesis", "ml", "ml/diffusion"),
        ("draft", "old"),
    )
    assert parse_tags("  ") == ((), ())
    with pytest.raises(TagError, match="not !"):
        parse_tags("fine bad!")


def test_a_collection_holds_the_tags_under_it_and_no_others() -> None:
    assert in_collection("thesis", "thesis")
    assert in_collection("thesis/ch2", "thesis")
    assert in_collection("thesis/ch2/fig", "thesis/ch2")
    assert not in_collection("thesis2", "thesis")
    assert not in_collection("thesis", "thesis/ch2")
    assert has_tag(("ml", "thesis/ch2"), "thesis")
    assert not has_tag((), "thesis")


def test_counts_name_each_collection_once_per_paper_in_name_order() -> None:
    counts = tag_counts([("thesis/ch2", "thesis/ch3"), ("thesis/ch2",), ("ml",), ()])
    assert counts == {"ml": 1, "thesis": 2, "thesis/ch2": 2, "thesis/ch3": 1}
    assert list(counts) == ["ml", "thesis", "thesis/ch2", "thesis/ch3"]
    assert known_tags({"a": ("thesis/ch2",), "b": ("ml", "thesis/ch2")}) == ("ml", "thesis/ch2")


def test_a_days_counts_and_positions_come_from_the_tagged_papers() -> None:
    papers = [factories.paper(number=n) for n in range(1, 6)]
    tagged: Mapping[str, tuple[str, ...]] = {
        papers[1].id: ("thesis/ch2",),
        papers[3].id: ("ml", "thesis"),
        "2401.99999": ("elsewhere",),  # another day's
    }
    assert papers_tag_counts(papers, tagged) == {"ml": 1, "thesis": 2, "thesis/ch2": 1}
    assert positions_with_tag(papers, tagged, "thesis") == {1, 3}
    assert positions_with_tag(papers, tagged, "thesis/ch2") == {1}
    assert positions_with_tag(papers, {}, "thesis") == frozenset()
    assert papers_tag_counts(papers, {}) == {}


def test_an_edit_adds_and_takes_away_and_keeps_the_rest_sorted() -> None:
    edit = TagEdit(add=("thesis", "ml"), remove=("draft", "ml"))
    assert edit.apply(("zeta", "draft")) == ("ml", "thesis", "zeta")  # added wins over removed
    assert edit.apply(()) == ("ml", "thesis")
    assert not TagEdit()
    assert TagEdit(add=("a",)).describe() == "+#a"
    assert edit_between(("a", "b"), ("b", "c")) == TagEdit(add=("c",), remove=("a",))
    assert format_tags(("ml", "thesis/ch2")) == "#ml #thesis/ch2"


# ---------------------------------------------------------------- the search language


class Facts:
    def __init__(self, tags: Mapping[str, tuple[str, ...]]) -> None:
        self._tags = tags

    def is_read(self, paper_id: str) -> bool:
        return False

    def is_starred(self, paper_id: str) -> bool:
        return False

    def tags(self, paper_id: str) -> tuple[str, ...]:
        return self._tags.get(paper_id, ())


class NoTags:
    def is_read(self, paper_id: str) -> bool:
        return False

    def is_starred(self, paper_id: str) -> bool:
        return False


PAPERS = [factories.paper(number=n, title=f"Diffusion {n}") for n in range(1, 6)]
TAGGED = {PAPERS[0].id: ("thesis/ch2",), PAPERS[2].id: ("ml", "thesis"), PAPERS[4].id: ("ml",)}


def ids(query: str, facts: object = None) -> list[str]:
    index = QueryIndex(PAPERS)
    found = index.matching(parse_query(query), facts or Facts(TAGGED))  # type: ignore[arg-type]
    return [paper.id for paper in found]


def test_tag_finds_the_tag_and_the_collection_under_it() -> None:
    assert parse_query("tag:Thesis") == Tag("thesis")
    assert ids("tag:thesis") == [PAPERS[0].id, PAPERS[2].id]
    assert ids("tag:thesis/ch2") == [PAPERS[0].id]
    assert ids("tag:ml -tag:thesis") == [PAPERS[4].id]
    assert ids("tag:ml OR tag:thesis/ch2") == [PAPERS[0].id, PAPERS[2].id, PAPERS[4].id]
    assert ids("tag:nothing") == []
    assert ids("diffusion tag:ml") == [PAPERS[2].id, PAPERS[4].id]


def test_is_tagged_finds_every_tagged_paper() -> None:
    assert ids("is:tagged") == [PAPERS[0].id, PAPERS[2].id, PAPERS[4].id]
    assert ids("-is:tagged") == [PAPERS[1].id, PAPERS[3].id]


def test_facts_without_tags_tag_nothing() -> None:
    assert ids("tag:ml", NoTags()) == []
    assert ids("is:tagged", NoTags()) == []


def test_tags_ask_the_flag_store() -> None:
    assert asks_the_flags(parse_query("tag:ml"))
    assert asks_the_flags(parse_query("diffusion -is:tagged"))


def test_a_tag_that_is_no_name_is_a_query_error_at_its_place() -> None:
    with pytest.raises(QueryError) as raised:
        parse_query("diffusion tag:c++")
    assert "not +" in str(raised.value)
    assert (raised.value.start, raised.value.end) == (10, 17)


@pytest.mark.parametrize(
    ("typed", "tag"),
    [
        ("हिन्दी", "हिन्दी"),  # vowel signs are marks, not letters
        ("İstanbul", "i̇stanbul"),
        ("ﬀ", "ff"),
        ("STRASSE", "strasse"),
        ("straße", "strasse"),
        ("Ünïcode/Ch2", "ünïcode/ch2"),
    ],
)
def test_names_of_any_script_are_one_tag_however_they_are_typed(typed: str, tag: str) -> None:
    assert normalise_tag(typed) == tag


def test_a_name_cannot_start_with_a_mark() -> None:
    with pytest.raises(TagError, match="starts with a letter or a digit"):
        normalise_tag("\u0301abc")
