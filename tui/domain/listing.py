"""Listing days: which submissions arXiv announces on which date.

arXiv announces on the evenings (20:00 US-Eastern) of Sunday to Thursday; the listing dated D
(as arXiv's /new page labels it, Monday to Friday) holds what was submitted between the 14:00
US-Eastern cutoffs of the two weekdays before D. Holidays on which arXiv skips an announcement
are not modelled: such a date yields an empty day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

EASTERN = ZoneInfo("America/New_York")
CUTOFF = time(14, 0)
ANNOUNCEMENT = time(20, 0)


class NotAListingDay(ValueError):
    """A date arXiv never lists (Saturday or Sunday)."""


def is_listing_day(day: date) -> bool:
    return day.weekday() < 5


def previous_listing_day(day: date) -> date:
    candidate = day - timedelta(days=1)
    while not is_listing_day(candidate):
        candidate -= timedelta(days=1)
    return candidate


def next_listing_day(day: date) -> date:
    candidate = day + timedelta(days=1)
    while not is_listing_day(candidate):
        candidate += timedelta(days=1)
    return candidate


def check_listing_day(day: date) -> date:
    """Return ``day`` if arXiv lists on it; otherwise raise naming the nearest listing days."""
    if is_listing_day(day):
        return day
    weekday = day.strftime("%A")
    raise NotAListingDay(
        f"{day.isoformat()} is a {weekday}: arXiv lists on "
        f"{previous_listing_day(day).isoformat()} and {next_listing_day(day).isoformat()}"
    )


def parse_listing_date(text: str) -> date:
    """Parse ``YYYY-MM-DD`` into a listing day; ValueError with a one-line message otherwise."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"not a date: {text!r} (expected YYYY-MM-DD)") from None
    if len(text.strip()) != 10:
        raise ValueError(f"not a date: {text!r} (expected YYYY-MM-DD)")
    return check_listing_day(day)


def _cutoff(day: date) -> datetime:
    return datetime.combine(day, CUTOFF, tzinfo=EASTERN).astimezone(UTC)


def listing_window(day: date) -> tuple[datetime, datetime]:
    """The submission window ``[start, end)`` in UTC of the listing dated ``day``.

    Wed 2025-04-09 -> Mon 2025-04-07 14:00 ET up to Tue 2025-04-08 14:00 ET.
    """
    check_listing_day(day)
    end_day = previous_listing_day(day)
    start_day = previous_listing_day(end_day)
    return _cutoff(start_day), _cutoff(end_day)


def announced_at(day: date) -> datetime:
    """When arXiv announces the listing dated ``day`` (20:00 ET the evening before)."""
    check_listing_day(day)
    return datetime.combine(day - timedelta(days=1), ANNOUNCEMENT, tzinfo=EASTERN).astimezone(UTC)


def latest_listing_day(now: datetime | None = None) -> date:
    """The newest listing arXiv has announced at ``now`` (default: the current time)."""
    now_et = (now or datetime.now(UTC)).astimezone(EASTERN)
    candidate = now_et.date()
    if now_et.time() >= ANNOUNCEMENT:
        candidate += timedelta(days=1)
    while not is_listing_day(candidate):
        candidate -= timedelta(days=1)
    return candidate
