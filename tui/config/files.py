"""Where the settings file lives, and writing it from the commented template on first run.

The template is ``template.toml`` beside this module, read as package data: a TOML file is
easier to keep right (and to check with TOML tools) than a string in Python.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from tui import paths
from tui.adapters.atomic import TEMP_MARKER, fsync_dir, os_reason
from tui.config.model import CONFIG_FILE_NAME, ConfigError

TEMPLATE_RESOURCE = "template.toml"


def config_path() -> Path:
    return paths.config_dir() / CONFIG_FILE_NAME


@cache
def template_text() -> str:
    """The commented template: every setting at its default (what ``default_config()`` says).

    Read on first use only (``importlib.resources`` and the read cost a millisecond that a start
    with an existing settings file does not need)."""
    from importlib.resources import files

    return files("tui.config").joinpath(TEMPLATE_RESOURCE).read_text("utf-8")


def ensure_config_file(path: Path | None = None) -> Path:
    """Write the commented template to ``path`` (default ``config_path()``) unless a file is
    there; never replaces one, even one another process creates at the same moment.
    ConfigError (one line) if it cannot be written."""
    path = config_path() if path is None else path
    try:
        if path.exists():  # raises where the folder may not be searched
            return path
    except OSError as error:
        raise ConfigError(path, None, f"cannot read: {os_reason(error)}", disk=True) from None
    try:
        _create_exclusively(path, template_text())
    except OSError as error:
        raise ConfigError(path, None, f"cannot create: {os_reason(error)}", disk=True) from None
    return path


def _create_exclusively(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f"{path.name}{TEMP_MARKER}{os.urandom(6).hex()}")
    try:
        temp.write_text(text, encoding="utf-8")
        with temp.open("rb") as written:
            os.fsync(written.fileno())
        try:
            os.link(temp, path)  # fails if the file appeared meanwhile: theirs wins
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            if not path.exists():
                os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    fsync_dir(path.parent)
