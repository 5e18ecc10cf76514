"""A fast-loading copy of a cached day file, beside it: ``days/2025-04-09.snapshot``.

Opening a cached day is on the way to the first paint. The day file (JSON, the store of record)
of a 5,000-paper day is 11 MB: ``json.loads`` and building the papers from dicts take ~55 ms of
CPU. The same day as ``marshal`` rows loads in ~6 ms and builds its papers positionally, ~25 ms in
all. A snapshot is derived data, stamped with the day file's signature (inode, size, mtime) and
with the Python and marshal versions and the Paper fields it was written with, and checked by a
CRC-32 of its contents (~6 ms for 11 MB): one that does not match in every respect, or cannot be
read, is ignored and written again from the day file (a flipped byte is never shown as text). It is
written without fsync (a torn one after a power cut is simply ignored) and never holds anything
the day file does not. Only the few most recently written are kept (one is about as big as its
day file).
"""

from __future__ import annotations

import contextlib
import json
import marshal
import os
import sys
import zlib
from dataclasses import fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Final

from tui.adapters.atomic import TEMP_MARKER
from tui.core.paper import Day, Kind, Paper, Provenance

SUFFIX: Final = ".snapshot"
KEPT: Final = 4
"""Snapshots kept (the most recently written): each is about as big as its day file."""
_FIELDS: Final = tuple(field.name for field in fields(Paper))
_HEADER: Final = (
    f"arxiv-daily day snapshot 3 python {sys.version_info[0]}.{sys.version_info[1]} "
    f"marshal {marshal.version}\n"
).encode()
_PUBLISHED: Final = _FIELDS.index("published")
_UPDATED: Final = _FIELDS.index("updated")
_KIND: Final = _FIELDS.index("kind")
_KINDS: Final = {kind.value: kind for kind in Kind}

Signature = tuple[int, int, int]


def snapshot_path(day_path: Path) -> Path:
    return day_path.with_suffix(SUFFIX)


def write_snapshot(path: Path, signature: Signature, day: Day) -> None:
    """Write (best effort: a failure only costs the next load its speed)."""
    rows = []
    for paper in day.papers:
        row: list[Any] = [getattr(paper, name) for name in _FIELDS]
        row[_PUBLISHED] = paper.published.isoformat()
        row[_UPDATED] = paper.updated.isoformat()
        row[_KIND] = paper.kind.value
        rows.append(tuple(row))
    fetched = day.fetched_at.isoformat() if day.fetched_at else None
    provenance = json.dumps(day.provenance.to_dict())
    meta = (day.date.isoformat(), day.categories, fetched, day.source, provenance)
    try:
        payload = marshal.dumps((tuple(signature), _FIELDS, meta, tuple(rows)))
        data = _HEADER + zlib.crc32(payload).to_bytes(4, "big") + payload
    except ValueError:  # a value marshal cannot hold: the day file alone will do
        return
    temp = path.with_name(f"{path.name}{TEMP_MARKER}{os.urandom(6).hex()}")
    with contextlib.suppress(OSError):
        try:
            temp.write_bytes(data)
            os.replace(temp, path)
        finally:
            temp.unlink(missing_ok=True)
        _prune(path.parent)


def _prune(directory: Path) -> None:
    """Remove all but the ``KEPT`` most recently written snapshots."""
    with os.scandir(directory) as entries:
        found = [entry for entry in entries if entry.name.endswith(SUFFIX) and entry.is_file()]
    found.sort(key=lambda entry: entry.stat().st_mtime_ns, reverse=True)
    for entry in found[KEPT:]:
        with contextlib.suppress(OSError):
            os.unlink(entry.path)


def read_snapshot(path: Path, signature: Signature) -> Day | None:
    """The day, if the snapshot was written from the day file with this signature; else None."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    if not raw.startswith(_HEADER):
        return None
    checksum, payload = raw[len(_HEADER) : len(_HEADER) + 4], memoryview(raw)[len(_HEADER) + 4 :]
    if zlib.crc32(payload).to_bytes(4, "big") != checksum:
        return None  # a flipped byte (a bad disk, a torn write): the day file will do
    try:
        stamp, names, meta, rows = marshal.loads(payload)
        if tuple(stamp) != tuple(signature) or tuple(names) != _FIELDS:
            return None
        return _day(meta, rows)
    except (ValueError, TypeError, EOFError, KeyError, AttributeError):
        return None


def _day(meta: tuple[Any, ...], rows: tuple[tuple[Any, ...], ...]) -> Day:
    day_text, categories, fetched, source, provenance = meta
    papers = []
    for row in rows:
        values = list(row)
        published = values[_PUBLISHED]
        updated = values[_UPDATED]
        values[_PUBLISHED] = parsed = _time(published)
        values[_UPDATED] = parsed if updated == published else _time(updated)
        values[_KIND] = _KINDS[values[_KIND]]
        papers.append(Paper(*values))
    return Day(
        date=date.fromisoformat(day_text),
        categories=tuple(categories),
        papers=tuple(papers),
        fetched_at=_time(fetched) if fetched else None,
        source=source,
        provenance=Provenance.from_dict(json.loads(provenance)),
    )


def _time(text: str) -> datetime:
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
