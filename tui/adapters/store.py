"""Read/starred flags and notes, durable in about a millisecond at any store size.

Files in the flags directory:

``flags.json``
    The store of record: a tinydb database, table ``flags``, one document per paper
    (``id`` without version, ``read``, ``starred``, ``read_changed``, ``starred_changed``,
    ``note``). Only a checkpoint rewrites it, atomically (temp file, fsync, rename).
``flags.journal``
    An append-only write-ahead journal of JSON lines. The first line is a header with a random
    generation token and the token of the generation before; every other line is one absolute
    change ``{"id": …, "field": "starred", "value": true, "at": "…"}``. A change is durable once
    its line is appended and fsynced under an exclusive ``flock`` on ``lock``: that costs the
    same at 100 flags or 100,000, unlike a tinydb write, which rewrites the whole file.
``flags.journal.folding``
    A journal being folded into ``flags.json`` by a checkpoint (or left by one that crashed).
``lock``, ``checkpoint.lock``
    ``flock`` targets: appends and snapshots; the one checkpoint at a time.

The state is ``flags.json`` + ``.folding`` + ``journal`` replayed in order (so ``flags.json``
read alone, by tinydb say, may lag the last few thousand changes). Replay is idempotent because
lines carry absolute values (and a flag's time moves only when its value does), so a checkpoint
that crashed after writing ``flags.json`` but before deleting ``.folding`` does no harm. A crash
mid-append leaves a torn last line, which readers ignore and the next append ends with a
newline, so it never swallows a good line.

Checkpoint (when the journal passes ``checkpoint_every`` lines, in the background; on ``close``
unless told not to, as the app is when it quits; or when asked): under the lock, rename the
journal to ``.folding`` and start a fresh one; fold outside the lock; under the lock again
replace ``flags.json`` and delete ``.folding``. Appends wait for the lock only for the renames,
never for the rewrite. Background checkpoints run in a child process by default: the fold's JSON
parse and dump are long C calls that hold the GIL, and in a thread they would stall the UI for
~200 ms at 100,000 flags.

Each instance keeps the flags in memory and a cursor: an open handle on the journal generation
it has read up to, and the offset. ``refresh()`` (and every append, under the lock) reads only
what was added since, following checkpoints through the ``previous`` tokens; a full reload is
needed only when a generation it had not finished was folded and deleted in the meantime.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import secrets
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Final, Literal, NamedTuple

from tui import paths
from tui.adapters.atomic import (
    AtomicJSONStorage,
    describe_error,
    fsync_dir,
    move_aside,
    os_reason,
    remove_stale_temps,
)
from tui.core.paper import base_id

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
CheckpointIn = Literal["process", "thread"]
_FIELDS: Final = frozenset({"read", "starred", "note"})

_sync_data = getattr(os, "fdatasync", os.fsync)
"""Make a file's new bytes durable (fdatasync skips metadata a read doesn't need)."""


Document = dict[str, Any]
"""A flag as stored in ``flags.json``."""


class Row(NamedTuple):
    """A flag as held in memory: a tuple, about a third of the size of its document (100,000
    flags: ~20 MiB instead of ~56). ``Flag``s are made from rows on demand."""

    id: str
    read: bool
    starred: bool
    read_changed: str | None
    starred_changed: str | None
    note: str


def _new_row(paper_id: str) -> Row:
    return Row(paper_id, False, False, None, None, "")


def _row_document(row: Row) -> Document:
    return row._asdict()


_DOCUMENT_KEYS: Final = frozenset(Row._fields)


@dataclass(frozen=True, slots=True)
class Flag:
    """What the reader has done with one paper. Keyed by the id without version."""

    id: str
    read: bool = False
    starred: bool = False
    read_changed: datetime | None = None
    starred_changed: datetime | None = None
    note: str = ""

    @classmethod
    def from_row(cls, row: Row) -> Flag:
        return cls(
            id=row.id,
            read=row.read,
            starred=row.starred,
            read_changed=_parse_time(row.read_changed),
            starred_changed=_parse_time(row.starred_changed),
            note=row.note,
        )


def _check_document(document: Any) -> Row:
    """The flag in a document, with defaults for missing fields; ``ValueError`` if it isn't one."""
    if not isinstance(document, dict) or not isinstance(document.get("id"), str):
        raise ValueError("a flag document without an id")
    checked = {**_new_row(document["id"])._asdict(), **document}
    if (
        not isinstance(checked["read"], bool)
        or not isinstance(checked["starred"], bool)
        or not isinstance(checked["note"], str)
        or not isinstance(checked["read_changed"], str | None)
        or not isinstance(checked["starred_changed"], str | None)
    ):
        raise ValueError(f"flag document {document['id']!r} has fields of the wrong type")
    return Row(*(checked[field] for field in Row._fields))


class _RowDecoder:
    """A ``json.loads`` object hook turning flag documents into rows as they are parsed.

    A document becomes a row the moment it is read, so the documents never all exist at once
    (the peak of opening 100,000 flags stays near the rows' size). Equal change times share
    one string: marking many papers at once stamps them all alike, and JSON would give every
    document its own copy. Documents of another shape are left as they are, for
    ``_check_document`` to judge."""

    def __init__(self) -> None:
        self._times: dict[str, str] = {}

    def __call__(self, document: dict[str, Any]) -> Any:
        # 100,000 of these when the store opens: the checks are inline, exact types only.
        if document.keys() != _DOCUMENT_KEYS:
            return document
        paper_id, read, starred = document["id"], document["read"], document["starred"]
        read_changed, starred_changed = document["read_changed"], document["starred_changed"]
        note = document["note"]
        if not (
            type(paper_id) is str
            and type(read) is bool
            and type(starred) is bool
            and type(note) is str
            and (read_changed is None or type(read_changed) is str)
            and (starred_changed is None or type(starred_changed) is str)
        ):
            return document
        times = self._times
        if read_changed is not None:
            read_changed = times.setdefault(read_changed, read_changed)
        if starred_changed is not None:
            starred_changed = times.setdefault(starred_changed, starred_changed)
        return Row(paper_id, read, starred, read_changed, starred_changed, note)


def _as_written(value: Any) -> Any:
    """``value`` with every row in it turned back into the document it was parsed from."""
    if type(value) is Row:
        return _row_document(value)
    if isinstance(value, dict):
        for key, item in value.items():
            value[key] = _as_written(item)
    elif isinstance(value, list):
        value[:] = map(_as_written, value)
    return value


def _decode_database(raw: bytes) -> Any:
    """``flags.json`` parsed: the flags table's documents as rows, all else as written.

    The object hook cannot know where a document sits, so flag-shaped objects elsewhere (in
    another table) are turned back here; inside the flags table's other documents,
    ``_Base.parse`` turns them back as it checks those documents."""
    data = json.loads(raw, object_hook=_RowDecoder())
    if type(data) is not dict:
        return _as_written(data)
    for name, table in data.items():
        if name != TABLE or type(table) is not dict:
            data[name] = _as_written(table)
    return data


def _format_time(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _parse_time(value: str | None) -> datetime | None:
    """A stored time; one that doesn't parse counts as unknown rather than failing a read."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class _Change:
    id: str
    field: Field
    value: bool | str
    at: str
    """ISO 8601, UTC."""

    def to_line(self) -> bytes:
        line = {"id": self.id, "field": self.field, "value": self.value, "at": self.at}
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
        if not isinstance(at, str) or _parse_time(at) is None:
            raise ValueError("a change without a time")
        return cls(id=data["id"], field=field, value=value, at=at)

    def apply(self, rows: dict[str, Row]) -> bool:
        """Apply to ``rows``; True if it changed anything.

        A flag's time moves only when its value does, so replaying a line twice changes nothing.
        """
        current = rows.get(self.id)
        if current is None:
            current = _new_row(self.id)
        if getattr(current, self.field) == self.value:
            return False
        value = self.value
        if isinstance(value, str):
            rows[self.id] = current._replace(note=value)
        elif self.field == "read":
            rows[self.id] = current._replace(read=value, read_changed=self.at)
        else:
            rows[self.id] = current._replace(starred=value, starred_changed=self.at)
        return True


@dataclass(frozen=True, slots=True)
class _Header:
    """A journal's first line: its generation token and the token of the generation before it."""

    token: str
    previous: str | None
    size: int
    """Bytes the header takes; change lines start here."""


def _read_header(handle: BinaryIO) -> _Header:
    handle.seek(0)
    line = handle.readline()
    try:
        header = json.loads(line) if line.endswith(b"\n") else None
    except ValueError:
        header = None
    if isinstance(header, dict) and header.get("journal") == JOURNAL_KIND:
        token, previous = header.get("token"), header.get("previous")
        if isinstance(token, str):
            return _Header(token, previous if isinstance(previous, str) else None, len(line))
    # A damaged header: name the generation by its inode and read every line as a change.
    stat = os.fstat(handle.fileno())
    return _Header(f"inode-{stat.st_dev}-{stat.st_ino}", None, 0)


@dataclass(slots=True)
class _Lines:
    """What one read of a journal found."""

    changes: list[_Change]
    end: int
    """Offset just past the last complete line: where the next read starts."""
    bad: int


def _read_lines(handle: BinaryIO, start: int) -> _Lines:
    """The changes from offset ``start`` on; a last line without its ``\\n`` is not there yet."""
    handle.seek(start)
    data = handle.read()
    complete = data.rfind(b"\n") + 1
    changes: list[_Change] = []
    bad = 0
    for raw in data[:complete].split(b"\n")[:-1]:
        if not raw.strip():
            continue
        try:
            changes.append(_Change.from_line(raw))
        except (ValueError, TypeError):
            bad += 1
    return _Lines(changes=changes, end=start + complete, bad=bad)


def _file_signature(handle: BinaryIO | None) -> tuple[int, int, int] | None:
    if handle is None:
        return None
    stat = os.fstat(handle.fileno())
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


def _open_or_none(path: Path) -> BinaryIO | None:
    try:
        return path.open("rb")
    except FileNotFoundError:
        return None


@dataclass(slots=True)
class _Snapshot:
    """Handles on the files, opened together under the shared lock, so they agree."""

    base: BinaryIO | None
    folding: BinaryIO | None
    journal: BinaryIO | None

    def close(self) -> None:
        for handle in (self.base, self.folding, self.journal):
            if handle is not None:
                handle.close()


@dataclass(slots=True)
class _Base:
    """``flags.json`` as read: its tables, and the flags by paper id."""

    tables: dict[str, dict[str, Any]]
    """The flags table's values are rows (the others' documents stay documents)."""
    rows: dict[str, Row]
    extras: dict[str, Document]
    """Fields besides a flag's own in its document (another writer's), by paper id: kept."""

    @classmethod
    def empty(cls) -> _Base:
        return cls(tables={}, rows={}, extras={})

    @classmethod
    def parse(cls, raw: bytes, path: Path) -> _Base:
        """Read the tinydb database through its storage; ``ValueError`` if damaged or not ours."""
        tables = AtomicJSONStorage(path, preloaded=raw, decode=_decode_database).read() or {}
        table = tables.get(TABLE, {})
        extras: dict[str, Document] = {}
        for doc_id, value in table.items():
            if type(value) is not Row:  # missing fields, or fields of another writer's
                value = _as_written(value)
                row = _check_document(value)
                extra = {key: item for key, item in value.items() if key not in _DOCUMENT_KEYS}
                if extra:
                    extras[row.id] = extra
                table[doc_id] = row
        rows = {row.id: row for row in table.values()}
        return cls(tables=tables, rows=rows, extras=extras)

    def tables_with_rows(self) -> dict[str, dict[str, Any]]:
        """The tables to write back, the flags table rebuilt from ``rows``.

        A paper keeps its tinydb document id; new papers get ids after the largest.
        """
        old_table: dict[str, Row] = self.tables.get(TABLE, {})
        doc_ids = {row.id: doc_id for doc_id, row in old_table.items()}
        next_id = max(map(int, old_table), default=0) + 1
        table: dict[str, Document] = {}
        for paper_id, row in self.rows.items():
            doc_id = doc_ids.get(paper_id)
            if doc_id is None:
                doc_id, next_id = str(next_id), next_id + 1
            extra = self.extras.get(paper_id)
            table[doc_id] = _row_document(row) if extra is None else {**_row_document(row), **extra}
        return {**self.tables, TABLE: table}


class ReadOnlyStore(OSError):
    """A change asked of a store that cannot be written; ``str`` is one line."""


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
        checkpoint_in: CheckpointIn = "process",
        read_only: bool = False,
        _load: bool = True,
    ) -> None:
        """Open (creating) the store in ``directory``, default ``tui.paths.flags_dir()``.

        ``read_only``: only read (reading commands: nothing is created, folded or moved). A
        store whose directory cannot be written is opened read-only by itself, with a notice:
        the flags are shown; ``set_*`` raise ReadOnlyStore.

        When the journal passes ``checkpoint_every`` lines a checkpoint starts in the background:
        by default in a child process, so that its big JSON parse and dump (C calls that hold
        the GIL for ~100 ms at 100,000 flags) never stall this process's UI thread;
        ``checkpoint_in="thread"`` keeps it in this process.
        """
        self.directory = Path(directory) if directory is not None else paths.flags_dir()
        self.notices: list[str] = []
        self.read_only = read_only
        if not read_only:
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                self._go_read_only(error)
        self.checkpoint_every = checkpoint_every
        self.background_checkpoints = background_checkpoints
        self.checkpoint_in: CheckpointIn = checkpoint_in

        self._base_path = self.directory / FLAGS_FILE
        self._journal_path = self.directory / JOURNAL_FILE
        self._folding_path = self.directory / FOLDING_FILE
        self._next_path = self.directory / NEXT_FILE

        self._rows: dict[str, Row] = {}
        self._base_seen: tuple[int, int, int] | None = None
        """inode, size and mtime of the flags.json last read (None: there was none)."""
        self._others_changed = False
        """Others' lines were taken in during a write of ours: the next refresh() says so."""
        self._state_lock = threading.Lock()  # guards _rows; held only briefly
        self._io_lock = threading.RLock()  # one thread at a time on the files and the flock fds
        self._checkpoint_lock = threading.Lock()
        self._checkpoint_thread: threading.Thread | None = None
        self._checkpoint_process: subprocess.Popen[bytes] | None = None
        self._closed = False

        # How far this instance has read: a handle on that journal generation (it stays
        # readable after a checkpoint renames or deletes the file), its token, the offset.
        self._cursor: BinaryIO | None = None
        self._cursor_token: str | None = None
        self._cursor_offset = 0

        # The live journal, opened for appending.
        self._append_fd: int | None = None
        self._append_ino: int | None = None
        self._append_token: str | None = None
        self._append_lines = 0
        """Change lines in the live journal, as far as this instance knows."""

        self._lock_fd = self._open_lock(LOCK_FILE)
        self._checkpoint_fd = self._open_lock(CHECKPOINT_LOCK_FILE)
        try:
            with self._io_lock:
                if not self.read_only:
                    self._heal_missing_journal()
                if _load:
                    self._reload()
        except BaseException:
            self._release()
            raise

    def _open_lock(self, name: str) -> int | None:
        """A lock file's descriptor; in a read-only store the file as it is, or None."""
        path = self.directory / name
        if not self.read_only:
            try:
                return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as error:
                if error.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
                    raise
                self._go_read_only(error)
        try:
            return os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return None

    def _go_read_only(self, error: OSError) -> None:
        if not self.read_only:
            self.read_only = True
            self._notice(
                f"{self.directory} cannot be written ({os_reason(error)}): the flags are shown, "
                "but changes cannot be saved"
            )

    # ----------------------------------------------------------------- reading

    def get(self, paper_id: str) -> Flag:
        key = base_id(paper_id)
        row = self._rows.get(key)
        return Flag.from_row(row) if row is not None else Flag(key)

    def many(self, ids: Iterable[str]) -> dict[str, Flag]:
        """Flags by the ids as given (``2504.06312v2`` → the flags of ``2504.06312``)."""
        return {raw: self.get(raw) for raw in ids}

    def starred(self) -> list[Flag]:
        """Starred papers, the most recently starred first."""
        with self._state_lock:
            found = [Flag.from_row(row) for row in self._rows.values() if row.starred]
        epoch = datetime.min.replace(tzinfo=UTC)
        found.sort(key=lambda flag: flag.starred_changed or epoch, reverse=True)
        return found

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, paper_id: object) -> bool:
        return isinstance(paper_id, str) and base_id(paper_id) in self._rows

    # ----------------------------------------------------------------- writing

    def set_read(self, ids: str | Iterable[str], value: bool) -> None:
        self._set("read", ids, bool(value))

    def set_starred(self, ids: str | Iterable[str], value: bool) -> None:
        self._set("starred", ids, bool(value))

    def set_note(self, paper_id: str, note: str) -> None:
        self._set("note", paper_id, str(note))

    def _set(self, field: Field, ids: str | Iterable[str], value: bool | str) -> None:
        raw_ids = [ids] if isinstance(ids, str) else list(ids)
        self.set_many([(field, raw_ids, value)])

    def set_many(
        self, writes: Sequence[tuple[Field, Sequence[str], bool | str]]
    ) -> list[dict[str, bool | str]]:
        """Several changes as one append and one fsync (a group commit), in the order given:
        ``(field, paper ids, value)`` each, as ``set_read``/``set_starred``/``set_note`` take.

        Returns, for each write, what its papers held just before it, as the journal has them
        (others' changes included): what an undo must put back, and nothing else.
        """
        if self.read_only:
            raise ReadOnlyStore(f"{self.directory} is read-only: the change was not saved")
        now = _format_time(datetime.now(UTC))
        keyed = [
            (field, list(dict.fromkeys(base_id(raw) for raw in ids)), value)
            for field, ids, value in writes
        ]
        changes = [
            _Change(id=key, field=field, value=value, at=now)
            for field, keys, value in keyed
            for key in keys
        ]
        if not changes:
            return [{} for _ in writes]
        before: list[dict[str, bool | str]] = []
        with self._io_lock:
            self._ensure_open()
            with self._flock(fcntl.LOCK_EX):
                self._caught_up_locked()
                written: dict[tuple[str, str], bool | str] = {}
                for field, keys, value in keyed:
                    before.append(
                        {
                            key: written.get((field, key), getattr(self.get(key), field))
                            for key in keys
                        }
                    )
                    written.update(((field, key), value) for key in keys)
                self._append_locked(changes)
        if self.background_checkpoints and self._append_lines >= self.checkpoint_every:
            self._start_background_checkpoint()
        return before

    def _append_locked(self, changes: list[_Change]) -> None:
        """Append and fsync ``changes`` (under the exclusive lock), after catching up on others'."""
        payload = b"".join(change.to_line() for change in changes)
        fd, token, size = self._caught_up_locked()
        if size and os.pread(fd, 1, size - 1) != b"\n":
            payload = b"\n" + payload  # end a line torn by a crash, so it cannot swallow ours
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]
        _sync_data(fd)
        self._apply(changes)
        self._append_lines += len(changes)
        if token == self._cursor_token:
            self._cursor_offset = size + len(payload)

    def _caught_up_locked(self) -> tuple[int, str, int]:
        """Under the exclusive lock: others' lines taken in, so memory is the journal's state.
        The live journal's fd, token and size."""
        fd, token = self._live_journal_fd()
        size = os.fstat(fd).st_size
        if token != self._cursor_token or size != self._cursor_offset:
            # Others wrote (or a checkpoint rotated) since we last looked: take their lines
            # first, so memory follows the journal's order. Usually a few hundred bytes.
            with self._journal_path.open("rb") as journal:
                folding = _open_or_none(self._folding_path)
                try:
                    changed = self._catch_up(folding, journal)
                finally:
                    if folding is not None:
                        folding.close()
            if changed is None:  # the chain of journals broke (checkpoints meanwhile): reread
                changed = self._reload(held=True)
            if changed:
                self._others_changed = True  # refresh() tells the caller, who has not seen it
        return fd, token, size

    def set_unless_changed(
        self, field: Field, changes: Mapping[str, tuple[bool | str, bool | str]]
    ) -> list[str]:
        """Set each paper's ``field`` from the first value to the second, but only where it
        still holds the first (another process may have changed it since this one looked):
        undo and note edits never overwrite a change they did not make. The ids left alone
        because they hold a third value (one already at the second is simply done)."""
        if self.read_only:
            raise ReadOnlyStore(f"{self.directory} is read-only: the change was not saved")
        now = _format_time(datetime.now(UTC))
        left: list[str] = []
        with self._io_lock:
            self._ensure_open()
            with self._flock(fcntl.LOCK_EX):
                self._caught_up_locked()
                apply = []
                for raw, (before, after) in changes.items():
                    key = base_id(raw)
                    held = getattr(self.get(key), field)
                    if held == before:
                        apply.append(_Change(id=key, field=field, value=after, at=now))
                    elif held != after:
                        # Already at ``after`` (the change being undone never reached the
                        # disk, or another reader made the same one): nothing to do, no clash.
                        left.append(key)
                if apply:
                    self._append_locked(apply)
        return left

    def _live_journal_fd(self) -> tuple[int, str]:
        """An append handle on the live journal (creating it if need be), and its token.

        Call under the exclusive lock. A checkpoint (maybe another process's) may have renamed
        the journal we had open, so compare inodes and reopen rather than append to a
        ``.folding``.
        """
        try:
            ino = self._journal_path.stat().st_ino
        except FileNotFoundError:
            self._create_journal(previous=self._folding_token())
            ino = self._journal_path.stat().st_ino
        if self._append_fd is None or self._append_token is None or self._append_ino != ino:
            self._close_append_fd()
            self._append_fd = os.open(self._journal_path, os.O_RDWR | os.O_APPEND)
            self._append_ino = ino
            with self._journal_path.open("rb") as handle:
                self._append_token = _read_header(handle).token
                self._append_lines = max(0, handle.read().count(b"\n"))
        return self._append_fd, self._append_token

    def _folding_token(self) -> str | None:
        folding = _open_or_none(self._folding_path)
        if folding is None:
            return None
        with folding:
            return _read_header(folding).token

    def _create_journal(self, previous: str | None) -> str:
        """Start a journal generation (under the exclusive lock); return its token."""
        token = secrets.token_hex(8)
        header = {"journal": JOURNAL_KIND, "version": 1, "token": token, "previous": previous}
        temp = self.directory / f"{JOURNAL_FILE}.new-{secrets.token_hex(4)}"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            os.write(fd, json.dumps(header, separators=(",", ":")).encode() + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, self._journal_path)
        fsync_dir(self.directory)
        return token

    def _heal_missing_journal(self) -> None:
        """Start a journal if there is none (a new store, or a crash mid-rotation)."""
        if self._journal_path.exists():
            return
        with self._flock(fcntl.LOCK_EX):
            if not self._journal_path.exists():
                self._create_journal(previous=self._folding_token())

    def _close_append_fd(self) -> None:
        if self._append_fd is not None:
            os.close(self._append_fd)
        self._append_fd = None
        self._append_ino = None
        self._append_token = None

    def _apply(self, changes: list[_Change]) -> bool:
        changed = False
        with self._state_lock:
            for change in changes:
                changed = change.apply(self._rows) or changed
        return changed

    # ----------------------------------------------------------------- other processes

    def refresh(self) -> bool:
        """Pick up other processes' writes; True if any flag changed.

        Cheap: a header read and the lines added since the last look, across checkpoints too
        (each journal names the generation before it). Only a broken chain costs a full reload.
        """
        with self._io_lock:
            self._ensure_open()
            snapshot = self._snapshot(with_base=False)
            try:
                if snapshot.journal is None and snapshot.folding is None and self._cursor is None:
                    # No journal at all (a read-only store of flags.json alone): reread only
                    # when flags.json itself was replaced, not every time (100,000 flags:
                    # ~250 ms of parsing).
                    changed: bool | None = self._base_replaced()
                else:
                    changed = self._catch_up(snapshot.folding, snapshot.journal)
            finally:
                snapshot.close()
            changed = self._reload() if changed is None else changed
            seen_in_a_write, self._others_changed = self._others_changed, False
            return changed or seen_in_a_write

    def _base_replaced(self) -> bool | None:
        """None (reload) if flags.json is not the file last read, else False."""
        try:
            stat = self._base_path.stat()
            seen = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        except FileNotFoundError:
            seen = None
        if seen == self._base_seen:
            return False
        return None

    def _catch_up(self, folding: BinaryIO | None, journal: BinaryIO | None) -> bool | None:
        """Apply every change after the cursor up to the live journal's end; move the cursor.

        ``folding`` and ``journal`` must have been opened together under the lock. Returns
        whether anything changed, or None if the generations since the cursor cannot be
        followed (then only a full reload will do).
        """
        if journal is None or self._cursor is None:
            return None
        live = _read_header(journal)
        pieces: list[tuple[BinaryIO, int]] = [(self._cursor, self._cursor_offset)]
        if live.token != self._cursor_token:
            last = self._cursor_token
            if folding is not None:
                folded = _read_header(folding)
                if folded.token != last and folded.previous == last:
                    pieces.append((folding, folded.size))
                    last = folded.token
            if live.previous != last:
                return None
            pieces.append((journal, live.size))
        changes: list[_Change] = []
        bad = 0
        end = 0
        for handle, start in pieces:
            lines = _read_lines(handle, start)
            changes += lines.changes
            bad += lines.bad
            end = lines.end
        self._note_bad_lines(bad)
        if live.token != self._cursor_token:
            self._set_cursor(os.fdopen(os.dup(journal.fileno()), "rb"), live.token)
        self._cursor_offset = end
        return self._apply(changes)

    def _set_cursor(self, handle: BinaryIO | None, token: str | None) -> None:
        if self._cursor is not None:
            self._cursor.close()
        self._cursor = handle
        self._cursor_token = token

    def _snapshot(self, *, with_base: bool = True, held: bool = False) -> _Snapshot:
        """Open the files under the shared lock (microseconds); read them after releasing it.
        ``held``: the caller holds the exclusive lock already (taking the shared one on the
        same descriptor would trade it away).

        Files are only ever replaced by rename, never rewritten in place, and the journal only
        grows, so open handles keep a consistent picture however long the reading takes.
        """
        with contextlib.nullcontext() if held else self._flock(fcntl.LOCK_SH):
            return _Snapshot(
                base=_open_or_none(self._base_path) if with_base else None,
                folding=_open_or_none(self._folding_path),
                journal=_open_or_none(self._journal_path),
            )

    def _reload(self, *, held: bool = False) -> bool:
        """Rebuild the whole state from the files; True if any flag changed."""
        for _attempt in range(5):
            snapshot = self._snapshot(held=held)
            try:
                self._base_seen = _file_signature(snapshot.base)
                base = self._read_base(snapshot.base)
                if base is None:
                    continue  # flags.json was damaged and has been moved aside: look again
                rows = base.rows
                bad = 0
                end = 0
                token: str | None = None
                for handle in (snapshot.folding, snapshot.journal):
                    if handle is None:
                        continue
                    header = _read_header(handle)
                    lines = _read_lines(handle, header.size)
                    for change in lines.changes:
                        change.apply(rows)
                    bad += lines.bad
                    end, token = lines.end, header.token
                self._note_bad_lines(bad)
                with self._state_lock:
                    changed = rows != self._rows
                    self._rows = rows
                journal, snapshot.journal = snapshot.journal, None  # the cursor keeps it open
                self._set_cursor(journal, token if journal is not None else None)
                self._cursor_offset = end if journal is not None else 0
                return changed
            finally:
                snapshot.close()
        raise OSError(f"{self._base_path} keeps changing or failing to read")

    def _read_base(self, handle: BinaryIO | None) -> _Base | None:
        """What ``flags.json`` holds; None if it was unreadable and has been moved aside."""
        if handle is None:
            return _Base.empty()
        try:
            handle.seek(0)
            raw = handle.read()
            if not raw.strip():
                # Never written so by a checkpoint (an atomic write of a whole document): what a
                # crash on a delayed-allocation file system leaves. Damaged, like any other.
                raise ValueError(f"it is empty ({len(raw)} bytes)")
            return _Base.parse(raw, self._base_path)
        except (ValueError, TypeError, UnicodeDecodeError) as error:
            self._quarantine_base(handle, error)
            return _Base.empty() if self.read_only else None

    def _quarantine_base(self, handle: BinaryIO, error: BaseException) -> None:
        """Move an unreadable ``flags.json`` aside, unless a checkpoint has already replaced it."""
        if self.read_only:
            self._notice(
                f"{FLAGS_FILE} is unreadable ({describe_error(error)}); left as it is (read-only); "
                "flags in the journal are shown"
            )
            return
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
        if self.read_only or self._checkpoint_fd is None:
            return
        if not self._checkpoint_lock.acquire(blocking=wait):
            return
        try:
            self._ensure_open()
            operation = fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB
            try:
                fcntl.flock(self._checkpoint_fd, operation)
            except BlockingIOError:
                return
            try:
                self._checkpoint_locked()
            finally:
                fcntl.flock(self._checkpoint_fd, fcntl.LOCK_UN)
        finally:
            self._checkpoint_lock.release()

    def _checkpoint_locked(self) -> None:
        # Holding checkpoint.lock: any temporary or .next file is a crashed checkpoint's.
        remove_stale_temps(self._base_path)
        remove_stale_temps(self._next_path)
        self._next_path.unlink(missing_ok=True)
        with self._io_lock, self._flock(fcntl.LOCK_EX):
            for temp in self.directory.glob(f"{JOURNAL_FILE}.new-*"):
                temp.unlink(missing_ok=True)  # a journal a crash left half-made
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
        journal = _open_or_none(self._journal_path)
        if journal is None:
            return False
        with journal:
            header = _read_header(journal)
            if os.fstat(journal.fileno()).st_size <= header.size:
                return False
        os.replace(self._journal_path, self._folding_path)
        self._create_journal(previous=header.token)
        self._close_append_fd()
        return True

    def _fold(self) -> None:
        """Write ``flags.json`` + ``.folding`` as the new ``flags.json`` (slow, so unlocked)."""
        # Nobody else replaces flags.json or touches .folding while we hold checkpoint.lock.
        base_handle = _open_or_none(self._base_path)
        try:
            base = self._read_base(base_handle) or _Base.empty()
        finally:
            if base_handle is not None:
                base_handle.close()
        with self._folding_path.open("rb") as folding:
            lines = _read_lines(folding, _read_header(folding).size)
        for change in lines.changes:
            change.apply(base.rows)
        # The whole table in one storage write: tinydb's Table.insert_multiple would cost
        # ~0.5 s more at 100,000 documents (it wraps and re-keys each one).
        AtomicJSONStorage(self._next_path).write(base.tables_with_rows())
        with self._io_lock, self._flock(fcntl.LOCK_EX):
            os.replace(self._next_path, self._base_path)
            self._folding_path.unlink()
            fsync_dir(self.directory)

    def _start_background_checkpoint(self) -> None:
        if self._closed:
            return
        if self.checkpoint_in == "thread":
            thread = self._checkpoint_thread
            if thread is not None and thread.is_alive():
                return
            self._checkpoint_thread = threading.Thread(
                target=self._background_checkpoint, name="flag-store-checkpoint", daemon=True
            )
            self._checkpoint_thread.start()
            return
        with self._checkpoint_lock:
            if self._checkpoint_process is not None:
                if self._checkpoint_process.poll() is None:
                    return  # still folding
                self._collect_checkpoint_process()
            package_root = str(Path(__file__).resolve().parents[2])
            python_path = os.environ.get("PYTHONPATH")
            env = {
                **os.environ,
                "PYTHONPATH": package_root + (os.pathsep + python_path if python_path else ""),
            }
            try:
                self._checkpoint_process = subprocess.Popen(
                    [sys.executable, "-m", "tui.adapters.store", "checkpoint", str(self.directory)],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    env=env,
                    start_new_session=True,  # a Ctrl-C meant for the app must not cut it short
                )
                return
            except OSError:  # no interpreter to start (an embedded build?): fold in a thread
                self.checkpoint_in = "thread"
        self._start_background_checkpoint()

    def _background_checkpoint(self) -> None:
        try:
            self.checkpoint(wait=False)
        except Exception as error:  # never kill the app over a checkpoint: the journal holds all
            self._notice(f"background checkpoint of {FLAGS_FILE} failed ({describe_error(error)})")

    def _collect_checkpoint_process(self) -> None:
        """Reap a finished checkpoint process; a failure becomes a notice (the journal has all)."""
        process = self._checkpoint_process
        if process is None:
            return
        _out, errors = process.communicate()
        self._checkpoint_process = None
        if process.returncode != 0:
            lines = errors.decode("utf-8", "replace").strip().splitlines()
            reason = lines[-1] if lines else f"exit status {process.returncode}"
            self._notice(f"background checkpoint of {FLAGS_FILE} failed ({reason[:160]})")

    def wait_for_background_checkpoint(self) -> None:
        """Block until a background checkpoint under way (thread or process) has finished."""
        thread = self._checkpoint_thread
        if thread is not None:
            thread.join()
        with self._checkpoint_lock:
            self._collect_checkpoint_process()

    # ----------------------------------------------------------------- lifecycle

    def close(self, *, fold: bool = True) -> None:
        """Fold the journal into ``flags.json`` and let go of the files.

        ``fold=False`` leaves the journal as it is (every change in it is already durable, and
        a background checkpoint folds it once it grows): a process that is quitting need not
        rewrite ``flags.json``, which at 100,000 flags costs ~0.3 s and tens of MiB.
        """
        if self._closed:
            return
        self.wait_for_background_checkpoint()
        try:
            if fold and not self.read_only:
                self.checkpoint()
        finally:
            self._release()

    def _release(self) -> None:
        with self._checkpoint_lock, self._io_lock:
            self._closed = True
            self._close_append_fd()
            self._set_cursor(None, None)
            for fd in (self._lock_fd, self._checkpoint_fd):
                if fd is not None:
                    os.close(fd)

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
        """The inter-process lock, under ``_io_lock`` (this process's threads share its fd)."""
        with self._io_lock:
            if self._lock_fd is None:  # a read-only store without a lock file: nobody writes
                yield
                return
            fcntl.flock(self._lock_fd, operation)
            try:
                yield
            finally:
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)


def _main(argv: list[str]) -> int:
    """``python -m tui.adapters.store checkpoint DIR``: what a background checkpoint runs."""
    if len(argv) != 2 or argv[0] != "checkpoint":
        print("usage: python -m tui.adapters.store checkpoint DIRECTORY", file=sys.stderr)
        return 2
    store = FlagStore(Path(argv[1]), background_checkpoints=False, _load=False)
    try:
        store.checkpoint()
    finally:
        store._release()  # without close(): its checkpoint has just run
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
