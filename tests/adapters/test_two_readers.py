"""Two readers on one data dir: each shows the other's changes within a second or two, and undo
and note edits never overwrite a change they did not make."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from tui.adapters.store import Flag, FlagStore
from tui.app.services.flag_keeper import FlagKeeper

IDS = [f"2504.{n:05d}" for n in range(1, 6)]


class Reader:
    """A reader's flag keeper (its own store: its own file descriptors, as another process)."""

    def __init__(self, directory: Path) -> None:
        self.changed = threading.Event()
        self.failed: list[tuple[list[str], str]] = []
        opened = threading.Event()
        self.keeper = FlagKeeper(
            lambda: FlagStore(directory),
            on_opened=lambda notices: opened.set(),
            on_open_failed=lambda reason: None,
            on_write_failed=lambda ids, reason: self.failed.append((list(ids), reason)),
            on_changed_elsewhere=self.changed.set,
            look_every=0.1,
        )
        assert opened.wait(5)

    def starred(self) -> set[str]:
        return {i for i in IDS if self.keeper.get(i).starred}


def test_one_reader_shows_the_others_stars_within_a_second(tmp_path: Path) -> None:
    a, b = Reader(tmp_path), Reader(tmp_path)
    try:
        a.keeper.set("starred", IDS[:2], True).result(5)
        began = time.monotonic()
        assert b.changed.wait(2)
        assert time.monotonic() - began < 1.0
        assert b.starred() == set(IDS[:2])
    finally:
        a.keeper.close()
        b.keeper.close()


def test_undo_of_a_bulk_star_keeps_the_stars_another_reader_made(tmp_path: Path) -> None:
    # A stars two papers while B, not having looked yet, stars all five and then undoes it.
    a, b = Reader(tmp_path), Reader(tmp_path)
    try:
        a.keeper.set("starred", IDS[:2], True).result(5)
        before_b_looked = {i: b.keeper.get(i).starred for i in IDS}  # B's stale view: none
        assert not any(before_b_looked.values())
        written = b.keeper.set("starred", IDS, True)
        held = written.result(5)  # what the store held under B's write: A's two stars
        assert held == {IDS[0]: True, IDS[1]: True, IDS[2]: False, IDS[3]: False, IDS[4]: False}
        undo: dict[str, tuple[bool | str, bool | str]] = {
            i: (True, was) for i, was in held.items() if was is not True
        }
        b.keeper.set_unless_changed("starred", undo)
        b.keeper.flush().result(5)
    finally:
        a.keeper.close()
        b.keeper.close()
    with FlagStore(tmp_path) as store:
        assert {i for i in IDS if store.get(i).starred} == set(IDS[:2])


def test_undo_finds_the_same_change_made_by_the_other_reader_done(tmp_path: Path) -> None:
    a, b = Reader(tmp_path), Reader(tmp_path)
    try:
        b.keeper.set("starred", IDS[:3], True).result(5)
        a.keeper.set("starred", [IDS[0]], False).result(5)  # A unstars one of B's afterwards
        b.keeper.set_unless_changed("starred", {i: (True, False) for i in IDS[:3]})
        b.keeper.flush().result(5)
        assert b.failed == []  # the store already holds what the undo wants: no clash
    finally:
        a.keeper.close()
        b.keeper.close()
    with FlagStore(tmp_path) as store:
        assert not any(store.get(i).starred for i in IDS[:3])


def test_a_note_edited_from_an_old_version_does_not_overwrite_the_other_readers(
    tmp_path: Path,
) -> None:
    a, b = Reader(tmp_path), Reader(tmp_path)
    try:
        a.keeper.set_note(IDS[0], "A's note")
        a.keeper.flush().result(5)
        b.keeper.set_note(IDS[0], "B's note", was="")  # B opened the editor on an empty note
        b.keeper.flush().result(5)
        assert b.failed == [([IDS[0]], "changed meanwhile by another reader: left as it is")]
        b.keeper.set_note(IDS[1], "B's other note", was="")
        b.keeper.flush().result(5)
    finally:
        a.keeper.close()
        b.keeper.close()
    with FlagStore(tmp_path) as store:
        assert store.get(IDS[0]).note == "A's note"
        assert store.get(IDS[1]).note == "B's other note"


def test_the_others_change_is_shown_even_when_this_reader_writes_first(tmp_path: Path) -> None:
    # B stars X; A writes (marks Y read) before its next look: A's write takes B's line in,
    # and the next look must still say that something changed.
    a, b = Reader(tmp_path), Reader(tmp_path)
    try:
        a.keeper.get(IDS[0])  # A has X in its memo: unstarred
        b.keeper.set("starred", [IDS[0]], True).result(5)
        a.keeper.set("read", [IDS[1]], True).result(5)
        assert a.changed.wait(2)
        assert a.keeper.get(IDS[0]).starred
    finally:
        a.keeper.close()
        b.keeper.close()


def test_undo_after_two_checkpoints_elsewhere_still_compares_with_the_disk(
    tmp_path: Path,
) -> None:
    with FlagStore(tmp_path) as a_store, FlagStore(tmp_path) as b_store:
        a_store.set_note(IDS[0], "a")
        b_store.refresh()
        b_store.set_note(IDS[0], "b")
        b_store.checkpoint()
        b_store.checkpoint()  # the chain A last read from is gone
        left = a_store.set_unless_changed("note", {IDS[0]: ("a", "c")})
        assert left == [IDS[0]]
    with FlagStore(tmp_path) as store:
        assert store.get(IDS[0]).note == "b"


def test_undo_of_a_write_that_failed_blames_no_one(tmp_path: Path) -> None:
    # The star never reached the disk (the write failed, said once); undoing it finds the paper
    # already unstarred: that is done, not "changed meanwhile by another reader".
    class FailsOnce(FlagStore):
        failed = False

        def set_many(self, changes):  # type: ignore[no-untyped-def]
            if not FailsOnce.failed:
                FailsOnce.failed = True
                raise OSError(28, "No space left on device")
            return super().set_many(changes)

    failures: list[tuple[list[str], str]] = []
    opened = threading.Event()
    keeper = FlagKeeper(
        lambda: FailsOnce(tmp_path),
        on_opened=lambda notices: opened.set(),
        on_open_failed=lambda reason: None,
        on_write_failed=lambda ids, reason: failures.append((list(ids), reason)),
    )
    try:
        assert opened.wait(5)
        keeper.set("starred", IDS[:2], True).result(5)
        assert failures == [(IDS[:2], "OSError: [Errno 28] No space left on device")]
        keeper.set_unless_changed("starred", {i: (True, False) for i in IDS[:2]})
        keeper.flush().result(5)
        assert len(failures) == 1
        assert not any(keeper.get(i).starred for i in IDS)
    finally:
        keeper.close()


def test_a_lookup_racing_a_refresh_does_not_keep_the_stale_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The screen reads X from the store just before the watcher takes in the other reader's
    # star of X: the value it got may be old, but it must not be kept as the memo.
    a, b = Reader(tmp_path), Reader(tmp_path)
    try:
        store = b.keeper._store
        assert store is not None
        real_get = store.get

        def get_then_refresh(key: str) -> Flag:
            flag = real_get(key)  # the old value...
            a.keeper.set("starred", [IDS[0]], True).result(5)
            b.changed.clear()
            b.keeper._writer.submit(b.keeper._refresh).result(5)  # ...the refresh lands
            assert b.changed.is_set()
            return flag

        monkeypatch.setattr(store, "get", get_then_refresh)
        assert not b.keeper.get(IDS[0]).starred  # the old value, returned once
        monkeypatch.setattr(store, "get", real_get)
        assert b.keeper.get(IDS[0]).starred  # and not kept
    finally:
        a.keeper.close()
        b.keeper.close()
