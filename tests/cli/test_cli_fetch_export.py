"""``arxiv-daily fetch`` (against the loopback double) and ``arxiv-daily export``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import bibtexparser
import factories
import pytest
from arxiv_double import ArxivDouble
from bibtexparser.bparser import BibTexParser

from tui import cli
from tui.adapters.day_cache import DayCache
from tui.adapters.sample import load_sample_day
from tui.adapters.store import FlagStore
from tui.core.paper import RECONSTRUCTED, Day, Paper

ROOT = Path(__file__).resolve().parents[2]
WEDNESDAY = date(2025, 4, 9)  # window Mon 2025-04-07 18:00 UTC .. Tue 2025-04-08 18:00 UTC
TUESDAY = date(2025, 4, 8)  # window Fri 2025-04-04 18:00 UTC .. Mon 2025-04-07 18:00 UTC
MONDAY = date(2025, 4, 7)  # window Thu 2025-04-03 18:00 UTC .. Fri 2025-04-04 18:00 UTC
FETCHED = datetime(2025, 4, 9, 1, 30, tzinfo=UTC)
DEFAULT_CATEGORIES = "cs.LG,cs.CV,cs.CL,cs.AI"  # the settings template's


def window_papers(first: int, count: int, start: datetime) -> list[Paper]:
    """``count`` papers an hour apart from ``start``, numbered from ``first``."""
    return [
        factories.paper(
            number=number,
            title=f"Paper {number}",
            abstract=f"Abstract of paper {number}.",
            published=start + timedelta(hours=number - first + 1),
        )
        for number in range(first, first + count)
    ]


WEDNESDAY_PAPERS = window_papers(100, 3, datetime(2025, 4, 7, 18, tzinfo=UTC))
TUESDAY_PAPERS = window_papers(200, 2, datetime(2025, 4, 4, 18, tzinfo=UTC))


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=os.environ.copy(),
    )


def bibtex_entries(text: str) -> dict[str, dict[str, str]]:
    parser = BibTexParser(common_strings=False)
    parser.ignore_nonstandard_types = False
    return {entry["ID"]: entry for entry in bibtexparser.loads(text, parser=parser).entries}


def cache_sample_day() -> Day:
    day = replace(load_sample_day(), fetched_at=FETCHED, source="arxiv")
    DayCache().save(day)
    return day


# ---------------------------------------------------------------- fetch


def test_fetch_two_days_one_cached_already(
    arxiv_double: ArxivDouble, capsys: pytest.CaptureFixture[str]
) -> None:
    arxiv_double.add_many([*WEDNESDAY_PAPERS, *TUESDAY_PAPERS])
    DayCache().save(
        factories.day(
            TUESDAY,
            TUESDAY_PAPERS[:1],
            categories=("cs.LG",),
            fetched_at=FETCHED,
            provenance=RECONSTRUCTED,
        )
    )
    code = cli.main(["fetch", "--date", "2025-04-09", "--days", "2", "--category", "cs.LG"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.splitlines() == [
        "2025-04-09  cs.LG  3 papers (fetched, reconstructed)",
        "2025-04-08  cs.LG  1 paper (cached, reconstructed)",
    ]
    assert err == ""
    assert len(arxiv_double.query_requests) == 1  # only the day not cached
    cached = DayCache().load(WEDNESDAY, ("cs.LG",))
    assert cached is not None
    assert [p.id for p in cached.papers] == [p.id for p in WEDNESDAY_PAPERS]


def test_fetch_follows_the_configured_categories_and_refresh_fetches_again(
    arxiv_double: ArxivDouble, capsys: pytest.CaptureFixture[str]
) -> None:
    arxiv_double.add_many(WEDNESDAY_PAPERS)
    assert cli.main(["fetch", "--date", "2025-04-09"]) == 0
    expected = f"2025-04-09  {DEFAULT_CATEGORIES}  3 papers (fetched, reconstructed)\n"
    assert capsys.readouterr().out == expected
    assert cli.main(["fetch", "--date", "2025-04-09"]) == 0
    assert capsys.readouterr().out.endswith("3 papers (cached, reconstructed)\n")
    arxiv_double.add(factories.paper(number=150, published=datetime(2025, 4, 8, 12, tzinfo=UTC)))
    assert cli.main(["fetch", "--date", "2025-04-09", "--refresh"]) == 0
    assert capsys.readouterr().out.endswith("4 papers (fetched, reconstructed)\n")
    assert len(arxiv_double.query_requests) == 2


def test_fetch_when_arxiv_fails_is_one_line_per_day_and_exit_1(
    arxiv_double: ArxivDouble,
) -> None:
    arxiv_double.add_many([*WEDNESDAY_PAPERS, *TUESDAY_PAPERS])
    arxiv_double.fail_next(503, times=100)
    result = run("fetch", "--date", "2025-04-09", "--days", "3", "--category", "cs.LG")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert [line.split("  ")[:2] for line in lines] == [
        ["2025-04-09", "cs.LG"],
        ["2025-04-08", "cs.LG"],
        ["2025-04-07", "cs.LG"],
    ]
    assert all("not fetched: " in line and "HTTP 503" in line for line in lines)
    assert DayCache().dates() == []


def test_fetch_fails_for_one_day_only(
    arxiv_double: ArxivDouble, capsys: pytest.CaptureFixture[str]
) -> None:
    arxiv_double.add_many([*WEDNESDAY_PAPERS, *TUESDAY_PAPERS])
    arxiv_double.pass_next(2)  # the first day's API page and OAI-PMH page
    arxiv_double.fail_next(400)  # not retried: the second day fails at once
    code = cli.main(["fetch", "--date", "2025-04-09", "--days", "2", "--category", "cs.LG"])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert lines[0] == "2025-04-09  cs.LG  3 papers (fetched, reconstructed)"
    assert lines[1].startswith("2025-04-08  cs.LG  not fetched: arXiv rejected the request")
    assert DayCache().dates() == [WEDNESDAY]


def test_fetch_with_no_server_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARXIV_DAILY_API_MIN_INTERVAL", "0.01")
    monkeypatch.setenv("ARXIV_DAILY_API_BACKOFF", "0.01")
    result = run("fetch", "--date", "2025-04-09", "--category", "cs.LG")
    assert result.returncode == 1
    assert result.stderr == ""
    assert result.stdout.startswith("2025-04-09  cs.LG  not fetched: could not connect")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["fetch", "--days", "0"], "--days must be between 1 and 60, not 0"),
        (["fetch", "--date", "2025-04-12"], "Saturday"),
        (["fetch", "--category", "cs.XX"], "unknown arXiv category"),
        (["--demo", "fetch"], "--demo has nothing to fetch"),
        (["--keyword", "lora", "fetch"], "fetch takes no --keyword"),
    ],
)
def test_fetch_refuses_bad_input_with_one_line(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("arxiv-daily: ") and message in line


def test_fetch_days_count_back_over_weekends() -> None:
    assert cli.fetch_days(date(2025, 4, 14), 3) == [
        date(2025, 4, 14),
        date(2025, 4, 11),
        date(2025, 4, 10),
    ]


# ---------------------------------------------------------------- export


def test_export_bibtex_parses(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["export", "--demo", "--keyword", "Diffusion", "--format", "bibtex"])
    assert code == 0
    entries = bibtex_entries(capsys.readouterr().out)
    assert len(entries) == 16
    assert {e["eprint"] for e in entries.values()} == {p.id for p in load_sample_day().papers}
    assert all(e["ENTRYTYPE"] == "misc" and e["archiveprefix"] == "arXiv" for e in entries.values())


def test_export_a_cached_day_as_json_without_the_network(
    capsys: pytest.CaptureFixture[str],
) -> None:
    cache_sample_day()
    code = cli.main(["export", "--date", "2025-04-09", "--category", "cs.CL", "--format", "json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert [p["id"] for p in data["papers"]] == ["2503.24354", "2504.06816"]
    assert data["title"] == "arXiv 2025-04-09 (cs.CL)"


def test_a_cached_day_narrowed_to_one_category_lists_cross_lists_as_such(
    capsys: pytest.CaptureFixture[str],
) -> None:
    cache_sample_day()  # fetched for cs.AI, cs.CL, cs.CV and cs.LG
    code = cli.main(["digest", "--date", "2025-04-09", "--category", "cs.AI", "--format", "json"])
    assert code == 0
    kinds = {p["id"]: p["kind"] for p in json.loads(capsys.readouterr().out)["papers"]}
    assert kinds["2504.06861"] == "cross"  # primary cs.CV: a cross-list on cs.AI's listing
    assert kinds["2503.24354"] == "replace"
    assert all(kind in {"cross", "replace"} for kind in kinds.values()), kinds


def test_export_markdown_names_the_day_and_keywords(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["export", "--demo", "--keyword", "LoRA"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (
        "# arXiv 2025-04-09 (cs.LG, cs.CV, cs.CL, cs.AI) matching LoRA — 3 papers"
    )
    assert out.count("### [") == 3


def test_export_with_nothing_matching(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["export", "--demo", "--keyword", "qxzvbnm", "--format", "bibtex"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "arxiv-daily: no papers of 2025-04-09 to export\n"


def test_export_a_day_fetched_from_arxiv(
    arxiv_double: ArxivDouble, capsys: pytest.CaptureFixture[str]
) -> None:
    arxiv_double.add_many(WEDNESDAY_PAPERS)
    argv = ["export", "--date", "2025-04-09", "--category", "cs.LG", "--format", "bibtex"]
    assert cli.main(argv) == 0
    entries = bibtex_entries(capsys.readouterr().out)
    assert sorted(e["eprint"] for e in entries.values()) == [p.id for p in WEDNESDAY_PAPERS]


def test_export_starred_across_days(capsys: pytest.CaptureFixture[str]) -> None:
    cache_sample_day()
    other = factories.day(
        TUESDAY, TUESDAY_PAPERS, categories=("cs.LG",), fetched_at=FETCHED, provenance=RECONSTRUCTED
    )
    DayCache().save(other)
    with FlagStore() as store:
        for paper_id in ("2504.05741", "2504.00200", "2401.99999", "2504.06803"):
            store.set_starred(paper_id, True)
        store.set_starred("2504.06312", True)
        store.set_starred("2504.06312", False)
    assert cli.main(["export", "--starred", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    # The most recently starred first; the one no cached day has is left out, with a warning.
    assert [p["id"] for p in data["papers"]] == ["2504.06803", "2504.00200", "2504.05741"]
    assert data["title"] == "Starred arXiv papers"
    assert err == ("arxiv-daily: 1 paper starred but not in the day cache, left out: 2401.99999\n")


def test_export_starred_bibtex_narrowed_by_keyword(capsys: pytest.CaptureFixture[str]) -> None:
    cache_sample_day()
    with FlagStore() as store:
        store.set_starred(["2504.05741", "2504.06803", "2504.06312"], True)
    argv = ["export", "--starred", "--keyword", "transformer", "--format", "bibtex"]
    assert cli.main(argv) == 0
    entries = bibtex_entries(capsys.readouterr().out)
    assert {e["eprint"] for e in entries.values()} == {"2504.05741", "2504.06803"}


def test_export_starred_with_none_starred(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["export", "--starred"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("# Starred arXiv papers — 0 papers")
    assert err == "arxiv-daily: no starred papers to export\n"


def test_export_starred_refuses_a_date() -> None:
    result = run("export", "--starred", "--date", "2025-04-09")
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert "--starred takes papers from every day" in line


def test_export_refuses_an_unknown_format() -> None:
    result = run("export", "--demo", "--format", "csv")
    assert result.returncode == 2
    assert "invalid choice: 'csv'" in result.stderr


def test_an_unreadable_cached_day_is_fetched_with_a_warning(
    arxiv_double: ArxivDouble, capsys: pytest.CaptureFixture[str]
) -> None:
    arxiv_double.add_many(WEDNESDAY_PAPERS)
    days = DayCache().directory
    (days / "2025-04-09.json").mkdir()  # neither readable nor replaceable
    assert cli.main(["digest", "--date", "2025-04-09", "--category", "cs.LG"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("# arXiv digest 2025-04-09 — 3 papers")
    assert "Traceback" not in captured.err
    assert "2025-04-09.json could not be read (Is a directory)" in captured.err
    assert "could not keep the day in the cache" in captured.err
