"""The day snapshot: a faster copy of a cached day that is only ever used when it matches."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import factories

from tui.adapters import day_snapshot
from tui.adapters.day_cache import DayCache, _day_from_database
from tui.adapters.day_snapshot import read_snapshot, snapshot_path
from tui.adapters.sample import load_sample_day
from tui.core.paper import RECONSTRUCTED, Day, Kind

APRIL_9 = date(2025, 4, 9)


def varied_day(when: date = APRIL_9) -> Day:
    """Every kind of field: versions, kinds, None and set optionals, affiliations, naive times."""
    start = datetime(2025, 4, 7, 18, 0, tzinfo=UTC)
    papers = [
        factories.paper(
            number=n,
            version=1 + n % 3,
            title=f"Title {n} with $x^{n}$ and émigré",
            authors=tuple(f"Author {k}" for k in range(n % 4 + 1)),
            abstract="An abstract. " * (n + 1),
            categories=("cs.LG", "stat.ML")[: 1 + n % 2],
            published=start + timedelta(minutes=n),
            updated=start + timedelta(minutes=n + (n % 2) * 90),
            kind=list(Kind)[n % 3],
            comment=None if n % 2 else "12 pages",
            journal_ref="J. Stuff 1" if n == 3 else None,
            doi="10.1/x" if n == 4 else None,
            affiliations=(("Somewhere", "Else"), ()) if n % 2 else (),
            authors_truncated=n == 5,
        )
        for n in range(1, 7)
    ]
    fetched = datetime(2025, 4, 9, 1, 30, tzinfo=UTC)
    return factories.day(
        when,
        papers,
        categories=("cs.LG", "stat.ML"),
        fetched_at=fetched,
        provenance=RECONSTRUCTED,
    )


def day_file(directory: Path, when: date = APRIL_9) -> Path:
    return directory / f"{when.isoformat()}.json"


def from_json(directory: Path, when: date = APRIL_9) -> Day:
    path = day_file(directory, when)
    return _day_from_database(path.read_bytes(), path)


def test_a_saved_day_reads_back_the_same_from_its_snapshot(tmp_path: Path) -> None:
    for day in (varied_day(), load_sample_day()):
        DayCache(tmp_path).save(day)
        path = day_file(tmp_path, day.date)
        signature = DayCache(tmp_path)._index(day.date).signature  # type: ignore[union-attr]
        snapshot = read_snapshot(snapshot_path(path), signature)
        assert snapshot == from_json(tmp_path, day.date)
        assert DayCache(tmp_path)._read(day.date) == snapshot


def test_a_day_file_written_anew_makes_its_old_snapshot_useless(tmp_path: Path) -> None:
    DayCache(tmp_path).save(varied_day())
    old = snapshot_path(day_file(tmp_path)).read_bytes()
    newer = replace(varied_day(), fetched_at=datetime(2025, 4, 9, 2, 0, tzinfo=UTC))
    newer = replace(newer, papers=newer.papers[:2])
    DayCache(tmp_path).save(newer)
    snapshot_path(day_file(tmp_path)).write_bytes(old)  # as if the new one was never written
    loaded = DayCache(tmp_path).load(APRIL_9, ["cs.LG"])
    assert loaded is not None and len(loaded.papers) == len(from_json(tmp_path).papers) == 2


def test_a_damaged_snapshot_is_ignored_and_written_again(tmp_path: Path) -> None:
    DayCache(tmp_path).save(varied_day())
    snapshot = snapshot_path(day_file(tmp_path))
    for damage in (b"", snapshot.read_bytes()[:-40], snapshot.read_bytes()[:60] + b"\x00" * 50):
        snapshot.write_bytes(damage)
        cache = DayCache(tmp_path)
        assert cache._read(APRIL_9) == from_json(tmp_path)
        assert cache.notices == []  # the day file was fine: nothing to tell
        assert snapshot.read_bytes() != damage  # rewritten from the day file


def test_a_snapshot_of_another_python_or_paper_shape_is_ignored(tmp_path: Path) -> None:
    DayCache(tmp_path).save(varied_day())
    snapshot = snapshot_path(day_file(tmp_path))
    header, _, rest = snapshot.read_bytes().partition(b"\n")
    snapshot.write_bytes(header.replace(b"python 3.", b"python 9.") + b"\n" + rest)
    assert DayCache(tmp_path)._read(APRIL_9) == from_json(tmp_path)
    assert snapshot.read_bytes().startswith(header)  # written again for this Python


def test_only_the_most_recently_written_snapshots_are_kept(tmp_path: Path) -> None:
    cache = DayCache(tmp_path)
    days = [APRIL_9 - timedelta(days=n) for n in range(day_snapshot.KEPT + 2)]
    for when in days:
        cache.save(varied_day(when))
        time.sleep(0.01)  # distinct modification times
    kept = sorted(path.name for path in tmp_path.glob(f"*{day_snapshot.SUFFIX}"))
    expected = sorted(
        f"{when.isoformat()}{day_snapshot.SUFFIX}" for when in days[-day_snapshot.KEPT :]
    )
    assert kept == expected
    oldest = days[0]
    assert DayCache(tmp_path)._read(oldest) == from_json(tmp_path, oldest)  # from the day file


def test_the_day_cache_lists_no_snapshot_as_a_day(tmp_path: Path) -> None:
    cache = DayCache(tmp_path)
    cache.save(varied_day())
    assert cache.dates() == [APRIL_9]
    assert not any(name.startswith(".") for name in os.listdir(tmp_path))


def test_a_flipped_byte_in_a_title_is_caught_not_shown(tmp_path: Path) -> None:
    day = varied_day()
    DayCache(tmp_path).save(day)
    snapshot = snapshot_path(day_file(tmp_path))
    good = snapshot.read_bytes()
    where = good.index(b"Title 3 with")
    flipped = good[: where + 1] + bytes([good[where + 1] ^ 0x20]) + good[where + 2 :]  # "TItle"
    assert len(flipped) == len(good) and flipped != good
    snapshot.write_bytes(flipped)
    assert read_snapshot(snapshot, _signature_of(tmp_path)) is None
    loaded = DayCache(tmp_path)._read(APRIL_9)
    assert loaded is not None
    assert [p.title for p in loaded.papers] == [p.title for p in day.papers]
    rewritten = snapshot.read_bytes()  # written again from the day file
    assert rewritten != flipped and read_snapshot(snapshot, _signature_of(tmp_path)) is not None


def _signature_of(directory: Path) -> tuple[int, int, int]:
    stat = day_file(directory).stat()
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)
