"""A paper's PDF on disk: download it (resumably) into the PDF folder, find it, open it.

File names are readable: ``2504.06312 DMol - A Schedule-Driven Diffusion Model for ….pdf`` (the
id, then the title as text; characters that file systems refuse replaced, ``:`` as `` -``, at
most 120 characters and 200 bytes; ``hep-th/9901001`` becomes ``hep-th_9901001``).

A download goes to ``<name>.v<version>.part`` beside the target (the version keeps a partial
download of v1 from being continued with the bytes of v2), and continues it with an HTTP
``Range`` request next time: a 206 answer is appended, a 200 (the server ignores ranges) starts
over. The answer must start with ``%PDF`` (arXiv sometimes answers with an HTML page); a complete
file then takes the target's name, without ever replacing a different file: if the name is taken
by the same bytes the download is that file, otherwise it becomes ``<name> (2).pdf`` (or the
next free number). One download per target at a time (a lock on the part file).

The PDF address is ``ARXIV_DAILY_PDF_URL`` (a template with ``{id}``, the versioned id) or
arXiv's. Meant for a worker thread: it blocks, reports progress, and stops between chunks when
``cancel`` is set (the part file stays, to be continued).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import filecmp
import glob
import os
import re
import shlex
import subprocess
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

import requests

from tui.adapters.atomic import fsync_dir, os_reason
from tui.core.paper import Paper, split_id
from tui.core.render import latex_to_text

PDF_URL_ENV = "ARXIV_DAILY_PDF_URL"
DEFAULT_PDF_URL = "https://arxiv.org/pdf/{id}"
VIEWER_ENV = "ARXIV_DAILY_PDF_VIEWER"
"""A command to open PDFs with instead of the system's (the file's path is appended)."""
MAX_NAME_CHARS = 120
MAX_NAME_BYTES = 200
"""Most file systems allow 255 bytes; room is left for `` (12).pdf`` and the part suffix."""
CHUNK_SIZE = 64 * 1024
PDF_MAGIC = b"%PDF"

ProgressCallback = Callable[[int, int | None], None]
"""``(bytes done, total bytes or None if unknown)``, after each chunk."""


class PdfError(Exception):
    """A download or an open that did not work out; ``str`` is one line for the user."""


class PdfCancelled(PdfError):
    """The caller set the cancel event; the partial download is kept for next time."""


# ---------------------------------------------------------------- names and places


def pdf_url(paper: Paper) -> str:
    template = os.environ.get(PDF_URL_ENV, "").strip() or DEFAULT_PDF_URL
    if "{id}" not in template:
        raise PdfError(f"{PDF_URL_ENV} has no {{id}} placeholder: {template!r}")
    return template.replace("{id}", paper.versioned_id)


_FORBIDDEN = re.compile(r'[*?"<>|\x00-\x1f\x7f-\x9f]')
_SLASHES = re.compile(r"\s*[/\\]\s*")


def _file_id(paper: Paper) -> str:
    return _file_id_of(paper.id)


def pdf_file_name(paper: Paper) -> str:
    """``<id> <title>.pdf``, safe on every common file system."""
    title = unicodedata.normalize("NFC", latex_to_text(paper.title))
    title = title.replace(":", " -")
    title = _SLASHES.sub("-", title)
    title = _FORBIDDEN.sub(" ", title)
    title = " ".join(title.split()).strip(" .")
    stem = f"{_file_id(paper)} {title}" if title else _file_id(paper)
    limit = MAX_NAME_CHARS - len(".pdf")
    if len(stem) > limit or len(stem.encode()) > MAX_NAME_BYTES:
        stem = _shortened(stem, limit, keep=len(_file_id(paper)))
    return f"{stem}.pdf"


def _shortened(stem: str, limit: int, keep: int) -> str:
    cut = stem[:limit]
    while len(cut.encode()) > MAX_NAME_BYTES:
        cut = cut[:-1]
    space = cut.rfind(" ")
    if space > keep + 10 and len(cut) - space < 25:
        cut = cut[:space]  # end on a whole word
    return cut.rstrip(" -.,;")


def local_pdf(paper: Paper, folder: Path) -> Path | None:
    """The paper's PDF in ``folder`` if one was downloaded (the newest if there are several,
    e.g. ``… (2).pdf`` from a later version); None otherwise."""
    return _newest_pdfs(Path(folder), only=paper.id).get(paper.id)


def local_pdfs(folder: Path) -> dict[str, Path]:
    """Paper id -> its newest PDF in ``folder``, for every file named as ``download_pdf``
    names them (one directory scan: call it once for a whole day, not once per paper)."""
    return _newest_pdfs(Path(folder), only=None)


def _newest_pdfs(folder: Path, only: str | None) -> dict[str, Path]:
    stem = _file_id_of(only) if only is not None else None
    newest: dict[str, tuple[float, Path]] = {}
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                name = entry.name
                if not name.endswith(".pdf"):
                    continue
                if stem is not None and not (name.startswith(f"{stem} ") or name == f"{stem}.pdf"):
                    continue
                paper_id = _id_in_name(name)
                if paper_id is None:
                    continue
                with contextlib.suppress(OSError):
                    if entry.is_file():
                        mtime = entry.stat().st_mtime
                        if paper_id not in newest or mtime > newest[paper_id][0]:
                            newest[paper_id] = (mtime, Path(entry.path))
    except OSError:
        return {}
    return {paper_id: path for paper_id, (_, path) in newest.items()}


def _file_id_of(paper_id: str) -> str:
    return paper_id.replace("/", "_")


def _id_in_name(name: str) -> str | None:
    first = name.removesuffix(".pdf").split(" ", 1)[0]
    try:
        return split_id(first.replace("_", "/"))[0]
    except ValueError:
        return None


# ---------------------------------------------------------------- downloading


def download_pdf(
    paper: Paper,
    folder: Path,
    *,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    timeout: float = 30.0,
) -> Path:
    """Download the paper's PDF into ``folder``; the path of the file on disk.

    Raises PdfError (one line) when it cannot: no connection, an HTTP error, not a PDF, an
    interrupted transfer (run again to continue it), the disk; PdfCancelled when cancelled.
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise PdfError(f"cannot create the PDF folder {folder}: {os_reason(error)}") from None
    target = folder / pdf_file_name(paper)
    part = target.with_name(f"{target.name}.v{paper.version}.part")
    url = pdf_url(paper)
    try:
        handle = part.open("a+b")
    except OSError as error:
        raise PdfError(f"cannot write in {folder}: {os_reason(error)}") from None
    with handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PdfError(f"{paper.id} is already being downloaded") from None
        except OSError:
            pass  # a file system without locks (some network shares): go on without one
        _remove_other_versions(target, part)
        try:
            _Transfer(paper, url, handle, progress, cancel, timeout).run()
            handle.flush()
            os.fsync(handle.fileno())
        except OSError as error:
            raise PdfError(f"writing {part.name} failed: {os_reason(error)}") from None
        except PdfError:
            if os.fstat(handle.fileno()).st_size == 0:
                part.unlink(missing_ok=True)  # nothing worth continuing
            raise
        try:
            return _settle(part, target)
        except OSError as error:
            raise PdfError(f"cannot keep the PDF in {folder}: {os_reason(error)}") from None


def _remove_other_versions(target: Path, part: Path) -> None:
    for stale in target.parent.glob(f"{glob.escape(target.name)}.v*.part"):
        if stale != part:
            with contextlib.suppress(OSError):  # only tidying: a leftover must not stop a download
                stale.unlink(missing_ok=True)


class _Transfer:
    """One download into an open part file, continuing what it holds."""

    def __init__(
        self,
        paper: Paper,
        url: str,
        handle: BinaryIO,
        progress: ProgressCallback | None,
        cancel: threading.Event | None,
        timeout: float,
    ) -> None:
        self.paper = paper
        self.url = url
        self.host = urlsplit(url).netloc or url
        self.handle = handle
        self.progress = progress
        self.cancel = cancel
        self.timeout = timeout

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise PdfCancelled("download cancelled")

    def _held(self) -> int:
        """Bytes already in the part file worth continuing (0 if they are not a PDF's start)."""
        self.handle.seek(0)
        head = self.handle.read(len(PDF_MAGIC))
        size = os.fstat(self.handle.fileno()).st_size
        if size and not (head == PDF_MAGIC or (size < len(PDF_MAGIC) and PDF_MAGIC[:size] == head)):
            self._restart()
            return 0
        return size

    def _restart(self) -> None:
        self.handle.seek(0)
        self.handle.truncate(0)

    def run(self) -> None:
        self._check_cancel()
        held = self._held()
        response = self._request(held)
        if response.status_code == 416 and held:
            # What we hold does not fit the file (it is all there already, or the server's
            # file is shorter): start over.
            response.close()
            self._restart()
            held = 0
            response = self._request(0)
        with response:
            self._receive(response, held)

    def _request(self, held: int) -> requests.Response:
        headers = {"User-Agent": "arxiv-daily (PDF download)"}
        if held:
            headers["Range"] = f"bytes={held}-"
        try:
            return requests.get(
                self.url, headers=headers, stream=True, timeout=(self.timeout, self.timeout)
            )
        except requests.Timeout:
            raise PdfError(f"{self.host} did not answer within {self.timeout:g} s") from None
        except requests.ConnectionError:
            raise PdfError(f"could not connect to {self.host}") from None
        except requests.RequestException as error:
            raise PdfError(f"the request to {self.host} failed ({type(error).__name__})") from None

    def _receive(self, response: requests.Response, held: int) -> None:
        status = response.status_code
        total: int | None
        if status == 206:
            start, total = _content_range(response.headers.get("Content-Range"))
            if start != held:
                raise PdfError(f"{self.host} sent the wrong part of the PDF; try again")
            self.handle.seek(held)
            done = held
        elif status == 200:
            self._restart()
            done = 0
            length = response.headers.get("Content-Length", "")
            total = int(length) if length.isdigit() else None
        elif status == 404:
            raise PdfError(f"arXiv has no PDF for {self.paper.versioned_id} (HTTP 404)")
        else:
            raise PdfError(f"{self.host} answered HTTP {status} for the PDF")

        if self.progress is not None:
            self.progress(done, total)
        head = b""
        checked = done > 0
        try:
            for chunk in response.iter_content(CHUNK_SIZE):
                self._check_cancel()
                if not chunk:
                    continue
                if not checked:
                    head += chunk[: len(PDF_MAGIC)]
                    if len(head) >= len(PDF_MAGIC):
                        if not head.startswith(PDF_MAGIC):
                            self._restart()
                            raise PdfError(_not_a_pdf(chunk, response))
                        checked = True
                self.handle.write(chunk)
                done += len(chunk)
                if self.progress is not None:
                    self.progress(done, total)
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
            raise PdfError(self._interrupted(done, total)) from None
        except requests.Timeout:
            raise PdfError(self._interrupted(done, total)) from None
        if not checked and done == 0:
            raise PdfError(f"{self.host} sent an empty answer instead of the PDF")
        if not checked:
            self._restart()
            raise PdfError(_not_a_pdf(head, response))
        if total is not None and done != total:
            raise PdfError(self._interrupted(done, total))

    def _interrupted(self, done: int, total: int | None) -> str:
        of = f" of {_size(total)}" if total else ""
        return f"the download stopped after {_size(done)}{of}; try again to continue it"


def _content_range(header: str | None) -> tuple[int | None, int | None]:
    match = re.fullmatch(r"\s*bytes\s+(\d+)-\d+/(\d+|\*)\s*", header or "")
    if match is None:
        return None, None
    total = match.group(2)
    return int(match.group(1)), int(total) if total.isdigit() else None


def _not_a_pdf(body: bytes, response: requests.Response) -> str:
    kind = response.headers.get("Content-Type", "").split(";")[0].strip() or "something else"
    text = " ".join(re.sub(rb"<[^>]*>", b" ", body[:400]).decode("utf-8", "replace").split())
    excerpt = f": {text[:60]!r}" if text else ""
    return f"arXiv answered with {kind}, not a PDF{excerpt}"


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} bytes"
    if count < 1024 * 1024:
        return f"{count / 1024:.0f} KB"
    return f"{count / (1024 * 1024):.1f} MB"


def _numbered(target: Path, number: int) -> Path:
    return target.with_name(f"{target.stem} ({number}).pdf")


def _settle(part: Path, target: Path) -> Path:
    """Give the finished part file its name; never replace a different file."""
    for number in range(1, 1000):
        candidate = target if number == 1 else _numbered(target, number)
        if candidate.exists():
            if filecmp.cmp(candidate, part, shallow=False):
                part.unlink()
                return candidate
            continue
        try:
            os.link(part, candidate)  # fails if the name was taken meanwhile: never replaces
        except FileExistsError:
            continue
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                raise
            # No hard links here (FAT, some network shares): a rename, checked just before.
            if candidate.exists():
                continue
            os.rename(part, candidate)
            fsync_dir(candidate.parent)
            return candidate
        part.unlink()
        fsync_dir(candidate.parent)
        return candidate
    raise PdfError(f"too many copies of {target.name} already")


# ---------------------------------------------------------------- opening


def viewer_command(platform: str | None = None) -> list[str]:
    """The command that opens a file with the system's viewer (``ARXIV_DAILY_PDF_VIEWER`` wins)."""
    configured = os.environ.get(VIEWER_ENV, "").strip()
    if configured:
        try:
            return shlex.split(configured)
        except ValueError as error:  # an unclosed quote
            raise PdfError(
                f"{VIEWER_ENV} is not a command line ({error}): {configured!r}"
            ) from None
    platform = sys.platform if platform is None else platform
    if platform == "darwin":
        return ["open"]
    return ["xdg-open"]


def open_with_system_viewer(
    path: Path, *, command: Sequence[str] | None = None, wait: float = 2.0
) -> None:
    """Open ``path`` in the PDF viewer, without its output reaching the terminal.

    Waits up to ``wait`` seconds for the opener: a failure in that time (no viewer, a missing
    file) is a PdfError with its message; an opener still running then is taken to be the
    viewer itself and left alone (in its own session, so the reader's Ctrl+C does not reach it).
    """
    argv = [*(command if command is not None else viewer_command()), str(path)]
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=errors,
                start_new_session=True,
            )
        except FileNotFoundError:
            raise PdfError(f"cannot open PDFs: {argv[0]} is not installed") from None
        except OSError as error:
            raise PdfError(f"cannot run {argv[0]}: {os_reason(error)}") from None
        try:
            code = process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            return
        if code != 0:
            errors.seek(0)
            lines = [line for line in errors.read().decode("utf-8", "replace").splitlines() if line]
            detail = f": {' '.join(lines[-1].split())[:120]}" if lines else f" (exit {code})"
            raise PdfError(f"{Path(argv[0]).name} could not open {path.name}{detail}")
