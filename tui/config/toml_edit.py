"""The settings file with an author added to or taken out of ``[watch] authors``, via tomlkit.

tomlkit parses the file into a document that renders back to the very same text; the
``authors`` array is swapped for an edited copy and the document rendered again, so every other
byte (comments, blank lines, quoting) stays. How the array's own text changes is
``tui.config.array_text``; tomlkit tells where its items are, by marking one at a time.

Each function returns None where it sees no safe edit; ``tui.config.edit`` then refuses, as it
does when the edited text does not mean exactly the settings wanted.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import Array, InlineTable, Item, Table

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
