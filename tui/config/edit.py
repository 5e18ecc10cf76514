"""The changes the app makes to the settings file: an author in or out of ``[watch] authors``, a
saved search in or out of ``[searches]``.

The edit itself is tomlkit's (``tui.config.toml_edit``, imported only when an edit is made: not
at start-up). Whatever it produces is parsed again the way the app reads the file and must
mean exactly the settings before with that one change; otherwise nothing is written and the
error says to edit the file by hand. The file is then replaced atomically, keeping its mode,
and a symlinked settings file (dotfiles kept elsewhere) stays a symlink.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from tui.adapters.atomic import atomic_write_bytes, os_reason
from tui.config.files import config_path, ensure_config_file
from tui.config.model import Config, ConfigError
from tui.config.reader import decode_text, parse_config
from tui.core.follow import KeywordProfile


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

    _edit_settings(
        path,
        _authors(wanted),
        edit,
        f"could not add {name!r} to [watch] authors safely; add it by hand",
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

    _edit_settings(
        path,
        _authors(lambda authors: tuple(a for a in authors if not same_author(a, name))),
        edit,
        f"could not take {name!r} out of [watch] authors safely; edit it by hand",
    )


def _authors(
    wanted: Callable[[tuple[str, ...]], tuple[str, ...]],
) -> Callable[[Config], Config]:
    return lambda config: replace(config, watch_authors=wanted(config.watch_authors))


def search_problem(name: str, query: str) -> str | None:
    """Why ``name`` and ``query`` cannot be saved as a search (None: they can)."""
    from tui.core.query import QueryError, parse_query
    from tui.core.saved_search import name_problem

    problem = name_problem(name)
    if problem is not None:
        return problem
    try:
        expr = parse_query(query)
    except QueryError as error:
        return f"the query cannot be read: {error}"
    if expr is None:
        return "the query is empty"
    return None


def save_search(name: str, query: str, path: Path | None = None) -> None:
    """Set ``[searches]`` ``name = 'query'``: a new line at the end of the section (the section
    added at the end of the file if need be), or the query of that name replaced in its line.
    Every comment and other setting stays. ValueError for a blank name or a query that cannot
    be read; ConfigError if the file is unusable, if a keyword profile has that name, or if
    the edit cannot be made safely (then the file is left as it was)."""
    name, query = " ".join(name.split()), " ".join(query.split())
    problem = search_problem(name, query)
    if problem is not None:
        raise ValueError(problem)
    path = config_path() if path is None else path
    ensure_config_file(path)
    search = KeywordProfile(name, (), (), query=query)

    def wanted(config: Config) -> Config:
        profiles = config.follow.profiles
        same = next((p for p in profiles if p.name == name), None)
        if same is not None and not same.query:
            raise ConfigError(
                path, None, f"a keyword profile is named {name!r}: choose another name"
            )
        if same is None:
            profiles = (*profiles, search)
        else:
            profiles = tuple(search if p.name == name else p for p in profiles)
        return replace(config, follow=replace(config.follow, profiles=profiles))

    def edit(text: str) -> str | None:
        from tui.config.toml_edit import with_search

        return with_search(text, name, query)

    _edit_settings(
        path,
        wanted,
        edit,
        f"could not save the search {name!r} in [searches] safely; add it by hand",
    )


def remove_search(name: str, path: Path | None = None) -> None:
    """Take the saved search ``name`` out of ``[searches]`` (its line goes, with a comment on
    it); nothing happens if there is none. ConfigError if the file is unusable or the edit
    cannot be made safely (then the file is left as it was)."""
    path = config_path() if path is None else path
    if not path.exists():
        return

    def wanted(config: Config) -> Config:
        follow = config.follow
        profiles = tuple(p for p in follow.profiles if not (p.query and p.name == name))
        if profiles != follow.profiles and follow.default_profile == name:
            raise ConfigError(path, None, f"default_profile is {name!r}: change that setting first")
        return replace(config, follow=replace(follow, profiles=profiles))

    def edit(text: str) -> str | None:
        from tui.config.toml_edit import without_search

        return without_search(text, name)

    _edit_settings(
        path, wanted, edit, f"could not take the search {name!r} out of [searches]; edit it by hand"
    )


def _edit_settings(
    path: Path,
    wanted: Callable[[Config], Config],
    edit: Callable[[str], str | None],
    refusal: str,
) -> None:
    """Apply ``edit`` to the settings file, if the settings are to change, and only if the
    edited file means exactly what ``wanted`` makes of them. One edit at a time: two quick
    presses run on two workers, and each rewrites the whole file."""
    with _EDITING:
        _edit_locked(path, wanted, edit, refusal)


_EDITING = threading.Lock()


def _edit_locked(
    path: Path,
    wanted: Callable[[Config], Config],
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
    after_wanted = wanted(before)
    if after_wanted == before:
        return
    edited = edit(text)
    try:
        after = parse_config(edited, path) if edited is not None else None
    except ConfigError:
        after = None
    if edited is None or after != after_wanted:
        raise ConfigError(path, None, refusal)
    try:
        atomic_write_bytes(target, edited.encode("utf-8"))
        os.chmod(target, mode & 0o7777)
    except OSError as error:
        raise ConfigError(path, None, f"cannot write: {os_reason(error)}", disk=True) from None
