"""arXiv's calendar of listing days: freezes, announcements, holidays, merged windows, DST.

arXiv's rule (arXiv/arxiv-base ``arxiv/schedule/calendar.py``, from its perl ``Holidays.pm``),
all in US-Eastern time:

* a *freeze* (submission cutoff) at 14:00 on every Monday to Friday that is not a holiday;
* a *publish* run (the announcement) at 20:00 on Monday to Thursday that are not holidays, and
  on Sunday when the Friday before is not a holiday;
* a submission goes into the next freeze at or after it (14:00 itself belongs to the next one)
  and is announced at the next publish at or after that freeze.

So every freeze has exactly one publish run (the same evening, or Sunday for a Friday freeze),
and the *listing date* (what arXiv's /new page shows, and what this app calls a day) is the day
after the publish evening: a Thursday freeze is the Friday listing, a Friday freeze the Monday
listing. A holiday H on Monday to Thursday removes listing H+1, a Friday holiday the Monday
after; the next listing then carries the submissions of both freeze intervals (its window
starts at the freeze before the holiday). Holidays on a weekend change nothing.

Windows are ``[previous freeze, this freeze)`` in UTC and move with daylight-saving time
(19:00 UTC in winter, 18:00 UTC in summer). The holiday table is arXiv's own (bundled as
``tui/data/holidays.txt``); users add later years through ``Calendar(extra=...)``.

Pure: standard library only, no clock unless ``now`` is left out.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

EASTERN = ZoneInfo("America/New_York")
FREEZE = time(14, 0)  # the daily submission cutoff, US-Eastern
PUBLISH = time(20, 0)  # the announcement run, US-Eastern
FIRST_LISTING_DAY = date(1991, 8, 14)
HOLIDAYS_RESOURCE = "holidays.txt"  # in the package ``tui.data``

_Date = date  # ``Listing`` has a field called ``date``; annotations there use this alias
_ONE_DAY = timedelta(days=1)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_FRIDAY = 4
_SATURDAY = 5


@dataclass(frozen=True, slots=True)
class Listing:
    """One listing day of arXiv and the submissions it announces."""

    date: _Date  # the listing date (Monday to Friday), as arXiv's /new page labels it
    window_start: datetime  # UTC: the freeze before this one (inclusive)
    window_end: datetime  # UTC: this listing's freeze (exclusive)
    announced_at: datetime  # UTC: the publish run, 20:00 ET the evening before (Sunday for Monday)
    absorbed: tuple[_Date, ...] = ()  # listing dates that did not happen; this one carries them

    @property
    def merged(self) -> bool:
        """Whether this listing also holds the submissions of listings skipped for holidays."""
        return bool(self.absorbed)


class NoListing(ValueError):
    """A date with no arXiv listing (or none yet); ``str`` is one line for the user.

    ``reason`` is the short why ("a Saturday", "holiday on 12-25", "not announced yet", ...);
    ``before`` and ``after`` are the nearest listing days one may open instead (either may be
    ``None``).
    """

    def __init__(
        self,
        day: date,
        reason: str,
        before: date | None,
        after: date | None,
        message: str | None = None,
    ) -> None:
        self.day = day
        self.reason = reason
        self.before = before
        self.after = after
        super().__init__(message if message is not None else self._standard_message())

    def _standard_message(self) -> str:
        text = f"{self.day.isoformat()}: no arXiv listing ({self.reason})"
        nearest = [d.isoformat() for d in (self.before, self.after) if d is not None]
        if nearest:
            text += "; nearest: " + " and ".join(nearest)
        return text


def parse_holidays(text: str) -> dict[date, str]:
    """Read a holiday table: ``YYYY-MM-DD  description`` per line, ``#`` comments, blank lines."""
    holidays: dict[date, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        written, _, description = line.partition(" ")
        try:
            day = date.fromisoformat(written)
        except ValueError:
            raise ValueError(f"holiday table line {number}: not a date: {written!r}") from None
        holidays[day] = description.strip()
    return holidays


@functools.cache
def bundled_holidays() -> Mapping[date, str]:
    """arXiv's holiday table as shipped in ``tui/data/holidays.txt`` (read once, on first use)."""
    # Beside the package's modules, as the sample day is (importlib.resources would cost the
    # start-up ~3 ms of imports for the same file).
    path = Path(__file__).resolve().parents[1] / "data" / HOLIDAYS_RESOURCE
    text = path.read_text(encoding="utf-8")
    return parse_holidays(text)


def _freeze_instant(day: date) -> datetime:
    return datetime.combine(day, FREEZE, tzinfo=EASTERN).astimezone(UTC)


def _publish_instant(day: date) -> datetime:
    return datetime.combine(day, PUBLISH, tzinfo=EASTERN).astimezone(UTC)


def _listing_of_freeze(freeze_day: date) -> date:
    """The listing date a freeze on ``freeze_day`` (a weekday) is announced as."""
    return freeze_day + timedelta(days=3 if freeze_day.weekday() == _FRIDAY else 1)


def _freeze_of_listing(day: date) -> date:
    """The freeze day that a listing dated ``day`` (a weekday) would announce."""
    return day - timedelta(days=3 if day.weekday() == 0 else 1)


def _weekday_and_date(day: date) -> str:
    return f"{_WEEKDAYS[day.weekday()][:3]} {day.isoformat()}"


class Calendar:
    """Which dates arXiv lists, their submission windows and announcement times.

    ``holidays`` defaults to arXiv's bundled table; ``extra`` adds dates (years arXiv has not
    published yet). A holiday is a date on which arXiv neither freezes nor announces.
    """

    __slots__ = ("_holidays",)

    def __init__(self, holidays: Iterable[date] | None = None, extra: Iterable[date] = ()) -> None:
        base = bundled_holidays().keys() if holidays is None else holidays
        self._holidays = frozenset(base) | frozenset(extra)

    # -- the rule -------------------------------------------------------------------------

    def is_holiday(self, day: date) -> bool:
        return day in self._holidays

    def is_freeze_day(self, day: date) -> bool:
        """Monday to Friday and not a holiday: arXiv takes a 14:00 cutoff that day."""
        return day.weekday() < _SATURDAY and day not in self._holidays

    def is_listing_day(self, day: date) -> bool:
        """Whether arXiv has (or will have) a listing dated ``day``. No check against the clock."""
        return (
            day.weekday() < _SATURDAY
            and day >= FIRST_LISTING_DAY
            and self.is_freeze_day(_freeze_of_listing(day))
        )

    def no_listing(self, day: date) -> NoListing | None:
        """Why ``day`` has no listing (the error to raise or show), or ``None`` if it has one."""
        if day < FIRST_LISTING_DAY:
            return NoListing(day, "arXiv's listings begin in August 1991", None, FIRST_LISTING_DAY)
        if self.is_listing_day(day):
            return None
        if day.weekday() >= _SATURDAY:
            reason = f"a {_WEEKDAYS[day.weekday()]}"
        else:
            reason = f"holiday on {_freeze_of_listing(day):%m-%d}"
        return NoListing(day, reason, self._listing_before(day), self.next_listing_day(day))

    def listing(self, day: date) -> Listing:
        """The listing dated ``day``; ``NoListing`` if arXiv has none that day."""
        refusal = self.no_listing(day)
        if refusal is not None:
            raise refusal
        freeze_day = _freeze_of_listing(day)
        previous = self._previous_freeze_day(freeze_day)
        skipped = previous + _ONE_DAY
        absorbed: list[date] = []
        while skipped < freeze_day:  # weekdays between the two freezes are holidays
            if skipped.weekday() < _SATURDAY:
                lost = _listing_of_freeze(skipped)
                if lost >= FIRST_LISTING_DAY:
                    absorbed.append(lost)
            skipped += _ONE_DAY
        return Listing(
            date=day,
            window_start=_freeze_instant(previous),
            window_end=_freeze_instant(freeze_day),
            announced_at=_publish_instant(day - _ONE_DAY),
            absorbed=tuple(absorbed),
        )

    def _previous_freeze_day(self, day: date) -> date:
        candidate = day - _ONE_DAY
        while not self.is_freeze_day(candidate):
            candidate -= _ONE_DAY
        return candidate

    def _listing_before(self, day: date) -> date | None:
        candidate = day - _ONE_DAY
        while candidate >= FIRST_LISTING_DAY:
            if self.is_listing_day(candidate):
                return candidate
            candidate -= _ONE_DAY
        return None

    # -- neighbours -----------------------------------------------------------------------

    def previous_listing_day(self, day: date) -> date:
        """The listing day strictly before ``day``; ``NoListing`` if that is before arXiv began."""
        found = self._listing_before(day)
        if found is None:
            raise NoListing(day, "arXiv's listings begin in August 1991", None, FIRST_LISTING_DAY)
        return found

    def next_listing_day(self, day: date) -> date:
        """The listing day strictly after ``day``."""
        candidate = max(day + _ONE_DAY, FIRST_LISTING_DAY)
        while not self.is_listing_day(candidate):
            candidate += _ONE_DAY
        return candidate

    def listings_between(self, first: date, last: date) -> list[Listing]:
        """Every listing dated ``first`` to ``last`` (both included), oldest first."""
        day = max(first, FIRST_LISTING_DAY)
        found: list[Listing] = []
        while day <= last:
            if self.is_listing_day(day):
                found.append(self.listing(day))
            day += _ONE_DAY
        return found

    # -- submissions and the clock --------------------------------------------------------

    def listing_for_submission(self, moment: datetime) -> date:
        """The listing a submission made at ``moment`` (aware) enters, unless arXiv holds it."""
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"a submission time needs a time zone: {moment.isoformat()}")
        local = moment.astimezone(EASTERN)
        freeze_day = local.date()
        if local.time() >= FREEZE:
            freeze_day += _ONE_DAY
        while not self.is_freeze_day(freeze_day):
            freeze_day += _ONE_DAY
        day = _listing_of_freeze(freeze_day)
        if day < FIRST_LISTING_DAY:
            raise NoListing(day, "arXiv's listings begin in August 1991", None, FIRST_LISTING_DAY)
        return day

    def latest_listing_day(self, now: datetime | None = None) -> date:
        """The newest listing arXiv has announced at ``now`` (default: the current time)."""
        local = (now or datetime.now(UTC)).astimezone(EASTERN)
        candidate = local.date()
        if local.time() >= PUBLISH:
            candidate += _ONE_DAY
        if self.is_listing_day(candidate):
            return candidate
        found = self._listing_before(candidate)
        if found is None:
            raise NoListing(
                candidate, "arXiv's listings begin in August 1991", None, FIRST_LISTING_DAY
            )
        return found

    def rss_listing_day(self, now: datetime) -> date | None:
        """The listing arXiv's RSS carries at ``now``: dated today in US-Eastern, or none.

        The RSS rolls over at midnight US-Eastern, not at the 20:00 announcement, so from 20:00
        to midnight it is one listing behind ``latest_listing_day``.
        """
        today = now.astimezone(EASTERN).date()
        return today if self.is_listing_day(today) else None

    def check(self, day: date, now: datetime | None = None) -> date:
        """``day`` if arXiv has announced a listing dated ``day`` by ``now``; else ``NoListing``."""
        latest = self.latest_listing_day(now)
        refusal = self.no_listing(day)
        if refusal is not None:
            # Only offer neighbours that are announced already.
            before = refusal.before
            if before is not None and before > latest:
                before = latest
            after = refusal.after if refusal.after is not None and refusal.after <= latest else None
            if (before, after) != (refusal.before, refusal.after):
                refusal = NoListing(day, refusal.reason, before, after)
            raise refusal
        if day > latest:
            raise NoListing(
                day,
                "not announced yet",
                latest,
                None,
                message=(
                    f"{day.isoformat()}: not announced yet (arXiv announces it on "
                    f"{_weekday_and_date(day - _ONE_DAY)} at {PUBLISH:%H:%M} ET); "
                    f"newest: {latest.isoformat()}"
                ),
            )
        return day

    def holidays_known_through(self) -> date:
        """Dec 31 of the last year the holiday table (bundled and extra) covers.

        Listing days after it are computed without holidays. With no holidays at all, the day
        before the year arXiv's listings began.
        """
        if not self._holidays:
            return date(FIRST_LISTING_DAY.year - 1, 12, 31)
        return date(max(self._holidays).year, 12, 31)


CATCHUP_DAYS = 90
"""arXiv's /catchup pages show a listing for this many days (its own table of the mailing)."""


def in_catchup(day: date, now: datetime) -> bool:
    """Whether arXiv's catchup pages still show the listing dated ``day`` at ``now``."""
    return (now.astimezone(EASTERN).date() - day).days <= CATCHUP_DAYS


_user_holidays: tuple[date, ...] = ()


def use_user_holidays(days: Iterable[date]) -> None:
    """Add the user's own holidays (years arXiv has not published yet) to ``default_calendar``."""
    global _user_holidays
    _user_holidays = tuple(sorted(set(days)))
    default_calendar.cache_clear()


@functools.cache
def default_calendar() -> Calendar:
    """The calendar with arXiv's bundled holiday table and the user's own, built once."""
    return Calendar(extra=_user_holidays)
