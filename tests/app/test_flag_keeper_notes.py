"""FlagKeeper's notes and starred list: shown at once, written behind on the one writer thread."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tui.adapters.store import FlagStore
from tui.app.services.flag_keeper import FlagKeeper


@pytest.fixture
def keeper() -> Iterator[FlagKeeper]:
    failures: list[tuple[list[str], str]] = []
    flags = FlagKeeper(
        FlagStore,
        on_opened=lambda notices: None,
        on_open_failed=lambda reason: failures.append(([], reason)),
        on_write_failed=lambda ids, reason: failures.append((list(ids), reason)),
    )
    flags.flush().result(timeout=5)
    yield flags
    flags.close()
    assert failures == []


def test_a_note_shows_at_once_and_lands_in_the_store(keeper: FlagKeeper) -> None:
    keeper.set_note("2504.06312v2", "compare with DDT")
    assert keeper.get("2504.06312").note == "compare with DDT"
    keeper.flush().result(timeout=5)
    with FlagStore() as store:
        assert store.get("2504.06312").note == "compare with DDT"
    keeper.set_note("2504.06312", "")
    keeper.flush().result(timeout=5)
    with FlagStore() as store:
        assert store.get("2504.06312").note == ""


def test_a_note_keeps_the_star_and_a_star_keeps_the_note(keeper: FlagKeeper) -> None:
    keeper.set("starred", ["2504.00001"], True)
    keeper.set_note("2504.00001", "why")
    keeper.set("read", ["2504.00001"], True)
    flag = keeper.get("2504.00001")
    assert (flag.starred, flag.read, flag.note) == (True, True, "why")
    keeper.flush().result(timeout=5)
    with FlagStore() as store:
        stored = store.get("2504.00001")
        assert (stored.starred, stored.read, stored.note) == (True, True, "why")


def test_starred_lists_unsaved_stars_first_and_leaves_out_unsaved_unstars() -> None:
    with FlagStore() as store:
        for paper_id in ("2504.00001", "2504.00002", "2504.00003"):
            store.set_starred(paper_id, True)
            time.sleep(0.002)
    flags = FlagKeeper(
        FlagStore, on_opened=lambda n: None, on_open_failed=print, on_write_failed=print
    )
    try:
        flags.flush().result(timeout=5)
        assert [f.id for f in flags.starred()] == ["2504.00003", "2504.00002", "2504.00001"]
        flags.set("starred", ["2504.00002"], False)
        flags.set("starred", ["2504.00009"], True)
        starred = flags.starred()
        assert [f.id for f in starred] == ["2504.00009", "2504.00003", "2504.00001"]
        assert starred[0].starred_changed is not None
        flags.flush().result(timeout=5)
        assert [f.id for f in flags.starred()] == ["2504.00009", "2504.00003", "2504.00001"]
    finally:
        flags.close()
