"""The flags directory as a store and a checkpoint both open it: paths, locks, read-only mode.

``lock`` and ``checkpoint.lock`` are ``flock`` targets: the first for appends and snapshots, the
second for the one checkpoint at a time. A directory that cannot be written is opened read-only
by itself, with a notice: the flags are shown, nothing is created, folded or moved. An
unreadable ``flags.json`` is moved aside (unless read-only), with a notice; the journal's flags
are kept.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Final

from tui.adapters import atomic
from tui.adapters.store import journal
from tui.adapters.store.journal import FOLDING_FILE, JOURNAL_FILE
from tui.adapters.store.rows import Base

FLAGS_FILE: Final = "flags.json"
NEXT_FILE: Final = "flags.json.next"
LOCK_FILE: Final = "lock"
CHECKPOINT_LOCK_FILE: Final = "checkpoint.lock"


class FlagsDirectory:
    """The files of one flags directory, and the locks that keep its readers and writers apart.

    ``io_lock``: one thread of this process at a time on the files and the lock descriptors
    (``flock`` is per open file, so this process's threads share it). ``checkpoint_lock``: one
    thread of this process at a time in a checkpoint; ``close`` waits for it.
    """

    def __init__(self, path: Path, *, read_only: bool) -> None:
        self.path = path
        self.notices: list[str] = []
        self.read_only = read_only
        if not read_only:
            try:
                path.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                self.go_read_only(error)
        self.base_path = path / FLAGS_FILE
        self.journal_path = path / JOURNAL_FILE
        self.folding_path = path / FOLDING_FILE
        self.next_path = path / NEXT_FILE
        self.io_lock = threading.RLock()
        self.checkpoint_lock = threading.Lock()
        self.closed = False
        self.lock_fd = self._open_lock(LOCK_FILE)
        self.checkpoint_fd = self._open_lock(CHECKPOINT_LOCK_FILE)

    def _open_lock(self, name: str) -> int | None:
        """A lock file's descriptor; in a read-only store the file as it is, or None."""
        path = self.path / name
        if not self.read_only:
            try:
                return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as error:
                if error.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
                    raise
                self.go_read_only(error)
        try:
            return os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return None

    def go_read_only(self, error: OSError) -> None:
        if not self.read_only:
            self.read_only = True
            self.notice(
                f"{self.path} cannot be written ({atomic.os_reason(error)}): the flags are shown, "
                "but changes cannot be saved"
            )

    def notice(self, text: str) -> None:
        if text not in self.notices:
            self.notices.append(text)

    def ensure_open(self) -> None:
        if self.closed:
            raise ValueError("the flag store is closed")

    def close(self) -> None:
        """Let go of the lock files (the caller holds ``checkpoint_lock`` and ``io_lock``)."""
        self.closed = True
        for fd in (self.lock_fd, self.checkpoint_fd):
            if fd is not None:
                os.close(fd)

    @contextlib.contextmanager
    def flock(self, operation: int) -> Iterator[None]:
        """The inter-process lock, under ``io_lock`` (this process's threads share its fd)."""
        with self.io_lock:
            if self.lock_fd is None:  # a read-only store without a lock file: nobody writes
                yield
                return
            fcntl.flock(self.lock_fd, operation)
            try:
                yield
            finally:
                fcntl.flock(self.lock_fd, fcntl.LOCK_UN)

    # ----------------------------------------------------------------- journal generations

    def create_journal(self, previous: str | None) -> str:
        """Start a journal generation (under the exclusive lock); return its token."""
        return journal.create(self.path, previous)

    def folding_token(self) -> str | None:
        return journal.token_of(self.folding_path)

    def heal_missing_journal(self) -> None:
        """Start a journal if there is none (a new store, or a crash mid-rotation)."""
        with self.io_lock:
            if self.journal_path.exists():
                return
            with self.flock(fcntl.LOCK_EX):
                if not self.journal_path.exists():
                    self.create_journal(previous=self.folding_token())

    # ----------------------------------------------------------------- flags.json

    def read_base(self, handle: BinaryIO | None) -> Base | None:
        """What ``flags.json`` holds; None if it was unreadable and has been moved aside."""
        if handle is None:
            return Base.empty()
        try:
            handle.seek(0)
            raw = handle.read()
            if not raw.strip():
                # Never written so by a checkpoint (an atomic write of a whole document): what a
                # crash on a delayed-allocation file system leaves. Damaged, like any other.
                raise ValueError(f"it is empty ({len(raw)} bytes)")
            return Base.parse(raw, self.base_path)
        except (ValueError, TypeError, UnicodeDecodeError) as error:
            self._quarantine_base(handle, error)
            return Base.empty() if self.read_only else None

    def _quarantine_base(self, handle: BinaryIO, error: BaseException) -> None:
        """Move an unreadable ``flags.json`` aside, unless a checkpoint has already replaced it."""
        if self.read_only:
            self.notice(
                f"{FLAGS_FILE} is unreadable ({atomic.describe_error(error)}); left as it is "
                "(read-only); flags in the journal are shown"
            )
            return
        with self.flock(fcntl.LOCK_EX):
            try:
                same_file = self.base_path.stat().st_ino == os.fstat(handle.fileno()).st_ino
            except FileNotFoundError:
                same_file = False
            if not same_file:
                return
            aside = atomic.move_aside(self.base_path)
        self.notice(
            f"{FLAGS_FILE} was unreadable ({atomic.describe_error(error)}); moved aside to "
            f"{aside}; flags in the journal were kept"
        )
