"""Where the triage screen's days come from: the cache, arXiv, the clock. The app builds one;
tests hand in their own."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from tui.adapters.day_cache import DayCache
    from tui.adapters.sources.api import ArxivSource
    from tui.adapters.sources.day_loader import DayLoader

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class DaySources:
    """The day cache and arXiv's sources, each built on first use on a worker thread."""

    cache: Callable[[], DayCache]
    """The day cache (thread-safe, as is this factory: every caller gets the same one)."""
    source: Callable[[], ArxivSource]
    demo: bool
    """Only the bundled sample day and the cache: never fetch."""
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    """The clock that says which listing is the newest and what catchup still has."""
    loader: Callable[[], DayLoader] | None = None
    """Picks arXiv's source for each date (RSS, listing or catchup pages, API + OAI-PMH);
    None: one over ``source`` and arXiv's other sources as the environment names them."""
    _built: list[DayLoader] = field(default_factory=list, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def day_loader(self) -> DayLoader:
        """Built on first use, on a worker thread (it imports the network clients)."""
        with self._lock:
            if not self._built:
                if self.loader is not None:
                    self._built.append(self.loader())
                else:
                    from tui.adapters.sources.day_loader import DayLoader, Sources

                    self._built.append(DayLoader(Sources(api=self.source)))
            return self._built[0]


def once(factory: Callable[[], T]) -> Callable[[], T]:
    """``factory`` called at most once, whatever thread asks first; later calls get its result."""
    lock = threading.Lock()
    built: list[T] = []

    def get() -> T:
        with lock:
            if not built:
                built.append(factory())
            return built[0]

    return get
