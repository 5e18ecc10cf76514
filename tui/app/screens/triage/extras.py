"""What the triage screen's watch list, PDFs and session need from the app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tui.adapters.session import Session
from tui.core.rules import Rule
from tui.core.watch import WatchList


@dataclass(frozen=True)
class TriageExtras:
    """The defaults do nothing (tests, tools)."""

    watch: WatchList = field(default_factory=WatchList)
    pdf_folder: Path | None = None
    """Where ``D`` saves PDFs; None: no downloads."""
    open_pdf: Callable[[Path], None] | None = None
    """Opens a PDF on disk (the app's viewer, or a notice where there is none)."""
    save_watch_author: Callable[[str], None] | None = None
    """Writes an author into the settings. Blocking: called on a worker thread."""
    remove_watch_author: Callable[[str], None] | None = None
    """Takes an author (as the settings have it) out of them. Blocking, as above."""
    save_search: Callable[[str, str], None] | None = None
    """Writes a saved search (name, query) into the settings' [searches]. Blocking, as above."""
    remove_search: Callable[[str], None] | None = None
    """Takes a saved search out of the settings. Blocking, as above."""
    keep_session: Callable[[Session], None] | None = None
    """Hands a session to the app's keeper (it writes behind)."""
    restore: Session | None = None
    """The session to pick up: filters at once, the paper once its day has loaded."""
    hide_read: bool = False
    """Start with the papers already read hidden (the settings' hide_read)."""
    hide_seen: bool = False
    """Start with the papers seen before hidden (the settings' hide_seen)."""
    compact_list: bool = False
    """Start with one line per paper (the settings' compact_list)."""
    rules: tuple[Rule, ...] = ()
    """Kill rules: their papers are hidden or marked read as a day arrives."""
