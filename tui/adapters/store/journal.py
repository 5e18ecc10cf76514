"""The write-ahead journal: append-only JSON lines in generations chained by tokens.

``flags.journal`` starts with a header line holding a random generation token and the token of
the generation before; every other line is one absolute change
``{"id": …, "field": "starred", "value": true, "at": "…"}`` (``"field": "tags"`` holds the
paper's whole sorted list of tags, ``"value": ["ml", "thesis"]``). A change is durable once its line
is appended and fsynced (under the store's exclusive ``flock``): that costs the same at 100
flags or 100,000, unlike a tinydb write, which rewrites the whole file. A checkpoint renames the
journal to ``flags.journal.folding`` and starts the next generation, whose ``previous`` names
it: a reader that was part-way through one generation follows the chain to the live one.

Replay is idempotent because lines carry absolute values (and a flag's time moves only when its
value does), so replaying a generation that is already in ``flags.json`` does no harm. A crash
mid-append leaves a torn last line, which readers ignore and the next append ends with a
newline, so it never swallows a good line.

A line whose field this version does not know (a newer version wrote it) is no damage: it is
read as an ``Unknown`` change, which changes no row here, and a checkpoint folds it into the
paper's document as a field of another writer's, kept for the version that knows it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Final

from tui.adapters.atomic import fsync_dir
from tui.adapters.store.rows import FIELDS, Field, Row, Value, new_row, parse_time, tags_value

JOURNAL_FILE: Final = "flags.journal"
FOLDING_FILE: Final = "flags.journal.folding"
JOURNAL_KIND: Final = "arxiv-daily flags journal"

sync_data = getattr(os, "fdatasync", os.fsync)
"""Make a file's new bytes durable (fdatasync skips metadata a read doesn't need)."""


@dataclass(frozen=True, slots=True)
class Change:
    """One journal line: a paper's field set to an absolute value at a time."""

    id: str
    field: Field
    value: Value
    at: str
    """ISO 8601, UTC."""

    def to_line(self) -> bytes:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        line = {"id": self.id, "field": self.field, "value": value, "at": self.at}
        return json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"

    @classmethod
    def from_line(cls, raw: bytes) -> Change | Unknown:
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("not an object")
        paper_id, field, value = data.get("id"), data.get("field"), data.get("value")
        at = data.get("at")
        if not isinstance(paper_id, str) or not isinstance(field, str) or not field:
            raise ValueError("not a flag change")
        if not isinstance(at, str) or parse_time(at) is None:
            raise ValueError("a change without a time")
        if field not in FIELDS:
            return Unknown(id=paper_id, field=field, value=value, at=at)
        checked: Value | None
        if field == "note":
            checked = value if isinstance(value, str) else None
        elif field == "tags":
            checked = tags_value(value)
        else:
            checked = value if isinstance(value, bool) else None
        if checked is None:
            raise ValueError("not a flag change")
        return cls(id=paper_id, field=field, value=checked, at=at)  # type: ignore[arg-type]

    def apply(self, rows: dict[str, Row]) -> bool:
        """Apply to ``rows``; True if it changed anything.

        A flag's time moves only when its value does, so replaying a line twice changes nothing.
        """
        current = rows.get(self.id)
        if current is None:
            current = new_row(self.id)
        if getattr(current, self.field) == self.value:
            return False
        value = self.value
        # By the field, not the value's type: a tags list must never land in ``starred``.
        if self.field == "note":
            rows[self.id] = current._replace(note=str(value))
        elif self.field == "tags":
            rows[self.id] = current._replace(tags=tuple(value))  # type: ignore[arg-type]
        elif self.field == "read":
            rows[self.id] = current._replace(read=bool(value), read_changed=self.at)
        else:
            rows[self.id] = current._replace(starred=bool(value), starred_changed=self.at)
        return True


@dataclass(frozen=True, slots=True)
class Unknown:
    """A journal line of a field this version does not know (a newer one wrote it)."""

    id: str
    field: str
    value: Any
    at: str

    def apply(self, rows: dict[str, Row]) -> bool:
        """Changes no row: the field is not ours (a checkpoint keeps it: ``fold_into``)."""
        return False

    def fold_into(self, rows: dict[str, Row], extras: dict[str, dict[str, Any]]) -> None:
        """Keep the value in the paper's document, as a field of another writer's."""
        rows.setdefault(self.id, new_row(self.id))
        extras.setdefault(self.id, {})[self.field] = self.value


Line = Change | Unknown
"""What a journal line holds."""


@dataclass(frozen=True, slots=True)
class Header:
    """A journal's first line: its generation token and the token of the generation before it."""

    token: str
    previous: str | None
    size: int
    """Bytes the header takes; change lines start here."""


def read_header(handle: BinaryIO) -> Header:
    handle.seek(0)
    line = handle.readline()
    try:
        header = json.loads(line) if line.endswith(b"\n") else None
    except ValueError:
        header = None
    if isinstance(header, dict) and header.get("journal") == JOURNAL_KIND:
        token, previous = header.get("token"), header.get("previous")
        if isinstance(token, str):
            return Header(token, previous if isinstance(previous, str) else None, len(line))
    # A damaged header: name the generation by its inode and read every line as a change.
    stat = os.fstat(handle.fileno())
    return Header(f"inode-{stat.st_dev}-{stat.st_ino}", None, 0)


@dataclass(slots=True)
class Lines:
    """What one read of a journal found."""

    changes: list[Line]
    end: int
    """Offset just past the last complete line: where the next read starts."""
    bad: int


def read_lines(handle: BinaryIO, start: int) -> Lines:
    """The changes from offset ``start`` on; a last line without its ``\\n`` is not there yet."""
    handle.seek(start)
    data = handle.read()
    complete = data.rfind(b"\n") + 1
    changes: list[Line] = []
    bad = 0
    for raw in data[:complete].split(b"\n")[:-1]:
        if not raw.strip():
            continue
        try:
            changes.append(Change.from_line(raw))
        except (ValueError, TypeError):
            bad += 1
    return Lines(changes=changes, end=start + complete, bad=bad)


def append(fd: int, size: int, changes: list[Change]) -> int:
    """Append ``changes`` to the journal open on ``fd`` (``size`` bytes long) and fsync them
    (under the exclusive lock). The bytes written."""
    payload = b"".join(change.to_line() for change in changes)
    if size and os.pread(fd, 1, size - 1) != b"\n":
        payload = b"\n" + payload  # end a line torn by a crash, so it cannot swallow ours
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view) :]
    sync_data(fd)
    return len(payload)


def create(directory: Path, previous: str | None) -> str:
    """Start a journal generation in ``directory`` (under the exclusive lock); its token.

    Written whole to a temporary file and renamed into place: a crash leaves no journal (the
    next open starts one) or this one whole, never a journal without its header."""
    token = os.urandom(8).hex()
    header = {"journal": JOURNAL_KIND, "version": 1, "token": token, "previous": previous}
    temp = directory / f"{JOURNAL_FILE}.new-{os.urandom(4).hex()}"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        os.write(fd, json.dumps(header, separators=(",", ":")).encode() + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, directory / JOURNAL_FILE)
    fsync_dir(directory)
    return token


def token_of(path: Path) -> str | None:
    """The generation token of the journal at ``path``; None if there is none."""
    handle = open_or_none(path)
    if handle is None:
        return None
    with handle:
        return read_header(handle).token


def open_or_none(path: Path) -> BinaryIO | None:
    try:
        return path.open("rb")
    except FileNotFoundError:
        return None
