"""Flags as rows in memory and as documents in ``flags.json``, and the times they carry.

``flags.json`` is the store of record: a tinydb database, table ``flags``, one document per paper
(``id`` without version, ``read``, ``starred``, ``read_changed``, ``starred_changed``, ``note``,
and ``tags``, a sorted list of names, written only when the paper has some: a document without it
is one an older version wrote, or one without tags, and reads the same). In memory a flag is a
``Row``, a tuple about a third of its document's size; ``Flag``s are made from rows on demand.
Change times are ISO 8601 strings in UTC, parsed only when a ``Flag`` is.

A field this version does not know (a newer version's) is kept as it is: in a document it is
written back with it, in a journal line it is skipped here and folded into the document by a
checkpoint (see ``journal``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Literal, NamedTuple

from tui.adapters.atomic import AtomicJSONStorage

TABLE: Final = "flags"

Field = Literal["read", "starred", "note", "tags"]
FIELDS: Final = frozenset({"read", "starred", "note", "tags"})

Tags = tuple[str, ...]
"""A paper's tags: sorted, each once (see ``tui.core.tags``)."""
Value = bool | str | Tags
"""What a field holds: a flag, a note, tags."""

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
    tags: Tags = ()


def new_row(paper_id: str) -> Row:
    return Row(paper_id, False, False, None, None, "")


def row_document(row: Row) -> Document:
    """The row as ``flags.json`` holds it: ``tags`` only when there are some (the document of
    a paper without tags is the one older versions wrote and read)."""
    document = row._asdict()
    if row.tags:
        document["tags"] = list(row.tags)
    else:
        del document["tags"]
    return document


DOCUMENT_KEYS: Final = frozenset(Row._fields)
"""Every field of ours a document may hold."""
_PLAIN_KEYS: Final = DOCUMENT_KEYS - {"tags"}
"""A document without tags: most of them."""


def tags_value(value: Any) -> Tags | None:
    """Stored tags (a list of names) as a row holds them, sorted, each once; None if not a list
    of strings. Names are not checked again: a name another version allows is kept."""
    if not isinstance(value, list | tuple) or not all(type(name) is str for name in value):
        return None
    return tuple(sorted(set(value)))


@dataclass(frozen=True, slots=True)
class Flag:
    """What the reader has done with one paper. Keyed by the id without version."""

    id: str
    read: bool = False
    starred: bool = False
    read_changed: datetime | None = None
    starred_changed: datetime | None = None
    note: str = ""
    tags: Tags = ()
    """Sorted, each once."""

    @classmethod
    def from_row(cls, row: Row) -> Flag:
        return cls(
            id=row.id,
            read=row.read,
            starred=row.starred,
            read_changed=parse_time(row.read_changed),
            starred_changed=parse_time(row.starred_changed),
            note=row.note,
            tags=row.tags,
        )


def check_document(document: Any) -> Row:
    """The flag in a document, with defaults for missing fields; ``ValueError`` if it isn't one."""
    if not isinstance(document, dict) or not isinstance(document.get("id"), str):
        raise ValueError("a flag document without an id")
    checked = {**new_row(document["id"])._asdict(), **document}
    if (
        not isinstance(checked["read"], bool)
        or not isinstance(checked["starred"], bool)
        or not isinstance(checked["note"], str)
        or not isinstance(checked["read_changed"], str | None)
        or not isinstance(checked["starred_changed"], str | None)
    ):
        raise ValueError(f"flag document {document['id']!r} has fields of the wrong type")
    # A ``tags`` that is no list of names is another writer's field (kept, see Base.parse),
    # not damage: the paper has no tags of ours.
    checked["tags"] = tags_value(checked["tags"]) or ()
    return Row(*(checked[field] for field in Row._fields))


def _foreign(key: str, document: Document) -> bool:
    """Whether ``key`` of a flag document is another writer's field, to keep as it is."""
    return key not in DOCUMENT_KEYS or (key == "tags" and tags_value(document[key]) is None)


class RowDecoder:
    """A ``json.loads`` object hook turning flag documents into rows as they are parsed.

    A document becomes a row the moment it is read, so the documents never all exist at once
    (the peak of opening 100,000 flags stays near the rows' size). Equal change times share
    one string: marking many papers at once stamps them all alike, and JSON would give every
    document its own copy. Documents of another shape are left as they are, for
    ``check_document`` to judge."""

    def __init__(self) -> None:
        self._times: dict[str, str] = {}

    def __call__(self, document: dict[str, Any]) -> Any:
        # 100,000 of these when the store opens: the checks are inline, exact types only.
        keys = document.keys()
        if keys == _PLAIN_KEYS:
            tags: Tags = ()
        elif keys == DOCUMENT_KEYS:
            stored = tags_value(document["tags"])
            if stored is None:
                return document
            tags = stored
        else:
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
        return Row(paper_id, read, starred, read_changed, starred_changed, note, tags)


def as_written(value: Any) -> Any:
    """``value`` with every row in it turned back into the document it was parsed from."""
    if type(value) is Row:
        return row_document(value)
    if isinstance(value, dict):
        for key, item in value.items():
            value[key] = as_written(item)
    elif isinstance(value, list):
        value[:] = map(as_written, value)
    return value


def decode_database(raw: bytes) -> Any:
    """``flags.json`` parsed: the flags table's documents as rows, all else as written.

    The object hook cannot know where a document sits, so flag-shaped objects elsewhere (in
    another table) are turned back here; inside the flags table's other documents,
    ``Base.parse`` turns them back as it checks those documents."""
    data = json.loads(raw, object_hook=RowDecoder())
    if type(data) is not dict:
        return as_written(data)
    for name, table in data.items():
        if name != TABLE or type(table) is not dict:
            data[name] = as_written(table)
    return data


@dataclass(slots=True)
class Base:
    """``flags.json`` as read: its tables, and the flags by paper id."""

    tables: dict[str, dict[str, Any]]
    """The flags table's values are rows (the others' documents stay documents)."""
    rows: dict[str, Row]
    extras: dict[str, Document]
    """Fields besides a flag's own in its document (another writer's), by paper id: kept."""

    @classmethod
    def empty(cls) -> Base:
        return cls(tables={}, rows={}, extras={})

    @classmethod
    def parse(cls, raw: bytes, path: Path) -> Base:
        """Read the tinydb database through its storage; ``ValueError`` if damaged or not ours."""
        tables = AtomicJSONStorage(path, preloaded=raw, decode=decode_database).read() or {}
        table = tables.get(TABLE, {})
        extras: dict[str, Document] = {}
        for doc_id, value in table.items():
            if type(value) is not Row:  # missing fields, or fields of another writer's
                value = as_written(value)
                row = check_document(value)
                extra = {key: item for key, item in value.items() if _foreign(key, value)}
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
            # Ours win: a foreign ``tags`` stays only until the paper is given tags here.
            table[doc_id] = row_document(row) if extra is None else {**extra, **row_document(row)}
        return {**self.tables, TABLE: table}


def now_stamp() -> str:
    """The time a change made now is stamped with."""
    return format_time(datetime.now(UTC))


def format_time(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def parse_time(value: str | None) -> datetime | None:
    """A stored time; one that doesn't parse counts as unknown rather than failing a read."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
