"""The arxiv-daily app: builds the collaborators, opens the triage screen, saves on the way out."""

from __future__ import annotations

import asyncio
import gc
import os
import threading
import webbrowser
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import partial
from typing import TYPE_CHECKING

from textual import on
from textual.app import App
from textual.notifications import SeverityLevel

from tui.app.commands import KeyOverrides, keymap
from tui.app.flag_keeper import FlagKeeper
from tui.app.messages import FlagWriteFailed, StoreFailed, StoreOpened
from tui.app.screens.triage import DaySources, TriageScreen
from tui.config import Config, ConfigError, default_config, load_config
from tui.domain.day_cache import DayCache
from tui.domain.follow import Follow, KeywordProfile
from tui.domain.listing import latest_listing_day
from tui.domain.store import FlagStore
from tui.options import Options
from tui.paths import flags_dir, sample_day_path, styles_path

if TYPE_CHECKING:
    from tui.domain.source import ArxivSource

BROWSER_ENV = "ARXIV_DAILY_BROWSER"
"""``none``: never start a browser; say which page would have opened."""

ADHOC_PROFILE = "--keyword"

BIG_FLAG_STORE = 1_000_000
"""Bytes of flag files (~7,000 flags, ~25 ms to read) above which the store opens after the first
day is drawn rather than beside it."""

Opener = Callable[[str], object]


def profiles_for(options: Options, follow: Follow) -> tuple[tuple[KeywordProfile, ...], str | None]:
    """The sidebar's keyword profiles and the active one."""
    if options.keywords:
        adhoc = KeywordProfile(ADHOC_PROFILE, tuple(options.keywords))
        return (adhoc, *follow.profiles), ADHOC_PROFILE
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
    ) -> None:
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
        self._cache_factory = cache
        self._cache: DayCache | None = None
        self.flags: FlagKeeper | None = None
        self.startup_warnings: list[str] = []
        """Shown as warnings once the app is up (a settings file that could not be read)."""

    # ----------------------------------------------------------------- start

    def on_mount(self) -> None:
        for warning in self.startup_warnings:
            self.notify(warning, title="Settings", severity="warning", timeout=15)
        self._apply_settings()
        self.flags = FlagKeeper(
            self._store_factory,
            on_opened=lambda notices: self.post_message(StoreOpened(notices)),
            on_open_failed=lambda reason: self.post_message(StoreFailed(reason)),
            on_write_failed=lambda ids, reason: self.post_message(FlagWriteFailed(ids, reason)),
            hold_open=self._flag_store_is_big,
        )
        options = self.options
        categories = options.categories or self.follow.categories
        profiles, active = profiles_for(options, self.follow)
        newest = _sample_date() if options.demo else latest_listing_day(self.now())
        start = options.date or newest
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
                    lock=threading.Lock(),
                    demo=options.demo,
                ),
                open_page=self.open_page,
                expand_marks_read=self.config.expand_marks_read,
            )
        )

    def _flag_store_is_big(self) -> bool:
        """Asked on the flag-writer thread: whether the store takes long to read."""
        if self._store_factory is not FlagStore:
            return False  # a store given by the caller: no telling where it lives
        try:
            size = sum(entry.stat().st_size for entry in os.scandir(flags_dir()) if entry.is_file())
        except OSError:
            return False
        return size >= BIG_FLAG_STORE

    def _apply_settings(self) -> None:
        known, unknown = keymap(self.key_overrides)
        if known:
            self.set_keymap(known)
        for action in unknown:
            self.notify(
                f"[keys] {action}: no such action (the help screen, ?, lists them)",
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

    def _day_cache(self) -> DayCache:
        """Built on first use, on a worker thread (it touches the disk)."""
        if self._cache is None:
            self._cache = self._cache_factory()
        return self._cache

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
        gc.freeze()
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
        self.exit(0)

    def on_unmount(self) -> None:
        if self.flags is not None:
            self.flags.close()

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
        self.run_worker(
            partial(self._open_in_thread, opener or webbrowser.open, url),
            name="browser",
            group="browser",
            thread=True,
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
        """As App.notify, but plain text unless asked: messages carry data (reasons, ids, URLs)."""
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


def _arxiv_source() -> ArxivSource:
    """Imported on first fetch, on a worker thread: arxiv and requests cost ~70 ms of start-up."""
    from tui.domain.source import ArxivSource

    return ArxivSource()


def _sample_date() -> date:
    """The sample day's date, from the bundled file's name (no disk on the UI thread)."""
    return date.fromisoformat(sample_day_path().stem.removeprefix("sample-"))


def run_app(options: Options, config: Config | None = None) -> int:
    """Run the reader; ``config`` is read from the settings file when not given."""
    warning = None
    if config is None:
        try:
            config = load_config()
        except ConfigError as error:
            warning = str(error)
    app = ArxivDailyApp(options, config=config)
    if warning is not None:
        app.startup_warnings.append(warning)
    # Everything imported so far lives as long as the process: out of the collector's sight, a
    # full collection during start-up no longer walks it (~20 ms before the first paint).
    gc.freeze()
    result = app.run()
    return result if isinstance(result, int) else (app.return_code or 0)
