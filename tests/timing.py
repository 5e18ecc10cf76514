"""Time in tests (no tests here): waiting for a condition instead of a fixed time, and a fake
clock for the request pacing, whose waits take no real time.

``poll_until`` is the thread tests' twin of ``app_helpers.wait_until`` (which waits between
screen updates of a Pilot).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from tui.adapters.sources.web import FetchCancelled


def poll_until(
    condition: Callable[[], object], what: str, timeout: float = 5.0, every: float = 0.01
) -> None:
    """Poll until ``condition()`` is true; fail saying ``what`` did not happen in ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(every)


class FakeClock:
    """A ``tui.adapters.sources.web.Clock`` that moves only when told to or waited on: a wait
    returns at once, the clock set to the moment waited for, and is remembered in ``waits``."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.waits: list[float] = []
        """Every moment ``sleep_until`` was asked for, in order (the pacer's bookings)."""
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> None:
        """Time passing outside a wait (a request being answered, say)."""
        with self._lock:
            self.now += seconds

    def sleep_until(self, moment: float, cancel: threading.Event | None) -> None:
        """As the real clock's: FetchCancelled if there is a wait and ``cancel`` is set."""
        with self._lock:
            self.waits.append(moment)
            if moment <= self.now:
                return
            if cancel is not None and cancel.is_set():
                raise FetchCancelled("fetch cancelled")
            self.now = moment
