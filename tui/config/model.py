"""What the settings are: the ``Config`` value, its defaults, and the error a bad file gives.

Pure values (no reading, no TOML): the reader builds a ``Config``, the app only consumes one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from tui import paths
from tui.core.follow import DEFAULT_FOLLOW, Follow

CONFIG_FILE_NAME = "config.toml"
DEFAULT_THEME = "textual-dark"


def default_pdf_folder() -> Path:
    """``~/Papers/arxiv``; with ``ARXIV_DAILY_DATA_DIR`` set, ``<data dir>/pdfs`` instead.

    A data dir given by hand keeps everything of that instance together (tests, portable use),
    the same rule as ``tui.paths.config_dir``.
    """
    if os.environ.get(paths.DATA_DIR_ENV):
        return paths.data_dir() / "pdfs"
    return Path.home() / "Papers" / "arxiv"


def _no_keys() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Config:
    follow: Follow
    """Followed categories, keyword profiles and the profile selected at start."""
    keys: Mapping[str, str] = field(default_factory=_no_keys)
    """Key overrides: action id (``toggle_star``) -> Textual key names, comma-separated
    (``"x,ctrl+y"``). Only the shape is checked here; the app knows which action ids exist."""
    theme: str = DEFAULT_THEME
    """A Textual theme name; the app checks it against the themes it has."""
    expand_marks_read: bool = True
    hide_read: bool = False
    """Start with the papers already read hidden (H toggles)."""
    hide_seen: bool = False
    """Start with the papers seen on an earlier day hidden (B toggles)."""
    compact_list: bool = False
    """Start with one line per paper instead of the two-line rows (z toggles)."""
    watch_authors: tuple[str, ...] = ()
    watch_phrases: tuple[str, ...] = ()
    rules_hide: tuple[str, ...] = ()
    """Kill rules (search-language queries) whose papers are kept out of the list."""
    rules_read: tuple[str, ...] = ()
    """Kill rules whose papers are marked read as their day arrives."""
    pdf_folder: Path = field(default_factory=default_pdf_folder)
    """Absolute, ``~`` expanded."""
    path: Path | None = field(default=None, compare=False)
    """The file this was read from; None for the built-in defaults."""


def default_config() -> Config:
    """The built-in settings: what the template (``template.toml``) says."""
    return Config(follow=DEFAULT_FOLLOW)


class ConfigError(ValueError):
    """A settings file that cannot be used. ``str()`` is one line: ``<path> line N: <problem>``.

    ``disk`` is true when the file could not be read or written (not what it says).
    """

    def __init__(
        self, path: Path | None, line: int | None, problem: str, *, disk: bool = False
    ) -> None:
        self.path = path
        self.line = line
        self.problem = problem
        self.disk = disk
        where = str(path) if path is not None else CONFIG_FILE_NAME
        if line is not None:
            where += f" line {line}"
        super().__init__(f"{where}: {problem}")
