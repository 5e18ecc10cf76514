"""A user's own library, read from a BibTeX file or a CSL JSON export (Zotero, JabRef, BibDesk…).

Pure: it reads the text it is given. ``read_library`` finds, for each entry, the arXiv id (base id,
no version), the title as plain text, the date the paper was added to the library if the file
says, and the line the entry starts on. Entries without an arXiv id keep their title (a model can
still use it); entries with neither are skipped and counted.

The BibTeX reader is our own rather than a library's: bibtexparser 1.x skips a malformed entry
without a word, and an import that quietly drops papers cannot be trusted. Here anything
malformed raises ``LibraryFileError`` with one line, ``<name> line N: <what is wrong>``, and
nothing partial is returned.

Recent additions weigh more, as in zotero-arxiv-daily (``recency_weights``).
"""

from __future__ import annotations

import bisect
import json
import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from tui.core.paper import one_line, split_id
from tui.core.render import latex_to_text
from tui.core.words import count_papers


class LibraryFileError(ValueError):
    """A malformed library file; ``str`` is one line: ``<name> line N: <what is wrong>``."""

    def __init__(self, name: str, line: int, problem: str) -> None:
        super().__init__(one_line(f"{name} line {line}: {problem}"))
        self.line = line


@dataclass(frozen=True, slots=True)
class LibraryItem:
    """One paper of the user's library."""

    arxiv_id: str | None
    """The base id (``2504.06312``, ``hep-th/9901001``), or None when the entry gives none."""
    title: str
    """Plain text (LaTeX and markup made readable); may be empty when there is an id."""
    added: datetime | None
    """When it entered the library (UTC), if the file says."""
    line: int
    """The line of the file the entry starts on."""
    key: str = ""
    """The BibTeX key or the CSL JSON id."""


@dataclass(frozen=True, slots=True)
class LibraryRead:
    """What a file held: the papers, and what was left out or merged."""

    items: tuple[LibraryItem, ...]
    entries: int
    """Entries (BibTeX) or items (CSL JSON) in the file."""
    skipped: tuple[int, ...]
    """Lines of entries with neither an arXiv id nor a title."""
    merged: int
    """Entries folded into another one of the same paper."""

    @property
    def with_id(self) -> int:
        return sum(1 for item in self.items if item.arxiv_id is not None)

    @property
    def title_only(self) -> int:
        return len(self.items) - self.with_id


def read_library(text: str, *, name: str) -> list[LibraryItem]:
    """The papers of a BibTeX or CSL JSON file (JSON when it starts with ``[`` or ``{``)."""
    return list(parse_library(text, name=name).items)


def parse_library(text: str, *, name: str) -> LibraryRead:
    """As ``read_library``, with the counts a summary needs; LibraryFileError if malformed."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    stripped = text.lstrip()
    if stripped[:1] in ("[", "{"):
        entries, skipped, items = _read_csl_json(text, name)
        kind = "CSL JSON items"
    else:
        entries, skipped, items = _read_bibtex(text, name)
        kind = "BibTeX entries (@article{key, …})"
    if entries == 0:
        raise LibraryFileError(name, 1, f"no {kind} found")
    merged = _merge(items)
    return LibraryRead(tuple(merged), entries, tuple(skipped), len(items) - len(merged))


def summary(read: LibraryRead, name: str) -> str:
    """``20 papers from zotero.bib (18 with an arXiv id, 2 by title only)``, with what was
    skipped or merged."""
    parts = [f"{read.with_id} with an arXiv id", f"{read.title_only} by title only"]
    if read.skipped:
        lines = ", ".join(str(n) for n in read.skipped[:5]) + (
            ", …" if len(read.skipped) > 5 else ""
        )
        noun = "entry" if len(read.skipped) == 1 else "entries"
        parts.append(f"{len(read.skipped)} {noun} without arXiv id or title skipped (line {lines})")
    if read.merged:
        noun = "duplicate" if read.merged == 1 else "duplicates"
        parts.append(f"{read.merged} {noun} merged")
    return f"{count_papers(len(read.items))} from {name} ({', '.join(parts[:2])}" + (
        f"; {'; '.join(parts[2:])})" if parts[2:] else ")"
    )


# ---------------------------------------------------------------- weights


def recency_weights(added: Sequence[datetime | None]) -> list[float]:
    """A weight for each paper from when it was added, as zotero-arxiv-daily weighs its corpus.

    Papers are ranked by added date, newest first (rank r = 0, 1, 2, …; papers added at the same
    moment share the rank of the first of them) and weigh ``1 / (1 + log10(r + 1))``: the newest
    1.0, the 10th 0.5, the 100th 0.33 — a slow decay, so an old library still counts. Papers
    without a date rank after all dated ones (sharing one rank); when no paper has a date, all
    weigh 1.0. zotero-arxiv-daily then divides by the sum; a model that wants that can.
    """
    counts = Counter(when for when in added if when is not None)
    if not counts:
        return [1.0] * len(added)
    rank_of: dict[datetime, int] = {}
    position = 0
    for when in sorted(counts, reverse=True):
        rank_of[when] = position
        position += counts[when]
    undated_rank = position
    return [
        1.0 / (1.0 + math.log10((rank_of[when] if when is not None else undated_rank) + 1))
        for when in added
    ]


# ---------------------------------------------------------------- ids, titles, dates

_ARXIV_URL = re.compile(r"arxiv\.org/+(?:abs|pdf|html)/+([^\s{}\"'<>?#,;]+)", re.IGNORECASE)
_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.([^\s{}\"'<>?#,;]+)", re.IGNORECASE)
# "arXiv:2504.06312", "arXiv: hep-th/9901001v2" in a journal, note or number.
_ARXIV_PREFIXED = re.compile(
    r"arxiv\s*:\s*(\d{4}\.\d+(?:v\d+)?|[a-z][a-z\-]*(?:\.[a-z]{2})?/\d+(?:v\d+)?)", re.IGNORECASE
)
_ID_LIKE = re.compile(
    r"^(?:arxiv\s*:\s*)?(\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(v\d+)?$", re.IGNORECASE
)


class _BadId(ValueError):
    pass


def _checked_id(raw: str) -> str:
    token = raw.strip().rstrip("/.")
    if token.lower().endswith(".pdf"):
        token = token[:-4]
    try:
        return split_id(token)[0]
    except ValueError:
        # "math.gt/0309136": the subject class is written in capitals by arXiv.
        archive, slash, rest = token.partition("/")
        if slash and "." in archive:
            head, _, cls = archive.partition(".")
            try:
                return split_id(f"{head}.{cls.upper()}/{rest}")[0]
            except ValueError:
                pass
        raise _BadId(f"not an arXiv id: {raw.strip()!r}") from None


def _id_in_url(text: str) -> str | None:
    found = _ARXIV_URL.search(text)
    if found is None:
        return None
    token = found.group(1)
    # An old-style id has a slash: "abs/hep-th/9901001"; the URL may go on after the id.
    parts = token.split("/")
    candidate = (
        "/".join(parts[:2]) if len(parts) > 1 and not re.match(r"\d", parts[0]) else parts[0]
    )
    return _checked_id(candidate)


def _id_in_doi(text: str) -> str | None:
    found = _ARXIV_DOI.search(text)
    return _checked_id(found.group(1)) if found else None


def _id_prefixed(text: str) -> str | None:
    found = _ARXIV_PREFIXED.search(text)
    return _checked_id(found.group(1)) if found else None


_TAG = re.compile(r"</?(?:i|b|em|strong|sup|sub|sc|span)(?:\s[^<>]*)?>", re.IGNORECASE)


def _plain_title(raw: str, *, latex: bool) -> str:
    text = latex_to_text(raw) if latex else one_line(raw)
    if latex:  # groups too deep or long for the converter keep their braces: drop them
        text = text.replace("{", "").replace("}", "")
    return one_line(_TAG.sub("", text))


_DATE = re.compile(
    r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})"
    r"(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?"
)


def parse_added(text: str) -> datetime | None:
    """``2024-05-01``, ``2019.01.21``, ``2019-01-21T16:45:33.000+0100``, ``2019-01-21 16:45:33
    +0100`` as a UTC instant (no zone: UTC); None when it is not such a date."""
    found = _DATE.match(text.strip())
    if found is None:
        return None
    year, month, day, hour, minute, second, zone = found.groups()
    try:
        tz: timezone = UTC
        if zone and zone != "Z":
            digits = zone[1:].replace(":", "")
            offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            tz = timezone(offset if zone[0] == "+" else -offset)
        when = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
            tzinfo=tz,
        )  # fmt: skip
        return when.astimezone(UTC)
    except (ValueError, OverflowError):  # 2024-13-45, +9900, the year 1 east of Greenwich
        return None


def _merge(items: list[LibraryItem]) -> list[LibraryItem]:
    """One item per paper, in the file's order: the same arXiv id merged, and a title-only entry
    into the paper of the same title (or another title-only entry of it); the first entry's line
    and title are kept, and the newest added date."""
    by_id: dict[str, LibraryItem] = {}
    for item in items:
        if item.arxiv_id is not None:
            kept = by_id.get(item.arxiv_id)
            by_id[item.arxiv_id] = item if kept is None else _fold(kept, item)
    id_of_title = {title_key(i.title): i.arxiv_id for i in by_id.values() if i.title}
    by_title: dict[str, LibraryItem] = {}
    for item in items:
        if item.arxiv_id is not None:
            continue
        title = title_key(item.title)
        if (arxiv_id := id_of_title.get(title)) is not None:
            by_id[arxiv_id] = _fold(by_id[arxiv_id], item)
        else:
            kept = by_title.get(title)
            by_title[title] = item if kept is None else _fold(kept, item)
    return sorted([*by_id.values(), *by_title.values()], key=lambda item: item.line)


def _fold(kept: LibraryItem, other: LibraryItem) -> LibraryItem:
    added = max((w for w in (kept.added, other.added) if w is not None), default=None)
    return replace(
        kept,
        arxiv_id=kept.arxiv_id or other.arxiv_id,
        title=kept.title or other.title,
        added=added,
    )


def title_key(title: str) -> str:
    """What two spellings of one title share: letters and digits, case folded."""
    return "".join(ch for ch in title.casefold() if ch.isalnum())


# ---------------------------------------------------------------- CSL JSON


class _Lines:
    """Offsets to line numbers, in log time (a 10,000-entry file asks 10,000 times)."""

    def __init__(self, text: str) -> None:
        self._starts = [found.start() for found in re.finditer("\n", text)]

    def __call__(self, offset: int) -> int:
        return bisect.bisect_left(self._starts, offset) + 1


def _read_csl_json(text: str, name: str) -> tuple[int, list[int], list[LibraryItem]]:
    start = len(text) - len(text.lstrip())
    line_of = _Lines(text)
    if text[start] == "{":
        raise LibraryFileError(
            name,
            line_of(start),
            "expected a list of CSL JSON items ([{…}, …]), not an object",
        )
    decoder = json.JSONDecoder()
    try:
        data = decoder.decode(text)
    except json.JSONDecodeError as error:
        raise LibraryFileError(
            name, error.lineno, f"invalid JSON: {error.msg} (column {error.colno})"
        ) from None
    except RecursionError:
        raise LibraryFileError(name, line_of(start), "JSON nested too deeply") from None
    assert isinstance(data, list)
    items: list[LibraryItem] = []
    skipped: list[int] = []
    for number, (offset, end, value) in enumerate(_array_items(text, start, decoder), 1):
        line = line_of(offset)
        if not isinstance(value, dict):
            raise LibraryFileError(
                name, line, f"item {number} is {_json_kind(value)}, not an object ({{…}})"
            )
        item = _csl_item(value, text, (offset, end), line_of, name, number)
        if item is None:
            skipped.append(line)
        else:
            items.append(item)
    return len(data), skipped, items


def _array_items(
    text: str, start: int, decoder: json.JSONDecoder
) -> Iterator[tuple[int, int, Any]]:
    """Each element of the (already validated) array at ``start``: its span and value."""
    position = start + 1
    whitespace = re.compile(r"[ \t\n\r]*")
    while True:
        position = whitespace.match(text, position).end()  # type: ignore[union-attr]
        if text[position] == "]":
            return
        value, end = decoder.raw_decode(text, position)
        yield position, end, value
        position = whitespace.match(text, end).end()  # type: ignore[union-attr]
        if text[position] == ",":
            position += 1


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _csl_item(
    value: dict[str, Any],
    text: str,
    span: tuple[int, int],
    line_of: _Lines,
    name: str,
    number: int,
) -> LibraryItem | None:
    offset, end = span

    def field_line(field: str) -> int:
        found = text.find(f'"{field}"', offset, end)
        return line_of(found if found != -1 else offset)

    def text_field(field: str, *, numbers: bool = False) -> str | None:
        raw = value.get(field)
        if raw is None:
            return None
        if isinstance(raw, str):
            return raw
        if numbers and isinstance(raw, int | float) and not isinstance(raw, bool):
            return None  # a report or issue number, never an arXiv id
        raise LibraryFileError(
            name, field_line(field), f"item {number}: {field} is {_json_kind(raw)}, not text"
        )

    arxiv_id: str | None = None
    for field, find in (
        ("URL", _id_in_url),
        ("DOI", _id_in_doi),
        ("number", _id_prefixed),
        ("archive_location", _id_prefixed),
        ("note", _id_prefixed),
        ("note", _id_in_url),
    ):
        raw = text_field(field, numbers=field == "number")
        if raw is None:
            continue
        try:
            found = find(raw)
            if found is None and field == "archive_location" and _ID_LIKE.match(raw.strip()):
                found = _checked_id(raw)
        except _BadId as error:
            raise LibraryFileError(name, field_line(field), f"item {number}: {error}") from None
        if found is not None:
            arxiv_id = found
            break
    title = _plain_title(text_field("title") or "", latex=False)
    if arxiv_id is None and not title:
        return None
    added = None
    for field in ("accessed", "issued"):
        added = _csl_date(value.get(field))
        if added is not None:
            break
    key = value.get("id")
    return LibraryItem(arxiv_id, title, added, line_of(offset), str(key) if key is not None else "")


def _csl_date(raw: object) -> datetime | None:
    if not isinstance(raw, dict):
        return None
    parts = raw.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        numbers: list[int] = []
        for part in parts[0][:3]:
            if isinstance(part, int) and not isinstance(part, bool):
                numbers.append(part)
            elif isinstance(part, str) and part.strip().isdigit():
                numbers.append(int(part))
            else:
                return None
        numbers += [1] * (3 - len(numbers))
        try:
            return datetime(numbers[0], numbers[1], numbers[2], tzinfo=UTC)
        except (ValueError, OverflowError):
            return None
    for field in ("raw", "literal"):
        if isinstance(raw.get(field), str):
            return parse_added(raw[field])
    return None


# ---------------------------------------------------------------- BibTeX

_NAME = re.compile(r"[^\s\"#%'(),={}@]+")
_SPACE = re.compile(r"\s*")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_BETWEEN = re.compile(r"[@{}%]")
_KEY = re.compile(r"[^\s,{}()=\"#%]+")
_NUMBER = re.compile(r"\d+")
_BRACE = re.compile(r"[{}]")
_QUOTED = re.compile(r'[{}"]')
_NEXT_ENTRY = re.compile(r"\n[ \t]*@[A-Za-z]+[ \t]*[{(]")
_ADDED_FIELDS = ("date-added", "added-at", "timestamp", "urldate")


class _BibTeX:
    """A cursor over the text: entries found one after the other, in one pass."""

    def __init__(self, text: str, name: str) -> None:
        self.text = text
        self.name = name
        self.position = 0
        self.strings: dict[str, str] = {month: month for month in _MONTHS}
        self.line = _Lines(text)

    def fail(self, offset: int, problem: str) -> LibraryFileError:
        return LibraryFileError(self.name, self.line(offset), problem)

    def skip_space(self) -> None:
        self.position = _SPACE.match(self.text, self.position).end()  # type: ignore[union-attr]

    def entries(self) -> Iterator[tuple[int, str, str, dict[str, str]]]:
        """Each entry: (offset of its @, type, key, fields by lower-case name)."""
        text = self.text
        while True:
            at = self._next_at()
            if at is None:
                return
            self.position = at + 1
            self.skip_space()
            kind_match = _NAME.match(text, self.position)
            if kind_match is None:
                continue  # an "@" in free text (an e-mail address in a comment)
            kind = kind_match.group().lower()
            self.position = kind_match.end()
            self.skip_space()
            opener = text[self.position : self.position + 1]
            if opener not in ("{", "("):
                if kind == "comment":
                    continue  # "@comment some words": BibTeX skips the word, the rest is text
                if kind in ("preamble", "string") or self._looks_like_entry(at):
                    raise self.fail(at, f"@{kind_match.group()} is not followed by '{{'")
                continue
            closer = "}" if opener == "{" else ")"
            self.position += 1
            if kind == "comment":
                self._skip_group(at, opener, closer)
            elif kind == "preamble":
                self.skip_space()
                self._value(at, "@preamble")
                self._close(at, closer, "@preamble")
            elif kind == "string":
                self._string(at, closer)
            else:
                key, fields = self._entry(at, kind_match.group(), closer)
                yield at, kind, key, fields

    def _looks_like_entry(self, at: int) -> bool:
        # "@article title" at the start of a line is an entry missing its brace; "x@y.org" is not.
        return at == 0 or self.text[at - 1] == "\n"

    def _next_at(self) -> int | None:
        """The next "@", checking that the text between entries closes no brace it did not
        open (the sign of an entry closed too early). Lines starting with "%" are comments."""
        text = self.text
        depth = 0
        position = self.position
        while True:
            found = _BETWEEN.search(text, position)
            if found is None:
                return None
            char = found.group()
            position = found.end()
            if char == "@":
                return found.start()
            if char == "%":
                line_start = text.rfind("\n", 0, found.start()) + 1
                if not text[line_start : found.start()].strip():
                    end = text.find("\n", position)
                    if end == -1:
                        return None
                    position = end
                continue
            if char == "{":
                depth += 1
            elif depth:
                depth -= 1
            else:
                raise self.fail(
                    found.start(), "'}' closes nothing (a brace too many in the entry above?)"
                )

    def _skip_group(self, at: int, opener: str, closer: str) -> None:
        depth = 1
        pattern = re.compile(re.escape(opener) + "|" + re.escape(closer))
        while depth:
            found = pattern.search(self.text, self.position)
            if found is None:
                raise self.fail(at, f"'{opener}' opened here is never closed")
            depth += 1 if found.group() == opener else -1
            self.position = found.end()

    def _close(self, at: int, closer: str, what: str) -> None:
        self.skip_space()
        if self.text.startswith(",", self.position):
            self.position += 1
            self.skip_space()
        if not self.text.startswith(closer, self.position):
            raise self._unexpected(f"'{closer}' to close {what}", at)
        self.position += 1

    def _unexpected(self, wanted: str, at: int) -> LibraryFileError:
        if self.position >= len(self.text):
            return self.fail(
                at,
                f"the entry starting here is never closed (the file ends first; expected {wanted})",
            )
        found = self.text[self.position]
        if found == "@":
            return self.fail(
                at,
                f"the entry starting here is not closed before the next one "
                f"(line {self.line(self.position)}; expected {wanted})",
            )
        return self.fail(self.position, f"expected {wanted}, found {found!r}")

    def _string(self, at: int, closer: str) -> None:
        self.skip_space()
        name = _NAME.match(self.text, self.position)
        if name is None:
            raise self._unexpected("a name for @string", at)
        self.position = name.end()
        self.skip_space()
        if not self.text.startswith("=", self.position):
            raise self._unexpected(f"'=' after @string {name.group()}", at)
        self.position += 1
        self.strings[name.group().lower()] = self._value(at, f"@string {name.group()}")
        self._close(at, closer, "@string")

    def _entry(self, at: int, kind: str, closer: str) -> tuple[str, dict[str, str]]:
        text = self.text
        self.skip_space()
        key_match = _KEY.match(text, self.position)
        if key_match is None:
            if self.position >= len(text):
                raise self.fail(at, f"@{kind} is never closed (the file ends first)")
            raise self.fail(self.position, f"@{kind} has no key (expected @{kind}{{key, …}})")
        key = key_match.group()
        self.position = key_match.end()
        self.skip_space()
        if text.startswith("=", self.position):
            raise self.fail(
                at, f"@{kind} has no key: {key} = … is a field (expected @{kind}{{key, …}})"
            )
        fields: dict[str, str] = {}
        while True:
            self.skip_space()
            if text.startswith(closer, self.position):
                self.position += 1
                return key, fields
            if not text.startswith(",", self.position):
                raise self._unexpected(f"',' or '{closer}' after {_after(key, fields)}", at)
            self.position += 1
            self.skip_space()
            if text.startswith(closer, self.position):
                self.position += 1
                return key, fields
            field_match = _NAME.match(text, self.position)
            if field_match is None:
                raise self._unexpected(f"a field name in @{kind}{{{key}, …}}", at)
            field = field_match.group().lower()
            field_at = self.position
            self.position = field_match.end()
            self.skip_space()
            if not text.startswith("=", self.position):
                written = field_match.group()
                raise self.fail(
                    field_at, f"field {written} of {key} has no value (expected {written} = {{…}})"
                )
            self.position += 1
            value = self._value(field_at, f"field {field_match.group()} of {key}")
            fields.setdefault(field, value)

    def _value(self, at: int, what: str) -> str:
        """A value: {…}, "…", a number or a @string name, joined by "#"."""
        text = self.text
        parts: list[str] = []
        while True:
            self.skip_space()
            start = self.position
            char = text[start : start + 1]
            if char == "{":
                end = self._braced_end(start, what)
                parts.append(text[start + 1 : end - 1])
            elif char == '"':
                end = self._quoted_end(start, what)
                parts.append(text[start + 1 : end - 1])
            elif (number := _NUMBER.match(text, start)) is not None:
                end = number.end()
                parts.append(number.group())
            elif (macro := _NAME.match(text, start)) is not None:
                end = macro.end()
                parts.append(self.strings.get(macro.group().lower(), macro.group()))
            elif not char:
                raise self.fail(at, f"{what} has no value (the file ends first)")
            else:
                raise self.fail(start, f"{what} has no value (found {char!r})")
            self.position = end
            self.skip_space()
            if not text.startswith("#", self.position):
                return "".join(parts)
            self.position += 1

    def _braced_end(self, start: int, what: str) -> int:
        depth = 0
        position = start
        while True:
            found = _BRACE.search(self.text, position)
            if found is None:
                raise self.fail(start, f"the '{{' of {what} is never closed")
            depth += 1 if found.group() == "{" else -1
            position = found.end()
            if depth == 0:
                self._check_runaway(start, position, "{", what)
                return position

    def _check_runaway(self, start: int, end: int, opener: str, what: str) -> None:
        """A value that swallowed the next entry lacks its closing brace or quote."""
        runaway = _NEXT_ENTRY.search(self.text, start, end)
        if runaway is not None:
            raise self.fail(
                start,
                f"the '{opener}' of {what} is not closed before the next entry "
                f"(line {self.line(runaway.start() + 1)})",
            )

    def _quoted_end(self, start: int, what: str) -> int:
        depth = 0
        position = start + 1
        while True:
            found = _QUOTED.search(self.text, position)
            if found is None:
                raise self.fail(start, f"the '\"' of {what} is never closed")
            char = found.group()
            position = found.end()
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth < 0:
                    raise self.fail(found.start(), f"'}}' in {what} closes nothing")
            elif depth == 0:
                self._check_runaway(start, position, '"', what)
                return position


def _after(key: str, fields: dict[str, str]) -> str:
    return f"field {list(fields)[-1]} of {key}" if fields else f"the key {key}"


def _read_bibtex(text: str, name: str) -> tuple[int, list[int], list[LibraryItem]]:
    reader = _BibTeX(text, name)
    items: list[LibraryItem] = []
    skipped: list[int] = []
    entries = 0
    for at, _kind, key, fields in reader.entries():
        entries += 1
        try:
            arxiv_id = _bibtex_id(fields)
        except _BadId as error:
            raise reader.fail(at, f"entry {key}: {error}") from None
        title = _plain_title(fields.get("title", ""), latex=True)
        if arxiv_id is None and not title:
            skipped.append(reader.line(at))
            continue
        added = None
        for field in _ADDED_FIELDS:
            if field in fields:
                added = parse_added(_unbraced(fields[field]))
                if added is not None:
                    break
        items.append(LibraryItem(arxiv_id, title, added, reader.line(at), key))
    return entries, skipped, items


def _unbraced(value: str) -> str:
    return one_line(value.replace("{", "").replace("}", "").replace("\\_", "_"))


def _bibtex_id(fields: dict[str, str]) -> str | None:
    """The entry's arXiv id, looked for from the most to the least explicit field."""
    prefix = _unbraced(fields.get("archiveprefix", fields.get("eprinttype", ""))).lower()
    eprint = _unbraced(fields.get("eprint", ""))
    if eprint:
        if prefix == "arxiv":
            return _id_prefixed(eprint) or _checked_id(eprint)
        if not prefix and _ID_LIKE.match(eprint):
            return _checked_id(eprint.split(":")[-1])
    for field in ("arxiv", "arxivid", "arxiv_id"):
        if value := _unbraced(fields.get(field, "")):
            return _id_prefixed(value) or _checked_id(value)
    if found := _id_in_doi(_unbraced(fields.get("doi", ""))):
        return found
    for field in ("url", "howpublished", "note"):
        if found := _id_in_url(_unbraced(fields.get(field, ""))):
            return found
    for field in ("journal", "journaltitle", "note", "howpublished", "number", "booktitle"):
        if found := _id_prefixed(_unbraced(fields.get(field, ""))):
            return found
    # DBLP: journal = {CoRR}, volume = {abs/2504.06312}
    volume = _unbraced(fields.get("volume", ""))
    if _unbraced(fields.get("journal", "")).lower() == "corr" and volume.startswith("abs/"):
        return _checked_id(volume[4:])
    return None
