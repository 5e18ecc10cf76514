"""``--profile NAME`` on the command line: a keyword profile or a saved search of the settings, so
that a cron digest can use either; a name the settings do not have, or a saved search that
cannot be read, is exit 2 with one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tui import cli
from tui.adapters.sample import load_sample_day
from tui.adapters.store import FlagStore
from tui.config import ensure_config_file
from tui.core.paper import Kind
from tui.core.query import QueryIndex, parse_query

ROOT = Path(__file__).resolve().parents[2]
CATEGORIES = ("cs.LG", "cs.CV", "cs.CL", "cs.AI")
SAMPLE = load_sample_day().narrowed_to(CATEGORIES)
SETTINGS = (
    'categories = ["cs.LG", "cs.CV", "cs.CL", "cs.AI"]\n'
    '[profiles.Diffusion]\nkeywords = ["Diffusion"]\n'
    "[searches]\n"
    "\"Vision news\" = 'cat:cs.CV -is:replace'\n"
    "unread = 'ti:diffusion is:unread'\n"
)
VISION = [p.id for p in SAMPLE.papers if "cs.CV" in p.categories and p.kind is not Kind.REPLACE]


class _NoFlags:
    def is_read(self, paper_id: str) -> bool:
        return False

    def is_starred(self, paper_id: str) -> bool:
        return False


# As the reader's search box finds them (the language itself is tests/core/test_query.py's).
DIFFUSION_TITLES = [
    p.id for p in QueryIndex(SAMPLE.papers).matching(parse_query("ti:diffusion"), _NoFlags())
]


@pytest.fixture
def settings() -> Path:
    path = ensure_config_file()
    path.write_text(SETTINGS, encoding="utf-8")
    return path


def digest_ids(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    assert cli.main(["digest", "--demo", "--format", "json", *args]) == 0
    return [paper["id"] for paper in json.loads(capsys.readouterr().out)["papers"]]


def exit_line(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(list(args))
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err.strip()


def test_digest_with_a_saved_search(settings: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert VISION
    assert sorted(digest_ids(capsys, "--profile", "Vision news")) == sorted(VISION)
    assert cli.main(["digest", "--demo", "--profile", "Vision news"]) == 0
    heading = capsys.readouterr().out.splitlines()[0]
    assert heading.startswith("# arXiv digest 2025-04-09 — ")
    assert "cat:cs.CV -is:replace" in heading


def test_a_saved_search_asks_the_flag_store_for_is_unread(
    settings: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert len(DIFFUSION_TITLES) > 1
    assert sorted(digest_ids(capsys, "--profile", "unread")) == sorted(DIFFUSION_TITLES)
    with FlagStore() as store:
        store.set_read(DIFFUSION_TITLES[0], True)
    assert sorted(digest_ids(capsys, "--profile", "unread")) == sorted(DIFFUSION_TITLES[1:])


def test_digest_with_a_keyword_profile_by_name(
    settings: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = digest_ids(capsys, "--profile", "Diffusion")
    assert ids == digest_ids(capsys, "--keyword", "Diffusion")


def test_default_profile_naming_a_saved_search(
    settings: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.write_text('default_profile = "Vision news"\n' + SETTINGS, encoding="utf-8")
    assert sorted(digest_ids(capsys)) == sorted(VISION)


def test_export_with_a_saved_search(settings: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["export", "--demo", "--profile", "Vision news", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert sorted(p["id"] for p in data["papers"]) == sorted(VISION)
    assert "cat:cs.CV -is:replace" in data["title"]


def test_a_name_the_settings_do_not_have_is_exit_2(
    settings: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = exit_line(capsys, "digest", "--demo", "--profile", "Vison news")
    assert line == (
        "arxiv-daily: no profile or saved search named 'Vison news' in the settings "
        "(profiles: Diffusion; saved searches: Vision news, unread)"
    )
    line = exit_line(capsys, "--profile", "nope", "--demo")  # the reader too, before it opens
    assert "no profile or saved search named 'nope'" in line


def test_keyword_and_profile_together_is_exit_2(
    settings: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = exit_line(capsys, "digest", "--demo", "--keyword", "x", "--profile", "unread")
    assert line == "arxiv-daily: give --keyword or --profile, not both"
    line = exit_line(capsys, "--profile", "unread", "fetch")
    assert line == "arxiv-daily: fetch takes no --profile: a day is fetched whole"


def test_a_saved_search_that_cannot_be_read_is_one_line_with_its_line(settings: Path) -> None:
    settings.write_text(SETTINGS + "broken = 'ti:\"score'\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "tui", "digest", "--demo", "--profile", "unread"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr == (
        f"arxiv-daily: {settings} line 7: searches.broken: 'ti:\"score': "
        'a " without its closing "\n'
    )


def test_a_cron_digest_with_a_saved_search_in_a_subprocess(settings: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tui", "digest", "--demo", "--profile", "Vision news"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.count("### [") == len(VISION)
