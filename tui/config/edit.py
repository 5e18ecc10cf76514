"""The one change the app makes to the settings file: an author in or out of ``[watch] authors``.

The edit itself is tomlkit's (``tui.config.toml_edit``, imported only when an edit is made: not
at start-up). Whatever it produces is parsed again the way the app reads the file and must
mean exactly the settings before, with that author added or gone; otherwise nothing is written
and the error says to edit the file by hand. The file is then replaced atomically, keeping its
mode, and a symlinked settings file (dotfiles kept elsewhere) stays a symlink.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from tui.adapters.atomic import atomic_write_bytes, os_reason
from tui.config.files import config_path, ensure_config_file
from tui.config.model import ConfigError
from tui.config.reader import decode_text, parse_config


def same_author(a: str, b: str) -> bool:
    """The same name, case and spacing aside."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def add_watch_author(name: str, path: Path | None = None) -> None:
    """Append ``name`` to ``[watch] authors``, keeping every comment and other setting.

    Does nothing if the name is already there (case and spacing aside). Creates the file from
    the template if it is missing. ConfigError if the file is unusable or the edit cannot be
    made safely (then the file is left as it was); ValueError for a blank name.
    """
    name = " ".join(name.split())
    if not name:
        raise ValueError("an author name must not be blank")
    path = config_path() if path is None else path
    ensure_config_file(path)

    def wanted(authors: tuple[str, ...]) -> tuple[str, ...]:
        return authors if any(same_author(name, a) for a in authors) else (*authors, name)

    def edit(text: str) -> str | None:
        from tui.config.toml_edit import with_author

        return with_author(text, name)

    _edit_watch_authors(
        path, wanted, edit, f"could not add {name!r} to [watch] authors safely; add it by hand"
    )


def remove_watch_author(name: str, path: Path | None = None) -> None:
    """Take ``name`` out of ``[watch] authors``, keeping every comment and other setting.

    ``name`` as written there (case and spacing aside); nothing happens if it is not there.
    ConfigError if the file is unusable or the edit cannot be made safely (then the file is
    left as it was).
    """
    path = config_path() if path is None else path
    if not path.exists():
        return

    def edit(text: str) -> str | None:
        from tui.config.toml_edit import without_author

        return without_author(
            text, lambda value: isinstance(value, str) and same_author(value, name)
        )

    _edit_watch_authors(
        path,
        lambda authors: tuple(a for a in authors if not same_author(a, name)),
        edit,
        f"could not take {name!r} out of [watch] authors safely; edit it by hand",
    )


def _edit_watch_authors(
    path: Path,
    wanted: Callable[[tuple[str, ...]], tuple[str, ...]],
    edit: Callable[[str], str | None],
    refusal: str,
) -> None:
    """Apply ``edit`` to the settings file, if the watch authors are to change, and only if the
    edited file means exactly what it did with ``wanted`` authors. One edit at a time: two
    quick ``w`` presses run on two workers, and each rewrites the whole file."""
    with _EDITING:
        _edit_locked(path, wanted, edit, refusal)


_EDITING = threading.Lock()


def _edit_locked(
    path: Path,
    wanted: Callable[[tuple[str, ...]], tuple[str, ...]],
    edit: Callable[[str], str | None],
    refusal: str,
) -> None:
    target = path.resolve()  # a symlink (dotfiles kept elsewhere) stays a symlink
    try:
        raw = target.read_bytes()
        mode = target.stat().st_mode
    except OSError as error:
        raise ConfigError(path, None, f"cannot read: {os_reason(error)}", disk=True) from None
    text = decode_text(raw, path)
    before = parse_config(text, path)
    authors = wanted(before.watch_authors)
    if authors == before.watch_authors:
        return
    edited = edit(text)
    try:
        after = parse_config(edited, path) if edited is not None else None
    except ConfigError:
        after = None
    if edited is None or after != replace(before, watch_authors=authors):
        raise ConfigError(path, None, refusal)
    try:
        atomic_write_bytes(target, edited.encode("utf-8"))
        os.chmod(target, mode & 0o7777)
    except OSError as error:
        raise ConfigError(path, None, f"cannot write: {os_reason(error)}", disk=True) from None
