"""``arxiv-daily library import|list|forget``: the summary line, exit codes, nothing written on
error, a re-import replacing the file's earlier one, and the weights the model reads back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui import cli
from tui.adapters.library import LIBRARY_FILE, LibraryStore, positives
from tui.core.library_file import LibraryItem

ROOT = Path(__file__).resolve().parents[2]

ZOTERO_BIB = r"""% Exported by Zotero
@article{vaswani2017,
  title = {Attention {Is} All You Need},
  author = {Vaswani, Ashish},
  eprint = {1706.03762},
  archivePrefix = {arXiv},
  timestamp = {2024-05-01}
}
@misc{paper2025,
  title = {Caf\'e},
  url = {https://arxiv.org/abs/2504.06312v2},
  timestamp = {2025-01-01}
}
@book{knuth,
  title = {The {TeX}book},
  timestamp = {2020-01-01}
}
@misc{nothing, year = 2020}
"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=os.environ.copy(),
    )


def library_path(data: Path) -> Path:
    return data / LIBRARY_FILE


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_import_prints_one_summary_line_and_keeps_the_papers(
    tmp_path: Path, isolated_dirs: Path
) -> None:
    bib = write(tmp_path / "zotero.bib", ZOTERO_BIB)
    result = run("library", "import", str(bib))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "imported 3 papers from zotero.bib (2 with an arXiv id, 1 by title only; "
        "1 entry without arXiv id or title skipped (line 18))\n"
    )
    assert result.stderr == ""
    files = LibraryStore().files()
    assert [f.name for f in files] == ["zotero.bib"]
    assert [(i.arxiv_id, i.title, i.line) for i in files[0].items] == [
        ("1706.03762", "Attention Is All You Need", 2),
        ("2504.06312", "Café", 9),
        (None, "The TeXbook", 14),
    ]
    listed = run("library", "list")
    assert listed.returncode == 0
    assert listed.stdout.startswith(
        "zotero.bib: 3 papers (2 with an arXiv id, 1 by title only), imported "
    )
    papers = run("library", "list", "--papers").stdout.splitlines()
    assert papers[0].startswith("2504.06312         1.00  2025-01-01  Café  [zotero.bib]")
    assert papers[1].startswith("1706.03762         0.77  2024-05-01  Attention Is All You Need")
    assert papers[2].startswith("-                  0.68  2020-01-01  The TeXbook")


def test_a_csl_json_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    items = [
        {"id": "a", "title": "One", "URL": "http://arxiv.org/abs/2504.06312"},
        {"id": "b", "title": "Two", "DOI": "10.48550/arXiv.hep-th/9901001"},
    ]
    path = write(tmp_path / "My Library.json", json.dumps(items))
    assert cli.main(["library", "import", str(path)]) == 0
    assert capsys.readouterr().out == (
        "imported 2 papers from My Library.json (2 with an arXiv id, 0 by title only)\n"
    )


def test_re_import_replaces_that_file_and_keeps_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = write(tmp_path / "a.bib", "@misc{x, title={X}, eprint={2401.00001}}\n")
    other = write(tmp_path / "b.bib", "@misc{y, title={Y}, eprint={2401.00002}}\n")
    assert cli.main(["library", "import", str(first)]) == 0
    assert cli.main(["library", "import", str(other)]) == 0
    write(first, "@misc{x, title={X2}, eprint={2401.00003}}\n@misc{z, title={Z}}\n")
    assert cli.main(["library", "import", str(first)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == (
        "imported 2 papers from a.bib (1 with an arXiv id, 1 by title only), "
        "replacing the 1 paper of its earlier import"
    )
    by_file = {f.name: [i.arxiv_id for i in f.items] for f in LibraryStore().files()}
    assert by_file == {"a.bib": ["2401.00003", None], "b.bib": ["2401.00002"]}


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("@article{k, title={x}\n", "bad.bib line 1: the entry starting here is never closed"),
        ("@misc{a, title={A}}\n\n@misc{, title={B}}\n", "bad.bib line 3: @misc has no key"),
        ('[{"title": 5}]', "bad.bib line 1: item 1: title is a number, not text"),
        ("@misc{a, eprint={2504.1}, archivePrefix={arXiv}}", "bad.bib line 1: entry a: not an"),
    ],
)
def test_a_malformed_file_exits_2_with_one_line_and_writes_nothing(
    tmp_path: Path, isolated_dirs: Path, text: str, says: str
) -> None:
    good = write(tmp_path / "bad.bib", "@misc{x, title={Kept}, eprint={2401.00001}}\n")
    assert run("library", "import", str(good)).returncode == 0
    before = library_path(isolated_dirs).read_bytes()
    write(good, text)
    result = run("library", "import", str(good))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"arxiv-daily: {says}"), result.stderr
    assert result.stderr.count("\n") == 1
    assert library_path(isolated_dirs).read_bytes() == before  # the earlier import stays whole


def test_a_first_malformed_import_creates_no_library(tmp_path: Path, isolated_dirs: Path) -> None:
    bad = write(tmp_path / "bad.bib", "@misc{x, title=}\n")
    assert run("library", "import", str(bad)).returncode == 2
    assert not library_path(isolated_dirs).exists()


def test_missing_and_non_utf8_files_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as missing:
        cli.main(["library", "import", str(tmp_path / "nope.bib")])
    assert missing.value.code == 2
    assert capsys.readouterr().err == f"arxiv-daily: {tmp_path / 'nope.bib'}: no such file\n"
    latin = tmp_path / "latin.bib"
    latin.write_bytes(b"@misc{a, title={A}}\n@misc{b, title={Caf\xe9}}\n")
    with pytest.raises(SystemExit) as undecodable:
        cli.main(["library", "import", str(latin)])
    assert undecodable.value.code == 2
    assert capsys.readouterr().err == "arxiv-daily: latin.bib line 2: not UTF-8 text (byte 0xe9)\n"


def test_a_disk_failure_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def full(path: Path, data: bytes) -> os.stat_result:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("tui.adapters.library.atomic_write_bytes", full)
    bib = write(tmp_path / "z.bib", ZOTERO_BIB)
    with pytest.raises(SystemExit) as failed:
        cli.main(["library", "import", str(bib)])
    assert failed.value.code == 1
    assert capsys.readouterr().err == (
        "arxiv-daily: could not save the library: No space left on device\n"
    )


def test_an_unreadable_data_dir_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = write(tmp_path / "not-a-dir", "")
    monkeypatch.setenv("ARXIV_DAILY_DATA_DIR", str(blocker))
    bib = write(tmp_path / "z.bib", ZOTERO_BIB)
    with pytest.raises(SystemExit) as failed:
        cli.main(["library", "import", str(bib)])
    assert failed.value.code == 1


def test_forget(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bib = write(tmp_path / "z.bib", ZOTERO_BIB)
    assert cli.main(["library", "import", str(bib)]) == 0
    assert cli.main(["library", "forget", str(bib)]) == 0  # a path names the file too
    assert capsys.readouterr().out.splitlines()[-1] == "forgot 3 papers from z.bib"
    assert LibraryStore().files() == []
    with pytest.raises(SystemExit) as unknown:
        cli.main(["library", "forget", "z.bib"])
    assert unknown.value.code == 2
    assert capsys.readouterr().err == "arxiv-daily: no import named z.bib (imported: none)\n"
    assert cli.main(["library", "list"]) == 0
    assert capsys.readouterr().out == "no library imported (arxiv-daily library import FILE)\n"


def test_a_damaged_library_file_is_moved_aside_on_import(
    tmp_path: Path, isolated_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    isolated_dirs.mkdir(parents=True)
    library_path(isolated_dirs).write_text("{not json")
    assert cli.main(["library", "list"]) == 0
    assert "is damaged" in capsys.readouterr().err
    bib = write(tmp_path / "z.bib", ZOTERO_BIB)
    assert cli.main(["library", "import", str(bib)]) == 0
    assert "moved aside" in capsys.readouterr().err
    assert len(list(isolated_dirs.glob(f"{LIBRARY_FILE}.corrupt-*"))) == 1
    assert [f.name for f in LibraryStore().files()] == ["z.bib"]


def test_library_needs_no_settings(tmp_path: Path, isolated_dirs: Path) -> None:
    config = isolated_dirs / "config"
    config.mkdir(parents=True)
    (config / "config.toml").write_text("this is [not toml\n")
    bib = write(tmp_path / "z.bib", ZOTERO_BIB)
    assert cli.main(["library", "import", str(bib)]) == 0


# ---------------------------------------------------------------- what the model reads


def test_positives_merge_files_and_weigh_recent_additions_more(tmp_path: Path) -> None:
    def day(n: int) -> datetime:
        return datetime(2024, 1, n, tzinfo=UTC)

    store = LibraryStore(tmp_path / LIBRARY_FILE)
    store.replace(
        "a.bib",
        [
            LibraryItem("2401.00001", "Old", day(1), 1),
            LibraryItem("2401.00002", "Shared", day(2), 2),
            LibraryItem(None, "By title", None, 3),
        ],
    )
    store.replace("b.json", [LibraryItem("2401.00002", "Shared", day(9), 1)])
    found = {(p.arxiv_id or p.title): p for p in store.positives()}
    assert found["2401.00002"].weight == 1.0  # newest, as b.json dates it
    assert found["2401.00002"].sources == ("a.bib", "b.json")
    assert found["2401.00002"].added == day(9)
    assert found["2401.00001"].weight == pytest.approx(1 / (1 + 0.30103), abs=1e-4)
    assert found["By title"].weight == pytest.approx(1 / (1 + 0.47712), abs=1e-4)
    assert len(positives(store.files())) == 3


def test_a_library_file_of_a_newer_version_is_left_alone(tmp_path: Path) -> None:
    from tui import paths

    library = paths.data_dir() / "library.json"
    library.parent.mkdir(parents=True, exist_ok=True)
    written = b'{"version": 2, "files": {}, "future": true}'
    library.write_bytes(written)
    bib = tmp_path / "mine.bib"
    bib.write_text("@article{k, title={T}, eprint={2504.06312}, archivePrefix={arXiv}}\n")
    result = run("library", "import", str(bib))
    assert result.returncode == 1
    assert "written by a newer arxiv-daily (format 2)" in result.stderr
    assert library.read_bytes() == written
    assert not list(library.parent.glob("library.json.corrupt-*"))
