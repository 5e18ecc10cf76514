"""The UI's side of the flag store: reads from memory at once, writes in order on one thread.

The store's writes are durable (fsynced), so they never run on the UI thread. Until a write lands,
``get`` answers with the value the user just chose, so the screen can update at once. Writes
queued while one is being made go to disk together, as one append and one fsync (a group
commit): in a burst of keys the screen is never more than one write (~10 ms) ahead of the disk.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Literal

from tui.adapters.store import Flag, FlagStore
from tui.core.paper import base_id
from tui.core.tags import TagEdit, Tags

FlagField = Literal["read", "starred"]
_StoredField = Literal["read", "starred", "note", "tags"]
_Value = bool | str | Tags
Before = dict[str, "bool | str"]
"""What a write's papers held just before it, as the store had them (others' changes included)."""
TagsBefore = dict[str, Tags]
"""The same for a tag edit: each paper's tags just before it."""
_Queued = tuple[
    _StoredField,
    list[str],
    "bool | str | TagEdit | dict[str, tuple[_Value, _Value]]",
    int,
    "Future[Any]",
]
"""A write handed over: field, paper ids, the value (or, for an undo, id -> (from, to)), its
place in order, and the future that hears what the papers held before it."""

LOOK_EVERY = 1.0
"""Seconds between looks for other readers' changes (they show within a second or two)."""
OPEN_HOLD = 2.0
"""The longest a slow store waits for ``ui_ready`` before opening anyway (seconds)."""


class FlagKeeper:
    def __init__(
        self,
        open_store: Callable[[], FlagStore],
        *,
        on_opened: Callable[[Sequence[str]], object],
        on_open_failed: Callable[[str], object],
        on_write_failed: Callable[[Sequence[str], str], object],
        hold_open: Callable[[], bool] = lambda: False,
        on_changed_elsewhere: Callable[[], object] | None = None,
        look_every: float = LOOK_EVERY,
    ) -> None:
        """Open the store on the writer thread; callbacks run on that thread (post, don't touch).

        ``hold_open`` (asked on the writer thread) says the store is slow to read: it then opens
        once ``ui_ready`` is called (or a flush, a close, or ``OPEN_HOLD`` seconds): read while
        the first screen is drawn, it would hold the GIL that drawing needs (100,000 flags:
        ~250 ms). Until it opens, ``get`` answers with empty flags, as it does while opening.

        ``on_changed_elsewhere``: every ``look_every`` seconds the store is asked for other
        processes' writes (another reader on the same data dir); when there were some, the
        memo is dropped and this is called (on the writer thread).
        """
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="flag-writer")
        self._store: FlagStore | None = None
        self._pending: dict[str, tuple[int, Flag]] = {}
        """Changes not yet on disk, by paper: (the write that makes it, the flag as it will be)."""
        self._sequence = 0
        self._known: dict[str, Flag] = {}
        """Flags read from the open store, by id."""
        self._known_epoch = 0  # moved by every change that can make a memo entry stale
        self._pending_lock = threading.RLock()  # set() looks flags up under it
        self._queued: list[_Queued] = []
        """Writes handed over and not yet taken by the writer thread, in order."""
        self._on_write_failed = on_write_failed
        self._closed = False
        self._may_open = threading.Event()
        self.commits = 0
        """Group commits made (each one append and one fsync)."""

        def open_it() -> None:
            if hold_open():
                self._may_open.wait(OPEN_HOLD)
            try:
                self._store = open_store()
            except Exception as error:
                on_open_failed(f"{type(error).__name__}: {error}")
                return
            on_opened(list(self._store.notices))

        self._writer.submit(open_it)
        self._on_changed_elsewhere = on_changed_elsewhere
        self._stop_looking = threading.Event()
        if on_changed_elsewhere is not None:
            threading.Thread(
                target=self._look_for_others,
                args=(look_every,),
                name="flag-watcher",
                daemon=True,
            ).start()

    def _look_for_others(self, every: float) -> None:
        while not self._stop_looking.wait(every):
            with contextlib.suppress(RuntimeError):  # closed meanwhile
                self._writer.submit(self._refresh)

    def _refresh(self) -> None:
        """On the writer thread, between writes: take in other processes' changes."""
        store = self._store
        if store is None or self._closed:
            return
        try:
            changed = store.refresh()
        except (OSError, ValueError):
            return  # the next look tries again; writes report their own failures
        if changed:
            with self._pending_lock:
                self._known.clear()
                self._known_epoch += 1
            if self._on_changed_elsewhere is not None:
                self._on_changed_elsewhere()

    def unsaved(self) -> int:
        """How many papers have changes shown that are not on disk yet."""
        with self._pending_lock:
            return len(self._pending)

    @property
    def is_open(self) -> bool:
        return self._store is not None

    def ui_ready(self) -> None:
        """The first screen is drawn: a store held back until then opens now."""
        self._may_open.set()

    def get(self, paper_id: str) -> Flag:
        """The flag as the user last set it; called for every row painted and every count."""
        pending = self._pending.get(paper_id)
        if pending is not None:
            return pending[1]
        known = self._known.get(paper_id)
        if known is not None:
            return known
        key = base_id(paper_id)
        if key != paper_id:
            return self.get(key)
        store = self._store
        if store is None:
            return Flag(key)
        epoch = self._known_epoch
        flag = store.get(key)
        # A change (ours settling, or another reader's taken in) drops the entry and moves the
        # epoch, so the memo stays true; it spares the store's id parsing on every lookup. A
        # value read before such a change landed is returned but not kept.
        with self._pending_lock:
            if self._known_epoch == epoch:
                self._known[key] = flag
        return flag

    def count_unread(self, paper_ids: Sequence[str]) -> int:
        """How many of these papers are unread, as ``get`` has them."""
        if self._store is None and not self._pending:
            return len(paper_ids)  # nothing known yet (the store opens after the first paint)
        get = self.get
        return sum(1 for paper_id in paper_ids if not get(paper_id).read)

    def starred_ids(self) -> list[str]:
        """Starred papers, most recently starred first (unsaved stars first of all)."""
        store = self._store
        found = [flag.id for flag in store.starred()] if store is not None else []
        with self._pending_lock:
            pending = [flag for _, flag in self._pending.values()]
        fresh = [flag.id for flag in pending if flag.starred and flag.id not in found]
        unstarred = {flag.id for flag in pending if not flag.starred}
        return fresh + [paper_id for paper_id in found if paper_id not in unstarred]

    def starred(self) -> list[Flag]:
        """Starred papers' flags, most recently starred first (unsaved stars first of all)."""
        store = self._store
        found = store.starred() if store is not None else []
        with self._pending_lock:
            pending = {flag.id: flag for _, flag in self._pending.values()}
        known = {flag.id for flag in found}
        fresh = [flag for flag in pending.values() if flag.starred and flag.id not in known]
        epoch = datetime.min.replace(tzinfo=UTC)
        fresh.sort(key=lambda flag: flag.starred_changed or epoch, reverse=True)
        kept = [pending.get(flag.id, flag) for flag in found]
        return fresh + [flag for flag in kept if flag.starred]

    def tagged(self) -> dict[str, Tags]:
        """Every paper with tags, and its tags, as ``get`` has them (unsaved changes included)."""
        with self._pending_lock:  # before the store: a change settling meanwhile is in both
            pending = [flag for _, flag in self._pending.values()]
        store = self._store
        found = store.tagged() if store is not None else {}
        for flag in pending:
            if flag.tags:
                found[flag.id] = flag.tags
            else:
                found.pop(flag.id, None)
        return found

    def edit_tags(self, ids: Iterable[str], edit: TagEdit) -> Future[TagsBefore]:
        """Add and take away tags on these papers: shown at once, written behind like the
        flags. The store applies the edit to what each paper holds when it is written, so
        another reader's tags given meanwhile stay. The future hears each paper's tags before."""
        keys = list(dict.fromkeys(base_id(paper_id) for paper_id in ids))
        with self._pending_lock:
            self._sequence += 1
            sequence = self._sequence
            for key in keys:
                flag = self.get(key)
                self._pending[key] = (sequence, replace(flag, tags=edit.apply(flag.tags)))
                self._known.pop(key, None)
            done: Future[TagsBefore] = Future()
            self._queued.append(("tags", keys, edit, sequence, done))
        self._writer.submit(self._write_queued)
        return done

    def set(self, field: FlagField, ids: Iterable[str], value: bool) -> Future[Before]:
        """Show the change at once; write it behind, after every earlier write. The future
        is done once the change is on disk, with what the papers held just before it."""
        keys = list(dict.fromkeys(base_id(paper_id) for paper_id in ids))
        now = datetime.now(UTC)
        with self._pending_lock:
            self._sequence += 1
            sequence = self._sequence
            for key in keys:
                flag = self.get(key)
                changed = (
                    replace(flag, read=value, read_changed=now)
                    if field == "read"
                    else replace(flag, starred=value, starred_changed=now)
                )
                self._pending[key] = (sequence, changed)
                self._known.pop(key, None)
            done: Future[Before] = Future()
            self._queued.append((field, keys, value, sequence, done))
        self._writer.submit(self._write_queued)
        return done

    def set_note(
        self, paper_id: str, note: str, *, was: str | None = None
    ) -> Future[Before] | None:
        """The paper's note (empty removes it): shown at once, written behind like the flags.
        ``was``: the note the edit started from; another reader's note written meanwhile is
        then kept (with a notice), not overwritten."""
        if was is not None:
            self.set_unless_changed("note", {paper_id: (was, note)})
            return None
        key = base_id(paper_id)
        with self._pending_lock:
            self._sequence += 1
            sequence = self._sequence
            self._pending[key] = (sequence, replace(self.get(key), note=note))
            self._known.pop(key, None)
            done: Future[Before] = Future()
            self._queued.append(("note", [key], note, sequence, done))
        self._writer.submit(self._write_queued)
        return done

    def set_unless_changed(
        self, field: _StoredField, changes: Mapping[str, tuple[_Value, _Value]]
    ) -> None:
        """Undo: each paper from the first value to the second, shown at once, but written only
        where the store still holds the first: a change another reader made meanwhile stays
        (and is shown again, with a notice)."""
        now = datetime.now(UTC)
        with self._pending_lock:
            self._sequence += 1
            sequence = self._sequence
            for raw, (_, after) in changes.items():
                key = base_id(raw)
                flag = self.get(key)
                if field == "note":
                    changed = replace(flag, note=str(after))
                elif field == "tags":
                    changed = replace(flag, tags=after if isinstance(after, tuple) else ())
                elif field == "read":
                    changed = replace(flag, read=bool(after), read_changed=now)
                else:
                    changed = replace(flag, starred=bool(after), starred_changed=now)
                self._pending[key] = (sequence, changed)
                self._known.pop(key, None)
            self._queued.append(
                (field, [base_id(raw) for raw in changes], dict(changes), sequence, Future())
            )
        self._writer.submit(self._write_queued)

    def _write_queued(self) -> None:
        """Write everything queued so far: plain changes together as one group commit, an undo
        on its own (compare and set); later calls find the queue taken."""
        with self._pending_lock:
            batch, self._queued = self._queued, []
        plain: list[_Queued] = []
        try:
            for entry in batch:
                if isinstance(entry[2], dict):
                    self._commit(plain)
                    plain = []
                    self._commit_unless_changed(entry)
                else:
                    plain.append(entry)
            self._commit(plain)
        finally:
            # Whatever went wrong, no write is left waiting for ever.
            for entry in batch:
                if not entry[4].done():
                    entry[4].set_result({})

    def _commit(self, batch: list[_Queued]) -> None:
        if not batch:
            return
        store = self._store
        befores: list[dict[str, _Value]] = [{} for _ in batch]
        try:
            if store is None:
                raise RuntimeError("the flag store could not be opened")
            befores = store.set_many(
                [(field, keys, value) for field, keys, value, _, _ in batch]  # type: ignore[misc]
            )
            failure = None
        except Exception as error:
            failure = f"{type(error).__name__}: {error}"
        self.commits += 1
        self._settle(batch, failure)
        for entry, before in zip(batch, befores, strict=True):
            entry[4].set_result(before)

    def _commit_unless_changed(self, entry: _Queued) -> None:
        field, _, changes, _, done = entry
        assert isinstance(changes, dict)
        store = self._store
        try:
            if store is None:
                raise RuntimeError("the flag store could not be opened")
            left = store.set_unless_changed(field, changes)
        except Exception as error:
            self._settle([entry], f"{type(error).__name__}: {error}")
            done.set_result({})
            return
        self.commits += 1
        self._settle([entry], None)
        done.set_result({})
        if left:
            self._on_write_failed(left, "changed meanwhile by another reader: left as it is")

    def _settle(self, batch: list[_Queued], failure: str | None) -> None:
        failed: list[str] = []
        with self._pending_lock:
            for _, keys, _, sequence, _ in batch:
                for key in keys:
                    pending = self._pending.get(key)
                    # A later change to the same paper, queued behind this one, stays shown;
                    # a failed one gives way to what is on disk (read again, not the memo).
                    if pending is not None and pending[0] <= sequence:
                        del self._pending[key]
                    self._known.pop(key, None)
                self._known_epoch += 1
                failed += keys
        if failure is not None:
            self._on_write_failed(list(dict.fromkeys(failed)), failure)

    def flush(self) -> Future[None]:
        """Done when every write submitted so far is on disk."""
        self._may_open.set()
        return self._writer.submit(lambda: None)

    def settle(self) -> None:
        """Block until the store is open and every earlier write has landed; a worker's call,
        never the UI's. Returns at once once closed (the app is leaving)."""
        if self._closed:
            return
        try:
            flushed = self.flush()
        except RuntimeError:  # closed meanwhile: no new work is taken
            return
        # Not a plain result(): a forced quit closes the keeper without waiting for a store
        # stuck on its disk, and this worker must then let the app end (asyncio.run waits for
        # every worker thread).
        while not self._closed:
            try:
                flushed.result(timeout=0.1)
                return
            except TimeoutError:
                continue

    def close(self, *, wait: bool = True) -> None:
        """Finish every write, close the store. Blocks unless ``wait`` is false (a forced quit:
        what is queued is left to the writer thread, which dies with the process): call it when
        leaving."""
        if self._closed:
            return
        self._closed = True
        self._stop_looking.set()
        self._may_open.set()

        def close_store() -> None:
            if self._store is not None:
                self._store.close(fold=False)

        self._writer.submit(close_store)
        self._writer.shutdown(wait=wait)


class FlagFacts:
    """``is:read``, ``is:unread``, ``is:starred``, ``is:tagged`` and ``tag:`` of the search
    language, as the keeper has the flags (what the screen shows)."""

    def __init__(self, flags: FlagKeeper) -> None:
        self._get = flags.get
        self._flags = flags
        self._tagged: dict[str, Tags] | None = None

    def tags(self, paper_id: str) -> Tags:
        """The tags of the paper (its id without version, as a Paper's ``id`` is); the tagged
        papers are looked up once, on the first call."""
        if self._tagged is None:
            self._tagged = self._flags.tagged()
        return self._tagged.get(paper_id, ())

    def is_read(self, paper_id: str) -> bool:
        return self._get(paper_id).read

    def is_starred(self, paper_id: str) -> bool:
        return self._get(paper_id).starred
