"""The day cache: one tinydb file per date, superset logic, find across days, damaged files."""

from __future__ import annotations

import json
import os
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import factories
import pytest
from factories import ANNOUNCED

from tui import paths
from tui.adapters.day_cache import INDEX_SUFFIX, DayCache
from tui.adapters.sample import load_sample_day
from tui.core.paper import (
    LEGACY,
    RECONSTRUCTED,
    Day,
    Kind,
    Paper,
    Provenance,
    announced_kind,
)

APRIL_9 = date(2025, 4, 9)
FETCHED = datetime(2025, 4, 9, 1, 30, tzinfo=UTC)


def make_paper(
    paper_id: str,
    title: str = "A title",
    version: int = 1,
    *,
    categories: tuple[str, ...] = ("cs.LG", "stat.ML"),
    kind: Kind = Kind.CROSS,
) -> Paper:
    """A paper with every kind of field set, markup-looking text and non-ASCII names."""
    return factories.paper(
        id=paper_id,
        version=version,
        title=title,
        authors=("A. Author", "B. Écrivain"),
        abstract="We study $x^2$ and [/] markup-looking text.",
        categories=categories,
        published=datetime(2025, 4, 7, 18, 0, tzinfo=UTC),
        kind=kind,
        comment="12 pages",
        affiliations=(("Somewhere",), ()),
    )


def make_day(
    when: date = APRIL_9,
    categories: tuple[str, ...] = ("cs.LG",),
    papers: tuple[Paper, ...] = (),
    fetched: datetime = FETCHED,
    provenance: Provenance = RECONSTRUCTED,
) -> Day:
    """A day of two papers, reconstructed unless told otherwise."""
    papers = papers or (make_paper("2504.00001"), make_paper("2504.00002"))
    return factories.day(
        when, papers, categories=categories, fetched_at=fetched, provenance=provenance
    )


@pytest.fixture
def cache(tmp_path: Path) -> DayCache:
    return DayCache(tmp_path / "days")


def test_default_directory_is_the_days_dir() -> None:
    DayCache().save(make_day())
    assert (paths.days_dir() / "2025-04-09.json").is_file()


def test_save_and_load_round_trip(cache: DayCache) -> None:
    day = load_sample_day()
    day = replace(day, fetched_at=FETCHED, source="arxiv")
    cache.save(day)
    loaded = DayCache(cache.directory).load(day.date, day.categories)
    assert loaded is not None
    assert loaded.source == "cache"
    assert replace(loaded, source="arxiv") == day
    assert [p.id for p in loaded.papers] == [p.id for p in day.papers]  # listing order kept


def test_the_day_file_is_a_tinydb_database_written_whole(cache: DayCache) -> None:
    cache.save(make_day())
    database = json.loads((cache.directory / "2025-04-09.json").read_text())
    assert set(database) == {"day", "papers"}
    assert database["day"]["1"]["categories"] == ["cs.LG"]
    assert [doc["id"] for doc in database["papers"].values()] == ["2504.00001", "2504.00002"]
    assert not list(cache.directory.glob("*.tmp-*"))


def test_load_of_an_uncached_day_is_none(cache: DayCache) -> None:
    assert cache.load(APRIL_9, ["cs.LG"]) is None


def test_a_superset_serves_its_subsets_but_not_more(cache: DayCache) -> None:
    cache.save(make_day(categories=("cs.LG", "cs.AI")))
    assert cache.load(APRIL_9, ["cs.LG"]) is not None
    assert cache.load(APRIL_9, ["cs.AI", "cs.LG"]) is not None
    assert cache.load(APRIL_9, ["cs.LG", "cs.CV"]) is None
    assert cache.load(APRIL_9, []) is not None


def test_a_superset_served_for_a_subset_holds_only_that_subset_as_arxiv_lists_it(
    cache: DayCache,
) -> None:
    def listed(paper_id: str, categories: tuple[str, ...], kind: Kind) -> Paper:
        return make_paper(paper_id, categories=categories, kind=kind)

    papers = (
        listed("2504.00001", ("cs.LG",), Kind.NEW),
        listed("2504.00002", ("cs.AI", "cs.LG"), Kind.NEW),  # new in cs.AI, cross-listed to cs.LG
        listed("2504.00003", ("cs.AI",), Kind.NEW),
        listed("2504.00004", ("math.OC", "cs.AI"), Kind.CROSS),
        listed("2504.00005", ("math.OC", "cs.LG"), Kind.CROSS),
        listed("2504.00006", ("cs.AI", "cs.LG"), Kind.REPLACE),
    )
    cache.save(make_day(categories=("cs.LG", "cs.AI"), papers=papers))

    only_lg = cache.load(APRIL_9, ["cs.LG"])
    assert only_lg is not None
    assert only_lg.categories == ("cs.LG",)
    assert [(p.id, p.kind) for p in only_lg.papers] == [
        ("2504.00001", Kind.NEW),
        ("2504.00002", Kind.CROSS),
        ("2504.00005", Kind.CROSS),
        ("2504.00006", Kind.REPLACE),
    ]
    both = cache.load(APRIL_9, ["cs.AI", "cs.LG"])
    assert both is not None and both.papers == papers and both.categories == ("cs.LG", "cs.AI")


def test_an_older_fetch_does_not_replace_a_newer_one(cache: DayCache) -> None:
    cache.save(make_day(categories=("cs.LG", "cs.AI")))
    cache.save(make_day(categories=("cs.LG",), fetched=FETCHED - timedelta(hours=1)))
    assert cache.load(APRIL_9, ["cs.LG", "cs.AI"]) is not None


def test_a_newer_fetch_of_the_same_date_replaces_the_file(cache: DayCache) -> None:
    cache.save(make_day(categories=("cs.LG", "cs.AI")))
    newer = make_day(
        categories=("cs.CV",),
        papers=(make_paper("2504.00003"),),
        fetched=FETCHED + timedelta(hours=1),
    )
    cache.save(newer)
    assert cache.load(APRIL_9, ["cs.LG"]) is None
    loaded = cache.load(APRIL_9, ["cs.CV"])
    assert loaded is not None and [p.id for p in loaded.papers] == ["2504.00003"]
    # A fresh instance (another process) sees the same, whatever indexes it had.
    assert DayCache(cache.directory).load(APRIL_9, ["cs.LG"]) is None


def test_dates_newest_first(cache: DayCache) -> None:
    for offset in (3, 0, 7, 1):
        cache.save(make_day(when=APRIL_9 - timedelta(days=offset)))
    (cache.directory / "notes.json").write_text("{}")
    assert cache.dates() == [APRIL_9 - timedelta(days=n) for n in (0, 1, 3, 7)]


def test_find_across_days_newest_wins(cache: DayCache) -> None:
    cache.save(make_day(when=date(2025, 4, 8), papers=(make_paper("2504.00001", "old", 1),)))
    cache.save(
        make_day(papers=(make_paper("2504.00001", "new", 2), make_paper("2504.00002", "only here")))
    )
    cache.save(make_day(when=date(2025, 4, 7), papers=(make_paper("hep-th/9901001", "older"),)))
    found = DayCache(cache.directory).find(
        ["2504.00001v1", "2504.00002", "hep-th/9901001", "2504.99999"]
    )
    assert set(found) == {"2504.00001", "2504.00002", "hep-th/9901001"}
    assert found["2504.00001"].title == "new" and found["2504.00001"].version == 2
    assert found["hep-th/9901001"].title == "older"


def test_find_with_missing_or_stale_indexes(cache: DayCache) -> None:
    cache.save(make_day(papers=(make_paper("2504.00001"),)))
    index = cache.directory / f"2025-04-09{INDEX_SUFFIX}"
    index.unlink()
    assert set(DayCache(cache.directory).find(["2504.00001"])) == {"2504.00001"}
    assert index.exists()  # rebuilt
    # An index describing another version of the day file is not trusted.
    stale = json.loads(index.read_text())
    stale["ids"] = ["2504.77777"]
    stale["signature"][1] += 1
    index.write_text(json.dumps(stale))
    assert set(DayCache(cache.directory).find(["2504.00001"])) == {"2504.00001"}
    assert DayCache(cache.directory).find(["2504.77777"]) == {}


@pytest.mark.parametrize(
    "garbage",
    [b'{"day": {"1": {"date": "2025-04', b"", b"[]", b'{"day": {}, "papers": {}}'],
    ids=["torn", "empty", "wrong-shape", "no-day-document"],
)
def test_a_damaged_day_file_is_moved_aside(cache: DayCache, garbage: bytes) -> None:
    cache.save(make_day())
    day_file = cache.directory / "2025-04-09.json"
    day_file.write_bytes(garbage)

    fresh = DayCache(cache.directory)
    assert fresh.load(APRIL_9, ["cs.LG"]) is None
    aside = list(cache.directory.glob("2025-04-09.json.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == garbage
    assert len(fresh.notices) == 1
    assert "2025-04-09.json was unreadable" in fresh.notices[0]
    assert str(aside[0]) in fresh.notices[0]
    assert fresh.dates() == []
    assert fresh.find(["2504.00001"]) == {}

    fresh.save(make_day())  # the refetch
    assert fresh.load(APRIL_9, ["cs.LG"]) is not None


def test_a_day_file_holding_another_date_is_damaged(cache: DayCache) -> None:
    cache.save(make_day(when=date(2025, 4, 8)))
    (cache.directory / "2025-04-08.json").rename(cache.directory / "2025-04-09.json")
    assert cache.load(APRIL_9, ["cs.LG"]) is None
    assert cache.notices and "holds 2025-04-08" in cache.notices[0]


def test_a_big_day_is_one_write(cache: DayCache, monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.adapters import atomic

    writes: list[Path] = []
    real = atomic.atomic_write_bytes

    def counting(path: Path, data: bytes):  # type: ignore[no-untyped-def]
        writes.append(path)
        return real(path, data)

    monkeypatch.setattr(atomic, "atomic_write_bytes", counting)
    papers = tuple(make_paper(f"2504.{n:05d}") for n in range(5000))
    cache.save(make_day(papers=papers))
    assert [path.name for path in writes] == ["2025-04-09.json"]
    loaded = DayCache(cache.directory).load(APRIL_9, ["cs.LG"])
    assert loaded is not None and len(loaded.papers) == 5000


def test_a_day_file_that_cannot_be_read_is_a_miss_with_a_notice(cache: DayCache) -> None:
    (cache.directory / "2025-04-09.json").mkdir()  # open() fails: Is a directory
    assert cache.load(APRIL_9, ["cs.LG"]) is None
    assert cache.find(["2504.00001"]) == {}
    assert cache.notices == [
        "2025-04-09.json could not be read (Is a directory); that day will be fetched"
    ]


def test_a_damaged_day_file_that_cannot_be_moved_aside_is_a_miss_with_a_notice(
    cache: DayCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.adapters import day_cache

    def refuse(path: Path) -> Path:
        raise PermissionError(13, "Permission denied")

    (cache.directory / "2025-04-09.json").write_bytes(b"{torn")
    monkeypatch.setattr(day_cache, "move_aside", refuse)
    assert cache.load(APRIL_9, ["cs.LG"]) is None
    assert len(cache.notices) == 1
    assert "could not be moved aside (Permission denied)" in cache.notices[0]


def test_temporary_files_of_killed_saves_are_removed_once_abandoned(tmp_path: Path) -> None:
    days = tmp_path / "days"
    days.mkdir()
    abandoned = days / "2025-04-09.json.tmp-0123456789ab"
    abandoned.write_bytes(b'{"day": {"1": {"date": "2025-0')  # a save killed mid-write
    two_hours_ago = time.time() - 7200
    os.utime(abandoned, (two_hours_ago, two_hours_ago))
    in_progress = days / "2025-04-08.json.tmp-ba9876543210"
    in_progress.write_bytes(b"{")
    cache = DayCache(days)
    assert not abandoned.exists()
    assert in_progress.exists()  # another process may be writing it right now
    assert cache.dates() == []


# ---------------------------------------------------------------- the archive of exact days


def paper_in(paper_id: str, *categories: str, kind: Kind = Kind.NEW) -> Paper:
    return make_paper(paper_id, categories=categories, kind=kind)


def test_an_exact_day_is_kept_with_where_it_came_from_and_read_back_as_the_archive() -> None:
    day = make_day(APRIL_9, papers=(make_paper("2504.00001"),), provenance=ANNOUNCED)
    DayCache().save(day)
    for cache in (DayCache(), DayCache()):  # the parsed copy, then the snapshot or the file
        loaded = cache.load(APRIL_9, day.categories)
        assert loaded is not None
        assert loaded.provenance == Provenance(True, "archive", origin="catchup")
        assert loaded.provenance.label == "as announced (kept catchup)"


def test_a_reconstructed_day_never_replaces_an_exact_one() -> None:
    exact = make_day(APRIL_9, papers=(make_paper("2504.00001"),), provenance=ANNOUNCED)
    DayCache().save(exact)
    later = make_day(
        APRIL_9, papers=(make_paper("2504.00002"),), fetched=FETCHED + timedelta(days=1)
    )
    DayCache().save(later)
    loaded = DayCache().load(APRIL_9, exact.categories)
    assert loaded is not None
    assert [p.id for p in loaded.papers] == ["2504.00001"]
    assert loaded.provenance.exact


def test_an_exact_day_replaces_a_reconstructed_one_even_if_fetched_earlier() -> None:
    guessed = make_day(
        APRIL_9, papers=(make_paper("2504.00002"),), fetched=FETCHED + timedelta(days=1)
    )
    DayCache().save(guessed)
    exact = make_day(APRIL_9, papers=(make_paper("2504.00001"),), provenance=ANNOUNCED)
    DayCache().save(exact)
    loaded = DayCache().load(APRIL_9, exact.categories)
    assert loaded is not None and [p.id for p in loaded.papers] == ["2504.00001"]


def test_two_exact_fetches_for_other_categories_are_joined_not_replaced() -> None:
    lg = make_day(
        APRIL_9,
        ("cs.LG",),
        (
            paper_in("2504.00001", "cs.LG"),
            paper_in("2504.00003", "cs.CV", "cs.LG", kind=Kind.CROSS),
        ),
        provenance=ANNOUNCED,
    )
    cv = make_day(
        APRIL_9,
        ("cs.CV",),
        (paper_in("2504.00002", "cs.CV"), paper_in("2504.00003", "cs.CV", "cs.LG")),
        fetched=FETCHED + timedelta(hours=1),
        provenance=ANNOUNCED,
    )
    DayCache().save(lg)
    DayCache().save(cv)
    both = DayCache().load(APRIL_9, ("cs.LG", "cs.CV"))
    assert both is not None
    assert {p.id: p.kind for p in both.papers} == {
        "2504.00001": Kind.NEW,
        "2504.00002": Kind.NEW,
        "2504.00003": Kind.NEW,  # new in cs.CV, which is followed now
    }
    only_lg = DayCache().load(APRIL_9, ("cs.LG",))
    assert only_lg is not None
    assert {p.id: p.kind for p in only_lg.papers} == {
        "2504.00001": Kind.NEW,
        "2504.00003": Kind.CROSS,
    }


def test_a_day_kept_by_an_earlier_version_reads_as_reconstructed(tmp_path: Path) -> None:
    day = make_day(APRIL_9, papers=(make_paper("2504.00001"),))
    data = day.to_dict()
    del data["provenance"]
    assert Day.from_dict(data).provenance == LEGACY
    assert not LEGACY.exact and "submission time" in LEGACY.note


def test_joining_and_narrowing_keep_an_older_paper_newly_cross_listed_a_cross_list() -> None:
    # A January math.OC paper cross-listed into cs.LG on this day: on cs.LG's page a cross-list.
    older = paper_in("2601.00042", "math.OC", "cs.LG", kind=Kind.CROSS)
    lg = make_day(APRIL_9, ("cs.LG",), (older,), provenance=ANNOUNCED)
    oc = make_day(
        APRIL_9,
        ("math.OC",),
        (paper_in("2504.00009", "math.OC"),),  # math.OC's page: not the cross event (no-match)
        fetched=FETCHED + timedelta(hours=1),
        provenance=ANNOUNCED,
    )
    DayCache().save(lg)
    DayCache().save(oc)
    both = DayCache().load(APRIL_9, ("cs.LG", "math.OC"))
    assert both is not None
    assert {p.id: p.kind for p in both.papers}["2601.00042"] is Kind.CROSS
    only_oc = DayCache().load(APRIL_9, ("math.OC",))
    assert only_oc is not None
    assert {p.id: p.kind for p in only_oc.papers}["2601.00042"] is Kind.CROSS


@pytest.mark.parametrize(
    ("seen", "primary_followed", "kind"),
    [
        ({Kind.NEW, Kind.CROSS}, True, Kind.NEW),
        ({Kind.NEW}, False, Kind.CROSS),
        ({Kind.REPLACE, Kind.CROSS}, True, Kind.REPLACE),  # replaced and cross-listed that day
        ({Kind.REPLACE, Kind.CROSS}, False, Kind.CROSS),
        ({Kind.REPLACE}, False, Kind.REPLACE),  # a replace-cross
        ({Kind.CROSS}, True, Kind.CROSS),  # an older paper newly cross-listed
    ],
)
def test_one_kind_from_what_each_page_said(
    seen: set[Kind], primary_followed: bool, kind: Kind
) -> None:
    assert announced_kind(seen, primary_followed) is kind


def test_shown_before_reads_the_indexes_for_the_newest_earlier_day(cache: DayCache) -> None:
    early, middle, late = date(2025, 4, 7), date(2025, 4, 8), date(2025, 4, 9)
    a, b, c = (make_paper(f"2504.0000{n}") for n in (1, 2, 3))
    cache.save(make_day(early, papers=(a, b)))
    cache.save(make_day(middle, papers=(b,)))
    cache.save(make_day(late, papers=(a, b, c)))
    assert cache.shown_before([a.id, b.id, c.id], late) == {a.id: early, b.id: middle}
    assert cache.shown_before([a.id], early) == {}


# ---------------------------------------------------------------- papers kept by id


def test_papers_kept_by_id_are_found_after_the_days(cache: DayCache) -> None:
    listed = factories.paper(number=1, day=date(2025, 4, 9), title="Listed on a day")
    cache.save(factories.day(date(2025, 4, 9), (listed,)))
    fetched = factories.paper(number=7, day=date(2024, 12, 3), title="Fetched by its id")
    other = factories.paper(number=1, day=date(2025, 4, 9), title="An older copy")
    cache.keep([fetched, other])
    again = DayCache(cache.directory)  # another process, or the next run
    found = again.find([fetched.id, listed.id, "2412.99999"])
    assert found == {fetched.id: fetched, listed.id: listed}  # a day's copy first
    cache.keep([])  # nothing to keep writes nothing
    assert again.find([fetched.versioned_id]) == {fetched.id: fetched}


def test_a_damaged_file_of_kept_papers_is_moved_aside_and_said(cache: DayCache) -> None:
    path = cache.directory / "papers-by-id.json"
    path.write_bytes(b'{"version": 1, "papers": [not json')
    assert cache.find(["2412.00007"]) == {}
    assert not path.exists()
    assert [p.name for p in cache.directory.glob("papers-by-id.json.corrupt-*")]
    assert any("papers-by-id.json was damaged" in notice for notice in cache.notices)
    fetched = factories.paper(number=7, day=date(2024, 12, 3))
    cache.keep([fetched])  # written anew
    assert cache.find([fetched.id]) == {fetched.id: fetched}
