"""The UI's side of the session file: saves written behind, on one thread, the newest one winning.

The screen hands over a ``Session`` whenever the position or the filters change (debounced);
only the newest one not yet written is written, atomically, off the UI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from tui.adapters.atomic import describe_error
from tui.adapters.session import Session, save_session


class SessionKeeper:
    def __init__(self, path: Path | None, *, on_failed: Callable[[str], object]) -> None:
        """``path`` None: the default session file. ``on_failed`` runs on the writer thread."""
        self._path = path
        self._on_failed = on_failed
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="session-writer")
        self._lock = threading.Lock()
        self._waiting: Session | None = None
        self._written: Session | None = None
        self._failed_once = False
        self._closed = False
        self.saves = 0
        """Files written (tests wait on it)."""

    @property
    def last_written(self) -> Session | None:
        return self._written

    def save(self, session: Session) -> Future[None]:
        """Write ``session`` behind; a newer one handed over meanwhile replaces it."""
        with self._lock:
            if self._closed:
                done: Future[None] = Future()
                done.set_result(None)
                return done
            self._waiting = session
        return self._writer.submit(self._write)

    def _write(self) -> None:
        with self._lock:
            session, self._waiting = self._waiting, None
        if session is None or session == self._written:
            return
        try:
            save_session(session, self._path)
        except OSError as error:
            if not self._failed_once:
                self._failed_once = True
                self._on_failed(describe_error(error))
            return
        self._written = session
        self.saves += 1

    def save_now(self, session: Session) -> None:
        """Write ``session`` and wait for it (leaving, or crashing)."""
        self.save(session).result()

    def close(self, *, wait: bool = True) -> None:
        """Finish the writes. Blocks unless ``wait`` is false (a forced quit): call it when
        leaving."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._writer.shutdown(wait=wait)
