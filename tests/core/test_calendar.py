"""arXiv's calendar: holidays remove listings and merge windows, DST moves them, data agrees."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from conftest import RECORDED, needs_shared_data

from tui.core.calendar import (
    EASTERN,
    FIRST_LISTING_DAY,
    Calendar,
    Listing,
    NoListing,
    bundled_holidays,
    default_calendar,
    parse_holidays,
)
from tui.core.listing import NotAListingDay, check_listing_day, listing_window

ONE_DAY = timedelta(days=1)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def eastern(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=EASTERN)


def cal_window(calendar: Calendar, day: date) -> tuple[datetime, datetime]:
    listing = calendar.listing(day)
    return listing.window_start, listing.window_end


def days(first: date, last: date) -> list[date]:
    return [first + ONE_DAY * n for n in range((last - first).days + 1)]


@pytest.fixture(scope="module")
def cal() -> Calendar:
    return Calendar()


# -- the bundled holiday table ----------------------------------------------------------------


@needs_shared_data()
def test_the_bundled_table_has_exactly_arxivs_dates() -> None:
    sql = (RECORDED / "holidays-arxiv-seed-2003-2026.sql").read_text(encoding="utf-8")
    rows = re.findall(r"\('(\d{4}-\d{2}-\d{2})',\s*'((?:[^']|'')*)',", sql)
    assert len(rows) == 144
    expected = {date.fromisoformat(d): text.replace("''", "'") for d, text in rows}
    assert dict(bundled_holidays()) == expected


def test_the_bundled_table_spans_2003_to_2026() -> None:
    table = bundled_holidays()
    assert min(table) == date(2003, 12, 25)
    assert max(table) == date(2026, 12, 31)
    assert table[date(2026, 1, 1)] == "2026 New Year's Day"
    assert default_calendar() is default_calendar()
    assert default_calendar().is_holiday(date(2025, 12, 25))


def test_a_holiday_table_reads_comments_and_refuses_junk() -> None:
    text = "# header\n\n2027-01-01  New Year\n2027-12-24 Christmas Eve  \n"
    assert parse_holidays(text) == {
        date(2027, 1, 1): "New Year",
        date(2027, 12, 24): "Christmas Eve",
    }
    with pytest.raises(ValueError, match="line 2: not a date: 'soon'"):
        parse_holidays("# x\nsoon  holiday\n")


# -- holidays remove listings and merge windows -------------------------------------------------


def test_the_issue_example_christmas_2025(cal: Calendar) -> None:
    assert not cal.is_listing_day(date(2025, 12, 26))
    assert cal.listing(date(2025, 12, 29)) == Listing(
        date=date(2025, 12, 29),
        window_start=utc(2025, 12, 24, 19),  # Wed 14:00 EST
        window_end=utc(2025, 12, 26, 19),  # Fri 14:00 EST
        announced_at=utc(2025, 12, 29, 1),  # Sun 20:00 EST
        absorbed=(date(2025, 12, 26),),
    )
    assert cal.listing(date(2025, 12, 29)).merged
    assert cal.listing(date(2025, 12, 25)).window_end == utc(2025, 12, 24, 19)
    assert not cal.listing(date(2025, 12, 25)).merged
    assert listing_window(date(2025, 12, 29)) == (utc(2025, 12, 24, 19), utc(2025, 12, 26, 19))


@pytest.mark.parametrize(
    ("holiday", "removed", "absorber", "start", "end", "absorbed"),
    [
        # Tue 2024-10-08 (retreat): no Wed listing; Thu carries Mon 14:00 .. Wed 14:00 EDT.
        ("2024-10-08", "2024-10-09", "2024-10-10", utc(2024, 10, 7, 18), utc(2024, 10, 9, 18), 1),
        # Wed 12-25 and Thu 12-26 2024: Thu and Fri listings gone; Mon 12-30 from Tue 12-24.
        ("2024-12-25", "2024-12-26", "2024-12-30", utc(2024, 12, 24, 19), utc(2024, 12, 27, 19), 2),
        ("2024-12-26", "2024-12-27", "2024-12-30", utc(2024, 12, 24, 19), utc(2024, 12, 27, 19), 2),
        # Tue 12-31 2024 and Wed 2025-01-01: Fri 2025-01-03 carries Mon 12-30 .. Thu 01-02.
        ("2024-12-31", "2025-01-01", "2025-01-03", utc(2024, 12, 30, 19), utc(2025, 1, 2, 19), 2),
        ("2025-01-01", "2025-01-02", "2025-01-03", utc(2024, 12, 30, 19), utc(2025, 1, 2, 19), 2),
        # Mon 2025-01-20 (MLK): no Tue listing; Wed carries Fri 01-17 .. Tue 01-21.
        ("2025-01-20", "2025-01-21", "2025-01-22", utc(2025, 1, 17, 19), utc(2025, 1, 21, 19), 1),
        # Fri 2025-07-04: no Monday listing; Tue 07-08 carries Thu 07-03 .. Mon 07-07.
        ("2025-07-04", "2025-07-07", "2025-07-08", utc(2025, 7, 3, 18), utc(2025, 7, 7, 18), 1),
        # Thu 2025-11-27 (Thanksgiving): no Fri listing; Mon 12-01 carries Wed .. Fri.
        ("2025-11-27", "2025-11-28", "2025-12-01", utc(2025, 11, 26, 19), utc(2025, 11, 28, 19), 1),
        # Tue 2025-12-30: no Wed 12-31 listing; Thu 2026-01-01 (New Year's Day) is listed.
        ("2025-12-30", "2025-12-31", "2026-01-01", utc(2025, 12, 29, 19), utc(2025, 12, 31, 19), 1),
        # Thu 2026-01-01: no Fri listing; Mon 01-05 carries Wed 12-31 .. Fri 01-02.
        ("2026-01-01", "2026-01-02", "2026-01-05", utc(2025, 12, 31, 19), utc(2026, 1, 2, 19), 1),
        # Fri 2026-07-03: no Mon 07-06 listing; Tue 07-07 carries Thu 07-02 .. Mon 07-06.
        ("2026-07-03", "2026-07-06", "2026-07-07", utc(2026, 7, 2, 18), utc(2026, 7, 6, 18), 1),
        # Thu 2026-12-31: the Friday 2027-01-01 listing is gone; Mon 2027-01-04 carries it.
        ("2026-12-31", "2027-01-01", "2027-01-04", utc(2026, 12, 30, 19), utc(2027, 1, 1, 19), 1),
    ],
)
def test_a_holiday_removes_one_listing_and_the_next_absorbs_it(
    cal: Calendar,
    holiday: str,
    removed: str,
    absorber: str,
    start: datetime,
    end: datetime,
    absorbed: int,
) -> None:
    assert cal.is_holiday(date.fromisoformat(holiday))
    assert not cal.is_freeze_day(date.fromisoformat(holiday))
    assert not cal.is_listing_day(date.fromisoformat(removed))
    listing = cal.listing(date.fromisoformat(absorber))
    assert (listing.window_start, listing.window_end) == (start, end)
    assert date.fromisoformat(removed) in listing.absorbed
    assert len(listing.absorbed) == absorbed
    assert cal.next_listing_day(date.fromisoformat(removed)) == listing.date


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_every_holiday_of_the_year_keeps_the_windows_tiling(cal: Calendar, year: int) -> None:
    first, last = date(year, 1, 1), date(year, 12, 31)
    listings = cal.listings_between(first - 14 * ONE_DAY, last + 14 * ONE_DAY)
    # Consecutive windows tile time: no gap, no overlap; announced after the window closes.
    for older, newer in itertools.pairwise(listings):
        assert newer.window_start == older.window_end
        assert newer.window_start < newer.window_end < newer.announced_at
        assert newer.announced_at == datetime.combine(
            newer.date - ONE_DAY, time(20), tzinfo=EASTERN
        )
    for listing in listings:
        start = listing.window_start.astimezone(EASTERN)
        end = listing.window_end.astimezone(EASTERN)
        assert start.time() == end.time() == time(14)
        between = [d for d in days(start.date() + ONE_DAY, end.date() - ONE_DAY) if d.weekday() < 5]
        # Weekdays inside a window had no freeze (holidays); a merged window spans one freeze
        # interval more per listing it carries.
        assert all(cal.is_holiday(d) for d in between)
        assert len(between) == len(listing.absorbed)
        assert listing.merged == (len(between) > 0)
    # The dates absorbed are exactly the weekdays without a listing.
    absorbed = [d for listing in listings for d in listing.absorbed]
    assert len(absorbed) == len(set(absorbed))
    removed = {d for d in days(first, last) if d.weekday() < 5 and not cal.is_listing_day(d)}
    assert {d for d in absorbed if first <= d <= last} == removed
    # Each weekday holiday removes the listing after it (Friday: the Monday), and nothing else.
    weekday_holidays = [h for h in bundled_holidays() if h.weekday() < 5]
    lost = {h + (3 if h.weekday() == 4 else 1) * ONE_DAY for h in weekday_holidays}
    assert removed == {d for d in lost if first <= d <= last}
    assert len(removed) >= 6


def test_a_weekend_holiday_changes_nothing(cal: Calendar) -> None:
    assert date(2025, 7, 6).weekday() == 6 and cal.is_holiday(date(2025, 7, 6))
    without = Calendar(holidays=set(bundled_holidays()) - {date(2025, 7, 6)})
    span = (date(2025, 6, 23), date(2025, 7, 18))
    assert cal.listings_between(*span) == without.listings_between(*span)


def test_without_holidays_every_weekday_is_listed() -> None:
    bare = Calendar(holidays=[])
    assert bare.is_listing_day(date(2025, 12, 26))
    assert cal_window(bare, date(2025, 12, 29)) == (utc(2025, 12, 25, 19), utc(2025, 12, 26, 19))
    assert bare.holidays_known_through() == date(1990, 12, 31)


# -- daylight-saving time -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("switch", "before_hour", "after_hour"),
    [
        (date(2024, 3, 10), 19, 18),
        (date(2024, 11, 3), 18, 19),
        (date(2025, 3, 9), 19, 18),
        (date(2025, 11, 2), 18, 19),
        (date(2026, 3, 8), 19, 18),
        (date(2026, 11, 1), 18, 19),
    ],
)
def test_dst_switch_weeks_move_the_edges_by_an_hour(
    cal: Calendar, switch: date, before_hour: int, after_hour: int
) -> None:
    assert switch.weekday() == 6
    thursday, friday = switch - 3 * ONE_DAY, switch - 2 * ONE_DAY
    monday, tuesday = switch + ONE_DAY, switch + 2 * ONE_DAY

    def at(day: date, hour: int) -> datetime:
        return utc(day.year, day.month, day.day, hour)

    mon = cal.listing(monday)  # Thu .. Fri, both on the old offset; announced Sunday
    assert (mon.window_start, mon.window_end) == (
        at(thursday, before_hour),
        at(friday, before_hour),
    )
    # Sunday 20:00 on the new offset: Monday 00:00 UTC in March, 01:00 UTC in November.
    assert mon.announced_at == at(switch, 0) + timedelta(hours=20 + after_hour - 14)
    tue = cal.listing(tuesday)  # Fri (old offset) .. Mon (new offset)
    assert (tue.window_start, tue.window_end) == (at(friday, before_hour), at(monday, after_hour))
    assert tue.window_end - tue.window_start == timedelta(hours=72 + after_hour - before_hour)
    wed = cal.listing(switch + 3 * ONE_DAY)
    assert (wed.window_start, wed.window_end) == (at(monday, after_hour), at(tuesday, after_hour))
    assert wed.announced_at == at(tuesday, 0) + timedelta(hours=after_hour + 6)


# -- arXiv's own files: mailings, the pastweek listing, a publish log ---------------------------

RECEIVED = re.compile(r"^received from\s+(.+?) GMT\s+to\s+(.+?) GMT\s*$", re.MULTILINE)


def mailing_window(name: str) -> tuple[datetime, datetime, datetime]:
    """(window start, window end, sent at) from the header of an arXiv mailing file."""
    text = (RECORDED / name).read_text(encoding="utf-8")
    sent = re.match(r"Date: (.+) GMT", text)
    received = RECEIVED.search(text)
    assert sent is not None and received is not None

    def gmt(written: str, layout: str) -> datetime:
        return datetime.strptime(" ".join(written.split()), layout).replace(tzinfo=UTC)

    return (
        gmt(received[1], "%a %d %b %y %H:%M:%S"),
        gmt(received[2], "%a %d %b %y %H:%M:%S"),
        gmt(sent[1], "%a, %d %b %y %H:%M:%S"),
    )


@needs_shared_data()
@pytest.mark.parametrize(
    ("name", "day", "start", "end"),
    [
        # Summer time had begun (2023-03-12): 14:00 EDT = 18:00 GMT.
        (
            "mailing-q-fin-new-2023-03-17.txt",
            date(2023, 3, 17),
            utc(2023, 3, 15, 18),
            utc(2023, 3, 16, 18),
        ),
        # Still winter time: 14:00 EST = 19:00 GMT.
        (
            "mailing-astro-ph-new-2023-03-03.txt",
            date(2023, 3, 3),
            utc(2023, 3, 1, 19),
            utc(2023, 3, 2, 19),
        ),
    ],
)
def test_mailing_headers_match_the_calendar(
    cal: Calendar, name: str, day: date, start: datetime, end: datetime
) -> None:
    window_start, window_end, sent = mailing_window(name)
    assert (window_start, window_end) == (start, end)
    listing = cal.listing(day)
    assert (listing.window_start, listing.window_end) == (window_start, window_end)
    # The mailing goes out shortly after the 20:00 ET publish run of the evening before.
    assert listing.announced_at <= sent < listing.announced_at + timedelta(hours=2)
    assert cal.listing_for_submission(window_start) == day
    assert cal.listing_for_submission(window_end - timedelta(seconds=1)) == day
    assert cal.listing_for_submission(window_end) == cal.next_listing_day(day)


@needs_shared_data()
def test_q_fin_new_submissions_are_in_or_before_the_window(cal: Calendar) -> None:
    text = (RECORDED / "mailing-q-fin-new-2023-03-17.txt").read_text(encoding="utf-8")
    new_part = text.split("%%--%%")[0]
    submitted = [
        datetime.strptime(m, "%a, %d %b %Y %H:%M:%S").replace(tzinfo=UTC)
        for m in re.findall(r"^Date: (\w{3}, \d+ \w{3} \d{4} [\d:]+) GMT", new_part, re.MULTILINE)
    ]
    listing = cal.listing(date(2023, 3, 17))
    inside = [t for t in submitted if listing.window_start <= t < listing.window_end]
    held = [t for t in submitted if t < listing.window_start]
    assert len(submitted) == 13 and len(inside) == 6 and len(held) == 7
    assert {cal.listing_for_submission(t) for t in inside} == {date(2023, 3, 17)}
    assert all(cal.listing_for_submission(t) < date(2023, 3, 17) for t in held)


@needs_shared_data()
def test_pastweek_headings_are_five_consecutive_listing_days(cal: Calendar) -> None:
    text = (RECORDED / "listing-astro-ph-pastweek-2023-02-27-to-03-03.txt").read_text(
        encoding="utf-8"
    )
    headings = re.findall(r"^/\* (\w{3}), (\d+ \w{3} \d{4}) \*/$", text, re.MULTILINE)
    named = [(weekday, datetime.strptime(d, "%d %b %Y").date()) for weekday, d in headings]
    assert len(named) == 5
    assert all(day.strftime("%a") == weekday for weekday, day in named)
    newest_first = [day for _, day in named]
    assert newest_first == [
        listing.date
        for listing in reversed(cal.listings_between(newest_first[-1], newest_first[0]))
    ]
    for newer, older in itertools.pairwise(newest_first):
        assert cal.previous_listing_day(newer) == older


def publish_log_new_submissions() -> tuple[datetime, list[datetime]]:
    """(first log time in ET, submit times of the new submissions in UTC) of the 2023-09-01 run."""
    lines = (RECORDED / "publish-log-2023-09-01-all-archives.log").read_text().splitlines()
    stamp = re.match(r"\[(\d\d)/(\d\d) (\d\d):(\d\d):(\d\d)\]", lines[0])
    assert stamp is not None
    month, day, hour, minute, second = (int(part) for part in stamp.groups())
    started = datetime(2023, month, day, hour, minute, second, tzinfo=EASTERN)
    submitted: list[datetime] = []
    current: datetime | None = None
    for line in lines:
        message = re.sub(r"^\[[^]]*\]\s*", "", line)
        if re.fullmatch(r"submission \d+", message):
            current = None
        elif message.startswith("submit time: "):
            current = datetime.fromisoformat(message.removeprefix("submit time: ")).replace(
                tzinfo=UTC
            )
        elif message == "new submission":
            assert current is not None
            submitted.append(current)
    return started, submitted


@needs_shared_data()
def test_publish_log_new_submissions_map_to_their_listing(cal: Calendar) -> None:
    started, submitted = publish_log_new_submissions()
    listing = cal.listing(date(2023, 9, 1))
    # The run of Thu 2023-08-31 20:00 ET is the announcement of listing Fri 2023-09-01.
    assert listing.announced_at == started.replace(second=0)
    assert cal.latest_listing_day(started) == date(2023, 9, 1)
    assert (listing.window_start, listing.window_end) == (
        utc(2023, 8, 30, 18),
        utc(2023, 8, 31, 18),
    )
    assert len(submitted) == 725
    inside = [t for t in submitted if listing.window_start <= t < listing.window_end]
    before = [t for t in submitted if t < listing.window_start]
    assert len(before) == 39  # held papers, released into this run
    assert len(inside) == 686
    assert len(inside) + len(before) == len(submitted)  # nothing from after the freeze
    assert all(cal.listing_for_submission(t) == date(2023, 9, 1) for t in inside)
    assert all(cal.listing_for_submission(t) < date(2023, 9, 1) for t in before)


# -- submissions ------------------------------------------------------------------------------


def test_a_submission_goes_to_the_next_freeze(cal: Calendar) -> None:
    # Thu 2025-04-10 13:59:59 EDT -> Friday; 14:00 -> Monday; Saturday -> Tuesday.
    assert cal.listing_for_submission(eastern(2025, 4, 10, 13, 59, 59)) == date(2025, 4, 11)
    assert cal.listing_for_submission(eastern(2025, 4, 10, 14)) == date(2025, 4, 14)
    assert cal.listing_for_submission(eastern(2025, 4, 11, 14)) == date(2025, 4, 15)
    assert cal.listing_for_submission(eastern(2025, 4, 12, 9)) == date(2025, 4, 15)
    # Christmas 2025: Wed 14:00 until Fri 14:00 all goes to Monday 12-29.
    assert cal.listing_for_submission(eastern(2025, 12, 24, 14)) == date(2025, 12, 29)
    assert cal.listing_for_submission(eastern(2025, 12, 25, 10)) == date(2025, 12, 29)
    assert cal.listing_for_submission(eastern(2025, 12, 26, 13, 59)) == date(2025, 12, 29)
    with pytest.raises(ValueError, match="time zone"):
        cal.listing_for_submission(datetime(2025, 4, 10, 12))


# -- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "message", "before", "after"),
    [
        (
            date(2025, 12, 26),
            "2025-12-26: no arXiv listing (holiday on 12-25); nearest: 2025-12-25 and 2025-12-29",
            date(2025, 12, 25),
            date(2025, 12, 29),
        ),
        (
            date(2025, 4, 12),
            "2025-04-12: no arXiv listing (a Saturday); nearest: 2025-04-11 and 2025-04-14",
            date(2025, 4, 11),
            date(2025, 4, 14),
        ),
        (
            date(2026, 7, 6),  # Friday 07-03 was the holiday
            "2026-07-06: no arXiv listing (holiday on 07-03); nearest: 2026-07-03 and 2026-07-07",
            date(2026, 7, 3),
            date(2026, 7, 7),
        ),
        (
            date(1990, 5, 1),
            "1990-05-01: no arXiv listing (arXiv's listings begin in August 1991); "
            "nearest: 1991-08-14",
            None,
            FIRST_LISTING_DAY,
        ),
    ],
)
def test_no_listing_says_why_in_one_line(
    cal: Calendar, day: date, message: str, before: date | None, after: date | None
) -> None:
    with pytest.raises(NoListing) as caught:
        cal.listing(day)
    assert str(caught.value) == message
    assert (caught.value.day, caught.value.before, caught.value.after) == (day, before, after)
    assert isinstance(caught.value, ValueError)
    with pytest.raises(NoListing, match=re.escape(message)):
        cal.check(day, now=utc(2027, 1, 15))


def test_a_day_not_announced_yet_is_refused_against_now(cal: Calendar) -> None:
    now = eastern(2026, 12, 8, 12)  # Tuesday noon: Tuesday's listing is the newest
    assert cal.check(date(2026, 12, 8), now) == date(2026, 12, 8)
    with pytest.raises(NoListing) as caught:
        cal.check(date(2026, 12, 9), now)
    assert str(caught.value) == (
        "2026-12-09: not announced yet (arXiv announces it on Tue 2026-12-08 at 20:00 ET); "
        "newest: 2026-12-08"
    )
    assert (caught.value.before, caught.value.after) == (date(2026, 12, 8), None)
    assert cal.check(date(2026, 12, 9), eastern(2026, 12, 8, 20)) == date(2026, 12, 9)


def test_a_refused_weekend_offers_only_announced_neighbours(cal: Calendar) -> None:
    with pytest.raises(NoListing) as caught:
        cal.check(date(2025, 4, 12), now=eastern(2025, 4, 12, 10))
    assert str(caught.value) == "2025-04-12: no arXiv listing (a Saturday); nearest: 2025-04-11"
    with pytest.raises(NoListing, match=r"nearest: 2025-04-11 and 2025-04-14$"):
        cal.check(date(2025, 4, 12), now=eastern(2025, 4, 13, 20))


def test_the_old_names_refuse_holidays_too() -> None:
    with pytest.raises(NotAListingDay, match=r"^2025-12-26: no arXiv listing \(holiday on 12-25\)"):
        check_listing_day(date(2025, 12, 26))
    with pytest.raises(
        NoListing,
        match=r"^2025-04-12: no arXiv listing \(a Saturday\); nearest: 2025-04-11 and 2025-04-14$",
    ):
        check_listing_day(date(2025, 4, 12))


def test_neighbours_skip_weekends_and_holidays(cal: Calendar) -> None:
    assert cal.next_listing_day(date(2025, 12, 25)) == date(2025, 12, 29)
    assert cal.previous_listing_day(date(2025, 12, 29)) == date(2025, 12, 25)
    assert cal.next_listing_day(date(2024, 12, 25)) == date(2024, 12, 30)
    assert cal.next_listing_day(date(1980, 1, 1)) == FIRST_LISTING_DAY
    with pytest.raises(NoListing):
        cal.previous_listing_day(FIRST_LISTING_DAY)
    assert [
        listing.date for listing in cal.listings_between(date(2025, 12, 22), date(2026, 1, 9))
    ] == [
        date(2025, 12, 22),
        date(2025, 12, 23),
        date(2025, 12, 24),
        date(2025, 12, 25),
        date(2025, 12, 29),
        date(2025, 12, 30),
        date(2026, 1, 1),
        date(2026, 1, 5),
        date(2026, 1, 6),
        date(2026, 1, 7),
        date(2026, 1, 8),
        date(2026, 1, 9),
    ]
    assert cal.listings_between(date(2025, 4, 12), date(2025, 4, 13)) == []


# -- the clock: the newest announcement and the RSS ---------------------------------------------


@pytest.mark.parametrize(
    ("now", "latest", "rss"),
    [
        (eastern(2025, 4, 10, 19, 59), date(2025, 4, 10), date(2025, 4, 10)),  # Thu before 20:00
        (eastern(2025, 4, 10, 20, 0), date(2025, 4, 11), date(2025, 4, 10)),  # Thu publish
        (eastern(2025, 4, 10, 23, 59), date(2025, 4, 11), date(2025, 4, 10)),  # RSS behind
        (eastern(2025, 4, 11, 0, 0), date(2025, 4, 11), date(2025, 4, 11)),  # midnight: caught up
        (eastern(2025, 4, 11, 21, 0), date(2025, 4, 11), date(2025, 4, 11)),  # Fri: no publish
        (eastern(2025, 4, 12, 12, 0), date(2025, 4, 11), None),  # Saturday
        (eastern(2025, 4, 13, 19, 59), date(2025, 4, 11), None),  # Sunday before 20:00
        (eastern(2025, 4, 13, 20, 0), date(2025, 4, 14), None),  # Sunday publish
        (eastern(2025, 4, 14, 0, 0), date(2025, 4, 14), date(2025, 4, 14)),
        # Thanksgiving 2025 (Thu 11-27): no run that evening, no Friday listing.
        (eastern(2025, 11, 26, 20, 0), date(2025, 11, 27), date(2025, 11, 26)),
        (eastern(2025, 11, 27, 20, 30), date(2025, 11, 27), date(2025, 11, 27)),
        (eastern(2025, 11, 28, 9, 0), date(2025, 11, 27), None),
        (eastern(2025, 11, 30, 20, 0), date(2025, 12, 1), None),
        (eastern(2025, 12, 1, 9, 0), date(2025, 12, 1), date(2025, 12, 1)),
        # Winter: 20:00 EST is 01:00 UTC the next day.
        (utc(2026, 1, 9, 0, 59), date(2026, 1, 8), date(2026, 1, 8)),
        (utc(2026, 1, 9, 1, 0), date(2026, 1, 9), date(2026, 1, 8)),
    ],
)
def test_latest_listing_and_rss_listing(
    cal: Calendar, now: datetime, latest: date, rss: date | None
) -> None:
    assert cal.latest_listing_day(now) == latest
    assert cal.rss_listing_day(now) == rss


def test_latest_and_rss_differ_only_between_20_and_24_et(cal: Calendar) -> None:
    moment = eastern(2025, 4, 7, 0, 0)  # a Monday
    while moment < eastern(2025, 4, 21):
        latest = cal.latest_listing_day(moment)
        rss = cal.rss_listing_day(moment)
        local = moment.astimezone(EASTERN)
        if rss is not None and rss != latest:
            assert local.hour >= 20 and latest == cal.next_listing_day(rss)
        elif rss is not None:
            assert local.hour < 20 or local.weekday() == 4
        moment += timedelta(minutes=30)


# -- holidays users add -------------------------------------------------------------------------


def test_extra_holidays_remove_a_listing() -> None:
    base = Calendar()
    assert base.holidays_known_through() == date(2026, 12, 31)
    assert base.is_listing_day(date(2027, 11, 26))  # Thanksgiving 2027 not known yet
    extended = Calendar(extra=[date(2027, 11, 25)])
    assert extended.holidays_known_through() == date(2027, 12, 31)
    assert extended.is_holiday(date(2027, 11, 25)) and extended.is_holiday(date(2025, 12, 25))
    assert not extended.is_listing_day(date(2027, 11, 26))
    monday = extended.listing(date(2027, 11, 29))
    assert monday.absorbed == (date(2027, 11, 26),)
    assert (monday.window_start, monday.window_end) == (
        utc(2027, 11, 24, 19),
        utc(2027, 11, 26, 19),
    )
    only = Calendar(holidays=[date(2027, 1, 1)])
    assert only.is_listing_day(date(2025, 12, 26))
    assert not only.is_listing_day(date(2027, 1, 4))  # a Friday holiday: no Monday listing
    assert only.holidays_known_through() == date(2027, 12, 31)
