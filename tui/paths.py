"""The one place that knows where arxiv-daily keeps its files."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import PlatformDirs

APP_NAME = "arxiv-daily"
DATA_DIR_ENV = "ARXIV_DAILY_DATA_DIR"
CONFIG_DIR_ENV = "ARXIV_DAILY_CONFIG_DIR"

_dirs = PlatformDirs(APP_NAME, appauthor=False)


class BadPathSetting(ValueError):
    """A folder given in the environment that cannot be used; ``str`` is one line."""


def _from_environment(variable: str) -> Path | None:
    written = os.environ.get(variable)
    if not written:
        return None
    try:
        return Path(written).expanduser()
    except RuntimeError:  # "~name" of a user this system does not know
        unknown = written.split("/")[0]
        raise BadPathSetting(f"{variable}={written!r}: no home folder for {unknown!r}") from None


def data_dir() -> Path:
    """Flags and cached days. ``ARXIV_DAILY_DATA_DIR`` overrides the XDG location."""
    override = _from_environment(DATA_DIR_ENV)
    return override if override is not None else Path(_dirs.user_data_dir)


def config_dir() -> Path:
    override = _from_environment(CONFIG_DIR_ENV)
    if override is not None:
        return override
    if os.environ.get(DATA_DIR_ENV):
        # A data dir given by hand keeps everything of that instance together (tests, portable use).
        return data_dir() / "config"
    return Path(_dirs.user_config_dir)


def state_dir() -> Path:
    """Crash reports and the last session's position."""
    if os.environ.get(DATA_DIR_ENV):
        return data_dir() / "state"
    return Path(_dirs.user_state_dir)


def flags_dir() -> Path:
    return data_dir() / "flags"


def days_dir() -> Path:
    return data_dir() / "days"


def exports_dir() -> Path:
    """Where the app writes exports unless told another path."""
    return data_dir() / "exports"


def styles_path() -> Path:
    """The Textual CSS: inside the wheel as ``tui/styles``, beside ``tui/`` in a source checkout."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "styles", package.parent / "styles"):
        if (candidate / "app.tcss").is_file():
            return candidate / "app.tcss"
    raise FileNotFoundError("styles/app.tcss is missing from this installation")


def sample_day_path() -> Path:
    return Path(__file__).resolve().parent / "data" / "sample-2025-04-09.json"
