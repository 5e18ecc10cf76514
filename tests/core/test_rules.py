"""Kill rules: which papers each clears, hide over read, and what they clear on arXiv's real day."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import RECORDED, needs_shared_data
from factories import paper

from tui.core.paper import Kind
from tui.core.query import QueryError, QueryIndex
from tui.core.rules import apply_rules, make_rules


class NoFlags:
    def is_read(self, paper_id: str) -> bool:
        return False

    def is_starred(self, paper_id: str) -> bool:
        return False


A = paper(number=1, title="A survey of diffusion", categories=("cs.LG",))
B = paper(number=2, title="Diffusion for proteins", categories=("q-bio.BM", "cs.LG"))
C = paper(number=3, title="Quantum spins", categories=("quant-ph",), kind=Kind.REPLACE)


def test_each_paper_goes_to_the_first_rule_that_clears_it_hide_winning() -> None:
    rules = make_rules(hide=["ti:survey", "cat:quant-ph"], read=["diffusion", "is:replace"])
    cleared = apply_rules(rules, QueryIndex([A, B, C]), NoFlags())
    assert {i: r.text for i, r in cleared.hidden.items()} == {0: "ti:survey", 2: "cat:quant-ph"}
    assert {i: r.text for i, r in cleared.read.items()} == {1: "diffusion"}
    assert len(cleared) == 3 and cleared.positions == {0, 1, 2}


def test_a_rule_that_cannot_be_read_is_named() -> None:
    with pytest.raises(QueryError) as refused:
        make_rules(hide=["ti:survey", "xx:spam"])
    assert str(refused.value).startswith("'xx:spam': no field xx:")


@needs_shared_data()
def test_twenty_rules_on_the_real_day(capsys: pytest.CaptureFixture[str]) -> None:
    from tui.adapters.sources.rss import parse_rss

    path = Path(RECORDED) / "rss-all-archives-2024-11-28.xml"
    _, papers = parse_rss(path.read_bytes(), [])
    index = QueryIndex(papers)
    hide = [
        "ti:survey",
        "ti:review",
        "ti:tutorial",
        "cat:astro-ph -cat:cs",
        "cat:hep-th -cat:cs",
        "cat:math.AG",
        "cat:cond-mat.str-el",
        "abs:erratum",
        "ti:erratum",
        "co:withdrawn",
        '"this paper has been withdrawn"',
        "cat:nucl-th -cat:cs",
        "cat:gr-qc -cat:cs",
    ]
    read = [
        "is:replace",
        "ti:workshop",
        'co:"extended abstract"',
        "cat:physics.ed-ph",
        "ti:proceedings",
        "cat:math.HO",
        'co:"accepted at" is:replace',
    ]
    rules = make_rules(hide=hide, read=read)
    assert len(rules) == 20
    cleared = apply_rules(rules, index, NoFlags())
    print(f"20 rules on 1,504 papers: {len(cleared.hidden)} hidden, {len(cleared.read)} read")
    # What each rule says it clears is what it clears: every hidden paper matches its rule.
    for position, rule in cleared.hidden.items():
        assert position in index.positions(rule.expr, NoFlags())
    assert len(cleared.read) <= 569 + 100  # replacements, plus a few workshop papers
    assert 0 < len(cleared.hidden) < 1504
