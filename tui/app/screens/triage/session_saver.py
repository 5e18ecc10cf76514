"""Where the user left off on the triage screen: the session handed to the app's keeper a moment
after it last changed, and what a restored session still has to bring back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from tui.adapters.session import Session

SESSION_DELAY = 0.5
"""Seconds of quiet after a move or a filter change before the session is saved."""


class SessionSaver:
    def __init__(self, keep: Callable[[Session], None] | None, restore: Session | None) -> None:
        self.keep = keep
        """Hands a session to the app's keeper (it writes behind); None: nothing is kept."""
        self.restore = restore
        self.paper: str | None = restore.paper_id if restore is not None else None
        """A restored paper to move to once its day's rows are in."""
        self.starred_view = restore is not None and restore.starred_only
        """A restored starred view to open once the first day is in."""
        self.day: date | None = None
        """The day asked for (not a stand-in shown while offline)."""
        self._unsaved: Session | None = None

    def changed(self, session: Session) -> None:
        """The session as it is now, to save once things are quiet."""
        self._unsaved = session

    def save(self) -> None:
        """Hand the session as it last changed to the keeper."""
        session, self._unsaved = self._unsaved, None
        if self.keep is not None and session is not None:
            self.keep(session)
