from datetime import UTC, date, datetime

import pytest

from tui.core.listing import (
    NotAListingDay,
    announced_at,
    latest_listing_day,
    listing_window,
    next_listing_day,
    parse_listing_date,
    previous_listing_day,
)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def test_wednesday_window_in_daylight_time() -> None:
    # Listing Wed 2025-04-09 = Mon 14:00 EDT (18:00 UTC) up to Tue 14:00 EDT.
    assert listing_window(date(2025, 4, 9)) == (utc(2025, 4, 7, 18), utc(2025, 4, 8, 18))


def test_monday_window_is_thursday_to_friday() -> None:
    assert listing_window(date(2025, 4, 14)) == (utc(2025, 4, 10, 18), utc(2025, 4, 11, 18))


def test_tuesday_window_spans_the_weekend() -> None:
    assert listing_window(date(2025, 4, 15)) == (utc(2025, 4, 11, 18), utc(2025, 4, 14, 18))


def test_standard_time_window() -> None:
    # January: EST, 14:00 ET = 19:00 UTC.
    assert listing_window(date(2025, 1, 15)) == (utc(2025, 1, 13, 19), utc(2025, 1, 14, 19))


def test_window_across_the_spring_change() -> None:
    # DST began Sun 2025-03-09: Fri 7 Mar 14:00 EST -> Mon 10 Mar 14:00 EDT.
    assert listing_window(date(2025, 3, 11)) == (utc(2025, 3, 7, 19), utc(2025, 3, 10, 18))


def test_weekend_is_refused_naming_neighbours() -> None:
    with pytest.raises(
        NotAListingDay,
        match=r"2025-04-12: no arXiv listing \(a Saturday\); nearest: "
        r"2025-04-11 and 2025-04-14",
    ):
        listing_window(date(2025, 4, 12))


@pytest.mark.parametrize("text", ["2025-13-01", "yesterday", "2025-4-9", ""])
def test_bad_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a date"):
        parse_listing_date(text)


def test_next_and_previous_skip_weekends() -> None:
    assert next_listing_day(date(2025, 4, 11)) == date(2025, 4, 14)
    assert previous_listing_day(date(2025, 4, 14)) == date(2025, 4, 11)


def test_announcement_is_the_evening_before() -> None:
    assert announced_at(date(2025, 4, 14)) == utc(2025, 4, 14, 0)  # Sun 20:00 EDT


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (utc(2025, 4, 9, 23, 59), date(2025, 4, 9)),  # Wed 19:59 EDT
        (utc(2025, 4, 10, 0, 0), date(2025, 4, 10)),  # Wed 20:00 EDT
        (utc(2025, 4, 12, 15), date(2025, 4, 11)),  # Saturday
        (utc(2025, 4, 14, 0, 30), date(2025, 4, 14)),  # Sunday 20:30 EDT
        (utc(2025, 4, 12, 1), date(2025, 4, 11)),  # Friday 21:00 EDT: nothing new
    ],
)
def test_latest_listing_day(now: datetime, expected: date) -> None:
    assert latest_listing_day(now) == expected
