"""Reading the settings file: bytes to text to TOML to a checked ``Config``.

``tomllib`` (stdlib, and some twenty times faster than tomlkit) parses the file at every start;
its syntax errors carry their own line. What the valid TOML *means* is checked by
``tui.config.validate``, whose errors find their line through tomlkit only when there is one.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from tui.adapters.atomic import os_reason
from tui.config.files import config_path, ensure_config_file
from tui.config.model import Config, ConfigError, default_config
from tui.config.validate import config_from_document


def load_config(path: Path | None = None, *, create: bool = True) -> Config:
    """The settings in ``path`` (default ``config_path()``); ConfigError if they are unusable.

    A missing file is created from the template when ``create`` is true; otherwise the
    built-in defaults are returned.
    """
    path = config_path() if path is None else path
    if create:
        ensure_config_file(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if create:
            raise ConfigError(path, None, "the file vanished while being read", disk=True) from None
        return default_config()
    except OSError as error:
        raise ConfigError(path, None, f"cannot read: {os_reason(error)}", disk=True) from None
    return parse_config(decode_text(raw, path), path)


def decode_text(raw: bytes, path: Path | None) -> str:
    """The file's text: UTF-8, a byte order mark dropped; ConfigError naming the first bad line."""
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise ConfigError(path, line, "not UTF-8 text") from None


def parse_config(text: str, path: Path | None = None) -> Config:
    """The settings a config text gives; ConfigError naming the line at fault."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _syntax_error(error, text, path) from None
    return config_from_document(document, text, path)


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_AT_END = re.compile(r"\s*\(at end of document\)$")


def _syntax_error(error: tomllib.TOMLDecodeError, text: str, path: Path | None) -> ConfigError:
    message = str(error).splitlines()[0] if str(error) else "invalid TOML"
    line: int | None = getattr(error, "lineno", None)  # Python 3.14 has it as an attribute
    column: int | None = getattr(error, "colno", None)
    if found := _TOML_POSITION.search(message):
        line, column = int(found[1]), int(found[2])
        message = message[: found.start()]
    elif found := _TOML_AT_END.search(message):
        line = max(len(text.splitlines()), 1)
        message = message[: found.start()] + " at the end of the file"
    if column is not None:
        message += f" (column {column})"
    return ConfigError(path, line, f"invalid TOML: {message}")
