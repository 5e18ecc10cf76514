"""Crash reports: what the app was doing when an unexpected error ended it.

The app keeps its last actions in a ``RecentActions`` ring buffer (the last 50: key presses,
commands, days loaded) and, on an unhandled error, calls ``write_crash_report``: a plain text
file ``crash-<UTC time>.txt`` in ``tui.paths.state_dir()`` (the system's temporary directory if
that cannot be written) with the versions, the platform, the last actions and the traceback.
The user is shown its path and can attach it to a bug report; nothing is sent anywhere.

No Textual import here: the versions are read from the installed package metadata.
"""

from __future__ import annotations

import os
import platform
import tempfile
import threading
import traceback
from collections import deque
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from tui import __version__, paths

RECENT_ACTIONS_KEPT = 50
_ACTION_LENGTH = 200


class RecentActions:
    """The last ``size`` actions, oldest first, each stamped with its UTC time. Thread-safe."""

    def __init__(self, size: int = RECENT_ACTIONS_KEPT) -> None:
        self._actions: deque[str] = deque(maxlen=size)
        self._lock = threading.Lock()

    def add(self, action: str) -> None:
        """Note one action (one line; long ones are cut)."""
        line = " ".join(action.split())
        if len(line) > _ACTION_LENGTH:
            line = line[: _ACTION_LENGTH - 1] + "…"
        stamp = datetime.now(UTC).strftime("%H:%M:%S.%f")[:-3]
        with self._lock:
            self._actions.append(f"{stamp} {line}")

    def snapshot(self) -> tuple[str, ...]:
        with self._lock:
            return tuple(self._actions)

    def __iter__(self) -> Iterator[str]:
        return iter(self.snapshot())

    def __len__(self) -> int:
        return len(self._actions)


def _version_of(distribution: str) -> str:
    # Imported here: importlib.metadata (with email, zipfile, ...) costs ~8 ms of every start-up,
    # and only a crash reads it.
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"
    except Exception as error:  # a damaged installation must not stop the report
        return f"unknown ({type(error).__name__})"


def format_crash_report(
    error: BaseException, last_actions: Sequence[str], now: datetime | None = None
) -> str:
    """The text of a crash report."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    terminal = os.environ.get("TERM_PROGRAM") or os.environ.get("TERM") or "unknown"
    lines = [
        "arxiv-daily crash report",
        "",
        f"time:        {moment.isoformat(timespec='seconds')}",
        f"arxiv-daily: {__version__}",
        f"Python:      {platform.python_version()} ({platform.python_implementation()})",
        f"Textual:     {_version_of('textual')}",
        f"arxiv:       {_version_of('arxiv')}",
        f"platform:    {platform.platform()}",
        f"terminal:    {terminal}",
        f"error:       {type(error).__name__}: {' '.join(str(error).split())}"[:500],
        "",
        f"last actions (oldest first, {len(last_actions)}):",
        *(f"  {action}" for action in last_actions),
        *(["  (none)"] if not last_actions else []),
        "",
        "traceback:",
        "".join(traceback.format_exception(error)).rstrip("\n"),
        "",
    ]
    return "\n".join(lines)


def _create(directory: Path, stem: str) -> tuple[Path, int]:
    directory.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, 100):
        name = f"{stem}.txt" if attempt == 1 else f"{stem}-{attempt}.txt"
        path = directory / name
        try:
            return path, os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
    raise FileExistsError(f"too many crash reports named {stem} in {directory}")


def write_crash_report(
    error: BaseException, last_actions: Sequence[str], directory: Path | None = None
) -> Path:
    """Write a crash report and return its path (in the state dir, else the temporary dir)."""
    now = datetime.now(UTC)
    text = format_crash_report(error, last_actions, now).encode("utf-8", "replace")
    stem = f"crash-{now.strftime('%Y%m%dT%H%M%SZ')}"
    places = [directory] if directory is not None else [paths.state_dir()]
    places.append(Path(tempfile.gettempdir()) / "arxiv-daily")
    failure: OSError | None = None
    for place in places:
        try:
            path, fd = _create(place, stem)
        except OSError as problem:
            failure = problem
            continue
        try:
            view = memoryview(text)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        except OSError as problem:  # a full disk: a half report helps nobody, try elsewhere
            failure = problem
            path.unlink(missing_ok=True)
            continue
        finally:
            os.close(fd)
        return path
    assert failure is not None
    raise failure


def report_and_exit_message(path: Path) -> str:
    """The line to print once the terminal is restored."""
    return f"arxiv-daily stopped on an unexpected error; a report is in {path}"
