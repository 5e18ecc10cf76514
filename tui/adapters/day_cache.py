"""Listing days already fetched, kept on disk so a day opens without the network.

One tinydb database per date, ``days/2025-04-09.json``: table ``day`` holds one document (date,
categories fetched for, fetch time, source) and table ``papers`` one document per paper, in
listing order. A day is written in one go (all documents in memory, one atomic write), not a
write per paper.

Beside each day file a small derived index, ``days/2025-04-09.index.json``: the day's categories,
fetch time and paper ids, stamped with the day file's inode/size/mtime. ``find`` and the
"newer fetch wins" check in ``save`` read only these, not megabytes of papers. An index that does
not match its day file (a crash between the two writes, or another process's save) is rebuilt
from the day file, so it can never be wrong for long, only slow once. And a marshal snapshot of
the day, ``days/2025-04-09.snapshot``, that opens it ~3x faster (see ``day_snapshot``).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Final

from tinydb import TinyDB
from tinydb.middlewares import CachingMiddleware

from tui import paths
from tui.adapters.atomic import (
    AtomicJSONStorage,
    atomic_write_bytes,
    describe_error,
    move_aside,
    os_reason,
    remove_abandoned_temps,
)
from tui.adapters.day_snapshot import read_snapshot, snapshot_path, write_snapshot
from tui.core.paper import Day, Kind, Paper, announced_kind, base_id, listing_order

if TYPE_CHECKING:
    from tui.core.calendar import Calendar

DAY_TABLE: Final = "day"
PAPERS_TABLE: Final = "papers"
INDEX_SUFFIX: Final = ".index.json"
KEPT_FILE: Final = "papers-by-id.json"
"""Papers fetched by id (starred or imported papers no cached day has), for ``find``."""
KEPT_VERSION: Final = 1
_DAY_FILE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.json$")
_PARSED_DAYS_KEPT: Final = 4

Signature = tuple[int, int, int]
"""A day file's inode, size and mtime: which version of the file an index or parse describes."""


def _signature(stat: os.stat_result) -> Signature:
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


@dataclass(frozen=True, slots=True)
class _Index:
    signature: Signature
    categories: tuple[str, ...]
    fetched_at: datetime | None
    ids: frozenset[str]
    exact: bool = False

    @classmethod
    def of(cls, day: Day, signature: Signature) -> _Index:
        ids = frozenset(p.id for p in day.papers)
        return cls(signature, day.categories, day.fetched_at, ids, day.provenance.exact)

    def to_json(self) -> bytes:
        data = {
            "signature": list(self.signature),
            "categories": list(self.categories),
            "fetched_at": self.fetched_at.isoformat() if self.fetched_at else None,
            "ids": sorted(self.ids),
            "exact": self.exact,
        }
        return json.dumps(data, separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> _Index:
        data = json.loads(raw)
        ino, size, mtime = data["signature"]
        fetched = data["fetched_at"]
        return cls(
            signature=(int(ino), int(size), int(mtime)),
            categories=tuple(str(c) for c in data["categories"]),
            fetched_at=datetime.fromisoformat(fetched) if fetched else None,
            ids=frozenset(str(i) for i in data["ids"]),
            exact=bool(data.get("exact", False)),
        )


class DayCache:
    """Cached listing days by date. Thread-safe; several processes may share the directory."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = Path(directory) if directory is not None else paths.days_dir()
        self.directory.mkdir(parents=True, exist_ok=True)
        remove_abandoned_temps(self.directory)  # a day file is megabytes: don't let them pile up
        self.notices: list[str] = []
        self._lock = threading.Lock()
        self._kept_lock = threading.Lock()
        self._parsed: OrderedDict[tuple[date, Signature], Day] = OrderedDict()

    # ----------------------------------------------------------------- public

    def load(self, day: date, categories: Sequence[str]) -> Day | None:
        """The cached day if it was fetched for (at least) these categories, else None."""
        wanted = tuple(categories)
        index = self._index(day)
        if index is None or not set(wanted) <= set(index.categories):
            return None
        cached = self._read(day)
        if cached is None or not cached.covers(wanted):
            return None
        narrowed = cached.narrowed_to(wanted)
        return replace(narrowed, source="cache", provenance=narrowed.provenance.archived())

    def save(self, day: Day) -> None:
        """Keep ``day`` (atomically): the local archive of listing days.

        A day as arXiv announced it (``provenance.exact``) is kept for good: a reconstructed day
        never replaces it, and another exact fetch of the date for other categories is joined
        to it (the announcement is the same whatever one follows). Otherwise a later fetch wins.
        """
        existing = self._index(day.date)
        if existing is not None:
            held = self._read(day.date) if existing.exact or day.provenance.exact else None
            if held is not None and held.provenance.exact:
                if not day.provenance.exact:
                    return
                if (
                    day.provenance.partial
                    and held.provenance.final
                    and set(day.categories) <= set(held.categories)
                ):
                    return  # the kept copy has the versions and dates this fetch lacks
                day = _joined(held, day)
            elif (
                not day.provenance.exact
                and existing.fetched_at is not None
                and (day.fetched_at is None or existing.fetched_at > day.fetched_at)
            ):
                return
        path = self._day_path(day.date)
        meta = day.to_dict()
        papers = meta.pop("papers")
        # Documents gather in tinydb's write cache; closing makes the one (atomic) write.
        middleware = CachingMiddleware(AtomicJSONStorage)  # type: ignore[no-untyped-call]
        database = TinyDB(path, storage=middleware, fresh=True)
        try:
            database.table(DAY_TABLE).insert(meta)
            database.table(PAPERS_TABLE).insert_multiple(papers)
        finally:
            database.close()
        storage = middleware.storage
        assert isinstance(storage, AtomicJSONStorage)
        written = storage.written
        if written is None:
            return
        signature = _signature(written)
        with self._lock:
            self._remember(day.date, signature, day)
        self._write_index(day.date, _Index.of(day, signature))
        write_snapshot(snapshot_path(path), signature, day)

    def dates(self) -> list[date]:
        """Dates with a cached day, newest first."""
        found: list[date] = []
        for entry in os.scandir(self.directory):
            match = _DAY_FILE.match(entry.name)
            if match is None:
                continue
            try:
                found.append(date.fromisoformat(match.group(1)))
            except ValueError:
                continue
        return sorted(found, reverse=True)

    def shown_before(self, ids: Iterable[str], day: date) -> dict[str, date]:
        """For each paper id, the newest cached day before ``day`` that listed it (read from
        the small index files only, never the day files)."""
        wanted = {base_id(raw) for raw in ids}
        found: dict[str, date] = {}
        for earlier in self.dates():
            if not wanted:
                break
            if earlier >= day:
                continue
            index = self._index(earlier)
            if index is None:
                continue
            for paper_id in wanted & index.ids:
                found[paper_id] = earlier
            wanted -= index.ids
        return found

    def find(self, ids: Iterable[str]) -> dict[str, Paper]:
        """Papers by id without version, from the newest cached day that has each."""
        wanted = {base_id(raw) for raw in ids}
        found: dict[str, Paper] = {}
        for day in self.dates():
            if not wanted:
                break
            index = self._index(day)
            if index is None or not (hits := wanted & index.ids):
                continue
            cached = self._read(day)
            if cached is None:
                continue
            for paper in cached.papers:
                if paper.id in hits:
                    found[paper.id] = paper
                    wanted.discard(paper.id)
        if wanted:
            kept = self._read_kept()
            for paper_id in wanted & kept.keys():
                with contextlib.suppress(ValueError, KeyError, TypeError):
                    found[paper_id] = Paper.from_dict(kept[paper_id])
        return found

    def keep(self, papers: Iterable[Paper]) -> None:
        """Keep papers fetched by id (starred or imported papers no cached day has), so that
        ``find`` has them next time without asking arXiv. OSError if it cannot be written.
        Two processes keeping papers at the same moment may lose one's: it is a cache."""
        fresh = {paper.id: paper.to_dict() for paper in papers}
        if not fresh:
            return
        with self._kept_lock:
            kept = self._read_kept()
            kept.update(fresh)
            data = {"version": KEPT_VERSION, "papers": kept}
            atomic_write_bytes(self._kept_path(), json.dumps(data, ensure_ascii=False).encode())

    def _kept_path(self) -> Path:
        return self.directory / KEPT_FILE

    def _read_kept(self) -> dict[str, Any]:
        """The kept papers' documents by id; a damaged file is moved aside (and said)."""
        path = self._kept_path()
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as error:
            self._notice(f"{path.name} could not be read ({os_reason(error)})")
            return {}
        try:
            data = json.loads(raw)
            papers = data["papers"]
            if not isinstance(papers, dict) or data.get("version") != KEPT_VERSION:
                raise ValueError("not a file of kept papers")
            return papers
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as error:
            with contextlib.suppress(OSError):
                aside = move_aside(path)
                self._notice(
                    f"{path.name} was damaged ({describe_error(error)}); moved aside to "
                    f"{aside.name}"
                )
            return {}

    # ----------------------------------------------------------------- files

    def _day_path(self, day: date) -> Path:
        return self.directory / f"{day.isoformat()}.json"

    def _index_path(self, day: date) -> Path:
        return self.directory / f"{day.isoformat()}{INDEX_SUFFIX}"

    def _index(self, day: date) -> _Index | None:
        """The day's index, rebuilt from the day file if stale; None if there is no usable day."""
        path = self._day_path(day)
        try:
            current = _signature(path.stat())
        except FileNotFoundError:
            return None
        except OSError as error:
            self._cannot_read(path, error)
            return None
        try:
            index = _Index.from_json(self._index_path(day).read_bytes())
            if index.signature == current:
                return index
        except (OSError, ValueError, KeyError, TypeError):
            pass  # derived data: rebuild it
        parsed = self._read_with_signature(day)
        if parsed is None:
            return None
        cached, signature = parsed
        index = _Index.of(cached, signature)
        self._write_index(day, index)
        return index

    def _write_index(self, day: date, index: _Index) -> None:
        with contextlib.suppress(OSError):  # only an optimisation; the next look rebuilds it
            atomic_write_bytes(self._index_path(day), index.to_json())

    def _read(self, day: date) -> Day | None:
        parsed = self._read_with_signature(day)
        return parsed[0] if parsed else None

    def _read_with_signature(self, day: date) -> tuple[Day, Signature] | None:
        path = self._day_path(day)
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            return None
        except OSError as error:  # not ours to read, a directory, an I/O error
            self._cannot_read(path, error)
            return None
        with handle:
            signature = _signature(os.fstat(handle.fileno()))
            with self._lock:
                cached = self._parsed.get((day, signature))
                if cached is not None:
                    self._parsed.move_to_end((day, signature))
                    return cached, signature
            fast = read_snapshot(snapshot_path(path), signature)
            if fast is not None and fast.date == day:
                with self._lock:
                    self._remember(day, signature, fast)
                return fast, signature
            try:
                raw = handle.read()
            except OSError as error:
                self._cannot_read(path, error)
                return None
            try:
                parsed = _day_from_database(raw, path)
                if parsed.date != day:
                    raise ValueError(f"it holds {parsed.date.isoformat()}")
            except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as error:
                self._quarantine(path, handle, error)
                return None
        with self._lock:
            self._remember(day, signature, parsed)
        write_snapshot(snapshot_path(path), signature, parsed)
        return parsed, signature

    def _remember(self, day: date, signature: Signature, parsed: Day) -> None:
        self._parsed[(day, signature)] = parsed
        self._parsed.move_to_end((day, signature))
        while len(self._parsed) > _PARSED_DAYS_KEPT:
            self._parsed.popitem(last=False)

    def _quarantine(self, path: Path, handle: BinaryIO, error: BaseException) -> None:
        try:
            if path.stat().st_ino != os.fstat(handle.fileno()).st_ino:
                return  # already replaced by a good save
            aside = move_aside(path)
        except FileNotFoundError:
            return  # another process moved it aside first
        except OSError as move_error:
            self._notice(
                f"{path.name} is unreadable ({describe_error(error)}) and could not be moved "
                f"aside ({os_reason(move_error)}); that day will be fetched again"
            )
            return
        self._notice(
            f"{path.name} was unreadable ({describe_error(error)}); moved aside to {aside}; "
            "that day will be fetched again"
        )

    def _cannot_read(self, path: Path, error: OSError) -> None:
        self._notice(
            f"{path.name} could not be read ({os_reason(error)}); that day will be fetched"
        )

    def _notice(self, text: str) -> None:
        with self._lock:
            if text not in self.notices:
                self.notices.append(text)


def worth_fetching(cached: Day | None, now: datetime, calendar: Calendar | None = None) -> bool:
    """Whether to ask arXiv for a day of which ``cached`` is kept (None: nothing kept).

    A copy exactly as announced, in full, is final. Any other copy is fetched again while an
    exact source still has the day: the newest listing (RSS, /new) or up to 90 days back
    (catchup); an older reconstructed copy is the best there is.
    """
    if cached is None:
        return True
    if cached.provenance.final:
        return False
    from tui.core.calendar import default_calendar, in_catchup

    calendar = calendar or default_calendar()
    return cached.date >= calendar.latest_listing_day(now) or in_catchup(cached.date, now)


def _joined(held: Day, fetched: Day) -> Day:
    """One exact day of a date from two exact fetches for (maybe) different categories.

    The newer fetch's record of a paper wins; the held day's other papers stay; each paper's
    kind is what both fetches together say of it for the joined categories (``announced_kind``).
    """
    if set(held.categories) <= set(fetched.categories):
        return fetched
    categories = tuple(dict.fromkeys([*fetched.categories, *held.categories]))
    followed = set(categories)
    kinds: dict[str, list[Kind]] = {}
    papers: dict[str, Paper] = {}
    for paper in (*held.papers, *fetched.papers):
        kinds.setdefault(paper.id, []).append(paper.kind)
        papers[paper.id] = paper
    joined = []
    for paper_id, paper in papers.items():
        kind = announced_kind(kinds[paper_id], paper.primary_category in followed)
        joined.append(paper if kind is paper.kind else paper.with_kind(kind))
    return replace(fetched, categories=categories, papers=tuple(sorted(joined, key=listing_order)))


def _day_from_database(raw: bytes, path: Path) -> Day:
    """Parse a day file (a tinydb database); ``ValueError``/``KeyError`` if damaged.

    The tables are taken from one parse of the file, in document order, as tinydb's
    ``table(...).all()`` lists them: going through tinydb parses the whole file once per table
    and copies every document (a 5,000-paper day: ~140 ms instead of ~60).
    """
    tables = AtomicJSONStorage(path, preloaded=raw).read() or {}
    metas = _documents(tables, DAY_TABLE)
    papers = _documents(tables, PAPERS_TABLE)
    if len(metas) != 1:
        raise ValueError(f"expected one day document, found {len(metas)}")
    return Day.from_dict({**metas[0], "papers": papers})


def _documents(tables: dict[str, dict[str, Any]], name: str) -> list[dict[str, Any]]:
    documents = list(tables.get(name, {}).values())
    if not all(isinstance(document, dict) for document in documents):
        raise ValueError(f"table {name!r} holds something other than documents")
    return documents
