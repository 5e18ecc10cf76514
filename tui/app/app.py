"""The arxiv-daily app: builds the collaborators, opens the triage screen, saves on the way out."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.actions import ActionParseResult
from textual.app import App
from textual.dom import DOMNode
from textual.notifications import SeverityLevel

from tui import paths
from tui.adapters.day_cache import DayCache
from tui.adapters.sample import SAMPLE_DATE
from tui.adapters.session import SESSION_FILE, Session, load_session
from tui.adapters.store import FlagStore
from tui.app.commands import KeyOverrides, keymap
from tui.app.messages import FlagsChangedElsewhere, FlagWriteFailed, StoreFailed, StoreOpened
from tui.app.screens.triage import DaySources, TriageExtras, TriageScreen
from tui.app.services.day_sources import once
from tui.app.services.flag_keeper import FlagKeeper
from tui.app.services.memory import keep_long_lived
from tui.app.services.session_keeper import SessionKeeper
from tui.config import (
    Config,
    ConfigError,
    add_watch_author,
    default_config,
    load_config,
    remove_search,
    remove_watch_author,
    save_search,
)
from tui.core.follow import Follow, KeywordProfile
from tui.core.listing import latest_listing_day
from tui.core.rules import make_rules
from tui.core.watch import WatchList
from tui.crash import RecentActions, report_and_exit_message, write_crash_report
from tui.options import Options
from tui.paths import flags_dir, styles_path

if TYPE_CHECKING:
    from tui.adapters.sources.api import ArxivSource
    from tui.adapters.sources.day_loader import DayLoader

QUIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
SECOND_SIGNAL_GRACE = 1.0
"""Seconds after a quit signal during which another one is part of the same quit; later, the
user insists and the reader leaves without waiting for the disk."""
NOTICE_CHARS = 300
"""The longest notice shown, in characters; the rest is cut with an ellipsis."""
BROWSER_ENV = "ARXIV_DAILY_BROWSER"
"""``none``: never start a browser; say which page would have opened."""

ADHOC_PROFILE = "--keyword"
DEMO_SESSION_FILE = "session-demo.json"
"""The demo keeps its own session: its sample day must not become the real reader's day."""

BIG_FLAG_STORE = 1_000_000
"""Bytes of flag files (~7,000 flags, ~25 ms to read) above which the store opens after the first
day is drawn rather than beside it."""

Opener = Callable[[str], object]
PdfOpener = Callable[[Path], object]


def session_file(options: Options) -> Path:
    return paths.state_dir() / (DEMO_SESSION_FILE if options.demo else SESSION_FILE)


def restores_session(options: Options) -> bool:
    """Pick up where the last run left off unless the command line says where to start."""
    return (
        options.date is None
        and options.categories is None
        and options.keywords is None
        and options.profile is None
    )


def profiles_for(options: Options, follow: Follow) -> tuple[tuple[KeywordProfile, ...], str | None]:
    """The sidebar's keyword profiles and the active one."""
    if options.keywords:
        adhoc = KeywordProfile(ADHOC_PROFILE, tuple(options.keywords))
        return (adhoc, *follow.profiles), ADHOC_PROFILE
    if options.profile is not None and follow.profile(options.profile) is not None:
        return follow.profiles, options.profile  # --profile: a profile or a saved search
    return follow.profiles, follow.default_profile


class ArxivDailyApp(App[int]):
    CSS_PATH = str(styles_path())
    TITLE = "arxiv-daily"

    def __init__(
        self,
        options: Options,
        *,
        config: Config | None = None,
        now: Callable[[], datetime] | None = None,
        opener: Opener | None = None,
        source: Callable[[], ArxivSource] | None = None,
        store: Callable[[], FlagStore] = FlagStore,
        cache: Callable[[], DayCache] = DayCache,
        pdf_opener: PdfOpener | None = None,
        session: Session | bool | None = True,
    ) -> None:
        """``session``: the session to restore; True reads the last one (unless ``options`` say
        where to start); False neither restores nor saves one."""
        super().__init__()
        self.options = options
        self.config = config if config is not None else default_config()
        self.follow: Follow = self.config.follow
        self.key_overrides: KeyOverrides = dict(self.config.keys)
        """The ``[keys]`` settings, for the help screen and the command palette."""
        self.now = now or (lambda: datetime.now(UTC))
        self._opener = opener
        self.opened_urls: list[str] = []
        """Every page asked to open, whether or not a browser was started."""
        self._source = source or _arxiv_source
        self._store_factory = store
        self._day_cache = once(cache)
        """The day cache, built on first use (on a worker thread: it touches the disk), the
        same one for every thread that asks (the cache itself is thread-safe)."""
        self.flags: FlagKeeper | None = None
        self.startup_warnings: list[str] = []
        """Shown as warnings once the app is up (a settings file that could not be read)."""
        self._pdf_opener = pdf_opener
        self.opened_pdfs: list[Path] = []
        """Every PDF asked to open, whether or not a viewer was started."""
        self.recent_actions = RecentActions()
        self._signals = False
        """Quit on SIGTERM/SIGHUP/SIGINT (``run_app`` sets it: a real run, its own loop)."""
        self._quitting = False
        self._quit_signalled_at = 0.0
        self.forced_quit: str | None = None
        """Why the reader left without waiting for its writes (a second quit signal)."""
        self.crash_report: Path | None = None
        self.terminal_gone = False
        """The terminal hung up under the app (its window closed): nothing more is drawn."""
        """Where the report of an unexpected error went (printed after the terminal is back)."""
        self.session_keeper: SessionKeeper | None = None
        self.restored: Session | None = None
        # A day given on the command line is a visit, not a place to come back to: such a run
        # neither restores nor saves the session.
        if session is not False and options.date is None:
            self.session_keeper = SessionKeeper(
                session_file(options),
                on_failed=lambda reason: self.call_from_thread(
                    self.notify,
                    f"Where you left off will not be kept: {reason}",
                    title="Session",
                    severity="warning",
                ),
            )
            if isinstance(session, Session):
                self.restored = session
            elif session is True and restores_session(options):
                # Before the app runs: a small file, read once, not on a running UI.
                self.restored = load_session(session_file(options), self.startup_warnings)

    # ----------------------------------------------------------------- start

    def on_mount(self) -> None:
        if self._signals:
            self.handle_quit_signals()
        for warning in self.startup_warnings:
            self.notify(warning, title="Settings", severity="warning", timeout=15)
        self._apply_settings()
        self.flags = FlagKeeper(
            self._store_factory,
            on_opened=lambda notices: self.post_message(StoreOpened(notices)),
            on_open_failed=lambda reason: self.post_message(StoreFailed(reason)),
            on_write_failed=lambda ids, reason: self.post_message(FlagWriteFailed(ids, reason)),
            hold_open=self._flag_store_is_big,
            on_changed_elsewhere=lambda: self.post_message(FlagsChangedElsewhere()),
        )
        options = self.options
        categories = options.categories or self.follow.categories
        profiles, active = profiles_for(options, self.follow)
        newest = SAMPLE_DATE if options.demo else latest_listing_day(self.now())
        restored = self.restored
        start = options.date or newest
        if restored is not None and restored.day is not None and restored.day < newest:
            start = _a_listing_day(restored.day, newest, self.now())
        self.push_screen(
            TriageScreen(
                categories=categories,
                profiles=profiles,
                active_profile=active,
                start=start,
                newest=max(newest, start),
                flags=self.flags,
                days=DaySources(
                    cache=self._day_cache,
                    source=self._source,
                    demo=options.demo,
                    loader=self._day_loader,
                    now=self.now,
                ),
                open_page=self.open_page,
                expand_marks_read=self.config.expand_marks_read,
                extras=TriageExtras(
                    watch=WatchList(self.config.watch_authors, self.config.watch_phrases),
                    pdf_folder=self.config.pdf_folder,
                    open_pdf=self.open_pdf,
                    save_watch_author=self._save_watch_author,
                    remove_watch_author=self._remove_watch_author,
                    save_search=partial(save_search, path=self.config.path),
                    remove_search=partial(remove_search, path=self.config.path),
                    keep_session=self._keep_session if self.session_keeper else None,
                    restore=restored,
                    rules=make_rules(self.config.rules_hide, self.config.rules_read),
                    hide_read=self.config.hide_read,
                    hide_seen=self.config.hide_seen,
                    compact_list=self.config.compact_list,
                ),
            )
        )

    def _day_loader(self) -> DayLoader:
        """arXiv's sources for each date, on the app's clock (built on a worker thread)."""
        from tui.adapters.sources.day_loader import DayLoader, Sources

        return DayLoader(Sources(api=self._source), now=self.now)

    def _flag_store_is_big(self) -> bool:
        """Asked on the flag-writer thread: whether the store takes long to read."""
        if self._store_factory is not FlagStore:
            return False  # a store given by the caller: no telling where it lives
        try:
            size = sum(entry.stat().st_size for entry in os.scandir(flags_dir()) if entry.is_file())
        except OSError:
            return False
        return size >= BIG_FLAG_STORE

    def _save_watch_author(self, name: str) -> None:
        """On a worker thread: the settings file gains the author (ConfigError if it cannot)."""
        add_watch_author(name, self.config.path)

    def _remove_watch_author(self, name: str) -> None:
        """On a worker thread: the settings file loses the author (ConfigError if it cannot)."""
        remove_watch_author(name, self.config.path)

    def _keep_session(self, session: Session) -> None:
        if self.session_keeper is not None:
            self.session_keeper.save(session)

    def _apply_settings(self) -> None:
        known, problems = keymap(self.key_overrides)
        if known:
            self.set_keymap(known)
        # The help screen and the palette show the keys as they are, refused overrides left out.
        self.key_overrides = {
            action: keys
            for action, keys in self.key_overrides.items()
            if f"arxiv-daily.{action}" in known
        }
        for problem in problems:
            self.notify(
                f"[keys] {problem} (the help screen, ?, lists the actions and keys)",
                title="Settings",
                severity="warning",
            )
        theme = self.config.theme
        if theme in self.available_themes:
            self.theme = theme
        else:
            self.notify(
                f"theme {theme!r} is not one of: {', '.join(sorted(self.available_themes))}",
                title="Settings",
                severity="warning",
            )

    @property
    def triage(self) -> TriageScreen:
        for screen in self.screen_stack:
            if isinstance(screen, TriageScreen):
                return screen
        raise LookupError("the triage screen is not open")

    # ----------------------------------------------------------------- flags

    @on(StoreOpened)
    def store_opened(self, message: StoreOpened) -> None:
        # The store's flags live as long as the app: out of the collector's sight, as the day's
        # papers are (100,000 flags: ~3-4 ms off every full collection, which lands on a key press).
        keep_long_lived()
        for notice in message.notices:
            self.notify(notice, title="Flags", severity="warning", timeout=12)
        self.triage.flags_changed()

    @on(StoreFailed)
    def store_failed(self, message: StoreFailed) -> None:
        self.notify(
            f"Stars and read marks will not be saved: {message.reason}",
            title="Flags",
            severity="error",
            timeout=15,
        )

    @on(FlagsChangedElsewhere)
    def flags_changed_elsewhere(self) -> None:
        """Another reader on this data dir changed flags: show them."""
        try:
            triage = self.triage
        except LookupError:  # the screens are going (quitting): nothing to show them on
            return
        triage.flags_changed()

    @on(FlagWriteFailed)
    def flag_write_failed(self, message: FlagWriteFailed) -> None:
        shown = ", ".join(message.ids[:3]) + ("…" if len(message.ids) > 3 else "")
        self.notify(
            f"Could not save the flags of {shown}: {message.reason}",
            title="Flags",
            severity="error",
            timeout=10,
        )
        self.triage.flags_changed(message.ids)

    async def flush_flags(self) -> None:
        """Wait until every flag change made so far is on disk."""
        if self.flags is not None:
            await asyncio.wrap_future(self.flags.flush())

    async def action_quit(self) -> None:
        await self.flush_flags()
        await self.flush_session()
        self.exit(0)

    def handle_quit_signals(self) -> None:
        """SIGTERM, SIGHUP and SIGINT quit as q does: every flag and the session on disk, the
        terminal given back (main screen, no mouse tracking, the cursor shown). Installed by
        ``run_app`` on the app's own loop, not in tests that share the test runner's."""
        loop = asyncio.get_running_loop()
        for number in QUIT_SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(number, self._quit_on_signal, number)

    def _quit_on_signal(self, number: int) -> None:
        name = signal.Signals(number).name
        now = time.monotonic()
        if not self._quitting:
            self.recent_actions.add(f"signal {name}: quit")
            self._quitting = True
            self._quit_signalled_at = now
            asyncio.get_running_loop().create_task(self.action_quit())
            return
        if now - self._quit_signalled_at < SECOND_SIGNAL_GRACE:
            # Signals come in pairs (a closed window: the shell's SIGHUP and the kernel's;
            # logind: SIGTERM then SIGHUP): that is one quit, not a user insisting.
            self.recent_actions.add(f"signal {name} again: part of the same quit")
            return
        # A second signal while the first quit waits (a disk that does not answer): the user
        # insists. Leave now, the terminal given back, saying what may not be on disk.
        self.recent_actions.add(f"signal {name} again: quit at once")
        unsaved = self.flags.unsaved() if self.flags is not None else 0
        self.forced_quit = f"quit at once on a second {name}" + (
            f": the changes to {unsaved} paper(s) may not be on disk" if unsaved else ""
        )
        self.exit(1)

    async def flush_session(self) -> None:
        """Hand the triage screen's session to the keeper and wait until it is on disk."""
        keeper = self.session_keeper
        if keeper is None:
            return
        try:
            session = self.triage.current_session()
        except LookupError:
            return
        await asyncio.wrap_future(keeper.save(session))

    def on_unmount(self) -> None:
        wait = self.forced_quit is None
        if self.flags is not None:
            self.flags.close(wait=wait)
        if self.session_keeper is not None:
            self.session_keeper.close(wait=wait)

    # ----------------------------------------------------------------- crashes

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Every action, whatever ran it (a key, the palette, a click), noted for crash reports."""
        where = type(default_namespace).__name__ if default_namespace is not None else "App"
        self.recent_actions.add(f"{where}: {action if isinstance(action, str) else action[1]}")
        return await super().run_action(action, default_namespace, namespaces)

    def _handle_exception(self, error: Exception) -> None:
        """An unexpected error: write a report, keep every flag and the position, then let
        Textual restore the terminal and exit (run_app prints the report's path)."""
        if _terminal_gone(error):
            # The window was closed: Textual could not draw. Not a crash: keep every flag and
            # the position, and leave (run_app says nothing: there is no terminal to say it on).
            self.terminal_gone = True
            self._save_on_crash()
        elif self.crash_report is None:
            original = getattr(error, "error", None)  # a worker's error comes wrapped
            reported = original if isinstance(original, BaseException) else error
            try:
                self.crash_report = write_crash_report(reported, self.recent_actions.snapshot())
            except OSError:
                self.crash_report = None
            self._save_on_crash()
        super()._handle_exception(error)

    def _save_on_crash(self) -> None:
        # Crashing already: keep what can be kept, whatever else fails.
        if self.flags is not None:
            with contextlib.suppress(Exception):
                self.flags.close()
        keeper = self.session_keeper
        if keeper is not None:
            with contextlib.suppress(Exception):
                keeper.save_now(self.triage.current_session())

    # ----------------------------------------------------------------- browser

    def open_page(self, url: str) -> None:
        self.opened_urls.append(url)
        opener = self._opener
        if opener is None and (
            os.environ.get(BROWSER_ENV, "").strip().lower() == "none" or self.is_headless
        ):
            self.notify(url, title="Not opening a browser here", timeout=5)
            return
        self.notify(url, title="Opening", timeout=3)
        import webbrowser  # not at start-up: it is needed by the first page opened

        self.run_worker(
            partial(self._open_in_thread, opener or webbrowser.open, url),
            name="browser",
            group="browser",
            thread=True,
        )

    def open_pdf(self, path: Path) -> None:
        """Open a PDF on disk with the system viewer (or the injected opener), off the UI
        thread; where there is no viewer (ARXIV_DAILY_BROWSER=none, headless) say where it is."""
        self.opened_pdfs.append(path)
        opener = self._pdf_opener
        if opener is None and (
            os.environ.get(BROWSER_ENV, "").strip().lower() == "none" or self.is_headless
        ):
            self.notify(str(path), title="Not opening a PDF viewer here", timeout=5)
            return
        self.notify(path.name, title="Opening", timeout=3)
        self.run_worker(
            partial(self._open_pdf_in_thread, opener or _system_viewer, path),
            name="pdf viewer",
            group="viewer",
            thread=True,
        )

    def _open_pdf_in_thread(self, opener: PdfOpener, path: Path) -> None:
        from tui.adapters.pdf import PdfError  # on the worker: it brings in requests

        try:
            opener(path)
        except PdfError as error:
            problem = str(error)
        except Exception as error:
            problem = f"{type(error).__name__}: {error}"
        else:
            return
        self.call_from_thread(
            self.notify, f"{path.name}: {problem}", title="Could not open", severity="error"
        )

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """As App.notify, but plain text unless asked (messages carry data: reasons, ids, URLs),
        and cut to ``NOTICE_CHARS`` (a server's whole error page or a huge setting must not
        fill the screen)."""
        if len(message) > NOTICE_CHARS:
            message = message[: NOTICE_CHARS - 1].rstrip() + "…"
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def _open_in_thread(self, opener: Opener, url: str) -> None:
        try:
            opened = opener(url)
        except Exception as error:
            problem: str | None = f"{type(error).__name__}: {error}"
        else:
            problem = "no browser found" if opened is False else None
        if problem is not None:
            self.call_from_thread(
                self.notify, f"{url}: {problem}", title="Could not open", severity="error"
            )


def _a_listing_day(day: date, newest: date, now: datetime) -> date:
    """``day`` if arXiv listed on it, else the listing before it (a saved session may name a
    Saturday, a holiday or a date before arXiv began)."""
    from tui.core.calendar import NoListing, default_calendar

    try:
        return default_calendar().check(day, now)
    except NoListing as refusal:
        return refusal.before or newest


def _arxiv_source() -> ArxivSource:
    """Imported on first fetch, on a worker thread: arxiv and requests cost ~70 ms of start-up."""
    from tui.adapters.sources.api import ArxivSource

    return ArxivSource()


def _system_viewer(path: Path) -> None:
    """Imported on first use, on a worker thread: tui.adapters.pdf brings in requests."""
    from tui.adapters.pdf import open_with_system_viewer

    open_with_system_viewer(path)


def run_app(options: Options, config: Config | None = None) -> int:
    """Run the reader; ``config`` is read from the settings file when not given."""
    warning = None
    if config is None:
        try:
            config = load_config()
        except ConfigError as error:
            warning = str(error)
    # A terminal that says it can do nothing (TERM=dumb): no colours, no alternate screen (the
    # reader draws in place below the prompt; what it showed stays in the scrollback).
    dumb = os.environ.get("TERM", "").strip() == "dumb"
    app = ArxivDailyApp(options, config=config)
    if dumb:
        from textual.filter import NoColor

        # Textual's NO_COLOR keeps grey levels; its NoColor filter drops colour altogether.
        app._filters.append(NoColor())
    app._signals = True
    if warning is not None:
        app.startup_warnings.append(warning)
    # Everything imported so far lives as long as the process: out of the collector's sight, a
    # full collection during start-up no longer walks it (~20 ms before the first paint).
    keep_long_lived()
    try:
        result = app.run(inline=dumb)
    except OSError as error:
        if error.errno != errno.EIO:
            raise
        # The terminal hung up (its window closed) while Textual still wrote to it: what was
        # to be saved is saved (the app has shut down); there is nothing left to draw on.
        result = 1
    if app.terminal_gone:
        _leave_if_input_is_stuck(1)
        return 1
    if app.crash_report is not None:
        print(report_and_exit_message(app.crash_report), file=sys.stderr)
    if app.forced_quit is not None:
        print(f"arxiv-daily: {app.forced_quit}", file=sys.stderr)
        sys.stderr.flush()
        sys.stdout.flush()
        os._exit(1)  # the writer threads may be stuck on the disk: do not wait to join them
    code = result if isinstance(result, int) else (app.return_code or 0)
    _leave_if_input_is_stuck(code)
    return code


def _terminal_gone(error: BaseException) -> bool:
    """An EIO raised while Textual's driver wrote to the terminal: the terminal hung up."""
    if not (isinstance(error, OSError) and error.errno == errno.EIO):
        return False
    frames = traceback.extract_tb(error.__traceback__)
    return bool(frames) and "/textual/drivers/" in frames[-1].filename.replace("\\", "/")


def _leave_if_input_is_stuck(code: int) -> None:
    """Exit now if Textual's input thread outlived the app (everything is saved by now).

    When the terminal is closed under the inline driver (TERM=dumb), its ``disable_input`` fails
    writing to the gone terminal before it sets the thread's exit event (Textual 8.x), and the
    thread spins on a hung-up descriptor for ever, keeping the process alive at full CPU.
    """
    for thread in threading.enumerate():
        if thread.name == "textual-input" and thread.is_alive():
            thread.join(1.0)
            if thread.is_alive():
                with contextlib.suppress(OSError, ValueError):
                    sys.stdout.flush()
                    sys.stderr.flush()
                os._exit(code)
