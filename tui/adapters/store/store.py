"""``FlagStore``: the flags in memory, in step with the files, shared safely between processes.

The state is ``flags.json`` + ``.folding`` + ``journal`` replayed in order (so ``flags.json``
read alone, by tinydb say, may lag the last few thousand changes). Each instance keeps the
flags in memory and a cursor: an open handle on the journal generation it has read up to, and
the offset. ``refresh()`` (and every append, under the lock) reads only what was added since,
following checkpoints through the ``previous`` tokens; a full reload is needed only when a
generation it had not finished was folded and deleted in the meantime.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from tui import paths
from tui.adapters.atomic import describe_error
from tui.adapters.store import checkpoint as checkpoints
from tui.adapters.store import journal
from tui.adapters.store.checkpoint import DEFAULT_CHECKPOINT_EVERY, CheckpointChild, CheckpointIn
from tui.adapters.store.directory import FLAGS_FILE, FlagsDirectory
from tui.adapters.store.journal import (
    JOURNAL_FILE,
    Change,
    Line,
    open_or_none,
    read_header,
    read_lines,
)
from tui.adapters.store.rows import Field, Flag, Row, Tags, Value, now_stamp
from tui.core.paper import base_id
from tui.core.tags import TagEdit

Write = tuple[Field, Sequence[str], "Value | TagEdit"]
"""One write of ``set_many``: a field, the papers, the value (for ``tags``, the whole list or a
``TagEdit`` applied to what each paper holds)."""


class ReadOnlyStore(OSError):
    """A change asked of a store that cannot be written; ``str`` is one line."""


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


def _file_signature(handle: BinaryIO | None) -> tuple[int, int, int] | None:
    if handle is None:
        return None
    stat = os.fstat(handle.fileno())
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


class FlagStore:
    """Read/starred flags, notes and tags for papers, shared safely between processes.

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
        self._files = FlagsDirectory(self.directory, read_only=read_only)
        self.notices = self._files.notices
        """What was set aside or repaired on the way (one line each)."""
        self.checkpoint_every = checkpoint_every
        self.background_checkpoints = background_checkpoints
        self.checkpoint_in: CheckpointIn = checkpoint_in

        self._rows: dict[str, Row] = {}
        self._tagged: dict[str, Tags] = {}
        """The papers with tags, and theirs (kept with ``_rows``: a library is a few hundred)."""
        self._base_seen: tuple[int, int, int] | None = None
        """inode, size and mtime of the flags.json last read (None: there was none)."""
        self._others_changed = False
        """Others' lines were taken in during a write of ours: the next refresh() says so."""
        self.wrote_tags = False
        """This process journalled a tags change (``close`` then folds the journal)."""
        self._state_lock = threading.Lock()  # guards _rows; held only briefly
        self._io_lock = self._files.io_lock  # one thread at a time on the files and the flocks
        self._checkpoint_thread: threading.Thread | None = None
        self._checkpoint_child: CheckpointChild | None = None

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

        try:
            with self._io_lock:
                if not self.read_only:
                    self._files.heal_missing_journal()
                self._reload()
        except BaseException:
            self._release()
            raise

    @property
    def read_only(self) -> bool:
        """Changes cannot be saved: asked for, or the directory cannot be written."""
        return self._files.read_only

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

    def tagged(self) -> dict[str, Tags]:
        """Every paper with tags, and its tags."""
        with self._state_lock:
            return dict(self._tagged)

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

    def edit_tags(self, ids: str | Iterable[str], edit: TagEdit) -> None:
        """Add and take away tags on these papers, each keeping its others (those another
        process gave it just before included: the edit applies to what the journal holds)."""
        self._set("tags", ids, edit)

    def set_tags(self, ids: str | Iterable[str], tags: Iterable[str]) -> None:
        """These papers' whole list of tags (normalise names first: ``tui.core.tags``)."""
        self._set("tags", ids, tuple(sorted(set(tags))))

    def _set(self, field: Field, ids: str | Iterable[str], value: Value | TagEdit) -> None:
        raw_ids = [ids] if isinstance(ids, str) else list(ids)
        self.set_many([(field, raw_ids, value)])

    def set_many(self, writes: Sequence[Write]) -> list[dict[str, Value]]:
        """Several changes as one append and one fsync (a group commit), in the order given:
        ``(field, paper ids, value)`` each, as ``set_read``/``set_starred``/``set_note``/
        ``edit_tags`` take.

        Returns, for each write, what its papers held just before it, as the journal has them
        (others' changes included): what an undo must put back, and nothing else.
        """
        if self.read_only:
            raise ReadOnlyStore(f"{self.directory} is read-only: the change was not saved")
        now = now_stamp()
        keyed = [
            (field, list(dict.fromkeys(base_id(raw) for raw in ids)), value)
            for field, ids, value in writes
        ]
        if not any(keys for _, keys, _ in keyed):
            return [{} for _ in writes]
        before: list[dict[str, Value]] = []
        with self._io_lock:
            self._files.ensure_open()
            with self._files.flock(fcntl.LOCK_EX):
                self._caught_up_locked()
                written: dict[tuple[str, str], Value] = {}
                changes: list[Change] = []
                for field, keys, value in keyed:
                    held = {
                        key: written.get((field, key), getattr(self.get(key), field))
                        for key in keys
                    }
                    before.append(held)
                    for key in keys:
                        # A tag edit is made absolute here, under the lock: the line holds the
                        # paper's whole list, as every line holds an absolute value.
                        new: Value
                        if isinstance(value, TagEdit):
                            new = value.apply(held[key])
                            if new == held[key]:
                                continue  # the paper holds it already: no line
                        else:
                            new = value
                        changes.append(Change(id=key, field=field, value=new, at=now))
                        written[(field, key)] = new
                if changes:
                    self._append_locked(changes)
        if self.background_checkpoints and self._append_lines >= self.checkpoint_every:
            self._start_background_checkpoint()
        return before

    def _append_locked(self, changes: list[Change]) -> None:
        """Append and fsync ``changes`` (under the exclusive lock), after catching up on others'."""
        fd, token, size = self._caught_up_locked()
        written = journal.append(fd, size, changes)
        self._apply(changes)
        self._append_lines += len(changes)
        if not self.wrote_tags:
            self.wrote_tags = any(change.field == "tags" for change in changes)
        if token == self._cursor_token:
            self._cursor_offset = size + written

    def _caught_up_locked(self) -> tuple[int, str, int]:
        """Under the exclusive lock: others' lines taken in, so memory is the journal's state.
        The live journal's fd, token and size."""
        fd, token = self._live_journal_fd()
        size = os.fstat(fd).st_size
        if token != self._cursor_token or size != self._cursor_offset:
            # Others wrote (or a checkpoint rotated) since we last looked: take their lines
            # first, so memory follows the journal's order. Usually a few hundred bytes.
            with self._files.journal_path.open("rb") as live:
                folding = open_or_none(self._files.folding_path)
                try:
                    changed = self._catch_up(folding, live)
                finally:
                    if folding is not None:
                        folding.close()
            if changed is None:  # the chain of journals broke (checkpoints meanwhile): reread
                changed = self._reload(held=True)
            if changed:
                self._others_changed = True  # refresh() tells the caller, who has not seen it
        return fd, token, size

    def set_unless_changed(
        self, field: Field, changes: Mapping[str, tuple[Value, Value]]
    ) -> list[str]:
        """Set each paper's ``field`` from the first value to the second, but only where it
        still holds the first (another process may have changed it since this one looked):
        undo and note edits never overwrite a change they did not make. The ids left alone
        because they hold a third value (one already at the second is simply done)."""
        if self.read_only:
            raise ReadOnlyStore(f"{self.directory} is read-only: the change was not saved")
        now = now_stamp()
        left: list[str] = []
        with self._io_lock:
            self._files.ensure_open()
            with self._files.flock(fcntl.LOCK_EX):
                self._caught_up_locked()
                apply = []
                for raw, (before, after) in changes.items():
                    key = base_id(raw)
                    held = getattr(self.get(key), field)
                    if held == before:
                        apply.append(Change(id=key, field=field, value=after, at=now))
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
        path = self._files.journal_path
        try:
            ino = path.stat().st_ino
        except FileNotFoundError:
            self._files.create_journal(previous=self._files.folding_token())
            ino = path.stat().st_ino
        if self._append_fd is None or self._append_token is None or self._append_ino != ino:
            self._close_append_fd()
            self._append_fd = os.open(path, os.O_RDWR | os.O_APPEND)
            self._append_ino = ino
            with path.open("rb") as handle:
                self._append_token = read_header(handle).token
                self._append_lines = max(0, handle.read().count(b"\n"))
        return self._append_fd, self._append_token

    def _close_append_fd(self) -> None:
        if self._append_fd is not None:
            os.close(self._append_fd)
        self._append_fd = None
        self._append_ino = None
        self._append_token = None

    def _apply(self, changes: Sequence[Line]) -> bool:
        changed = False
        with self._state_lock:
            rows, tagged = self._rows, self._tagged
            for change in changes:
                if change.apply(rows):
                    changed = True
                    if change.field == "tags":
                        tags = rows[change.id].tags
                        if tags:
                            tagged[change.id] = tags
                        else:
                            tagged.pop(change.id, None)
        return changed

    # ----------------------------------------------------------------- other processes

    def refresh(self) -> bool:
        """Pick up other processes' writes; True if any flag changed.

        Cheap: a header read and the lines added since the last look, across checkpoints too
        (each journal names the generation before it). Only a broken chain costs a full reload.
        """
        with self._io_lock:
            self._files.ensure_open()
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
            stat = self._files.base_path.stat()
            seen = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        except FileNotFoundError:
            seen = None
        if seen == self._base_seen:
            return False
        return None

    def _catch_up(self, folding: BinaryIO | None, live: BinaryIO | None) -> bool | None:
        """Apply every change after the cursor up to the live journal's end; move the cursor.

        ``folding`` and ``live`` must have been opened together under the lock. Returns
        whether anything changed, or None if the generations since the cursor cannot be
        followed (then only a full reload will do).
        """
        if live is None or self._cursor is None:
            return None
        header = read_header(live)
        pieces: list[tuple[BinaryIO, int]] = [(self._cursor, self._cursor_offset)]
        if header.token != self._cursor_token:
            last = self._cursor_token
            if folding is not None:
                folded = read_header(folding)
                if folded.token != last and folded.previous == last:
                    pieces.append((folding, folded.size))
                    last = folded.token
            if header.previous != last:
                return None
            pieces.append((live, header.size))
        changes: list[Line] = []
        bad = 0
        end = 0
        for handle, start in pieces:
            lines = read_lines(handle, start)
            changes += lines.changes
            bad += lines.bad
            end = lines.end
        self._note_bad_lines(bad)
        if header.token != self._cursor_token:
            self._set_cursor(os.fdopen(os.dup(live.fileno()), "rb"), header.token)
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
        files = self._files
        with contextlib.nullcontext() if held else files.flock(fcntl.LOCK_SH):
            return _Snapshot(
                base=open_or_none(files.base_path) if with_base else None,
                folding=open_or_none(files.folding_path),
                journal=open_or_none(files.journal_path),
            )

    def _reload(self, *, held: bool = False) -> bool:
        """Rebuild the whole state from the files; True if any flag changed."""
        for _attempt in range(5):
            snapshot = self._snapshot(held=held)
            try:
                self._base_seen = _file_signature(snapshot.base)
                base = self._files.read_base(snapshot.base)
                if base is None:
                    continue  # flags.json was damaged and has been moved aside: look again
                rows = base.rows
                bad = 0
                end = 0
                token: str | None = None
                for handle in (snapshot.folding, snapshot.journal):
                    if handle is None:
                        continue
                    header = read_header(handle)
                    lines = read_lines(handle, header.size)
                    for change in lines.changes:
                        change.apply(rows)
                    bad += lines.bad
                    end, token = lines.end, header.token
                self._note_bad_lines(bad)
                tagged = {row.id: row.tags for row in rows.values() if row.tags}
                with self._state_lock:
                    changed = rows != self._rows
                    self._rows = rows
                    self._tagged = tagged
                live, snapshot.journal = snapshot.journal, None  # the cursor keeps it open
                self._set_cursor(live, token if live is not None else None)
                self._cursor_offset = end if live is not None else 0
                return changed
            finally:
                snapshot.close()
        raise OSError(f"{self._files.base_path} keeps changing or failing to read")

    def _note_bad_lines(self, count: int) -> None:
        if count:
            noun = "line" if count == 1 else "lines"
            self._files.notice(
                f"{JOURNAL_FILE} had {count} unreadable {noun} (a write cut short by a crash?); "
                "skipped"
            )

    # ----------------------------------------------------------------- checkpoints

    def checkpoint(self, *, wait: bool = True) -> None:
        """Fold the journal into ``flags.json``.

        With ``wait=False``, return at once if another process or thread is folding.
        """
        checkpoints.checkpoint(self._files, wait=wait, rotated=self._close_append_fd)

    def _start_background_checkpoint(self) -> None:
        if self._files.closed:
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
        with self._files.checkpoint_lock:
            if self._checkpoint_child is not None:
                if self._checkpoint_child.running():
                    return  # still folding
                self._collect_checkpoint_child()
            try:
                self._checkpoint_child = CheckpointChild.start(self.directory)
                return
            except OSError:  # no interpreter to start (an embedded build?): fold in a thread
                self.checkpoint_in = "thread"
        self._start_background_checkpoint()

    def _background_checkpoint(self) -> None:
        try:
            self.checkpoint(wait=False)
        except Exception as error:  # never kill the app over a checkpoint: the journal holds all
            self._files.notice(
                f"background checkpoint of {FLAGS_FILE} failed ({describe_error(error)})"
            )

    def _collect_checkpoint_child(self) -> None:
        """Reap a finished checkpoint child; a failure becomes a notice (the journal has all)."""
        child, self._checkpoint_child = self._checkpoint_child, None
        if child is None:
            return
        reason = child.finish()
        if reason is not None:
            self._files.notice(f"background checkpoint of {FLAGS_FILE} failed ({reason[:160]})")

    def wait_for_background_checkpoint(self) -> None:
        """Block until a background checkpoint under way (thread or process) has finished."""
        thread = self._checkpoint_thread
        if thread is not None:
            thread.join()
        with self._files.checkpoint_lock:
            self._collect_checkpoint_child()

    # ----------------------------------------------------------------- lifecycle

    def close(self, *, fold: bool = True) -> None:
        """Fold the journal into ``flags.json`` and let go of the files.

        ``fold=False`` leaves the journal as it is (every change in it is already durable, and
        a background checkpoint folds it once it grows): a process that is quitting need not
        rewrite ``flags.json``, which at 100,000 flags costs ~0.3 s and tens of MiB. Unless this
        process journalled tags: a version before tags reads a tags line as damage and drops it
        at its checkpoint, while it keeps a ``tags`` key of ``flags.json`` as another writer's
        field, so tags are folded before leaving.
        """
        fold = fold or self.wrote_tags
        if self._files.closed:
            return
        self.wait_for_background_checkpoint()
        try:
            if fold and not self.read_only:
                self.checkpoint()
        finally:
            self._release()

    def _release(self) -> None:
        with self._files.checkpoint_lock, self._io_lock:
            self._close_append_fd()
            self._set_cursor(None, None)
            self._files.close()

    def __enter__(self) -> FlagStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
