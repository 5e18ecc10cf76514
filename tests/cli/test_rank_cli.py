"""digest --rank and export --rank: the day ordered by the recommendation model learnt from the
stars, the imported library and the papers read and not starred; JSON gives each its score."""

from __future__ import annotations

import json
from datetime import date

import pytest
from factories import day, paper

from tui import cli
from tui.adapters.day_cache import DayCache
from tui.adapters.store import FlagStore

WHEN = date(2025, 4, 9)
GRAPHS = [
    paper(
        number=n,
        day=WHEN,
        title=f"Graph neural networks for molecules, part {n}",
        abstract="Message passing graph neural networks predict molecular properties on graphs.",
    )
    for n in range(1, 9)
]
SPINS = [
    paper(
        number=n,
        day=WHEN,
        title=f"Quantum spin chains at low temperature, part {n}",
        abstract="We compute the entanglement of quantum spin chains with tensor networks.",
    )
    for n in range(11, 19)
]


@pytest.fixture
def mixed_day() -> None:
    papers = [p for pair in zip(SPINS, GRAPHS, strict=True) for p in pair]  # interleaved
    DayCache().save(day(WHEN, papers))


def digest(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[dict[str, object], str]:
    code = cli.main(["digest", "--date", "2025-04-09", "--category", "cs.LG", *extra])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out), err


def ids(data: dict[str, object]) -> list[object]:
    papers = data["papers"]
    assert isinstance(papers, list)
    return [entry["id"] for entry in papers]


@pytest.mark.usefixtures("mixed_day")
def test_rank_puts_the_starred_topic_first_with_scores(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with FlagStore() as store:
        store.set_starred([GRAPHS[0].id, GRAPHS[1].id], True)
        store.set_read([SPINS[0].id], True)  # read, not starred: a negative
    data, err = digest(capsys, "--format", "json", "--rank")
    assert err == ""
    papers = data["papers"]
    assert isinstance(papers, list)
    top = [entry["id"] for entry in papers[:8]]
    assert set(top) == {p.id for p in GRAPHS}
    scores = [entry["score"] for entry in papers]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores) and scores[0] > scores[-1]


@pytest.mark.usefixtures("mixed_day")
def test_without_anything_to_learn_from_it_says_so_and_keeps_the_day_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    plain, _ = digest(capsys, "--format", "json")
    ranked, err = digest(capsys, "--format", "json", "--rank")
    assert "nothing to rank by" in err
    assert ids(ranked) == ids(plain)


@pytest.mark.usefixtures("mixed_day")
def test_export_rank_orders_the_markdown_and_refuses_starred(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with FlagStore() as store:
        store.set_starred([SPINS[3].id], True)
    code = cli.main(["export", "--date", "2025-04-09", "--category", "cs.LG", "--rank"])
    out, err = capsys.readouterr()
    assert code == 0, err
    first = out.index("Quantum spin chains")
    assert first < out.index("Graph neural networks")
    with pytest.raises(SystemExit) as refused:
        cli.main(["export", "--starred", "--rank"])
    assert refused.value.code == 2
    assert "--rank orders one day's papers" in capsys.readouterr().err
