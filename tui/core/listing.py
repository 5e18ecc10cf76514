"""Listing days: which submissions arXiv announces on which date.

The functions of this module answer with arXiv's bundled calendar
(``tui.core.calendar.default_calendar()``), so holidays count: a Thursday holiday removes
the Friday listing and the Monday listing carries its submissions. See ``tui.core.calendar``
for the rule; this module keeps the names the rest of the app has always used.
"""

from __future__ import annotations

from datetime import date, datetime

from tui.core.calendar import (
    EASTERN,
    FREEZE,
    PUBLISH,
    NoListing,
    default_calendar,
)

__all__ = [
    "ANNOUNCEMENT",
    "CUTOFF",
    "EASTERN",
    "NotAListingDay",
    "announced_at",
    "check_listing_day",
    "is_listing_day",
    "latest_listing_day",
    "listing_window",
    "next_listing_day",
    "parse_listing_date",
    "previous_listing_day",
]

CUTOFF = FREEZE  # 14:00 US-Eastern
ANNOUNCEMENT = PUBLISH  # 20:00 US-Eastern


class NotAListingDay(NoListing):
    """A date arXiv never lists (weekend, holiday, before 1991); ``str`` is one line, the
    calendar's ("2025-12-26: no arXiv listing (holiday on 12-25); nearest: ...")."""

    @classmethod
    def from_calendar(cls, refusal: NoListing) -> NotAListingDay:
        return cls(refusal.day, refusal.reason, refusal.before, refusal.after, str(refusal))


def is_listing_day(day: date) -> bool:
    return default_calendar().is_listing_day(day)


def previous_listing_day(day: date) -> date:
    """The listing day strictly before ``day``; NotAListingDay before arXiv's first listing."""
    try:
        return default_calendar().previous_listing_day(day)
    except NoListing as refusal:
        raise NotAListingDay.from_calendar(refusal) from None


def next_listing_day(day: date) -> date:
    return default_calendar().next_listing_day(day)


def check_listing_day(day: date) -> date:
    """Return ``day`` if arXiv lists on it; otherwise raise naming the nearest listing days.

    No check against the clock: a future listing day passes (callers compare with today).
    """
    refusal = default_calendar().no_listing(day)
    if refusal is not None:
        raise NotAListingDay.from_calendar(refusal)
    return day


def parse_listing_date(text: str) -> date:
    """Parse ``YYYY-MM-DD`` into a listing day; ValueError with a one-line message otherwise."""
    written = text.strip()
    try:
        day = date.fromisoformat(written)
    except ValueError:
        raise ValueError(f"not a date: {text!r} (expected YYYY-MM-DD)") from None
    if len(written) != 10:
        raise ValueError(f"not a date: {text!r} (expected YYYY-MM-DD)")
    return check_listing_day(day)


def listing_window(day: date) -> tuple[datetime, datetime]:
    """The submission window ``[start, end)`` in UTC of the listing dated ``day``.

    Wed 2025-04-09 -> Mon 2025-04-07 14:00 ET up to Tue 2025-04-08 14:00 ET. After a holiday
    the window is longer: Mon 2025-12-29 -> Wed 2025-12-24 14:00 ET up to Fri 2025-12-26.
    """
    listing = default_calendar().listing(check_listing_day(day))
    return listing.window_start, listing.window_end


def announced_at(day: date) -> datetime:
    """When arXiv announces the listing dated ``day`` (20:00 ET the evening before)."""
    return default_calendar().listing(check_listing_day(day)).announced_at


def latest_listing_day(now: datetime | None = None) -> date:
    """The newest listing arXiv has announced at ``now`` (default: the current time)."""
    return default_calendar().latest_listing_day(now)
