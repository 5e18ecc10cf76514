"""The settings file with an author added to or taken out of ``[watch] authors``, or a saved
search in or out of ``[searches]``, via tomlkit.

tomlkit parses the file into a document that renders back to the very same text; the
``authors`` array is swapped for an edited copy and the document rendered again, so every other
byte (comments, blank lines, quoting) stays. How the array's own text changes is
``tui.config.array_text``; tomlkit tells where its items are, by marking one at a time.

Each function returns None where it sees no safe edit; ``tui.config.edit`` then refuses, as it
does when the edited text does not mean exactly the settings wanted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import Array, Comment, InlineTable, Item, Table

from tui.config.array_text import ArrayItem, add_item, remove_items

_MARK = "\x00"
"""No valid TOML text holds a raw NUL, so one rendered in an array is the mark put there."""

_TOMLKIT_TROUBLE = (TOMLKitError, ValueError, LookupError)
"""What tomlkit may raise on a text ``tomllib`` took: then no edit, the file left alone."""


def with_author(text: str, name: str) -> str | None:
    """``text`` with ``name`` last in ``[watch] authors`` (that key or section added if need be:
    the key first under the ``[watch]`` header, the section at the end of the file)."""
    literal = json.dumps(name, ensure_ascii=False)  # a JSON string is a valid TOML basic string
    newline = "\r\n" if "\r\n" in text else "\n"
    try:
        document = tomlkit.parse(text)
        if "watch" not in document:
            return _with_watch_section(text, literal, newline)
        watch = document.item("watch")
        if isinstance(watch, (Table, InlineTable)) and "authors" in watch:
            return _with_array_edit(
                document, watch, lambda array, items: add_item(array, items, literal, newline)
            )
        if isinstance(watch, Table) and not watch.is_super_table():
            return _with_authors_key(text, literal, newline)
    except _TOMLKIT_TROUBLE:
        pass
    return None  # an inline table or dotted keys without authors: edit by hand


def without_author(text: str, same: Callable[[object], bool]) -> str | None:
    """``text`` without the items of ``[watch] authors`` for which ``same`` is true."""
    try:
        document = tomlkit.parse(text)
        watch = document.item("watch") if "watch" in document else None
        if not isinstance(watch, (Table, InlineTable)) or "authors" not in watch:
            return None

        def removed(array: str, items: list[ArrayItem]) -> str | None:
            doomed = [i for i, item in enumerate(items) if same(item.value)]
            return remove_items(array, items, doomed) if doomed else None

        return _with_array_edit(document, watch, removed)
    except _TOMLKIT_TROUBLE:
        return None


def _with_array_edit(
    document: tomlkit.TOMLDocument,
    watch: Table | InlineTable,
    edit: Callable[[str, list[ArrayItem]], str | None],
) -> str | None:
    """The document rendered with ``watch.authors`` replaced by ``edit`` of its text."""
    array = watch.value.item("authors")
    if not isinstance(array, Array):
        return None
    text = array.as_string()
    items = _items(array)
    if items is None or (edited := edit(text, items)) is None:
        return None
    watch["authors"] = tomlkit.parse(f"authors = {edited}").item("authors")
    return tomlkit.dumps(document)


def _items(array: Array) -> list[ArrayItem] | None:
    """Where each item of ``array`` is in its text: each in turn is replaced by a mark, the
    array rendered, then the item put back. None if the text does not come back the same."""
    text = array.as_string()
    items = []
    for index in range(len(array)):
        item = array[index]  # the Item (older tomlkit gives a bool as a bool)
        if not isinstance(item, Item):
            return None
        array[index] = tomlkit.ws(_MARK)
        start = array.as_string().find(_MARK)
        array[index] = item
        end = start + len(item.as_string())
        if start < 0 or text[start:end] != item.as_string():
            return None
        items.append(ArrayItem(start, end, item.unwrap()))
    return items if array.as_string() == text else None


def _with_authors_key(text: str, literal: str, newline: str) -> str | None:
    """``text`` with ``authors = [literal]`` first under its ``[watch]`` header."""
    if not text.endswith("\n"):
        text += newline
    document = tomlkit.parse(text)
    watch = document.item("watch")
    if not isinstance(watch, Table):
        return None
    authors = tomlkit.parse(f"authors = [{literal}]{newline}").item("authors")
    if watch.value.body:
        watch.value._insert_at(0, "authors", authors)  # tomlkit has no public insert
    else:
        watch.append("authors", authors)
    return tomlkit.dumps(document)


def _with_watch_section(text: str, literal: str, newline: str) -> str:
    """``text`` with a ``[watch]`` section at its end, after a blank line."""
    if text and not text.endswith("\n"):
        text += newline
    document = tomlkit.parse(text)
    watch = tomlkit.table()
    watch.trivia.indent = newline
    watch.trivia.trail = newline
    watch.append("authors", tomlkit.parse(f"authors = [{literal}]{newline}").item("authors"))
    document.append("watch", watch)
    return tomlkit.dumps(document)


# ---------------------------------------------------------------- [searches]


def search_line(name: str, query: str, newline: str = "\n") -> str:
    """``name = 'query'`` as a line of ``[searches]``: a bare key where TOML allows one, and a
    literal string (no escapes: phrases keep their plain double quotes) where it can be one."""
    key = name if _BARE_KEY.fullmatch(name) else json.dumps(name, ensure_ascii=False)
    literal = "'" not in query and all(c.isprintable() or c == "\t" for c in query)
    value = f"'{query}'" if literal else json.dumps(query, ensure_ascii=False)
    return f"{key} = {value}{newline}"


def with_search(text: str, name: str, query: str) -> str | None:
    """``text`` with ``[searches]`` ``name = 'query'``: the line replaced where that name is,
    else added after the section's last search (or its first comments), the section added at
    the end of the file if there is none."""
    newline = "\r\n" if "\r\n" in text else "\n"
    if text and not text.endswith("\n"):
        text += newline
    line = search_line(name, query, newline)
    try:
        document = tomlkit.parse(text)
        if "searches" not in document:
            return _with_searches_section(text, line, newline)
        searches = document.item("searches")
        if not isinstance(searches, Table) or searches.is_super_table():
            return None  # an inline table or dotted keys: edit by hand
        key, item = next(iter(tomlkit.parse(line).body))
        if key is None:
            return None
        if name in searches:
            old = searches.item(name)
            if not isinstance(old, Item):
                return None
            item.trivia.comment_ws = old.trivia.comment_ws
            item.trivia.comment = old.trivia.comment
            searches[name] = item
            return tomlkit.dumps(document)
        body = searches.value.body
        keyed = [i for i, (k, _) in enumerate(body) if k is not None]
        if keyed:
            at = keyed[-1] + 1
        else:  # the comments right under the header go with it; a blank line ends them
            at = 0
            while at < len(body) and body[at][0] is None and isinstance(body[at][1], Comment):
                at += 1
        if at < len(body):
            searches.value._insert_at(at, key, item)  # tomlkit has no public insert
        else:
            searches.append(key, item)
        return tomlkit.dumps(document)
    except _TOMLKIT_TROUBLE:
        return None


def without_search(text: str, name: str) -> str | None:
    """``text`` without the line of ``name`` in ``[searches]`` (None if it is not there)."""
    try:
        document = tomlkit.parse(text)
        searches = document.item("searches") if "searches" in document else None
        if not isinstance(searches, Table) or searches.is_super_table() or name not in searches:
            return None
        del searches[name]
        return tomlkit.dumps(document)
    except _TOMLKIT_TROUBLE:
        return None


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _with_searches_section(text: str, line: str, newline: str) -> str:
    """``text`` with a ``[searches]`` section holding ``line`` at its end, after a blank line."""
    blank = newline if text else ""
    return f"{text}{blank}[searches]{newline}{line}"
