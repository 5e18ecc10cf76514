"""Where a key, table header or array item sits in a valid settings text, found with tomlkit.

``tomllib`` says what a text means but not where anything is. tomlkit's document keeps every
byte of the text: rendering it gives the text back. So to find a thing, put a mark where it
is rendered (just before its key or header, or in place of its array item), render, and count
the lines before the mark. tomlkit does all the reading of TOML; nothing here scans the text.

Loaded only on the way to an error (see ``tui.config.validate``): tomlkit parses some twenty
times slower than ``tomllib`` and is not needed to read a valid file.
"""

from __future__ import annotations

from collections.abc import Iterator

import tomlkit
from tomlkit.container import Container
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import AoT, Array, InlineTable, Item, Table

_MARK = "\x00"
"""No valid TOML text holds a raw NUL, so the first one rendered is a mark."""


def line_of(text: str, path: tuple[str, ...], item: int | None = None) -> int | None:
    """The line of ``path``'s key or header in ``text`` (a text ``tomllib`` accepted).

    With ``item``, the line of that item of the array there. A table only implied by what is
    under it (``profiles`` of ``[profiles.A]``, ``watch`` of ``watch.authors = []``) is on the
    line of the first thing written under it. A path not written at all is on its nearest
    written ancestor's line. None if tomlkit cannot tell: the error still names the file.
    """
    try:
        document = tomlkit.parse(text)
        for length in range(len(path), 0, -1):
            found = list(_written(document, path[:length]))
            if found:
                return _marked_line(document, found, item if length == len(path) else None)
    except (TOMLKitError, ValueError, LookupError):  # a locator must not hide the error itself
        pass
    return None


def _written(container: Container, path: tuple[str, ...]) -> Iterator[Item]:
    """Every item written for ``path``, in the order of the text (a table can be written in
    several parts: ``[watch]`` and later ``[watch.x]``, or several dotted keys)."""
    head, rest = path[0], path[1:]
    for key, value in container.body:
        if key is None or key.key != head:
            continue
        if not rest:
            yield value
        elif isinstance(value, (Table, InlineTable)):
            yield from _written(value.value, rest)


def _marked_line(document: Container, found: list[Item], item: int | None) -> int | None:
    first = found[0]
    if item is not None and isinstance(first, Array) and 0 <= item < len(first):
        first[item] = tomlkit.ws(_MARK)  # rendered where the item was, in its place
    else:
        for written in found:
            _mark(written)
    rendered = document.as_string()
    where = rendered.find(_MARK)
    return rendered.count("\n", 0, where) + 1 if where >= 0 else None


def _mark(item: Item) -> None:
    """Mark ``item``'s key or header and, for a table, everything in it: a table implied by
    its sub-tables has no header of its own to mark."""
    if isinstance(item, AoT):
        for table in item.body:
            _mark(table)
        return
    item.trivia.indent += _MARK  # rendered right before the key or the [header]
    if isinstance(item, (Table, InlineTable)):
        for key, value in item.value.body:
            if key is not None:
                _mark(value)
