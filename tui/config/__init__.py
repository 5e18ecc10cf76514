"""The settings file: where it lives, its commented template, reading it, the edit the app makes.

``config.toml`` lives in ``tui.paths.config_dir()``. On first run it is written from the
template (``template.toml`` here, ``TEMPLATE``), which documents every setting with its
default; ``default_config()`` is what that template says. A setting left out of the file takes
its default, except keyword profiles: the profiles are exactly the ``[profiles.NAME]`` sections
in the file (deleting the sample one means no profiles). Saved searches (``[searches]``: name =
query of the search language) are profiles too (``KeywordProfile.query``), after those.

A bad file is a ``ConfigError`` whose text is one line naming the file and the line at fault.

The package, by role:

- ``model``: ``Config``, ``ConfigError``, the defaults (pure values);
- ``files``: where the file is, and writing the template on first run;
- ``reader``: bytes to ``Config`` with ``tomllib`` (fast, stdlib: every start);
- ``validate``: what the parsed TOML must say; ``locate`` (tomlkit) finds the line of a
  failure, loaded only then;
- ``edit``: ``add_watch_author`` / ``remove_watch_author``, ``save_search`` /
  ``remove_search``, checked before they write;
  ``toml_edit`` (tomlkit) and ``array_text`` make the edit, loaded only then.

tomlkit is never imported to read a valid file: start-up pays for ``tomllib`` only.
"""

from __future__ import annotations

from tui.config.edit import (
    add_watch_author,
    remove_search,
    remove_watch_author,
    save_search,
    search_problem,
)
from tui.config.files import config_path, ensure_config_file, template_text
from tui.config.model import (
    CONFIG_FILE_NAME,
    DEFAULT_THEME,
    Config,
    ConfigError,
    default_config,
    default_pdf_folder,
)
from tui.config.reader import load_config, parse_config

__all__ = [
    "CONFIG_FILE_NAME",
    "DEFAULT_THEME",
    "TEMPLATE",
    "Config",
    "ConfigError",
    "add_watch_author",
    "config_path",
    "default_config",
    "default_pdf_folder",
    "ensure_config_file",
    "load_config",
    "parse_config",
    "remove_search",
    "remove_watch_author",
    "save_search",
    "search_problem",
    "template_text",
]


def __getattr__(name: str) -> str:
    """``TEMPLATE``: the template's text, read on first use (PEP 562), not at every start."""
    if name == "TEMPLATE":
        return template_text()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
