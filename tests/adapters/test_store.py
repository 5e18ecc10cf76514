"""The flag store: flags, journal, checkpoints, crashes, damaged files, two processes at once."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tinydb import TinyDB

from tui import paths
from tui.adapters.store import (
    CHECKPOINT_LOCK_FILE,
    FLAGS_FILE,
    FOLDING_FILE,
    JOURNAL_FILE,
    LOCK_FILE,
    CheckpointIn,
    Flag,
    FlagStore,
    ReadOnlyStore,
)
from tui.core.paper import split_id

WORKER = Path(__file__).resolve().parents[1] / "store_worker.py"


@pytest.fixture
def flags_dir(tmp_path: Path) -> Path:
    return tmp_path / "flags"


@pytest.fixture
def store(flags_dir: Path) -> Iterator[FlagStore]:
    with FlagStore(flags_dir) as opened:
        yield opened


def journal_lines(flags_dir: Path) -> list[str]:
    return (flags_dir / JOURNAL_FILE).read_text().splitlines()


# ---------------------------------------------------------------- basics


def test_default_directory_is_the_flags_dir() -> None:
    with FlagStore() as store:
        store.set_starred("2504.06312", True)
    assert (paths.flags_dir() / FLAGS_FILE).is_file()


def test_unknown_paper_has_default_flags(store: FlagStore) -> None:
    assert store.get("2504.06312") == Flag("2504.06312")
    assert len(store) == 0


def test_set_and_get(store: FlagStore) -> None:
    store.set_read("2504.06312", True)
    store.set_starred(["2504.00001", "hep-th/9901001"], True)
    assert store.get("2504.06312").read
    assert not store.get("2504.06312").starred
    assert store.get("2504.00001").starred
    assert store.get("hep-th/9901001").starred
    assert len(store) == 3
    store.set_read("2504.06312", False)
    assert not store.get("2504.06312").read


def test_many_answers_every_id_asked(store: FlagStore) -> None:
    store.set_starred("2504.00001", True)
    found = store.many(["2504.00001v3", "2504.00002"])
    assert set(found) == {"2504.00001v3", "2504.00002"}
    assert found["2504.00001v3"].starred
    assert found["2504.00002"] == Flag("2504.00002")


def test_a_new_version_keeps_the_flags_of_the_old(store: FlagStore) -> None:
    store.set_starred("2504.06312v1", True)
    store.set_read("2504.06312v1", True)
    flag = store.get("2504.06312v2")
    assert flag.id == "2504.06312"
    assert flag.starred and flag.read
    assert store.get("http://arxiv.org/abs/2504.06312v3").starred


def test_timestamps_move_when_each_flag_changes(store: FlagStore) -> None:
    before = datetime.now(UTC)
    store.set_read("2504.06312", True)
    read_at = store.get("2504.06312").read_changed
    assert read_at is not None and read_at >= before
    assert store.get("2504.06312").starred_changed is None

    store.set_starred("2504.06312", True)
    flag = store.get("2504.06312")
    assert flag.read_changed == read_at
    assert flag.starred_changed is not None and flag.starred_changed >= read_at

    # Setting a flag to the value it has does not move its time.
    starred_at = flag.starred_changed
    store.set_starred("2504.06312", True)
    assert store.get("2504.06312").starred_changed == starred_at

    store.set_starred("2504.06312", False)
    unstarred = store.get("2504.06312").starred_changed
    assert unstarred is not None and unstarred >= starred_at


def test_note_round_trip(flags_dir: Path) -> None:
    note = 'Read §3 again: "[/]" and\nnewlines — ünïcode ✓'
    with FlagStore(flags_dir) as store:
        store.set_note("2504.06312v2", note)
        assert store.get("2504.06312").note == note
    with FlagStore(flags_dir) as store:
        assert store.get("2504.06312").note == note
        store.set_note("2504.06312", "")
        assert store.get("2504.06312").note == ""


def test_starred_lists_newest_first(store: FlagStore) -> None:
    for paper_id in ["2504.00001", "2504.00002", "2504.00003"]:
        store.set_starred(paper_id, True)
    store.set_starred("2504.00001", False)
    store.set_starred("2504.00001", True)
    store.set_read("2504.00004", True)
    assert [flag.id for flag in store.starred()] == ["2504.00001", "2504.00003", "2504.00002"]


@pytest.mark.parametrize(
    ("written", "paper_id", "version"),
    [
        ("2504.06312v2", "2504.06312", 2),
        ("https://arxiv.org/pdf/2504.06312v3.pdf", "2504.06312", 3),
        ("0704.0001", "0704.0001", None),
        ("hep-th/9901001v1", "hep-th/9901001", 1),
        ("math.GT/0309136v2", "math/0309136", 2),  # the subject class is not part of the id
        ("http://arxiv.org/abs/math.GT/0309136", "math/0309136", None),
    ],
)
def test_ids_are_split_into_the_base_id_and_version(
    written: str, paper_id: str, version: int | None
) -> None:
    assert split_id(written) == (paper_id, version)


def test_an_old_id_written_with_its_subject_class_keeps_the_same_flags(store: FlagStore) -> None:
    store.set_starred("math.GT/0309136v1", True)
    assert store.get("math/0309136").starred
    assert "math/0309136v2" in store


def test_bad_ids_are_refused(store: FlagStore) -> None:
    with pytest.raises(ValueError):
        store.set_starred("not an id", True)
    with pytest.raises(ValueError):
        store.get("")


def test_closed_store_refuses_writes(flags_dir: Path) -> None:
    store = FlagStore(flags_dir)
    store.close()
    store.close()  # twice is fine
    with pytest.raises(ValueError):
        store.set_read("2504.06312", True)


# ---------------------------------------------------------------- journal and checkpoints


def test_a_change_is_one_journal_line(store: FlagStore, flags_dir: Path) -> None:
    store.set_starred("2504.06312v2", True)
    header, line = journal_lines(flags_dir)
    assert json.loads(header)["token"]
    change = json.loads(line)
    assert change["id"] == "2504.06312"
    assert change["field"] == "starred"
    assert change["value"] is True
    assert datetime.fromisoformat(change["at"]) <= datetime.now(UTC)


def test_journal_is_replayed_after_reopen(flags_dir: Path) -> None:
    store = FlagStore(flags_dir)
    store.set_starred(["2504.00001", "2504.00002"], True)
    store.set_read("2504.00001", True)
    store.set_starred("2504.00002", False)
    expected = store.many(["2504.00001", "2504.00002"])
    # No close: as if the process died. flags.json was never written.
    assert not (flags_dir / FLAGS_FILE).exists()
    with FlagStore(flags_dir) as reopened:
        assert reopened.many(["2504.00001", "2504.00002"]) == expected


def test_checkpoint_folds_and_reopens_identically(flags_dir: Path) -> None:
    with FlagStore(flags_dir) as store:
        store.set_starred([f"2504.{n:05d}" for n in range(50)], True)
        store.set_read([f"2504.{n:05d}" for n in range(0, 50, 2)], True)
        store.set_note("2504.00007", "good")
        store.checkpoint()
        assert not (flags_dir / FOLDING_FILE).exists()
        assert len(journal_lines(flags_dir)) == 1  # only the header of a fresh generation
        before = store.many(f"2504.{n:05d}" for n in range(60))
        starred = store.starred()
    database = json.loads((flags_dir / FLAGS_FILE).read_text())
    assert len(database["flags"]) == 50  # a tinydb table, one document per paper
    with FlagStore(flags_dir) as reopened:
        assert reopened.many(f"2504.{n:05d}" for n in range(60)) == before
        assert reopened.starred() == starred


def test_checkpoint_of_an_empty_journal_changes_nothing(store: FlagStore, flags_dir: Path) -> None:
    store.checkpoint()
    assert not (flags_dir / FLAGS_FILE).exists()


def test_close_checkpoints(flags_dir: Path) -> None:
    with FlagStore(flags_dir) as store:
        store.set_starred("2504.06312", True)
    assert json.loads((flags_dir / FLAGS_FILE).read_text())["flags"]["1"]["starred"] is True
    assert len(journal_lines(flags_dir)) == 1


def test_close_without_folding_leaves_the_journal_and_loses_nothing(flags_dir: Path) -> None:
    with FlagStore(flags_dir) as store:
        store.set_read("2504.00001", True)
    folded = (flags_dir / FLAGS_FILE).read_bytes()
    store = FlagStore(flags_dir)
    store.set_starred("2504.06312", True)
    store.close(fold=False)
    assert (flags_dir / FLAGS_FILE).read_bytes() == folded  # not rewritten
    assert len(journal_lines(flags_dir)) == 2  # the header and the star
    with FlagStore(flags_dir) as reopened:
        assert reopened.get("2504.06312").starred and reopened.get("2504.00001").read


@pytest.mark.parametrize("mode", ["process", "thread"])
def test_background_checkpoint_after_many_lines(flags_dir: Path, mode: CheckpointIn) -> None:
    with FlagStore(flags_dir, checkpoint_every=20, checkpoint_in=mode) as store:
        for n in range(30):
            store.set_starred(f"2504.{n:05d}", True)
        store.wait_for_background_checkpoint()
        assert (flags_dir / FLAGS_FILE).exists()
        assert len(journal_lines(flags_dir)) < 20
        assert store.notices == []
        for n in range(30, 40):
            store.set_starred(f"2504.{n:05d}", True)
        assert len(store.starred()) == 40
    with FlagStore(flags_dir) as reopened:
        assert len(reopened.starred()) == 40


def test_a_failed_background_checkpoint_is_a_notice_and_loses_nothing(flags_dir: Path) -> None:
    with FlagStore(flags_dir, checkpoint_every=5) as store:
        (flags_dir / FLAGS_FILE).mkdir()  # a checkpoint cannot replace a directory
        for n in range(8):
            store.set_starred(f"2504.{n:05d}", True)
        store.wait_for_background_checkpoint()
        assert any("background checkpoint of flags.json failed" in n for n in store.notices)
        assert len(store.starred()) == 8
        (flags_dir / FLAGS_FILE).rmdir()
    with FlagStore(flags_dir) as reopened:
        assert len(reopened.starred()) == 8


def test_a_failed_checkpoint_child_says_why(flags_dir: Path) -> None:
    with FlagStore(flags_dir, checkpoint_every=5) as store:
        (flags_dir / FLAGS_FILE).mkdir()
        store.set_starred([f"2504.{n:05d}" for n in range(6)], True)
        store.wait_for_background_checkpoint()
        (flags_dir / FLAGS_FILE).rmdir()
    assert len(store.notices) == 1
    assert store.notices[0].startswith(
        "background checkpoint of flags.json failed (IsADirectoryError: [Errno 21] Is a directory"
    )


def _checkpoint_child_pid() -> int:
    """The pid of this process's checkpoint child, once it has started (Linux /proc)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for entry in Path("/proc").iterdir():
            try:
                stat = (entry / "stat").read_text()
                command = (entry / "cmdline").read_bytes()
            except (OSError, ValueError):
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == os.getpid() and b"spawn_main" in command:
                return int(entry.name)
        time.sleep(0.02)
    raise AssertionError("no checkpoint child started")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_the_checkpoint_child_leaves_the_terminal(flags_dir: Path) -> None:
    """In a session of its own, a Ctrl-C or hang-up meant for the app does not cut the fold short;
    with its output on /dev/null, nothing it says lands on the app's screen."""
    with FlagStore(flags_dir, checkpoint_every=3) as store:
        lock = os.open(flags_dir / CHECKPOINT_LOCK_FILE, os.O_RDWR)
        fcntl.flock(lock, fcntl.LOCK_EX)  # the child waits on it while it is looked at
        try:
            store.set_starred(["2504.00001", "2504.00002", "2504.00003"], True)
            pid = _checkpoint_child_pid()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                outputs = {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in (1, 2)}
                if os.getsid(pid) != os.getsid(0) and outputs == {os.devnull}:
                    break
                time.sleep(0.02)
            assert os.getsid(pid) == pid  # a session of its own, which it leads
            assert outputs == {os.devnull}
        finally:
            os.close(lock)
        store.wait_for_background_checkpoint()
        assert store.notices == []
        assert len(journal_lines(flags_dir)) == 1


def _folded(flags_dir: Path) -> bool:
    """Whether the journal has been folded, looked at under the store's lock (a checkpoint
    renames and replaces files under it)."""
    lock = os.open(flags_dir / LOCK_FILE, os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_SH)
        return len(journal_lines(flags_dir)) == 1 and not (flags_dir / FOLDING_FILE).exists()
    finally:
        os.close(lock)


def test_a_parent_that_exits_without_closing_leaves_its_checkpoint_child_to_fold(
    flags_dir: Path, tmp_path: Path
) -> None:
    """The parent does not wait for the child when it exits (only ``close`` and
    ``wait_for_background_checkpoint`` do), and the child folds on without it."""
    FlagStore(flags_dir).close()
    lock = os.open(flags_dir / CHECKPOINT_LOCK_FILE, os.O_RDWR)
    fcntl.flock(lock, fcntl.LOCK_EX)  # the child cannot fold until its parent has gone
    errors = tmp_path / "stderr"
    command = [sys.executable, str(WORKER), str(flags_dir), "--prefix", "2501", "--count", "20"]
    command += ["--checkpoint-every", "5", "--no-close"]
    try:
        with errors.open("wb") as stderr:
            worker = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            assert worker.wait(timeout=30) == 0, errors.read_text()
        finally:
            worker.kill()
    finally:
        os.close(lock)
    deadline = time.monotonic() + 30
    while not _folded(flags_dir) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _folded(flags_dir)
    documents = json.loads((flags_dir / FLAGS_FILE).read_text())["flags"].values()
    starred = {document["id"] for document in documents if document["starred"]}
    assert starred == {f"2501.{n:05d}" for n in range(20)}


CONSOLE_SCRIPT = """\
import sys
from tui.__main__ import main
if __name__ == "__main__":
    import os
    from pathlib import Path

    import textual.app  # as in the app: the parent has Textual loaded

    from tui.adapters.store import FlagStore

    with FlagStore(Path(sys.argv[1]), checkpoint_every=3) as store:
        store.set_starred(["2504.00001", "2504.00002", "2504.00003"], True)
        store.wait_for_background_checkpoint()  # the first child: multiprocessing set up
        os.dup2(os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT, 0o644), 2)
        store.set_starred(["2504.00004", "2504.00005", "2504.00006"], True)
        store.wait_for_background_checkpoint()  # the second: its imports in the log
        assert store.notices == [], store.notices
"""


def test_the_checkpoint_child_of_the_console_script_imports_no_textual(tmp_path: Path) -> None:
    """Spawn runs the parent's main script again in the child: for ``arxiv-daily`` (what pip
    writes, copied here), that imports ``tui.cli``, which must stay free of Textual. With
    ``-X importtime`` the child lists its imports on its stderr, here a log of its own."""
    script = tmp_path / "arxiv-daily"
    script.write_text(CONSOLE_SCRIPT)
    log = tmp_path / "child-imports.log"
    root = str(Path(__file__).resolve().parents[2])
    done = subprocess.run(
        [sys.executable, "-X", "importtime", str(script), str(tmp_path / "flags"), str(log)],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": root},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode()
    imported = {
        line.rsplit("|", 1)[1].strip()
        for line in log.read_text().splitlines()
        if line.startswith("import time:") and not line.endswith("imported package")
    }
    assert {"tui.cli", "tui.adapters.store.checkpoint"} <= imported  # the child's, rerun main
    assert not {name.split(".")[0] for name in imported} & {"textual", "rich"}


def test_torn_last_journal_line_is_ignored(flags_dir: Path) -> None:
    store = FlagStore(flags_dir)
    store.set_starred("2504.00001", True)
    with (flags_dir / JOURNAL_FILE).open("ab") as journal:
        journal.write(b'{"id":"2504.00002","field":"starred","val')  # died mid-append
    with FlagStore(flags_dir) as reopened:
        assert reopened.get("2504.00001").starred
        assert not reopened.get("2504.00002").starred
        # The next append ends the torn line first, so it is not glued onto the good one.
        reopened.set_starred("2504.00003", True)
    with FlagStore(flags_dir) as again:
        assert again.get("2504.00003").starred
        assert again.get("2504.00001").starred


def test_damaged_line_in_the_middle_is_skipped_with_a_notice(flags_dir: Path) -> None:
    store = FlagStore(flags_dir)
    store.set_starred("2504.00001", True)
    with (flags_dir / JOURNAL_FILE).open("ab") as journal:
        journal.write(b"\x00\x00garbage\n")
    store.set_starred("2504.00002", True)
    with FlagStore(flags_dir) as reopened:
        assert reopened.get("2504.00001").starred
        assert reopened.get("2504.00002").starred
        assert any("unreadable line" in notice for notice in reopened.notices)


def test_a_damaged_journal_header_costs_only_that_line(flags_dir: Path) -> None:
    store = FlagStore(flags_dir)
    store.set_starred(["2504.00001", "2504.00002"], True)
    journal = flags_dir / JOURNAL_FILE
    lines = journal.read_bytes().split(b"\n")
    journal.write_bytes(b"\n".join([b"#garbage#", *lines[1:]]))
    with FlagStore(flags_dir) as reopened:
        assert len(reopened.starred()) == 2
        assert any("1 unreadable line" in notice for notice in reopened.notices)
        reopened.set_starred("2504.00003", True)
    with FlagStore(flags_dir) as again:
        assert len(again.starred()) == 3


def test_leftover_folding_from_a_crashed_checkpoint_is_used_and_folded(flags_dir: Path) -> None:
    store = FlagStore(flags_dir)
    store.set_starred("2504.00001", True)
    # A checkpoint died after renaming the journal and before folding it.
    os.replace(flags_dir / JOURNAL_FILE, flags_dir / FOLDING_FILE)
    with FlagStore(flags_dir) as reopened:
        assert reopened.get("2504.00001").starred
        reopened.set_starred("2504.00002", True)
        reopened.checkpoint()
        assert not (flags_dir / FOLDING_FILE).exists()
    with FlagStore(flags_dir) as again:
        assert again.get("2504.00001").starred and again.get("2504.00002").starred


def test_folding_replayed_over_a_flags_json_that_already_holds_it(flags_dir: Path) -> None:
    """A checkpoint that died after replacing flags.json, before deleting .folding."""
    with FlagStore(flags_dir) as store:
        store.set_starred("2504.00001", True)
        store.set_starred("2504.00001", False)
        store.set_starred("2504.00001", True)
        store.checkpoint()
        expected = store.get("2504.00001")
    folding = b"".join(
        line.encode() + b"\n"
        for line in [
            json.dumps({"journal": "arxiv-daily flags journal", "version": 1, "token": "old"}),
            json.dumps(
                {"id": "2504.00001", "field": "starred", "value": True, "at": "2020-01-01T00:00:00"}
            ),
        ]
    )
    (flags_dir / FOLDING_FILE).write_bytes(folding)
    with FlagStore(flags_dir) as reopened:
        assert reopened.get("2504.00001") == expected  # same value: time unchanged


def test_flags_json_is_a_tinydb_database_both_ways(flags_dir: Path) -> None:
    with FlagStore(flags_dir) as store:
        store.set_starred("2504.00001", True)
        store.set_note("2504.00002", "see §2")
    database = TinyDB(flags_dir / FLAGS_FILE, access_mode="r")
    documents = {doc["id"]: doc for doc in database.table("flags").all()}
    database.close()
    assert documents["2504.00001"]["starred"] is True
    assert documents["2504.00002"]["note"] == "see §2"
    assert set(documents["2504.00001"]) == {
        "id", "read", "starred", "read_changed", "starred_changed", "note"
    }  # fmt: skip

    # And a database written by tinydb itself (fields it left out get their defaults).
    other = flags_dir.parent / "other"
    other.mkdir()
    with TinyDB(other / FLAGS_FILE) as written:
        written.table("flags").insert_multiple(
            [
                {"id": "2504.00003", "read": True, "starred": False, "note": ""},
                {"id": "2504.00004", "starred": True, "starred_changed": "2025-04-09T10:00:00"},
            ]
        )
    with FlagStore(other) as store:
        assert store.get("2504.00003").read
        flag = store.get("2504.00004")
        assert flag.starred and flag.starred_changed == datetime(2025, 4, 9, 10, tzinfo=UTC)
        store.set_read("2504.00004", True)
    with TinyDB(other / FLAGS_FILE, access_mode="r") as reread:
        assert len(reread.table("flags")) == 2
        doc_ids = {doc["id"]: doc.doc_id for doc in reread.table("flags").all()}
        assert doc_ids == {"2504.00003": 1, "2504.00004": 2}  # tinydb's ids are kept


def test_threads_sharing_one_store(store: FlagStore, flags_dir: Path) -> None:
    def star(start: int) -> None:
        for n in range(start, start + 100):
            store.set_starred(f"2504.{n:05d}", True)
            store.get(f"2504.{n:05d}")
            store.starred()

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(star, range(0, 400, 100)))
    assert len(store.starred()) == 400
    assert len(journal_lines(flags_dir)) == 401


# ---------------------------------------------------------------- other processes


def test_refresh_picks_up_another_stores_writes(flags_dir: Path) -> None:
    with FlagStore(flags_dir) as mine, FlagStore(flags_dir) as theirs:
        assert not mine.refresh()
        theirs.set_starred("2504.00001", True)
        assert not mine.get("2504.00001").starred
        assert mine.refresh()
        assert mine.get("2504.00001").starred
        assert not mine.refresh()

        # Across one checkpoint by the other, and then across several.
        theirs.set_read("2504.00002", True)
        theirs.checkpoint()
        theirs.set_read("2504.00003", True)
        assert mine.refresh()
        assert mine.get("2504.00002").read and mine.get("2504.00003").read
        for n in range(3):
            theirs.set_note("2504.00004", f"take {n}")
            theirs.checkpoint()
        assert mine.refresh()
        assert mine.get("2504.00004").note == "take 2"


def test_refresh_follows_checkpoints_without_a_full_reload(
    flags_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FlagStore(flags_dir) as mine, FlagStore(flags_dir) as theirs:
        mine.set_read("2504.00009", True)
        reloads: list[int] = []
        real_reload = FlagStore._reload

        def counting(self: FlagStore) -> bool:
            reloads.append(1)
            return real_reload(self)

        monkeypatch.setattr(FlagStore, "_reload", counting)
        for n in range(3):
            theirs.set_starred(f"2504.{n:05d}", True)
            theirs.checkpoint()  # folds, and starts a journal that names the one before
            mine.set_note("2504.00009", f"after {n}")  # our appends follow along, too
        theirs.set_starred("2504.00003", True)
        theirs.checkpoint()
        assert mine.refresh()
        assert len(mine.starred()) == 4
        assert reloads == []

        # Two generations folded and gone since our last look: only a reload can tell.
        theirs.set_starred("2504.00004", True)
        theirs.checkpoint()
        theirs.set_starred("2504.00005", True)
        theirs.checkpoint()
        assert mine.refresh()
        assert [flag.id for flag in mine.starred()][:2] == ["2504.00005", "2504.00004"]
        assert len(mine.starred()) == 6
        assert reloads == [1]


def test_own_writes_follow_the_journal_order(flags_dir: Path) -> None:
    with FlagStore(flags_dir) as mine, FlagStore(flags_dir) as theirs:
        theirs.set_starred("2504.00001", True)
        mine.set_read("2504.00002", True)  # catches up on their line while appending
        assert mine.get("2504.00001").starred
        mine.set_starred("2504.00001", False)
        theirs.refresh()
        assert not theirs.get("2504.00001").starred


# ---------------------------------------------------------------- damaged flags.json


def test_everything_but_flags_is_written_back_as_it_was(flags_dir: Path) -> None:
    """Flag-shaped objects become compact rows in memory only as the flags table's documents:
    elsewhere (another table, nested in a document, a table itself) they stay as written, and
    fields another writer added to a flag document are kept."""
    look_alike = {
        "id": "x", "read": True, "starred": False,
        "read_changed": None, "starred_changed": None, "note": "",
    }  # fmt: skip
    mine = {"1": look_alike, "2": {"a": [1, {"b": look_alike}], "c": {"d": look_alike}}}
    tagged = {**look_alike, "id": "2504.00002", "tags": ["a", look_alike]}
    flags_dir.mkdir(parents=True, exist_ok=True)
    database = {"flags": {"1": tagged}, "mine": mine, "meta": look_alike}
    (flags_dir / FLAGS_FILE).write_text(json.dumps(database))
    with FlagStore(flags_dir) as store:
        assert store.notices == []
        assert store.get("2504.00002").read
        store.set_starred("2504.00001", True)
    tables = json.loads((flags_dir / FLAGS_FILE).read_text())
    assert tables["mine"] == mine
    assert tables["meta"] == look_alike
    assert tables["flags"]["1"] == tagged
    assert tables["flags"]["2"]["starred"] is True


def test_a_flag_document_with_a_field_of_the_wrong_type_is_moved_aside(flags_dir: Path) -> None:
    document = {
        "id": "2504.00001", "read": "yes", "starred": False,
        "read_changed": None, "starred_changed": None, "note": "",
    }  # fmt: skip
    flags_dir.mkdir(parents=True, exist_ok=True)
    (flags_dir / FLAGS_FILE).write_text(json.dumps({"flags": {"1": document}}))
    with FlagStore(flags_dir) as store:
        assert "wrong type" in store.notices[0]
        assert not store.get("2504.00001").read
    assert list(flags_dir.glob(f"{FLAGS_FILE}.corrupt-*"))


@pytest.mark.parametrize(
    "garbage",
    [
        b"{this is not json",
        b"\x00\x00\x00\x00",
        b'["a", "list"]',
        b'{"flags": {"1": {"x": 1}}}',
        b"",  # what a crash on a delayed-allocation file system leaves
        b"  \n",
    ],
    ids=["broken-json", "zeros", "wrong-shape", "foreign-document", "0-bytes", "blank"],
)
def test_damaged_flags_json_is_moved_aside(flags_dir: Path, garbage: bytes) -> None:
    with FlagStore(flags_dir) as store:
        store.set_starred("2504.00001", True)
    # After that checkpoint, one more change lives only in the journal.
    store = FlagStore(flags_dir)
    store.set_starred("2504.00002", True)
    (flags_dir / FLAGS_FILE).write_bytes(garbage)

    with FlagStore(flags_dir) as reopened:
        aside = list(flags_dir.glob(f"{FLAGS_FILE}.corrupt-*"))
        assert len(aside) == 1
        assert aside[0].read_bytes() == garbage
        assert len(reopened.notices) == 1
        notice = reopened.notices[0]
        assert "flags.json was unreadable" in notice and str(aside[0]) in notice
        assert "journal were kept" in notice
        assert reopened.get("2504.00002").starred  # from the journal
        reopened.set_starred("2504.00003", True)
    with FlagStore(flags_dir) as again:
        assert again.notices == []
        assert again.get("2504.00002").starred and again.get("2504.00003").starred


# ---------------------------------------------------------------- crashes


def _run_worker(flags_dir: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), str(flags_dir), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _first_output(worker: subprocess.Popen[bytes]) -> bytes:
    """Wait for the first line, reading the pipe unbuffered (``communicate`` gets the rest)."""
    assert worker.stdout is not None
    seen = b""
    while b"\n" not in seen:
        chunk = os.read(worker.stdout.fileno(), 65536)
        if not chunk:
            break
        seen += chunk
    return seen


def _output_after_kill(worker: subprocess.Popen[bytes]) -> tuple[bytes, bytes]:
    """What a killed worker wrote. Not ``communicate``, which waits for the pipes to close: the
    checkpoint child it may leave (and multiprocessing's resource tracker, there as long as such
    children) can hold them, and the check must run while that child still folds."""
    worker.wait()
    output: list[bytes] = []
    for pipe in (worker.stdout, worker.stderr):
        assert pipe is not None
        os.set_blocking(pipe.fileno(), False)
        chunks = []
        while True:
            try:
                chunk = os.read(pipe.fileno(), 65536)
            except BlockingIOError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        pipe.close()
        output.append(b"".join(chunks))
    return output[0], output[1]


def _outcome(output: str) -> tuple[dict[tuple[str, str], bool], dict[tuple[str, str], bool]]:
    """From a killed worker's output: the last acknowledged value per (paper, field), and the
    write that was under way when the kill came (it may or may not have reached the disk)."""
    acknowledged: dict[tuple[str, str], bool] = {}
    in_flight: dict[tuple[str, str], bool] = {}
    for line in output.splitlines():
        parts = line.split("\t")
        if len(parts) != 4 or parts[3] not in ("try", "ok"):
            continue  # a line cut off by the kill
        paper_id, field, value, stage = parts
        if stage == "try":
            if not in_flight or (paper_id, field) in in_flight:
                in_flight = {}
            in_flight[paper_id, field] = value == "1"
        else:
            acknowledged[paper_id, field] = value == "1"
            in_flight.pop((paper_id, field), None)
    return acknowledged, in_flight


def _kill_lane(flags_dir: Path, lane: int, kills: int) -> int:
    """Start a writer, SIGKILL it at a random moment, check the store; ``kills`` times.

    Returns how many acknowledged flags were checked."""
    rng = random.Random(20250409 + lane)
    expected: dict[tuple[str, str], bool] = {}
    checked = 0
    for kill in range(kills):
        # Background checkpoints in a thread (killed mid-fold with the writer) and in a child
        # process (which outlives the writer and folds while the check below reopens).
        mode = "thread" if kill % 2 == 0 else "process"
        worker = _run_worker(
            flags_dir, "--seed", f"{lane}{kill}", "--checkpoint-every", "7", "--mode", mode
        )
        # Wait for the first write, so the kill lands while it writes, not while Python starts.
        first = _first_output(worker)
        time.sleep(rng.uniform(0.005, 0.06))
        worker.send_signal(signal.SIGKILL)
        rest, errors = _output_after_kill(worker)
        assert worker.returncode == -signal.SIGKILL, errors
        acknowledged, in_flight = _outcome((first + rest).decode())
        expected.update(acknowledged)

        with FlagStore(flags_dir, background_checkpoints=False) as reopened:
            for key, value in {**expected, **in_flight}.items():
                paper_id, field = key
                flag = reopened.get(paper_id)
                found = flag.read if field == "read" else flag.starred
                allowed = {value, expected.get(key, False)} if key in in_flight else {value}
                assert found in allowed, f"lane {lane} kill {kill}: {paper_id} {field} is {found}"
                expected[key] = found
                checked += 1
            assert not any("flags.json was unreadable" in n for n in reopened.notices)
            # Closing checkpoints too: the next writer starts from a folded store.
    return checked


def test_sigkill_at_random_moments_loses_no_acknowledged_flag(tmp_path: Path) -> None:
    lanes = 2  # two stores side by side: the machine has two cores, the kills are mostly waiting
    with ThreadPoolExecutor(lanes) as pool:
        checked = list(
            pool.map(lambda lane: _kill_lane(tmp_path / f"flags-{lane}", lane, 26), range(lanes))
        )
    assert all(count > 300 for count in checked), checked


def test_two_processes_at_once_lose_nothing(flags_dir: Path) -> None:
    FlagStore(flags_dir).close()
    workers = [
        _run_worker(flags_dir, "--prefix", prefix, "--count", "500", "--checkpoint-every", "97")
        for prefix in ("2501", "2502")
    ]
    outputs = [worker.communicate(timeout=60) for worker in workers]
    for worker, (_out, errors) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, errors
    with FlagStore(flags_dir) as store:
        starred = {flag.id for flag in store.starred()}
        assert len(starred) == 1000
        assert starred == {f"{p}.{n:05d}" for p in ("2501", "2502") for n in range(500)}
        # Both also set the same shared papers to read=True: written twice, still there.
        assert all(store.get(f"2500.{n:05d}").read for n in range(50))
        assert not any("unreadable" in notice for notice in store.notices)


def test_a_timestamp_round_trips_through_a_checkpoint(flags_dir: Path) -> None:
    with FlagStore(flags_dir) as store:
        store.set_read("2504.00001", True)
        stamp = store.get("2504.00001").read_changed
    with FlagStore(flags_dir) as reopened:
        read_at = reopened.get("2504.00001").read_changed
        assert read_at == stamp
        assert read_at is not None and read_at.utcoffset() == timedelta(0)


# ---------------------------------------------------------------- read-only


def _tree(directory: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(directory.iterdir())}


def test_a_read_only_store_shows_the_flags_and_changes_nothing(flags_dir: Path) -> None:
    with FlagStore(flags_dir) as store:
        store.set_starred(["2504.00001", "2504.00002"], True)
    store = FlagStore(flags_dir)
    store.set_read("2504.00003", True)  # in the journal only
    store.close(fold=False)
    before = _tree(flags_dir)
    with FlagStore(flags_dir, read_only=True) as reader:
        assert {f.id for f in reader.starred()} == {"2504.00001", "2504.00002"}
        assert reader.get("2504.00003").read
        with pytest.raises(ReadOnlyStore, match="read-only: the change was not saved"):
            reader.set_starred("2504.00004", True)
        assert reader.notices == []
    assert _tree(flags_dir) == before  # nothing created, folded or moved


def test_a_read_only_store_leaves_a_damaged_file_where_it_is(flags_dir: Path) -> None:
    with FlagStore(flags_dir) as store:
        store.set_starred("2504.00001", True)
    (flags_dir / FLAGS_FILE).write_bytes(b"")
    with FlagStore(flags_dir, read_only=True) as reader:
        assert "left as it is (read-only)" in reader.notices[0]
    assert (flags_dir / FLAGS_FILE).read_bytes() == b""
    assert not list(flags_dir.glob(f"{FLAGS_FILE}.corrupt-*"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_folder_that_cannot_be_written_opens_read_only_by_itself(flags_dir: Path) -> None:
    with FlagStore(flags_dir) as store:
        store.set_starred("2504.00001", True)
    (flags_dir / LOCK_FILE).unlink()
    flags_dir.chmod(0o555)
    try:
        with FlagStore(flags_dir) as reader:
            assert reader.read_only
            assert reader.get("2504.00001").starred
            assert "cannot be written" in reader.notices[0]
    finally:
        flags_dir.chmod(0o755)


def test_a_read_only_file_system_opens_the_store_read_only(
    flags_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As root (CI) a folder's mode does not stop writes: the file system's answer is injected.
    with FlagStore(flags_dir) as store:
        store.set_starred("2504.00001", True)
    real_open = os.open

    def read_only_fs(path: Any, flags: int, *args: Any) -> int:
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", read_only_fs)
    with FlagStore(flags_dir) as reader:
        assert reader.read_only
        assert reader.get("2504.00001").starred
        assert reader.notices == [
            f"{flags_dir} cannot be written (Read-only file system): the flags are shown, "
            "but changes cannot be saved"
        ]
        with pytest.raises(ReadOnlyStore):
            reader.set_read("2504.00001", True)


def test_a_read_only_store_of_flags_json_alone_rereads_only_a_replaced_file(
    flags_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FlagStore(flags_dir) as store:
        store.set_starred("2504.00001", True)
    (flags_dir / JOURNAL_FILE).unlink()
    reader = FlagStore(flags_dir, read_only=True)
    try:
        reloads: list[bool] = []
        real = reader._reload

        def counting(**kw: Any) -> bool:
            reloads.append(True)
            return real(**kw)

        monkeypatch.setattr(reader, "_reload", counting)
        assert reader.refresh() is False
        assert reader.refresh() is False
        assert reloads == []  # nothing replaced: nothing parsed again
        with FlagStore(flags_dir) as writer:  # another process checkpoints a new flags.json
            writer.set_starred("2504.00002", True)
        (flags_dir / JOURNAL_FILE).unlink()
        assert reader.refresh() is True
        assert reader.get("2504.00002").starred
    finally:
        reader.close()
