"""Read/starred flags and notes, durable in about a millisecond at any store size.

Files in the flags directory:

``flags.json``
    The store of record: a tinydb database, table ``flags``, one document per paper
    (``id`` without version, ``read``, ``starred``, ``read_changed``, ``starred_changed``,
    ``note``).
    Only a checkpoint rewrites it, atomically (temp file, fsync, rename).
``flags.journal``
    An append-only write-ahead journal of JSON lines. The first line is a header with a random
    generation token; every other line is one absolute change
    ``{"id": …, "field": "starred", "value": true, "at": "…"}``. A change is durable once its line
    is appended and fsynced under an exclusive ``flock`` on ``lock``: that costs the same at 100
    flags or 100,000, unlike a tinydb write, which rewrites the whole file.
``flags.journal.folding``
    A journal being folded into ``flags.json`` by a checkpoint (or left by one that crashed).
``lock``, ``checkpoint.lock``
    ``flock`` targets: appends and snapshots; the one checkpoint at a time.

The state is ``flags.json`` + ``.folding`` + ``journal`` replayed in order. Replay is idempotent
because lines carry absolute values, so a checkpoint that crashed after writing ``flags.json``
but before deleting ``.folding`` does no harm. A crash mid-append leaves a torn last line, which
readers ignore (and the next append terminates, so it never swallows a good line).

Checkpoint (when the journal passes ``checkpoint_every`` lines, in a background thread; on
``close``; or when asked): under the lock, rename the journal to ``.folding`` and start a fresh one
with a new token; fold outside the lock; under the lock again replace ``flags.json`` and delete
``.folding``. Appends wait for the lock only for the two renames, never for the rewrite.

Other processes' writes are picked up by ``refresh()``: a stat and a header read, then only the
new lines (or a full reload when the journal's generation moved on by more than one step).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Final, Literal

from tinydb import TinyDB

from tui import paths
from tui.domain.atomic import (
    AtomicJSONStorage,
    describe_error,
    fsync_dir,
    move_aside,
    remove_stale_temps,
)
from tui.domain.paper import base_id

FLAGS_FILE: Final = "flags.json"
JOURNAL_FILE: Final = "flags.journal"
FOLDING_FILE: Final = "flags.journal.folding"
NEXT_FILE: Final = "flags.json.next"
LOCK_FILE: Final = "lock"
CHECKPOINT_LOCK_FILE: Final = "checkpoint.lock"
TABLE: Final = "flags"
JOURNAL_KIND: Final = "arxiv-daily flags journal"
DEFAULT_CHECKPOINT_EVERY: Final = 5000

Field = Literal["read", "starred", "note"]
_FIELDS: Final = frozenset({"read", "starred", "note"})


@dataclass(frozen=True, slots=True)
class Flag:
    """What the reader has done with one paper. Keyed by the id without version."""

    id: str
    read: bool = False
    starred: bool = False
    read_changed: datetime | None = None
    starred_changed: datetime | None = None
    note: str = ""

    def to_document(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "read": self.read,
            "starred": self.starred,
            "read_changed": _format_time(self.read_changed),
            "starred_changed": _format_time(self.starred_changed),
            "note": self.note,
        }

    @classmethod
    def from_document(cls, document: Any) -> Flag:
        """Raise ``ValueError`` on a document that isn't one of ours."""
        if not isinstance(document, dict) or not isinstance(document.get("id"), str):
            raise ValueError("a flag document without an id")
        read, starred = document.get("read", False), document.get("starred", False)
        note = document.get("note", "")
        if not isinstance(read, bool) or not isinstance(starred, bool) or not isinstance(note, str):
            raise ValueError(f"flag document {document['id']!r} has fields of the wrong type")
        return cls(
            id=document["id"],
            read=read,
            starred=starred,
            read_changed=_parse_optional_time(document.get("read_changed")),
            starred_changed=_parse_optional_time(document.get("starred_changed")),
            note=note,
        )


def _format_time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse_optional_time(value: Any) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("a timestamp that is not a string")
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class _Change:
    id: str
    field: Field
    value: bool | str
    at: datetime

    def to_line(self) -> bytes:
        line = {"id": self.id, "field": self.field, "value": self.value, "at": self.at.isoformat()}
        return json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"

    @classmethod
    def from_line(cls, raw: bytes) -> _Change:
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("not an object")
        field, value, at = data.get("field"), data.get("value"), data.get("at")
        ok_value = isinstance(value, str) if field == "note" else isinstance(value, bool)
        if not isinstance(data.get("id"), str) or field not in _FIELDS or not ok_value:
            raise ValueError("not a flag change")
        assert isinstance(value, bool | str)
        parsed_at = _parse_optional_time(at)
        if parsed_at is None:
            raise ValueError("a change without a time")
        return cls(id=data["id"], field=field, value=value, at=parsed_at)

    def apply(self, flags: dict[str, Flag]) -> bool:
        """Apply to ``flags``; True if it changed anything.

        A flag's time moves only when its value does, so replaying a line twice changes nothing.
        """
        current = flags.get(self.id) or Flag(self.id)
        if self.field == "read":
            if current.read == self.value:
                return False
            new = replace(current, read=bool(self.value), read_changed=self.at)
        elif self.field == "starred":
            if current.starred == self.value:
                return False
            new = replace(current, starred=bool(self.value), starred_changed=self.at)
        else:
            if current.note == self.value:
                return False
            new = replace(current, note=str(self.value))
        flags[self.id] = new
        return True


@dataclass(slots=True)
class _JournalChunk:
    """What one read of a journal found."""

    token: str | None
    """The generation token, when the read started at the header."""
    changes: list[_Change]
    end: int
    """Offset just past the last complete line: where the next read starts."""
    bad_lines: int


def _parse_journal(data: bytes, start: int) -> _JournalChunk:
    """Parse journal bytes that begin at file offset ``start``; only whole lines (``\n``) count."""
    complete = data.rfind(b"\n") + 1
    token: str | None = None
    changes: list[_Change] = []
    bad = 0
    for index, raw in enumerate(data[:complete].split(b"\n")[:-1]):
        if index == 0 and start == 0:
            token = _header_token(raw)
            if token is not None:
                continue
        if not raw.strip():
            continue
        try:
            changes.append(_Change.from_line(raw))
        except (ValueError, TypeError):
            bad += 1
    return _JournalChunk(token=token, changes=changes, end=start + complete, bad_lines=bad)


def _header_token(raw: bytes) -> str | None:
    try:
        header = json.loads(raw)
    except ValueError:
        return None
    if isinstance(header, dict) and header.get("journal") == JOURNAL_KIND:
        token = header.get("token")
        return token if isinstance(token, str) else None
    return None


def _identity(handle: BinaryIO, token: str | None) -> str:
    """A journal's generation token; a journal whose header is damaged is named by its inode."""
    if token is not None:
        return token
    stat = os.fstat(handle.fileno())
    return f"inode-{stat.st_dev}-{stat.st_ino}"


def _read_from(handle: BinaryIO, offset: int) -> bytes:
    handle.seek(offset)
    return handle.read()


def _open_or_none(path: Path) -> BinaryIO | None:
    try:
        return path.open("rb")
    except FileNotFoundError:
        return None


@dataclass(slots=True)
class _Snapshot:
    """Handles on the three files, opened together under the shared lock, so they agree."""

    base: BinaryIO | None
    folding: BinaryIO | None
    journal: BinaryIO | None

    def close(self) -> None:
        for handle in (self.base, self.folding, self.journal):
            if handle is not None:
                handle.close()


class FlagStore:
    """Read/starred flags and notes for papers, shared safely between processes.

    Reads are served from memory. ``set_*`` return once the change is on disk (fsynced). Call
    ``refresh()`` to pick up other processes' writes. Thread-safe. ``close()`` (or ``with``)
    when done.
    """

    def __init__(
        self,
        directory: Path | None = None,
        *,
        checkpoint_every: int = DEFAULT_CHECKPOINT_EVERY,
        background_checkpoints: bool = True,
    ) -> None:
        self.directory = Path(directory) if directory is not None else paths.flags_dir()
        self.directory.mkdir(parents=True, exist_ok=True)
        self.notices: list[str] = []
        self.checkpoint_every = checkpoint_every
        self.background_checkpoints = background_checkpoints

        self._base_path = self.directory / FLAGS_FILE
        self._journal_path = self.directory / JOURNAL_FILE
        self._folding_path = self.directory / FOLDING_FILE
        self._next_path = self.directory / NEXT_FILE

        self._flags: dict[str, Flag] = {}
        self._state_lock = threading.Lock()  # guards _flags; held only for quick swaps and copies
        self._io_lock = threading.RLock()  # one thread at a time on the files and the flock fds
        self._checkpoint_lock = threading.Lock()
        self._checkpoint_thread: threading.Thread | None = None
        self._closed = False

        # Where in which journal generation this instance has read up to.
        self._cursor_token: str | None = None
        self._cursor_offset = 0

        self._append_fd: int | None = None
        self._append_ino: int | None = None
        self._append_token: str | None = None
        self._append_lines = 0
        """Change lines in the live journal, as far as this instance knows."""

        self._lock_fd = os.open(self.directory / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        self._checkpoint_fd = os.open(
            self.directory / CHECKPOINT_LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644
        )
        try:
            with self._io_lock:
                self._heal_missing_journal()
                self._reload()
        except BaseException:
            os.close(self._lock_fd)
            os.close(self._checkpoint_fd)
            raise

    # ----------------------------------------------------------------- reading

    def get(self, paper_id: str) -> Flag:
        key = base_id(paper_id)
        return self._flags.get(key) or Flag(key)

    def many(self, ids: Iterable[str]) -> dict[str, Flag]:
        """Flags by the ids as given (``2504.06312v2`` → the flags of ``2504.06312``)."""
        flags = self._flags
        result: dict[str, Flag] = {}
        for raw in ids:
            key = base_id(raw)
            result[raw] = flags.get(key) or Flag(key)
        return result

    def starred(self) -> list[Flag]:
        """Starred papers, the most recently starred first."""
        with self._state_lock:
            found = [flag for flag in self._flags.values() if flag.starred]
        epoch = datetime.min.replace(tzinfo=UTC)
        found.sort(key=lambda flag: flag.starred_changed or epoch, reverse=True)
        return found

    def __len__(self) -> int:
        return len(self._flags)

    def __contains__(self, paper_id: object) -> bool:
        return isinstance(paper_id, str) and base_id(paper_id) in self._flags

    # ----------------------------------------------------------------- writing

    def set_read(self, ids: str | Iterable[str], value: bool) -> None:
        self._set("read", ids, bool(value))

    def set_starred(self, ids: str | Iterable[str], value: bool) -> None:
        self._set("starred", ids, bool(value))

    def set_note(self, paper_id: str, note: str) -> None:
        self._set("note", paper_id, str(note))

    def _set(self, field: Field, ids: str | Iterable[str], value: bool | str) -> None:
        raw_ids = [ids] if isinstance(ids, str) else list(ids)
        keys = list(dict.fromkeys(base_id(raw) for raw in raw_ids))
        if not keys:
            return
        now = datetime.now(UTC)
        changes = [_Change(id=key, field=field, value=value, at=now) for key in keys]
        self._append(changes)
        if (
            self.background_checkpoints
            and self._append_lines >= self.checkpoint_every
            and not self._closed
        ):
            self._start_background_checkpoint()

    def _append(self, changes: list[_Change]) -> None:
        payload = b"".join(change.to_line() for change in changes)
        with self._io_lock:
            self._ensure_open()
            with self._flock(fcntl.LOCK_EX):
                self._append_locked(changes, payload)

    def _append_locked(self, changes: list[_Change], payload: bytes) -> None:
        fd, token = self._current_journal_fd()
        size = os.fstat(fd).st_size
        caught_up: list[_Change] = []
        if token == self._cursor_token and size > self._cursor_offset:
            # Other processes appended since we last looked: take their lines first, so our
            # memory follows the journal's order.
            tail = os.pread(fd, size - self._cursor_offset, self._cursor_offset)
            chunk = _parse_journal(tail, self._cursor_offset)
            caught_up = chunk.changes
            self._note_bad_lines(chunk.bad_lines)
            if chunk.end < size:
                payload = b"\n" + payload  # end a line torn by a crash; it must not eat ours
        elif size and os.pread(fd, 1, size - 1) != b"\n":
            payload = b"\n" + payload
        _write_all(fd, payload)
        os.fdatasync(fd)
        with self._state_lock:
            for change in caught_up:
                change.apply(self._flags)
            for change in changes:
                change.apply(self._flags)
        self._append_lines += len(changes)
        if token == self._cursor_token:
            self._cursor_offset = size + len(payload)

    def _current_journal_fd(self) -> tuple[int, str | None]:
        """An append handle on the live journal (creating it if need be), and its token.

        Call under the exclusive lock. Another process's checkpoint may have renamed the journal
        we had open, so compare inodes and reopen rather than append to a ``.folding``.
        """
        try:
            ino = self._journal_path.stat().st_ino
        except FileNotFoundError:
            self._create_journal()
            ino = self._journal_path.stat().st_ino
        if self._append_fd is None or self._append_ino != ino:
            self._close_append_fd()
            self._append_fd = os.open(self._journal_path, os.O_RDWR | os.O_APPEND)
            self._append_ino = ino
            with self._journal_path.open("rb") as handle:
                header = handle.readline()
                self._append_token = _identity(handle, _header_token(header))
                self._append_lines = handle.read().count(b"\n")
        return self._append_fd, self._append_token

    def _create_journal(self) -> str:
        """Start a fresh journal generation (under the exclusive lock); return its token."""
        token = secrets.token_hex(8)
        header = {"journal": JOURNAL_KIND, "version": 1, "token": token}
        temp = self.directory / f"{JOURNAL_FILE}.new-{secrets.token_hex(4)}"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            _write_all(fd, json.dumps(header, separators=(",", ":")).encode() + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, self._journal_path)
        fsync_dir(self.directory)
        return token

    def _heal_missing_journal(self) -> None:
        """Start a journal if there is none (a new store, or a crash mid-rotation).

        Then the cursor is on the live generation from the start, and ``refresh`` stays cheap.
        """
        if self._journal_path.exists():
            return
        with self._flock(fcntl.LOCK_EX):
            if not self._journal_path.exists():
                self._create_journal()

    def _close_append_fd(self) -> None:
        if self._append_fd is not None:
            os.close(self._append_fd)
        self._append_fd = None
        self._append_ino = None

    # ----------------------------------------------------------------- other processes

    def refresh(self) -> bool:
        """Pick up other processes' writes; True if any flag changed."""
        with self._io_lock:
            self._ensure_open()
            snapshot = self._snapshot(with_base=False)
            try:
                journal_token = self._token_of(snapshot.journal)
                folding_token = self._token_of(snapshot.folding)
                if snapshot.journal is not None and journal_token == self._cursor_token:
                    chunk = _parse_journal(
                        _read_from(snapshot.journal, self._cursor_offset), self._cursor_offset
                    )
                    self._note_bad_lines(chunk.bad_lines)
                    self._cursor_offset = chunk.end
                    return self._apply_all(chunk.changes)
                if snapshot.folding is not None and folding_token == self._cursor_token:
                    # One rotation since we last looked: the old generation's rest, then the new.
                    tail = _parse_journal(
                        _read_from(snapshot.folding, self._cursor_offset), self._cursor_offset
                    )
                    changes, bad = tail.changes, tail.bad_lines
                    self._cursor_token, self._cursor_offset = None, 0
                    if snapshot.journal is not None:
                        fresh = _parse_journal(_read_from(snapshot.journal, 0), 0)
                        changes += fresh.changes
                        bad += fresh.bad_lines
                        self._cursor_token = _identity(snapshot.journal, fresh.token)
                        self._cursor_offset = fresh.end
                    self._note_bad_lines(bad)
                    return self._apply_all(changes)
            finally:
                snapshot.close()
            return self._reload()

    def _apply_all(self, changes: list[_Change]) -> bool:
        changed = False
        with self._state_lock:
            for change in changes:
                changed = change.apply(self._flags) or changed
        return changed

    @staticmethod
    def _token_of(handle: BinaryIO | None) -> str | None:
        if handle is None:
            return None
        handle.seek(0)
        return _identity(handle, _header_token(handle.readline()))

    def _snapshot(self, *, with_base: bool = True) -> _Snapshot:
        """Open the files under the shared lock (microseconds); read them after releasing it.

        Files are only ever replaced by rename, never rewritten in place, and the journal only
        grows, so open handles keep a consistent picture however long the reading takes.
        """
        with self._flock(fcntl.LOCK_SH):
            return _Snapshot(
                base=_open_or_none(self._base_path) if with_base else None,
                folding=_open_or_none(self._folding_path),
                journal=_open_or_none(self._journal_path),
            )

    def _reload(self) -> bool:
        """Rebuild the whole state from the files; True if any flag changed."""
        for _attempt in range(5):
            snapshot = self._snapshot()
            try:
                flags = self._read_base(snapshot.base)
                if flags is None:
                    continue  # flags.json was damaged and has been moved aside: look again
                changes: list[_Change] = []
                bad = 0
                token: str | None = None
                end = 0
                if snapshot.folding is not None:
                    folded = _parse_journal(_read_from(snapshot.folding, 0), 0)
                    changes += folded.changes
                    bad += folded.bad_lines
                if snapshot.journal is not None:
                    live = _parse_journal(_read_from(snapshot.journal, 0), 0)
                    changes += live.changes
                    bad += live.bad_lines
                    token = _identity(snapshot.journal, live.token)
                    end = live.end
                for change in changes:
                    change.apply(flags)
                self._note_bad_lines(bad)
                with self._state_lock:
                    changed = flags != self._flags
                    self._flags = flags
                self._cursor_token, self._cursor_offset = token, end
                return changed
            finally:
                snapshot.close()
        raise OSError(f"{self._base_path} keeps changing or failing to read")

    def _read_base(self, handle: BinaryIO | None) -> dict[str, Flag] | None:
        """The flags in ``flags.json``; None if it was unreadable and has been moved aside."""
        if handle is None:
            return {}
        try:
            return _flags_from_database(_read_from(handle, 0), self._base_path)
        except (ValueError, TypeError, UnicodeDecodeError) as error:
            self._quarantine_base(handle, error)
            return None

    def _quarantine_base(self, handle: BinaryIO, error: BaseException) -> None:
        """Move an unreadable ``flags.json`` aside, unless a checkpoint has already replaced it."""
        with self._flock(fcntl.LOCK_EX):
            try:
                same_file = self._base_path.stat().st_ino == os.fstat(handle.fileno()).st_ino
            except FileNotFoundError:
                same_file = False
            if not same_file:
                return
            aside = move_aside(self._base_path)
        self._notice(
            f"{FLAGS_FILE} was unreadable ({describe_error(error)}); moved aside to {aside}; "
            "flags in the journal were kept"
        )

    def _note_bad_lines(self, count: int) -> None:
        if count:
            noun = "line" if count == 1 else "lines"
            self._notice(
                f"{JOURNAL_FILE} had {count} unreadable {noun} (a write cut short by a crash?); "
                "skipped"
            )

    def _notice(self, text: str) -> None:
        if text not in self.notices:
            self.notices.append(text)

    # ----------------------------------------------------------------- checkpoints

    def checkpoint(self, *, wait: bool = True) -> None:
        """Fold the journal into ``flags.json``.

        With ``wait=False``, return at once if another process or thread is folding.
        """
        if not self._checkpoint_lock.acquire(blocking=wait):
            return
        try:
            self._ensure_open()
            flags = fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB
            try:
                fcntl.flock(self._checkpoint_fd, flags)
            except BlockingIOError:
                return
            try:
                self._checkpoint_locked()
            finally:
                fcntl.flock(self._checkpoint_fd, fcntl.LOCK_UN)
        finally:
            self._checkpoint_lock.release()

    def _checkpoint_locked(self) -> None:
        remove_stale_temps(self._base_path)
        remove_stale_temps(self._next_path)
        self._next_path.unlink(missing_ok=True)
        with self._io_lock, self._flock(fcntl.LOCK_EX):
            for temp in self.directory.glob(f"{JOURNAL_FILE}.new-*"):
                temp.unlink(missing_ok=True)  # a journal a crash left half-created
        while True:
            with self._io_lock, self._flock(fcntl.LOCK_EX):
                leftover = self._folding_path.exists()  # a crashed checkpoint's: fold it first
                if not leftover and not self._rotate():
                    return
            self._fold()
            if not leftover:
                return

    def _rotate(self) -> bool:
        """Under the exclusive lock: journal → ``.folding``, and a fresh journal. False if empty."""
        try:
            with self._journal_path.open("rb") as handle:
                header = handle.readline()
                token = _identity(handle, _header_token(header))
                if os.fstat(handle.fileno()).st_size <= len(header):
                    return False
                # Catch up on the tail of the generation that is about to close, so our cursor
                # can move to the new one without a full reload afterwards.
                if token == self._cursor_token:
                    chunk = _parse_journal(
                        _read_from(handle, self._cursor_offset), self._cursor_offset
                    )
                    self._note_bad_lines(chunk.bad_lines)
                    self._apply_all(chunk.changes)
                    caught_up = True
                else:
                    caught_up = False
        except FileNotFoundError:
            return False
        os.replace(self._journal_path, self._folding_path)
        new_token = self._create_journal()
        self._close_append_fd()
        if caught_up:
            self._cursor_token = new_token
            with self._journal_path.open("rb") as handle:
                self._cursor_offset = len(handle.readline())
        return True

    def _fold(self) -> None:
        """Write ``flags.json`` + ``.folding`` as the new ``flags.json`` (slow, so unlocked)."""
        # Nobody else replaces flags.json or touches .folding while we hold checkpoint.lock.
        base_handle = _open_or_none(self._base_path)
        try:
            flags = self._read_base(base_handle)
        finally:
            if base_handle is not None:
                base_handle.close()
        if flags is None:
            flags = {}
        with self._folding_path.open("rb") as handle:
            folded = _parse_journal(handle.read(), 0)
        for change in folded.changes:
            change.apply(flags)
        documents = [flag.to_document() for flag in flags.values()]
        database = TinyDB(self._next_path, storage=AtomicJSONStorage, fresh=True)
        try:
            database.table(TABLE).insert_multiple(documents)
        finally:
            database.close()
        with self._io_lock, self._flock(fcntl.LOCK_EX):
            os.replace(self._next_path, self._base_path)
            self._folding_path.unlink()
            fsync_dir(self.directory)

    def _start_background_checkpoint(self) -> None:
        thread = self._checkpoint_thread
        if thread is not None and thread.is_alive():
            return
        self._checkpoint_thread = threading.Thread(
            target=self._background_checkpoint, name="flag-store-checkpoint", daemon=True
        )
        self._checkpoint_thread.start()

    def _background_checkpoint(self) -> None:
        try:
            self.checkpoint(wait=False)
        except Exception as error:  # never kill the app over a checkpoint: the journal holds all
            self._notice(f"checkpoint of {FLAGS_FILE} failed ({describe_error(error)})")

    # ----------------------------------------------------------------- lifecycle

    def close(self) -> None:
        """Fold the journal into ``flags.json`` and let go of the files."""
        if self._closed:
            return
        thread = self._checkpoint_thread
        if thread is not None:
            thread.join()
        try:
            self.checkpoint()
        finally:
            with self._checkpoint_lock, self._io_lock:
                self._closed = True
                self._close_append_fd()
                os.close(self._lock_fd)
                os.close(self._checkpoint_fd)

    def __enter__(self) -> FlagStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _ensure_open(self) -> None:
        if self._closed:
            raise ValueError("the flag store is closed")

    @contextlib.contextmanager
    def _flock(self, operation: int) -> Iterator[None]:
        """The inter-process lock. Callers hold ``_io_lock`` (threads share one lock fd)."""
        with self._io_lock:
            fcntl.flock(self._lock_fd, operation)
            try:
                yield
            finally:
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)


def _flags_from_database(raw: bytes, path: Path) -> dict[str, Flag]:
    """Parse the tinydb database ``flags.json``; ``ValueError`` if it is damaged or not ours."""
    database = TinyDB(path, storage=AtomicJSONStorage, preloaded=raw)
    try:
        documents = database.table(TABLE).all()
    finally:
        database.close()
    flags: dict[str, Flag] = {}
    for document in documents:
        flag = Flag.from_document(dict(document))
        flags[flag.id] = flag
    return flags


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
