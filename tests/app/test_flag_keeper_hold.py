"""A slow flag store opens once the first screen is drawn, and never loses a write meanwhile."""

from __future__ import annotations

import threading
from pathlib import Path

from tui.adapters.store import FlagStore
from tui.app.services.flag_keeper import FlagKeeper


def keeper_for(directory: Path, *, hold: bool) -> tuple[FlagKeeper, threading.Event]:
    opened = threading.Event()
    keeper = FlagKeeper(
        lambda: FlagStore(directory),
        on_opened=lambda notices: opened.set(),
        on_open_failed=lambda reason: None,
        on_write_failed=lambda ids, reason: None,
        hold_open=lambda: hold,
    )
    return keeper, opened


def test_a_held_store_opens_when_the_ui_is_ready(tmp_path: Path) -> None:
    with FlagStore(tmp_path) as store:
        store.set_read(["2504.00001"], True)
    keeper, opened = keeper_for(tmp_path, hold=True)
    try:
        assert not opened.wait(0.2)
        assert not keeper.is_open
        assert keeper.get("2504.00001").read is False  # not known yet: empty, as while opening
        keeper.ui_ready()
        assert opened.wait(5)
        assert keeper.get("2504.00001").read is True
    finally:
        keeper.close()


def test_writes_made_before_a_held_store_opens_reach_the_disk(tmp_path: Path) -> None:
    keeper, opened = keeper_for(tmp_path, hold=True)
    keeper.set("starred", ["2504.00002v2"], True)
    assert keeper.get("2504.00002").starred  # shown at once
    keeper.flush().result(timeout=5)  # a flush does not wait for the UI
    assert opened.is_set()
    keeper.close()
    with FlagStore(tmp_path) as store:
        assert store.get("2504.00002").starred


def test_an_unheld_store_opens_at_once(tmp_path: Path) -> None:
    keeper, opened = keeper_for(tmp_path, hold=False)
    try:
        assert opened.wait(5)
    finally:
        keeper.close()


def test_unread_count_before_and_after_the_store_opens(tmp_path: Path) -> None:
    with FlagStore(tmp_path) as store:
        store.set_read(["2504.00001", "2504.00002"], True)
    keeper, opened = keeper_for(tmp_path, hold=True)
    ids = ["2504.00001", "2504.00002", "2504.00003"]
    try:
        assert keeper.count_unread(ids) == 3  # nothing known before it opens
        keeper.set("read", ["2504.00003"], True)
        assert keeper.count_unread(ids) == 2  # a pending change counts at once
        keeper.ui_ready()
        assert opened.wait(5)
        keeper.flush().result(timeout=5)
        assert keeper.count_unread(ids) == 0
    finally:
        keeper.close()


def test_a_worker_settling_is_let_go_when_the_keeper_closes_without_waiting() -> None:
    # A forced quit: the store never opens (a disk that does not answer). A worker waiting in
    # settle() must return once the keeper is closed, or the app could never end.
    never = threading.Event()

    def stuck_store() -> FlagStore:
        never.wait(30)
        raise OSError("gave up")

    keeper = FlagKeeper(
        stuck_store,
        on_opened=lambda notices: None,
        on_open_failed=lambda reason: None,
        on_write_failed=lambda ids, reason: None,
    )
    worker = threading.Thread(target=keeper.settle)
    worker.start()
    worker.join(0.3)
    assert worker.is_alive()  # waiting for the store, as it should
    keeper.close(wait=False)
    worker.join(2)
    assert not worker.is_alive()
    never.set()
