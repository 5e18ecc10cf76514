"""A burst of keys is written as a few group commits: the screen is at most one write ahead of the
disk, and nothing is lost or reordered."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path

from tui.adapters.store import FlagStore, Value, Write
from tui.app.services.flag_keeper import FlagKeeper


class CountingStore(FlagStore):
    """The real store, counting its appends (each one fsync)."""

    appends = 0

    def set_many(self, writes: Sequence[Write]) -> list[dict[str, Value]]:
        CountingStore.appends += 1
        return super().set_many(writes)


def test_a_burst_of_450_changes_is_a_few_group_commits_and_loses_nothing(tmp_path: Path) -> None:
    CountingStore.appends = 0
    opened = threading.Event()
    failed: list[str] = []
    keeper = FlagKeeper(
        lambda: CountingStore(tmp_path),
        on_opened=lambda notices: opened.set(),
        on_open_failed=failed.append,
        on_write_failed=lambda ids, reason: failed.append(reason),
    )
    try:
        assert opened.wait(5)
        ids = [f"2504.{n:05d}" for n in range(1, 151)]
        began = time.monotonic()
        for paper_id in ids:  # 450 changes as fast as keys can come: star, read, unstar
            keeper.set("starred", [paper_id], True)
            keeper.set("read", [paper_id], True)
            keeper.set("starred", [paper_id], False)
        keeper.set("starred", [ids[0]], True)  # the last word on the first paper
        keeper.flush().result(timeout=30)
        took = time.monotonic() - began
    finally:
        keeper.close()
    assert failed == []
    assert keeper.commits == CountingStore.appends
    assert CountingStore.appends < 451 / 4  # grouped: far fewer fsyncs than changes
    with FlagStore(tmp_path) as store:
        assert store.get(ids[0]).starred and store.get(ids[0]).read
        assert all(store.get(i).read and not store.get(i).starred for i in ids[1:])
    print(f"451 changes: {CountingStore.appends} group commits, all durable after {took:.3f} s")
