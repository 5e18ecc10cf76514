"""PDF downloads through real HTTP against the loopback double."""

from __future__ import annotations

import fcntl
import os
import random
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from arxiv_double import ArxivDouble
from factories import paper
from timing import poll_until

from tui.adapters.pdf import (
    MAX_NAME_BYTES,
    MAX_NAME_CHARS,
    PdfCancelled,
    PdfError,
    download_pdf,
    local_pdf,
    local_pdfs,
    open_with_system_viewer,
    pdf_file_name,
    pdf_url,
    viewer_command,
)
from tui.adapters.sample import load_sample_day

DMOL = next(p for p in load_sample_day().papers if p.id == "2504.06312")
DMOL_NAME = (
    "2504.06312 DMol - A Schedule-Driven Diffusion Model for Highly Efficient and Versatile "
    "Molecule Generation.pdf"
)
BODY = b"%PDF-1.7\n" + random.Random(6312).randbytes(300_000) + b"\n%%EOF\n"


@pytest.fixture
def double(monkeypatch: pytest.MonkeyPatch) -> Iterator[ArxivDouble]:
    with ArxivDouble() as running:
        monkeypatch.setenv("ARXIV_DAILY_PDF_URL", f"{running.base_url}/pdf/{{id}}")
        running.set_pdf(DMOL.id, BODY)
        yield running


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "Papers" / "arxiv"


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ---------------------------------------------------------------- file names


def test_file_name_of_a_real_title() -> None:
    assert pdf_file_name(DMOL) == DMOL_NAME


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Input/Output: a study", "2504.00001 Input-Output - a study.pdf"),
        (
            'Is "attention" <all> you need? *Yes* | no',
            "2504.00001 Is attention all you need Yes no.pdf",
        ),
        ('$\\alpha$-Diffusion: {Sch\\"o}nheit', "2504.00001 α-Diffusion - Schönheit.pdf"),
        (
            "Title with a tab\there\nand a newline",
            "2504.00001 Title with a tab here and a newline.pdf",
        ),
        ("...Hidden dots...", "2504.00001 Hidden dots.pdf"),
        ("", "2504.00001.pdf"),
    ],
)
def test_file_names_are_safe(title: str, expected: str) -> None:
    assert pdf_file_name(paper(title=title)) == expected


def test_old_style_ids_lose_their_slash() -> None:
    old = paper(id="hep-th/9901001", title="Strings")
    assert pdf_file_name(old) == "hep-th_9901001 Strings.pdf"


def test_long_titles_are_cut_on_a_word() -> None:
    name = pdf_file_name(paper(title="Scaling " * 40 + "Laws"))
    assert len(name) <= MAX_NAME_CHARS
    assert name.startswith("2504.00001 Scaling Scaling")
    assert name.endswith(" Scaling.pdf")


def test_long_non_latin_titles_fit_in_the_byte_limit() -> None:
    name = pdf_file_name(paper(title="扩散模型的高效采样方法研究" * 12))
    assert len(name.encode()) <= MAX_NAME_BYTES + len(".pdf")
    assert name.startswith("2504.00001 扩散模型")


def test_pdf_url_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ARXIV_DAILY_PDF_URL", raising=False)
    assert pdf_url(DMOL) == f"https://arxiv.org/pdf/{DMOL.versioned_id}"
    monkeypatch.setenv("ARXIV_DAILY_PDF_URL", "http://127.0.0.1:1/p/{id}.pdf")
    assert pdf_url(DMOL) == f"http://127.0.0.1:1/p/{DMOL.versioned_id}.pdf"
    monkeypatch.setenv("ARXIV_DAILY_PDF_URL", "http://127.0.0.1:1/p/")
    with pytest.raises(PdfError, match="placeholder"):
        pdf_url(DMOL)


# ---------------------------------------------------------------- downloads


def test_full_download_with_progress(double: ArxivDouble, folder: Path) -> None:
    seen: list[tuple[int, int | None]] = []
    path = download_pdf(DMOL, folder, progress=lambda done, total: seen.append((done, total)))
    assert path == folder / DMOL_NAME
    assert path.read_bytes() == BODY
    assert names(folder) == [DMOL_NAME]  # no part file left
    assert seen[0] == (0, len(BODY)) and seen[-1] == (len(BODY), len(BODY))
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert double.pdf_requests == [(f"/pdf/{DMOL.versioned_id}", None)]
    assert local_pdf(DMOL, folder) == path


def test_an_interrupted_download_resumes_with_a_range(double: ArxivDouble, folder: Path) -> None:
    double.cut_next_pdf(150_000)
    with pytest.raises(PdfError, match=r"stopped after .* of 293 KB; try again"):
        download_pdf(DMOL, folder)
    [part] = folder.iterdir()
    assert part.name == f"{DMOL_NAME}.v1.part"
    held = part.stat().st_size
    assert 0 < held <= 150_000
    assert local_pdf(DMOL, folder) is None

    seen: list[tuple[int, int | None]] = []
    path = download_pdf(DMOL, folder, progress=lambda done, total: seen.append((done, total)))
    assert path.read_bytes() == BODY
    assert double.pdf_requests[-1] == (f"/pdf/{DMOL.versioned_id}", f"bytes={held}-")
    assert seen[0] == (held, len(BODY))
    assert names(folder) == [DMOL_NAME]


def test_a_server_ignoring_the_range_starts_over(double: ArxivDouble, folder: Path) -> None:
    double.cut_next_pdf(100_000)
    with pytest.raises(PdfError):
        download_pdf(DMOL, folder)
    double.pdf_ranges = False
    path = download_pdf(DMOL, folder)
    assert double.pdf_requests[-1][1] is not None  # asked for a range, got the whole file
    assert path.read_bytes() == BODY


def test_a_part_that_is_not_a_pdf_start_is_thrown_away(double: ArxivDouble, folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / f"{DMOL_NAME}.v1.part").write_bytes(b"<html>half an error page")
    path = download_pdf(DMOL, folder)
    assert double.pdf_requests[-1][1] is None
    assert path.read_bytes() == BODY


def test_a_part_longer_than_the_file_starts_over(double: ArxivDouble, folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / f"{DMOL_NAME}.v1.part").write_bytes(BODY + b"trailing junk")
    path = download_pdf(DMOL, folder)
    assert [r for _, r in double.pdf_requests] == [f"bytes={len(BODY) + 13}-", None]
    assert path.read_bytes() == BODY


def test_a_part_of_another_version_is_not_continued(double: ArxivDouble, folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / f"{DMOL_NAME}.v1.part").write_bytes(b"%PDF-1.4 the first version, half")
    download_pdf(replace(DMOL, version=2), folder)
    assert double.pdf_requests == [("/pdf/2504.06312v2", None)]
    assert names(folder) == [DMOL_NAME]


def test_a_leftover_part_that_cannot_be_removed_does_not_stop_the_download(
    double: ArxivDouble, folder: Path
) -> None:
    folder.mkdir(parents=True)
    (folder / f"{DMOL_NAME}.v1.part").mkdir()  # unlink() fails on it
    path = download_pdf(replace(DMOL, version=2), folder)
    assert path.read_bytes() == BODY
    assert names(folder) == [DMOL_NAME, f"{DMOL_NAME}.v1.part"]


def test_a_different_file_is_never_overwritten(double: ArxivDouble, folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / DMOL_NAME).write_bytes(b"%PDF-1.4 the user's annotated copy")
    second = DMOL_NAME.replace(".pdf", " (2).pdf")
    path = download_pdf(DMOL, folder)
    assert path.name == second
    assert (folder / DMOL_NAME).read_bytes() == b"%PDF-1.4 the user's annotated copy"
    assert path.read_bytes() == BODY
    # The same bytes again: that file is the download, no third copy.
    assert download_pdf(DMOL, folder) == path
    assert names(folder) == [second, DMOL_NAME]
    assert local_pdf(DMOL, folder) == path  # the newer of the two


def test_an_identical_file_is_kept_as_it_is(double: ArxivDouble, folder: Path) -> None:
    first = download_pdf(DMOL, folder)
    inode = first.stat().st_ino
    assert download_pdf(DMOL, folder) == first
    assert first.stat().st_ino == inode
    assert names(folder) == [DMOL_NAME]


def test_a_page_that_is_not_a_pdf_is_refused(double: ArxivDouble, folder: Path) -> None:
    double.serve_next(b"<html><body><h1>Rate exceeded.</h1></body></html>", 200, "text/html")
    with pytest.raises(PdfError, match=r"text/html, not a PDF: 'Rate exceeded.'"):
        download_pdf(DMOL, folder)
    assert names(folder) == []


@pytest.mark.parametrize(
    ("status", "message"), [(404, "arXiv has no PDF for 2504.06312v1"), (503, "HTTP 503")]
)
def test_http_errors(double: ArxivDouble, folder: Path, status: int, message: str) -> None:
    double.fail_next(status)
    with pytest.raises(PdfError, match=message):
        download_pdf(DMOL, folder)
    assert names(folder) == []


def test_no_server(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    monkeypatch.setenv("ARXIV_DAILY_PDF_URL", "http://127.0.0.1:9/pdf/{id}")
    with pytest.raises(PdfError, match=r"could not connect to 127\.0\.0\.1:9"):
        download_pdf(DMOL, folder, timeout=1)


def test_a_silent_server_times_out(double: ArxivDouble, folder: Path) -> None:
    double.stall_next(2.0)
    started = time.monotonic()
    with pytest.raises(PdfError, match=r"did not answer within 0\.3 s"):
        download_pdf(DMOL, folder, timeout=0.3)
    assert time.monotonic() - started < 1.5


def test_a_transfer_that_stalls_midway_times_out_and_resumes(
    double: ArxivDouble, folder: Path
) -> None:
    double.cut_next_pdf(100_000, stall=2.0)
    with pytest.raises(PdfError, match="try again to continue"):
        download_pdf(DMOL, folder, timeout=0.3)
    assert download_pdf(DMOL, folder).read_bytes() == BODY
    assert double.pdf_requests[-1][1] is not None


def test_cancel_keeps_the_part_for_later(double: ArxivDouble, folder: Path) -> None:
    cancel = threading.Event()

    def progress(done: int, total: int | None) -> None:
        if done > 0:
            cancel.set()

    with pytest.raises(PdfCancelled):
        download_pdf(DMOL, folder, progress=progress, cancel=cancel)
    [part] = folder.iterdir()
    assert part.name.endswith(".part") and part.stat().st_size > 0
    assert download_pdf(DMOL, folder).read_bytes() == BODY


def test_cancelled_before_it_starts(double: ArxivDouble, folder: Path) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(PdfCancelled):
        download_pdf(DMOL, folder, cancel=cancel)
    assert double.pdf_requests == []
    assert names(folder) == []


def test_one_download_of_a_paper_at_a_time(double: ArxivDouble, folder: Path) -> None:
    folder.mkdir(parents=True)
    with (folder / f"{DMOL_NAME}.v1.part").open("a+b") as busy:
        fcntl.flock(busy.fileno(), fcntl.LOCK_EX)
        with pytest.raises(PdfError, match="already being downloaded"):
            download_pdf(DMOL, folder)
    assert double.pdf_requests == []


def test_an_unwritable_folder(double: ArxivDouble, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(PdfError, match="cannot create the PDF folder"):
        download_pdf(DMOL, blocker / "pdfs")


# ---------------------------------------------------------------- finding PDFs


def test_local_pdfs_by_id(double: ArxivDouble, folder: Path) -> None:
    assert local_pdfs(folder) == {}
    old = paper(id="hep-th/9901001", title="Strings")
    double.set_pdf(old.id, b"%PDF-1.2 strings")
    downloaded = [download_pdf(DMOL, folder), download_pdf(old, folder)]
    (folder / "notes.pdf").write_bytes(b"%PDF mine")
    (folder / "2504.99999 leftover.pdf.v1.part").write_bytes(b"%PDF")
    assert local_pdfs(folder) == {DMOL.id: downloaded[0], old.id: downloaded[1]}
    assert local_pdf(old, folder) == downloaded[1]
    assert local_pdf(paper(number=2, title="Unknown"), folder) is None


def test_the_newest_of_two_copies(folder: Path) -> None:
    folder.mkdir(parents=True)
    older, newer = folder / DMOL_NAME, folder / DMOL_NAME.replace(".pdf", " (2).pdf")
    older.write_bytes(b"%PDF v1")
    newer.write_bytes(b"%PDF v2")
    os.utime(older, (1_700_000_000, 1_700_000_000))
    assert local_pdf(DMOL, folder) == newer


# ---------------------------------------------------------------- opening


def test_open_runs_the_viewer_with_the_path_and_keeps_its_output(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    record = tmp_path / "opened.txt"
    script = (
        "import sys; print('viewer noise'); print('more', file=sys.stderr); "
        f"open({str(record)!r}, 'w').write(sys.argv[1])"
    )
    pdf = tmp_path / "a paper.pdf"
    open_with_system_viewer(pdf, command=[sys.executable, "-c", script])
    assert record.read_text() == str(pdf)
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_a_failing_viewer_says_why(tmp_path: Path) -> None:
    script = "import sys; print('gio: file not found', file=sys.stderr); sys.exit(4)"
    with pytest.raises(PdfError, match=r"could not open x\.pdf: gio: file not found"):
        open_with_system_viewer(tmp_path / "x.pdf", command=[sys.executable, "-c", script])


def test_a_missing_viewer(tmp_path: Path) -> None:
    with pytest.raises(PdfError, match="no-such-viewer-here is not installed"):
        open_with_system_viewer(tmp_path / "x.pdf", command=["no-such-viewer-here"])


def test_a_viewer_that_keeps_running_is_left_alone(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    script = f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(5)"
    started = time.monotonic()
    open_with_system_viewer(tmp_path / "x.pdf", command=[sys.executable, "-c", script], wait=0.5)
    assert time.monotonic() - started < 2
    poll_until(lambda: pid_file.exists() and pid_file.read_text(), "the viewer's pid")
    pid = int(pid_file.read_text())
    assert os.getsid(pid) == pid  # its own session: the reader's Ctrl+C does not reach it
    os.kill(pid, 15)


def test_viewer_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ARXIV_DAILY_PDF_VIEWER", raising=False)
    assert viewer_command("linux") == ["xdg-open"]
    assert viewer_command("darwin") == ["open"]
    monkeypatch.setenv("ARXIV_DAILY_PDF_VIEWER", "zathura --fork")
    assert viewer_command("linux") == ["zathura", "--fork"]


def test_a_viewer_setting_that_is_not_a_command_line_is_a_pdf_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ARXIV_DAILY_PDF_VIEWER", 'zathura "--fork')
    with pytest.raises(PdfError, match="ARXIV_DAILY_PDF_VIEWER is not a command line"):
        open_with_system_viewer(tmp_path / "a.pdf")
