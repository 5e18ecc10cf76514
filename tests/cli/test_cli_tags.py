"""``arxiv-daily export --tag NAME`` (every format) and ``arxiv-daily tags``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import bibtexparser
import factories
import pytest
from bibtexparser.bparser import BibTexParser

from tui import cli
from tui.adapters.day_cache import DayCache
from tui.adapters.sample import load_sample_day
from tui.adapters.store import FlagStore
from tui.core.paper import RECONSTRUCTED
from tui.core.tags import TagEdit

ROOT = Path(__file__).resolve().parents[2]
FETCHED = datetime(2025, 4, 9, 1, 30, tzinfo=UTC)
TUESDAY = date(2025, 4, 8)
OTHER_DAY = factories.day(
    TUESDAY,
    [
        factories.paper(number=200, title="Paper 200", abstract="About transformers."),
        factories.paper(number=201, title="Paper 201", categories=("cs.CV",)),
    ],
    categories=("cs.LG",),
    fetched_at=FETCHED,
    provenance=RECONSTRUCTED,
)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=os.environ.copy(),
    )


def cache_two_days() -> None:
    DayCache().save(replace(load_sample_day(), fetched_at=FETCHED, source="arxiv"))
    DayCache().save(OTHER_DAY)


def tag(tags: dict[str, tuple[str, ...]]) -> None:
    with FlagStore() as store:
        for paper_id, names in tags.items():
            store.edit_tags(paper_id, TagEdit(add=names))


TAGS = {
    "2504.05741": ("thesis/ch2",),
    "2504.00200": ("thesis", "ml"),
    "2504.06803": ("thesis/ch3",),
    "2504.06312": ("ml",),
    "2401.99999": ("thesis/ch2",),  # in no cached day
}


def test_export_tag_takes_the_collection_from_every_day_newest_first(
    capsys: pytest.CaptureFixture[str],
) -> None:
    cache_two_days()
    tag(TAGS)
    assert cli.main(["export", "--tag", "Thesis", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert [p["id"] for p in data["papers"]] == ["2504.06803", "2504.05741", "2504.00200"]
    assert data["title"] == "arXiv papers tagged thesis"
    assert err == (
        "arxiv-daily: 1 paper tagged thesis but not in the day cache, left out: 2401.99999\n"
    )


def test_export_tag_of_one_chapter_as_bibtex(capsys: pytest.CaptureFixture[str]) -> None:
    cache_two_days()
    tag(TAGS)
    assert cli.main(["export", "--tag", "thesis/ch2", "--format", "bibtex"]) == 0
    parser = BibTexParser(common_strings=False)
    entries = bibtexparser.loads(capsys.readouterr().out, parser=parser).entries
    assert [entry["eprint"] for entry in entries] == ["2504.05741"]


def test_export_tag_as_markdown_narrowed_by_category_and_keyword(
    capsys: pytest.CaptureFixture[str],
) -> None:
    cache_two_days()
    tag(TAGS)
    assert cli.main(["export", "--tag", "thesis", "--category", "cs.CV"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# arXiv papers tagged thesis (cs.CV)")
    assert "2504.06803" in out and "2504.05741" in out and "2504.00200" not in out
    assert cli.main(["export", "--tag", "ml", "--keyword", "transformers"]) == 0
    out = capsys.readouterr().out
    assert "2504.00200" in out and "2504.06312" not in out


def test_export_tag_with_starred_keeps_the_starred_ones(capsys: pytest.CaptureFixture[str]) -> None:
    cache_two_days()
    tag(TAGS)
    with FlagStore() as store:
        store.set_starred(["2504.05741", "2504.06312"], True)
    assert cli.main(["export", "--tag", "thesis", "--starred", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [p["id"] for p in data["papers"]] == ["2504.05741"]
    assert data["title"] == "arXiv papers starred and tagged thesis"


def test_an_unknown_tag_is_exit_2_with_one_line_naming_the_tags() -> None:
    cache_two_days()
    tag(TAGS)
    result = run("export", "--tag", "thesis2")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "arxiv-daily: no paper is tagged 'thesis2' (tags: ml, thesis, thesis/ch2, thesis/ch3)\n"
    )


def test_a_tag_with_no_tags_at_all_says_how_to_tag() -> None:
    result = run("export", "--tag", "thesis")
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert "no paper is tagged 'thesis': no paper is tagged yet (# in the reader)" in line


def test_a_name_that_is_no_tag_is_exit_2_saying_why() -> None:
    result = run("export", "--tag", "c++")
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line == "arxiv-daily: --tag: “c++”: a tag has letters, digits and - _ / . only, not +"


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--date", "2025-04-09"], "--tag takes papers from every day"),
        (["--demo"], "--tag takes papers from every day"),
        (["--rank"], "--rank orders one day's papers: leave out --tag"),
    ],
)
def test_export_tag_refuses_one_days_options(extra: list[str], says: str) -> None:
    tag(TAGS)
    result = run("export", "--tag", "thesis", *extra)
    assert result.returncode == 2
    assert says in result.stderr


def test_export_tag_only_reads_the_flags() -> None:
    tag(TAGS)
    flags = Path(os.environ["ARXIV_DAILY_DATA_DIR"]) / "flags"
    before = sorted((path.name, path.stat().st_mtime_ns) for path in flags.iterdir())
    assert run("export", "--tag", "ml").returncode == 0
    assert sorted((path.name, path.stat().st_mtime_ns) for path in flags.iterdir()) == before


def test_tags_lists_each_tag_and_collection_with_its_count(
    capsys: pytest.CaptureFixture[str],
) -> None:
    tag(TAGS)
    assert cli.main(["tags"]) == 0
    out, err = capsys.readouterr()
    assert out == "ml          2\nthesis      4\nthesis/ch2  2\nthesis/ch3  1\n"
    assert err == ""


def test_tags_with_none_says_so() -> None:
    result = run("tags")
    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr == (
        "arxiv-daily: no paper is tagged yet: # in the reader tags the highlighted paper\n"
    )
