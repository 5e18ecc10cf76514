"""Adding an item to, or taking items out of, the text of one TOML array, keeping its layout.

Pure text work on an array's own text (``[`` to ``]``), given where its items are: tomlkit
(``tui.config.toml_edit``) finds the array and its items and puts the result back. The rules
keep what a person wrote: an item goes in where one of theirs would, in their indentation and
line endings, and taking out an item just added gives the array back byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ArrayItem:
    """One item of the array: ``text[start:end]`` is its TOML text, ``value`` what it means."""

    start: int
    end: int
    value: object


_COMMA_NEXT = re.compile(r"\s*,")
_OWN_LINE_REST = re.compile(r"[ \t]*,[ \t]*\r?\n")
"""After an item alone on its line, as ``add_item`` writes one: its comma, the line break."""
_LAST_REST = re.compile(r"[ \t]*,?[ \t]*(#[^\r\n]*)?(?=\r?\n)")
"""After the last item: its comma and comment, up to (not with) the line break."""


def add_item(text: str, items: Sequence[ArrayItem], literal: str, newline: str) -> str:
    """``text`` with ``literal`` after its last item.

    On one line: ``, literal`` after the last item. Over several lines: a line of its own before
    the ``]`` line, indented like the last item, with a comma (the last item gains one if it
    had none); or, when the ``]`` closes a line holding an item, just before the ``]``.
    """
    if "\n" not in text:
        if not items:
            return f"[{literal}]"
        last_end = items[-1].end
        return text[:last_end] + f", {literal}" + text[last_end:]
    close = len(text) - 1
    close_line_start = text.rfind("\n", 0, close) + 1
    indent, comma_after_last = "    ", ""
    if items:
        last = items[-1]
        line_start = text.rfind("\n", 0, last.start) + 1
        if not text[line_start : last.start].strip():
            indent = text[line_start : last.start]
        if not _COMMA_NEXT.match(text, last.end):
            comma_after_last = ","
    if text[close_line_start:close].strip():  # the "]" ends a line holding an item
        separator = ", " if comma_after_last else " "
        return text[:close] + separator + literal + text[close:]
    added = text[:close_line_start] + f"{indent}{literal},{newline}" + text[close_line_start:]
    if comma_after_last:
        last_end = items[-1].end
        added = added[:last_end] + "," + added[last_end:]
    return added


def remove_items(text: str, items: Sequence[ArrayItem], doomed: Collection[int]) -> str:
    """``text`` without the items at the indexes ``doomed``.

    An item alone on its line with its comma (the way ``add_item`` writes one) goes with that
    line. Any other goes with what separates it from the next item kept; the last one kept
    then ends the array, so what separated it from the one before goes instead: its comma and
    a comment on its line, the line break staying. Nothing kept and not all of them lines of
    their own: ``[]``.
    """
    lines = {i: _own_line(text, items[i]) for i in doomed}
    if len(doomed) == len(items) and not all(lines.values()):
        return "[]"
    cuts: list[tuple[int, int]] = []
    for i in sorted(doomed):
        item = items[i]
        following = next((j for j in range(i + 1, len(items)) if j not in doomed), None)
        if (line := lines[i]) is not None:
            cuts.append(line)
        elif following is not None:
            cuts.append((item.start, items[following].start))
        else:
            previous = max(j for j in range(i) if j not in doomed)
            rest = _LAST_REST.match(text, item.end)
            cuts.append((items[previous].end, rest.end() if rest else item.end))
    # Cuts up to the same next item overlap: join them, then make them from the end.
    joined: list[tuple[int, int]] = []
    for start, end in sorted(cuts):
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    for start, end in reversed(joined):
        text = text[:start] + text[end:]
    return text


def _own_line(text: str, item: ArrayItem) -> tuple[int, int] | None:
    """The line ``item`` has to itself with its comma (start, end past its line break)."""
    line_start = text.rfind("\n", 0, item.start) + 1
    if line_start == 0 or text[line_start : item.start].strip():
        return None
    rest = _OWN_LINE_REST.match(text, item.end)
    return (line_start, rest.end()) if rest else None
