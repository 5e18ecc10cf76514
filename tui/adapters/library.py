"""The user's own library: papers imported from BibTeX or CSL JSON files, kept in the data dir.

``library.json`` holds one import per file name; importing a file again replaces what it brought
and keeps the other files' papers. The file is written atomically (temporary file, fsync,
rename) under an exclusive ``flock`` on ``library.json.lock``, so two imports at once lose
nothing. A damaged file is moved aside (``library.json.corrupt-<time>``), never deleted.

Format (version 1)::

    {"version": 1,
     "files": {"zotero.bib": {"imported": "2026-12-07T04:50:00+00:00",
                              "items": [{"id": "2504.06312", "title": "…",
                                         "added": "2024-05-01T00:00:00+00:00",
                                         "line": 12, "key": "smith2025"}, …]}}}

``positives`` gives the model one entry per paper with its weight (``recency_weights``: the
newest addition 1.0, then ``1 / (1 + log10(rank + 1))``, as zotero-arxiv-daily weighs).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tui import paths
from tui.adapters.atomic import atomic_write_bytes, describe_error, move_aside
from tui.core.library_file import LibraryItem, recency_weights, title_key

LIBRARY_FILE = "library.json"
VERSION = 1


@dataclass(frozen=True, slots=True)
class ImportedFile:
    """The papers one file brought, as last imported."""

    name: str
    imported: datetime
    items: tuple[LibraryItem, ...]

    @property
    def with_id(self) -> int:
        return sum(1 for item in self.items if item.arxiv_id is not None)


@dataclass(frozen=True, slots=True)
class Positive:
    """A library paper as the model uses it."""

    arxiv_id: str | None
    title: str
    weight: float
    """1.0 for the newest addition, less for older ones (see ``recency_weights``)."""
    added: datetime | None
    sources: tuple[str, ...]
    """The imported files it is in."""


class LibraryStore:
    """``library.json`` in the data dir (or ``path``). ``notices`` says what went wrong with a
    damaged file (moved aside, or ignored when reading only)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else paths.data_dir() / LIBRARY_FILE
        self.notices: list[str] = []

    # ----------------------------------------------------------------- reading

    def files(self) -> list[ImportedFile]:
        """Every import, in the order the files were first imported. Changes nothing on disk."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        try:
            return _decode(raw)
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            self.notices.append(f"{self.path} is damaged ({describe_error(error)}); not used")
            return []

    def positives(self) -> list[Positive]:
        return positives(self.files())

    # ----------------------------------------------------------------- writing

    def replace(
        self, name: str, items: Sequence[LibraryItem], *, now: datetime | None = None
    ) -> ImportedFile | None:
        """Keep ``items`` as the import of file ``name``, replacing its earlier import; return
        that earlier import, if any. OSError if the disk fails (the old file stays)."""
        imported = ImportedFile(name, now or datetime.now(UTC), tuple(items))
        with self._locked():
            files = self._read_for_update()
            previous = next((f for f in files if f.name == name), None)
            if previous is None:
                files.append(imported)
            else:
                files = [imported if f.name == name else f for f in files]
            self._write(files)
        return previous

    def forget(self, name: str) -> ImportedFile | None:
        """Drop the import of file ``name``; return it (None if there was none)."""
        with self._locked():
            files = self._read_for_update()
            dropped = next((f for f in files if f.name == name), None)
            if dropped is not None:
                self._write([f for f in files if f.name != name])
        return dropped

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def _read_for_update(self) -> list[ImportedFile]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        newer = _newer_version(raw)
        if newer is not None:
            # Written by a newer arxiv-daily: not damaged, and not ours to rewrite.
            raise OSError(
                f"{self.path} was written by a newer arxiv-daily (format {newer}); "
                "it is left as it is"
            )
        try:
            return _decode(raw)
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            aside = move_aside(self.path)
            self.notices.append(
                f"{self.path} was damaged ({describe_error(error)}); moved aside to {aside.name}"
            )
            return []

    def _write(self, files: Sequence[ImportedFile]) -> None:
        data = {"version": VERSION, "files": {f.name: _encode_file(f) for f in files}}
        atomic_write_bytes(self.path, json.dumps(data, ensure_ascii=False, indent=1).encode())


def positives(files: Sequence[ImportedFile]) -> list[Positive]:
    """One entry per paper over all files (the same arXiv id, or without one the same title,
    counts once, with its newest added date), weighted towards recent additions."""
    merged: dict[str, tuple[LibraryItem, list[str]]] = {}
    for imported in files:
        for item in imported.items:
            key = item.arxiv_id or "title:" + title_key(item.title)
            held = merged.get(key)
            if held is None:
                merged[key] = (item, [imported.name])
                continue
            kept, sources = held
            if imported.name not in sources:
                sources.append(imported.name)
            newer = max((w for w in (kept.added, item.added) if w is not None), default=None)
            merged[key] = (replace(kept, added=newer, title=kept.title or item.title), sources)
    entries = list(merged.values())
    weights = recency_weights([item.added for item, _ in entries])
    return [
        Positive(item.arxiv_id, item.title, weight, item.added, tuple(sources))
        for (item, sources), weight in zip(entries, weights, strict=True)
    ]


def _encode_file(imported: ImportedFile) -> dict[str, Any]:
    return {
        "imported": imported.imported.isoformat(),
        "items": [
            {
                "id": item.arxiv_id,
                "title": item.title,
                "added": item.added.isoformat() if item.added else None,
                "line": item.line,
                "key": item.key,
            }
            for item in imported.items
        ],
    }


def _newer_version(raw: bytes) -> int | None:
    """The format version of a library file newer than this program's, if it is one."""
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    version = data.get("version") if isinstance(data, dict) else None
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        return version
    return None


def _decode(raw: bytes) -> list[ImportedFile]:
    data = json.loads(raw)
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise ValueError(f"not a version {VERSION} library file")
    files = data["files"]
    if not isinstance(files, dict):
        raise ValueError("files is not an object")
    return [
        ImportedFile(
            str(name),
            _aware(datetime.fromisoformat(entry["imported"])),
            tuple(_decode_item(item) for item in entry["items"]),
        )
        for name, entry in files.items()
    ]


def _decode_item(item: dict[str, Any]) -> LibraryItem:
    arxiv_id = item["id"]
    added = item.get("added")
    return LibraryItem(
        arxiv_id=str(arxiv_id) if arxiv_id is not None else None,
        title=str(item["title"]),
        added=_aware(datetime.fromisoformat(added)) if added else None,
        line=int(item["line"]),
        key=str(item.get("key", "")),
    )


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
