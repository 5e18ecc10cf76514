"""Crash-safe file writes, and a tinydb storage built on them.

tinydb's own ``JSONStorage`` rewrites its file in place: a crash mid-write leaves half a file.
Here every write goes to a temporary file in the same directory, is flushed and fsynced, and
then replaces the old file with ``os.replace`` (atomic on POSIX); the directory is fsynced so the
rename itself survives a power cut. A reader sees the old file or the new one, never a mix.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

TEMP_MARKER = ".tmp-"


def fsync_dir(directory: Path) -> None:
    """Make renames and new files in ``directory`` durable."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> os.stat_result:
    """Replace ``path`` with ``data`` so that a crash leaves either the old or the new file.

    Returns the new file's stat (taken before the rename: it names this very file, even if
    another process replaces ``path`` again straight away).
    """
    temp = path.with_name(f"{path.name}{TEMP_MARKER}{os.urandom(6).hex()}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
            written = os.fstat(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
    return written


def remove_stale_temps(path: Path) -> None:
    """Delete temporary files a crashed ``atomic_write_bytes`` of ``path`` left behind.

    Only call this while nobody else can be writing ``path`` (e.g. under the writer's lock).
    """
    for temp in path.parent.glob(f"{path.name}{TEMP_MARKER}*"):
        temp.unlink(missing_ok=True)


ABANDONED_AFTER = 3600.0
"""Seconds after which a temporary file nobody writes to any more is a killed write's."""


def remove_abandoned_temps(directory: Path, older_than: float = ABANDONED_AFTER) -> None:
    """Delete temporary files that writes killed mid-way (SIGKILL, power cut) left in
    ``directory``: those untouched for ``older_than`` seconds. A write in progress is never
    that slow, so no lock is needed; failures are ignored (it is only tidying)."""
    cutoff = time.time() - older_than
    try:
        with os.scandir(directory) as entries:
            temps = [entry for entry in entries if TEMP_MARKER in entry.name]
    except OSError:
        return
    for temp in temps:
        with contextlib.suppress(OSError):
            if temp.is_file(follow_symlinks=False) and temp.stat().st_mtime < cutoff:
                os.unlink(temp.path)


def utc_stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def move_aside(path: Path) -> Path:
    """Rename an unreadable file to ``<name>.corrupt-<UTC time>`` (never delete it); return that."""
    target = path.with_name(f"{path.name}.corrupt-{utc_stamp()}")
    while target.exists():
        target = path.with_name(f"{path.name}.corrupt-{utc_stamp()}-{os.urandom(2).hex()}")
    os.replace(path, target)
    fsync_dir(path.parent)
    return target


def describe_error(error: BaseException) -> str:
    """A short, single-line reason for a notice."""
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    if isinstance(error, json.JSONDecodeError):
        text = f"{error.msg}: line {error.lineno} column {error.colno}"
    return text[:160]


def os_reason(error: OSError) -> str:
    """Why a file operation failed, short: "No space left on device", without the path."""
    return error.strerror or describe_error(error)


class AtomicJSONStorage(Storage):
    """A tinydb storage that writes the whole database atomically (temp file, fsync, rename).

    ``read`` raises ``json.JSONDecodeError`` on a damaged file and ``ValueError`` on JSON of the
    wrong shape; callers decide what to do (move it aside). With ``fresh=True`` the existing file
    is not read: the database starts empty and the first write replaces the file. ``preloaded``
    gives the file's bytes as already read (from a handle opened under a lock) instead.
    ``decode`` parses the file's bytes in place of ``json.loads`` (it may turn documents into
    other values).
    """

    def __init__(
        self,
        path: str | Path,
        *,
        fresh: bool = False,
        preloaded: bytes | None = None,
        decode: Callable[[bytes], Any] = json.loads,
    ) -> None:
        super().__init__()
        self.path = Path(path)
        self._fresh = fresh
        self._preloaded = preloaded
        self._decode = decode
        self.written: os.stat_result | None = None
        """The stat of the file the last write made."""

    def read(self) -> dict[str, dict[str, Any]] | None:
        if self._fresh:
            return None
        raw = self._preloaded
        if raw is None:
            try:
                raw = self.path.read_bytes()
            except FileNotFoundError:
                return None
        if not raw.strip():
            return None
        data = self._decode(raw)
        if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
            raise ValueError("not a tinydb database (expected an object of tables)")
        return data

    def write(self, data: Mapping[str, Mapping[str, Any]]) -> None:
        self._fresh = False
        self._preloaded = None
        encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self.written = atomic_write_bytes(self.path, encoded)
