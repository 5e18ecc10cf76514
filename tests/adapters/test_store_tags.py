"""Tags in the flag store: as durable as stars (journal, checkpoint, reopen), read from files
written before tags existed, and a newer version's unknown fields kept, never a failure."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.adapters.store import FLAGS_FILE, FOLDING_FILE, JOURNAL_FILE, FlagStore, ReadOnlyStore
from tui.core.tags import TagEdit

A, B, C = "2504.00001", "2504.00002", "2504.00003"


@pytest.fixture
def flags_dir(tmp_path: Path) -> Path:
    return tmp_path / "flags"


@pytest.fixture
def store(flags_dir: Path) -> Iterator[FlagStore]:
    with FlagStore(flags_dir) as opened:
        yield opened


def journal_changes(flags_dir: Path) -> list[dict[str, object]]:
    _header, *lines = (flags_dir / JOURNAL_FILE).read_text().splitlines()
    return [json.loads(line) for line in lines]


def documents(flags_dir: Path) -> list[dict[str, object]]:
    return list(json.loads((flags_dir / FLAGS_FILE).read_text())["flags"].values())


def test_a_tag_edit_is_one_line_holding_the_papers_whole_sorted_list(
    store: FlagStore, flags_dir: Path
) -> None:
    store.edit_tags(f"{A}v2", TagEdit(add=("thesis", "ml")))
    store.edit_tags(A, TagEdit(add=("draft",), remove=("ml",)))
    assert store.get(A).tags == ("draft", "thesis")
    assert store.get(f"{A}v3").tags == ("draft", "thesis")  # any version: the paper's
    lines = journal_changes(flags_dir)
    assert [(line["id"], line["field"], line["value"]) for line in lines] == [
        (A, "tags", ["ml", "thesis"]),
        (A, "tags", ["draft", "thesis"]),
    ]


def test_an_edit_that_changes_nothing_writes_nothing(store: FlagStore, flags_dir: Path) -> None:
    store.edit_tags(A, TagEdit(add=("ml",)))
    store.edit_tags([A, B], TagEdit(add=("ml",), remove=("absent",)))
    assert [line["id"] for line in journal_changes(flags_dir)] == [A, B]


def test_tags_are_replayed_from_the_journal_after_a_crash(flags_dir: Path) -> None:
    store = FlagStore(flags_dir)
    store.edit_tags([A, B], TagEdit(add=("thesis/ch2",)))
    store.set_starred(A, True)
    store.edit_tags(B, TagEdit(remove=("thesis/ch2",), add=("ml",)))
    # No close: as if the process died. flags.json was never written.
    assert not (flags_dir / FLAGS_FILE).exists()
    with FlagStore(flags_dir) as reopened:
        assert reopened.get(A).tags == ("thesis/ch2",) and reopened.get(A).starred
        assert reopened.get(B).tags == ("ml",)
        assert reopened.tagged() == {A: ("thesis/ch2",), B: ("ml",)}


def test_tags_survive_a_checkpoint_and_reopen(flags_dir: Path) -> None:
    with FlagStore(flags_dir) as store:
        store.edit_tags([A, B], TagEdit(add=("thesis",)))
        store.edit_tags(C, TagEdit(add=("ml",)))
        store.edit_tags(C, TagEdit(remove=("ml",)))  # untagged again: no tags in its document
        store.set_read(C, True)
        store.checkpoint()
        assert not (flags_dir / FOLDING_FILE).exists()
    by_id = {document["id"]: document for document in documents(flags_dir)}
    assert by_id[A]["tags"] == ["thesis"]
    assert "tags" not in by_id[C]  # a document without tags is the one older versions wrote
    with FlagStore(flags_dir) as reopened:
        assert reopened.tagged() == {A: ("thesis",), B: ("thesis",)}
        assert reopened.get(C).tags == () and reopened.get(C).read


def test_a_flags_json_from_before_tags_reads_and_gains_them(flags_dir: Path) -> None:
    old = {
        "id": A, "read": True, "starred": True,
        "read_changed": "2025-04-01T08:00:00.000000+00:00",
        "starred_changed": "2025-04-01T08:00:00.000000+00:00", "note": "old",
    }  # fmt: skip
    flags_dir.mkdir(parents=True)
    (flags_dir / FLAGS_FILE).write_text(json.dumps({"flags": {"1": old}}))
    with FlagStore(flags_dir) as store:
        assert store.notices == []
        flag = store.get(A)
        assert flag.read and flag.starred and flag.note == "old" and flag.tags == ()
        assert store.tagged() == {}
        store.edit_tags(A, TagEdit(add=("kept",)))
    [document] = documents(flags_dir)
    assert document == {**old, "tags": ["kept"]}


def test_tags_written_unsorted_or_twice_by_another_writer_read_sorted_once(
    flags_dir: Path,
) -> None:
    document = {
        "id": A, "read": False, "starred": False, "read_changed": None,
        "starred_changed": None, "note": "", "tags": ["b", "a", "b"],
    }  # fmt: skip
    flags_dir.mkdir(parents=True)
    (flags_dir / FLAGS_FILE).write_text(json.dumps({"flags": {"1": document}}))
    with FlagStore(flags_dir) as store:
        assert store.get(A).tags == ("a", "b")


def test_a_newer_versions_field_in_a_document_is_kept(flags_dir: Path) -> None:
    document = {
        "id": A, "read": False, "starred": True, "read_changed": None,
        "starred_changed": None, "note": "", "tags": ["ml"], "colour": "red",
    }  # fmt: skip
    flags_dir.mkdir(parents=True)
    (flags_dir / FLAGS_FILE).write_text(json.dumps({"flags": {"1": document}}))
    with FlagStore(flags_dir) as store:
        assert store.notices == []
        assert store.get(A).tags == ("ml",)
        store.edit_tags(A, TagEdit(add=("thesis",)))
    [written] = documents(flags_dir)
    assert written["colour"] == "red"
    assert written["tags"] == ["ml", "thesis"]


def test_a_newer_versions_journal_line_is_no_damage_and_is_folded_into_the_document(
    flags_dir: Path,
) -> None:
    with FlagStore(flags_dir) as store:
        store.edit_tags(A, TagEdit(add=("ml",)))
        with (flags_dir / JOURNAL_FILE).open("a") as journal:
            line = {"id": B, "field": "colour", "value": "red", "at": "2025-04-09T08:00:00+00:00"}
            journal.write(json.dumps(line) + "\n")
        store.edit_tags(B, TagEdit(add=("thesis",)))
    with FlagStore(flags_dir) as reopened:
        assert reopened.notices == []  # not "unreadable lines"
        assert reopened.tagged() == {A: ("ml",), B: ("thesis",)}
    by_id = {document["id"]: document for document in documents(flags_dir)}
    assert by_id[B]["colour"] == "red"
    assert by_id[B]["tags"] == ["thesis"]


def test_a_tags_line_of_the_wrong_shape_is_skipped_with_a_notice(flags_dir: Path) -> None:
    store = FlagStore(flags_dir)
    store.edit_tags(A, TagEdit(add=("ml",)))
    store.set_read(A, True)
    with (flags_dir / JOURNAL_FILE).open("a") as journal:
        line = {"id": A, "field": "tags", "value": "thesis", "at": "2025-04-09T08:00:00+00:00"}
        journal.write(json.dumps(line) + "\n")
    store._release()  # a reader killed: its journal as it was
    with FlagStore(flags_dir) as reopened:
        assert reopened.get(A).tags == ("ml",)
        assert any("1 unreadable line" in notice for notice in reopened.notices)


def test_two_stores_tagging_one_paper_keep_both_tags(flags_dir: Path) -> None:
    """An edit applies to what the journal holds when it is written, not to what the writer
    last saw: two readers adding a tag each to one paper at once lose neither."""
    with FlagStore(flags_dir) as mine, FlagStore(flags_dir) as theirs:
        mine.edit_tags(A, TagEdit(add=("mine",)))
        theirs.edit_tags(A, TagEdit(add=("theirs",)))  # theirs had not seen "mine"
        assert theirs.get(A).tags == ("mine", "theirs")
        assert mine.refresh()
        assert mine.get(A).tags == ("mine", "theirs")
        assert mine.tagged() == {A: ("mine", "theirs")}


def test_set_many_says_each_papers_tags_before_it(store: FlagStore) -> None:
    store.edit_tags(A, TagEdit(add=("old",)))
    before = store.set_many(
        [("tags", [A, B], TagEdit(add=("new",))), ("tags", [A], TagEdit(remove=("old",)))]
    )
    assert before == [{A: ("old",), B: ()}, {A: ("new", "old")}]
    assert store.get(A).tags == ("new",)


def test_undo_by_compare_and_set_leaves_a_list_changed_meanwhile(flags_dir: Path) -> None:
    with FlagStore(flags_dir) as mine, FlagStore(flags_dir) as theirs:
        mine.set_tags(A, ["ml"])
        theirs.set_tags(A, ["ml", "theirs"])
        assert mine.set_unless_changed("tags", {A: (("ml",), ())}) == [A]
        assert mine.get(A).tags == ("ml", "theirs")


def test_a_read_only_store_shows_tags_and_refuses_changes(flags_dir: Path) -> None:
    with FlagStore(flags_dir) as store:
        store.edit_tags(A, TagEdit(add=("ml",)))
    with FlagStore(flags_dir, read_only=True) as reading:
        assert reading.tagged() == {A: ("ml",)}
        with pytest.raises(ReadOnlyStore):
            reading.edit_tags(A, TagEdit(add=("thesis",)))


def test_tags_are_folded_into_flags_json_on_close_even_when_asked_not_to(tmp_path: Path) -> None:
    """A version before tags reads a tags line of the journal as damage and drops it, but keeps
    a tags key of flags.json: a process that journalled tags folds them before it leaves."""
    with FlagStore(tmp_path) as store:
        store.set_read("2504.00001", True)
    plain = FlagStore(tmp_path)
    plain.set_read("2504.00002", True)
    plain.close(fold=False)
    assert (tmp_path / JOURNAL_FILE).stat().st_size  # a quitting reader leaves its journal
    tagging = FlagStore(tmp_path)
    tagging.set_tags("2504.00002", ["ml"])
    tagging.close(fold=False)
    journal_file = tmp_path / JOURNAL_FILE
    assert not journal_file.exists() or b'"tags"' not in journal_file.read_bytes()
    saved = json.loads((tmp_path / FLAGS_FILE).read_bytes())
    assert "ml" in json.dumps(saved)
