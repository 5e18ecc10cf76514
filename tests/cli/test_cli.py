import json
import os
import subprocess
import sys
import types
from datetime import date
from pathlib import Path

import pytest
from arxiv_double import ArxivDouble

from tui import cli
from tui.config import Config, default_config
from tui.core.listing import latest_listing_day, next_listing_day
from tui.options import Options

ROOT = Path(__file__).resolve().parents[2]
DEMO = ["digest", "--demo", "--keyword", "Diffusion,DDPM,DDIM"]


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("arxiv-daily: ")
    assert "Traceback" not in result.stderr
    return lines[0]


# ---------------------------------------------------------------- digest --demo


def test_demo_digest_markdown_in_a_subprocess() -> None:
    result = run(*DEMO)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == "# arXiv digest 2025-04-09 — 16 papers (Diffusion, DDPM, DDIM)"
    assert result.stdout.count("### [") == 16


def test_demo_digest_json_in_a_subprocess() -> None:
    result = run(*DEMO, "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["date"] == "2025-04-09"
    assert data["count"] == 16 == len(data["papers"])
    assert {p["kind"] for p in data["papers"]} == {"new", "replace"}
    assert all(p["matched_keywords"] == ["Diffusion"] for p in data["papers"])


def test_demo_digest_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([*DEMO, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["count"] == 16


def test_demo_options_before_the_subcommand_count(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--demo", "--category", "cs.CL", "digest", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [p["id"] for p in data["papers"]] == ["2503.24354", "2504.06816"]


def test_digest_without_keywords_lists_every_paper_of_the_categories(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["digest", "--demo", "--category", "cs.CL", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["count"] == 2
    assert all(p["matched_keywords"] == [] for p in data["papers"])


def test_keywords_narrow_the_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["digest", "--demo", "--keyword", "lora, LoRA", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    # Substrings, as the digests match: "colorization" has "lora" in it.
    assert {p["id"] for p in data["papers"]} == {"2503.24354", "2504.06330", "2504.06803"}
    assert all(p["matched_keywords"] == ["lora"] for p in data["papers"])


# ---------------------------------------------------------------- bad input: exit 2, one line


def test_impossible_date_is_one_line_exit_2() -> None:
    result = run("digest", "--date", "2025-02-30")
    assert result.returncode == 2
    assert "2025-02-30" in one_error_line(result)
    assert result.stdout == ""


def test_saturday_names_the_nearest_listing_days() -> None:
    result = run("digest", "--date", "2025-04-12")
    assert result.returncode == 2
    line = one_error_line(result)
    assert "Saturday" in line and "2025-04-11" in line and "2025-04-14" in line


def test_a_day_not_announced_yet_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    future = next_listing_day(latest_listing_day())
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["digest", "--date", future.isoformat()])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"{future.isoformat()}: not announced yet" in err
    assert f"newest: {latest_listing_day().isoformat()}" in err


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        (
            "2025-12-26",
            "2025-12-26: no arXiv listing (holiday on 12-25); nearest: 2025-12-25 and 2025-12-29",
        ),
        ("1990-05-01", "1990-05-01: no arXiv listing (arXiv's listings begin in August 1991)"),
        ("0001-01-01", "0001-01-01: no arXiv listing (arXiv's listings begin in August 1991)"),
    ],
)
def test_a_date_without_a_listing_is_refused_with_the_reason(typed: str, said: str) -> None:
    for command in (("digest", "--date", typed), ("--date", typed)):  # digest and the reader
        result = run(*command)
        assert result.returncode == 2
        assert said in one_error_line(result)


def test_unknown_category_is_one_line_exit_2() -> None:
    result = run("digest", "--demo", "--category", "cs.LG,cs.LGG")
    assert result.returncode == 2
    assert one_error_line(result) == (
        "arxiv-daily: unknown arXiv category: cs.LGG (did you mean cs.LG?)"
    )


def test_bad_input_for_the_reader_is_refused_too(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--category", "cs.XX"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.startswith("arxiv-daily: unknown arXiv category: cs.XX")


def test_demo_with_another_date_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["digest", "--demo", "--date", "2025-04-08"])
    assert exit_info.value.code == 2
    assert "2025-04-09" in capsys.readouterr().err


def test_unknown_format_is_a_usage_error() -> None:
    result = run("digest", "--demo", "--format", "yaml")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "invalid choice: 'yaml'" in result.stderr


# ---------------------------------------------------------------- fetch failure: exit 1


def test_fetch_failure_is_one_line_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    # Port 9 (discard) on loopback is closed: every attempt is refused at once.
    monkeypatch.setenv("ARXIV_DAILY_API_URL", "http://127.0.0.1:9/api/query")
    monkeypatch.setenv("ARXIV_DAILY_API_MIN_INTERVAL", "0")
    monkeypatch.setenv("ARXIV_DAILY_API_TIMEOUT", "0.5")
    monkeypatch.setenv("ARXIV_DAILY_API_BACKOFF", "0.01")
    result = run("digest", "--date", "2025-04-09", "--category", "cs.LG")
    assert result.returncode == 1
    one_error_line(result)
    assert result.stdout == ""


def test_a_malformed_api_setting_is_one_line_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARXIV_DAILY_API_TIMEOUT", "soon")
    result = run("digest", "--date", "2025-04-09", "--category", "cs.LG")
    assert result.returncode == 2
    assert "ARXIV_DAILY_API_TIMEOUT" in one_error_line(result)


# ---------------------------------------------------------------- start-up and the app


def test_digest_does_not_import_textual() -> None:
    code = (
        "import sys\n"
        "from tui import cli\n"
        "code = cli.main(['digest', '--demo'])\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'textual')\n"
        "print(loaded, file=sys.stderr)\n"
        "sys.exit(code or (1 if loaded else 0))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "[]"


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("arxiv-daily ")


def test_the_reader_gets_the_options(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Options] = []
    settings: list[Config] = []

    def run_app(options: Options, config: Config) -> int:
        seen.append(options)
        settings.append(config)
        return 0

    fake = types.ModuleType("tui.app.app")
    fake.run_app = run_app  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tui.app.app", fake)
    argv = ["--date", "2025-04-09", "--category", "cs.lg,cs.CV", "--keyword", "Diffusion, DDPM"]
    assert cli.main(argv) == 0
    assert seen == [
        Options(
            date=date(2025, 4, 9),
            categories=("cs.LG", "cs.CV"),
            keywords=("Diffusion", "DDPM"),
            demo=False,
        )
    ]
    assert cli.main(["--demo"]) == 0
    assert seen[-1] == Options(demo=True)
    # The settings file was read once, by the command line, and handed over as it is.
    assert settings == [default_config(), default_config()]


def test_entry_point_is_main() -> None:
    from tui.__main__ import main

    assert main is not None
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'arxiv-daily = "tui.__main__:main"' in pyproject


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_output_to_a_full_disk_is_one_line_and_exit_1() -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "tui", *DEMO],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            cwd=ROOT,
        )
    assert result.returncode == 1
    assert one_error_line(result) == (
        "arxiv-daily: could not write the output: No space left on device"
    )


@pytest.mark.parametrize("variable", ["ARXIV_DAILY_DATA_DIR", "ARXIV_DAILY_CONFIG_DIR"])
def test_a_folder_setting_of_an_unknown_users_home_is_one_line_and_exit_2(variable: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tui", *DEMO],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ, variable: "~nosuchuser-ad/arxiv"},
    )
    assert result.returncode == 2
    assert one_error_line(result) == (
        f"arxiv-daily: {variable}='~nosuchuser-ad/arxiv': no home folder for '~nosuchuser-ad'"
    )


def test_the_demo_narrowed_to_one_category_lists_cross_lists_as_such(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["digest", "--demo", "--category", "cs.AI", "--format", "json"]) == 0
    kinds = {p["id"]: p["kind"] for p in json.loads(capsys.readouterr().out)["papers"]}
    assert kinds["2504.06861"] == "cross"  # primary cs.CV
    assert kinds["2503.24354"] == "replace"
    assert set(kinds.values()) == {"cross", "replace"}  # no cs.AI-primary paper in the sample


# ---------------------------------------------------------------- calendar and provenance


def test_your_own_holidays_remove_listings_arxiv_has_not_published_yet(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.core.calendar import default_calendar, use_user_holidays
    from tui.paths import config_dir

    config_dir().mkdir(parents=True, exist_ok=True)
    (config_dir() / "holidays.txt").write_text(
        "# arXiv's 2027 holidays, from its schedule page\n2027-01-01  New Year's Day\n"
    )
    try:
        with pytest.raises(SystemExit) as exit_info:
            cli.main(["digest", "--date", "2027-01-04"])  # Monday after a Friday holiday
        assert exit_info.value.code == 2
        err = capsys.readouterr().err
        assert "2027-01-04: no arXiv listing (holiday on 01-01)" in err
        assert not default_calendar().is_listing_day(date(2027, 1, 4))
    finally:
        use_user_holidays(())


def test_a_bad_line_in_your_holidays_is_exit_2_with_its_line_number(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tui.core.calendar import use_user_holidays
    from tui.paths import config_dir

    config_dir().mkdir(parents=True, exist_ok=True)
    (config_dir() / "holidays.txt").write_text("2027-01-01  New Year\n2027-13-01  nonsense\n")
    try:
        with pytest.raises(SystemExit) as exit_info:
            cli.main(["digest", "--demo"])
        assert exit_info.value.code == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1
        assert "holidays.txt: holiday table line 2: not a date: '2027-13-01'" in err
    finally:
        use_user_holidays(())


def test_digest_json_says_where_the_day_came_from(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([*DEMO, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["provenance"]["exact"] is False
    assert data["provenance"]["source"] == "sample"
    assert list(data)[:2] == ["date", "provenance"]


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("ARXIV_DAILY_API_URL", "not a url", "ARXIV_DAILY_API_URL must be an http(s) address"),
        ("ARXIV_DAILY_API_URL", "ftp://x", "ARXIV_DAILY_API_URL must be an http(s) address"),
        ("ARXIV_DAILY_WEB_URL", "arxiv.org", "ARXIV_DAILY_WEB_URL must be an http(s) address"),
        ("ARXIV_DAILY_OAI_URL", "http://", "ARXIV_DAILY_OAI_URL must be an http(s) address"),
        ("ARXIV_DAILY_RSS_URL", "http://x/rss", "ARXIV_DAILY_RSS_URL has no {categories}"),
        ("ARXIV_DAILY_WEB_MIN_INTERVAL", "soon", "must be a number of seconds, not 'soon'"),
        ("ARXIV_DAILY_DEADLINE", "0", "ARXIV_DAILY_DEADLINE must be a positive number"),
    ],
)
def test_a_bad_address_or_interval_is_a_setting_error_before_any_request(
    arxiv_double: ArxivDouble,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
    said: str,
) -> None:
    monkeypatch.setenv(variable, value)
    for command in (["digest", "--date", "2025-04-09"], ["fetch"]):
        with pytest.raises(SystemExit) as exit_info:
            cli.main(command)
        assert exit_info.value.code == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and said in err
    assert arxiv_double.requests == []
