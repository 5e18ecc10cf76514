"""The search language: what each query means, what is refused (and where), and what it finds on
arXiv's real day of 1,504 announcements."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from conftest import RECORDED, needs_shared_data
from factories import paper

from tui.core.paper import Kind, Paper
from tui.core.query import (
    And,
    Not,
    Or,
    QueryError,
    QueryIndex,
    State,
    Term,
    parse_query,
    plain_words,
    uses_the_language,
)


class Flags:
    def __init__(self, read: Iterable[str] = (), starred: Iterable[str] = ()) -> None:
        self.read, self.starred = set(read), set(starred)

    def is_read(self, paper_id: str) -> bool:
        return paper_id in self.read

    def is_starred(self, paper_id: str) -> bool:
        return paper_id in self.starred


NO_FLAGS = Flags()


# ---------------------------------------------------------------- reading


def test_words_side_by_side_all_must_match_and_not_binds_tighter_than_or() -> None:
    assert parse_query("diffusion model") == And((Term(None, "diffusion"), Term(None, "model")))
    assert parse_query("a OR b c") == Or((Term(None, "a"), And((Term(None, "b"), Term(None, "c")))))
    assert parse_query("-cat:cs.CV NOT au:Müller") == And(
        (Not(Term("cat", "cs.cv")), Not(Term("authors", "muller")))
    )
    assert parse_query('(is:new OR is:cross) ti:"Score  Matching"') == And(
        (Or((State("new"), State("cross"))), Term("title", "score matching", phrase=True))
    )
    assert parse_query("a AND b") == And((Term(None, "a"), Term(None, "b")))
    assert parse_query("   ") is None


@pytest.mark.parametrize(
    ("typed", "message", "span"),
    [
        (
            "xx:diffusion",
            "no field xx: (the fields: au:, ti:, abs:, co:, cat:, id:, is:, tag:)",
            (0, 3),
        ),
        (
            "is:fresh",
            "is:fresh? is: takes unread, read, starred, new, cross, replace, seen, tagged",
            (0, 8),
        ),
        ('ti:"score matching', 'a " without its closing "', (0, 18)),
        ("(a OR b", "a ( without its )", (0, 1)),
        ("a b)", "a ) without its (", (3, 4)),
        ("a OR", "OR needs a term after it", (2, 4)),
        ("OR a", "OR needs a term before it", (0, 2)),
        ("a -", "nothing to look for", (2, 3)),
        ("au:", "au: needs a value", (0, 3)),
        ('""', "an empty phrase", (0, 2)),
        ("NOT", "NOT needs a term after it", (0, 3)),
    ],
)
def test_what_cannot_be_read_says_why_and_where(
    typed: str, message: str, span: tuple[int, int]
) -> None:
    with pytest.raises(QueryError) as refused:
        parse_query(typed)
    assert str(refused.value) == message
    assert (refused.value.start, refused.value.end) == span


def test_plain_words_keep_the_typo_tolerant_search() -> None:
    assert not uses_the_language("difusion modle")
    assert plain_words(parse_query("difusion modle")) == ("difusion", "modle")
    for typed in ("au:hinton", '"score matching"', "a OR b", "-vit", "(a)", "NOT b"):
        assert uses_the_language(typed), typed
    assert plain_words(parse_query("diffusion au:hinton")) is None
    assert not uses_the_language("state-space models")  # a hyphen inside a word is a word


# ---------------------------------------------------------------- matching

A = paper(
    number=1,
    title="Score Matching for Diffusion",
    authors=("Geoffrey Hinton", "Zoë Müller"),
    abstract="We study denoising.",
    categories=("cs.LG", "stat.ML"),
    comment="12 pages, NeurIPS",
)
B = paper(
    number=2,
    title="Fusion of vision transformers",
    authors=("Ada Lovelace",),
    categories=("cs.CV",),
    kind=Kind.CROSS,
)
C = paper(number=3, title="Quantum spins", categories=("quant-ph",), kind=Kind.REPLACE)


def found(query: str, papers: list[Paper] = [A, B, C], facts: Flags = NO_FLAGS) -> list[str]:  # noqa: B006
    index = QueryIndex(papers)
    return [p.title.split()[0] for p in index.matching(parse_query(query), facts)]


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("diffus", ["Score"]),
        ("fusion", ["Fusion"]),  # at a word start only: not inside "Diffusion"
        ("au:muller", ["Score"]),  # accents ignored
        ("au:ller", []),
        ('ti:"of vision"', ["Fusion"]),
        ("cat:cs", ["Score", "Fusion"]),  # an archive: every cs.* category
        ("cat:cs.LG", ["Score"]),
        ("-cat:cs", ["Quantum"]),
        ("id:2504.0000", ["Score", "Fusion", "Quantum"]),
        ("id:2504.00002", ["Fusion"]),
        ("co:neurips", ["Score"]),
        ("is:cross OR is:replace", ["Fusion", "Quantum"]),
        ("is:new", ["Score"]),
        ("(fusion OR quantum) -is:replace", ["Fusion"]),
        ("NOT diffusion NOT spins", ["Fusion"]),
        ("stat.ml", ["Score"]),  # a plain word meets the categories too
    ],
)
def test_each_query_finds_what_it_says(query: str, titles: list[str]) -> None:
    assert found(query) == titles


def test_flags_answer_is_unread_read_and_starred() -> None:
    flags = Flags(read={A.id, B.id}, starred={B.id})
    assert found("is:unread", facts=flags) == ["Quantum"]
    assert found("is:read -is:starred", facts=flags) == ["Score"]
    assert found("is:starred", facts=flags) == ["Fusion"]


def test_a_keystroke_scans_only_the_new_term() -> None:
    index = QueryIndex([A, B, C])
    for typed in ("au:hinton", "au:hinton cat:cs", "au:hinton cat:cs -is:read"):
        index.positions(parse_query(typed), NO_FLAGS)
    assert index.scans == 2  # au:hinton once, cat:cs once; is:read asks the flags


# ---------------------------------------------------------------- arXiv's real day


@pytest.fixture(scope="module")
def real_day() -> QueryIndex:
    from tui.adapters.sources.rss import parse_rss

    path = Path(RECORDED) / "rss-all-archives-2024-11-28.xml"
    if not path.exists():
        pytest.skip("../shared/data is not here")
    _, papers = parse_rss(path.read_bytes(), [])
    assert len(papers) == 1504
    return QueryIndex(papers)


@needs_shared_data()
def test_on_the_real_day_kinds_and_categories_partition_as_arxiv_counted(
    real_day: QueryIndex,
) -> None:
    def count(query: str) -> int:
        return len(real_day.positions(parse_query(query), NO_FLAGS))

    assert (count("is:new"), count("is:replace"), count("is:cross")) == (926, 569, 9)
    assert count("cat:cs") + count("-cat:cs") == 1504
    in_lg = sum(1 for p in real_day.papers if "cs.LG" in p.categories)
    assert count("cat:cs.LG") == in_lg
    assert count("cat:cs.LG -is:replace") == sum(
        1 for p in real_day.papers if "cs.LG" in p.categories and p.kind is not Kind.REPLACE
    )
    diffusion = count("diffusion")
    assert 0 < count("ti:diffusion") < diffusion < 1504
    assert count("diffusion OR transformer") >= max(diffusion, count("transformer"))
    assert count('"diffusion model"') <= diffusion


def test_a_query_that_asks_the_flags_says_so() -> None:
    from tui.core.query import asks_the_flags

    assert asks_the_flags(parse_query("ti:survey -is:starred"))
    assert asks_the_flags(parse_query("(a OR is:unread) b"))
    assert not asks_the_flags(parse_query("is:replace cat:cs"))
    assert not asks_the_flags(None)
