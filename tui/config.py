"""The settings file: where it lives, its commented template, reading it, the edit the app makes.

``config.toml`` lives in ``tui.paths.config_dir()``. On first run it is written from ``TEMPLATE``,
which documents every setting with its default; ``default_config()`` is what that template says.
A setting left out of the file takes its default, except keyword profiles: the profiles are
exactly the ``[profiles.NAME]`` sections in the file (deleting the sample one means no profiles).

A bad file is a ``ConfigError`` whose text is one line naming the file and the line at fault.
``tomllib`` gives line numbers for syntax errors only; for everything else a small scanner
(``_TomlMap``) finds where each key, table header and array item of the (valid) text sits. It is
a locator, not a parser: ``tomllib`` decides what the file means.

The app writes to the file in two places, ``add_watch_author`` and ``remove_watch_author``: text
edits that insert or take out one string in ``[watch] authors`` and leave every other byte
(comments included) as it was. The edited text is parsed again and checked before it replaces
the file, atomically.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import re
import secrets
import tomllib
from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from tui import paths
from tui.adapters.atomic import TEMP_MARKER, atomic_write_bytes, fsync_dir, os_reason
from tui.core.follow import DEFAULT_FOLLOW, Follow, KeywordProfile
from tui.core.taxonomy import canonical_category

CONFIG_FILE_NAME = "config.toml"
DEFAULT_THEME = "textual-dark"


def default_pdf_folder() -> Path:
    """``~/Papers/arxiv``; with ``ARXIV_DAILY_DATA_DIR`` set, ``<data dir>/pdfs`` instead.

    A data dir given by hand keeps everything of that instance together (tests, portable use),
    the same rule as ``tui.paths.config_dir``.
    """
    if os.environ.get(paths.DATA_DIR_ENV):
        return paths.data_dir() / "pdfs"
    return Path.home() / "Papers" / "arxiv"


def _no_keys() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Config:
    follow: Follow
    """Followed categories, keyword profiles and the profile selected at start."""
    keys: Mapping[str, str] = field(default_factory=_no_keys)
    """Key overrides: action id (``toggle_star``) -> Textual key names, comma-separated
    (``"x,ctrl+s"``). Only the shape is checked here; the app knows which action ids exist."""
    theme: str = DEFAULT_THEME
    """A Textual theme name; the app checks it against the themes it has."""
    expand_marks_read: bool = True
    watch_authors: tuple[str, ...] = ()
    watch_phrases: tuple[str, ...] = ()
    pdf_folder: Path = field(default_factory=default_pdf_folder)
    """Absolute, ``~`` expanded."""
    path: Path | None = field(default=None, compare=False)
    """The file this was read from; None for the built-in defaults."""


class ConfigError(ValueError):
    """A settings file that cannot be used. ``str()`` is one line: ``<path> line N: <problem>``.

    ``disk`` is true when the file could not be read or written (not what it says).
    """

    def __init__(
        self, path: Path | None, line: int | None, problem: str, *, disk: bool = False
    ) -> None:
        self.path = path
        self.line = line
        self.problem = problem
        self.disk = disk
        where = str(path) if path is not None else CONFIG_FILE_NAME
        if line is not None:
            where += f" line {line}"
        super().__init__(f"{where}: {problem}")


TEMPLATE = """\
# arxiv-daily settings (TOML: https://toml.io).
#
# Written on first run with every setting at its default; edit freely. A setting you delete
# takes its default again, except keyword profiles: the profiles are exactly the
# [profiles.NAME] sections below. `arxiv-daily config --path` prints where this file is.

# The arXiv categories whose daily listings you read. Codes as on arxiv.org
# ("cs.LG", "stat.ML", "hep-th", ...); case does not matter.
categories = ["cs.LG", "cs.CV", "cs.CL", "cs.AI"]

# The keyword profile selected at start: the name of one of the [profiles.NAME] sections.
# Default: none (every paper of the followed categories is listed).
# default_profile = "Diffusion"

# The colour theme: a Textual theme name such as "textual-dark", "textual-light", "nord",
# "gruvbox", "dracula", "tokyo-night", "monokai", "solarized-light", "catppuccin-mocha".
theme = "textual-dark"

# Whether expanding a paper to read its abstract also marks it read.
expand_marks_read = true


# Keyword profiles. A paper matches a profile when its title or abstract contains any of the
# keywords: case-insensitive substrings, so "Diffusion" also matches "DiffusionDet".
# An occurrence inside one of the exclude phrases does not count: with
# exclude = ["graph diffusion"], a paper that only speaks of graph diffusion does not match,
# one that also says "diffusion model" does.
# Add a section per profile; quote names with spaces: [profiles."Language models"].
[profiles.Diffusion]
keywords = ["Diffusion", "DDPM", "DDIM"]
exclude = []


# Key overrides: action = "key". Several keys for one action: "x,ctrl+s" or ["x", "ctrl+s"].
# Keys use Textual's names: a letter or digit as itself ("x", "G", "1"), "ctrl+x",
# "shift+tab", "enter", "space", "escape", "f1"; punctuation as itself or by name ("slash",
# "question_mark", "left_square_bracket"). The actions (the help screen, ?, on the day's list
# or in the starred library says what each does): next_unread, toggle_star, toggle_read,
# mark_read_next, mark_all_read, undo, copy_id, copy_abs, copy_pdf, copy_bibtex, open_abs,
# previous_day, next_day, newest_day, pick_date, search, starred_only, toggle_ranking,
# toggle_sidebar, clear, toggle_select, select_all, watch_author, watched_only, download_pdf,
# open_pdf, library, edit_note, export, toggle_sort, help, quit. Default: no overrides.
[keys]
# toggle_star = "x"
# next_day = "right_square_bracket,l"


# Watch list: authors (as arXiv spells them) and phrases to look out for.
[watch]
authors = []
phrases = []


# Where downloaded PDFs are saved; "~" is your home folder.
# Default: "~/Papers/arxiv" (the "pdfs" folder in ARXIV_DAILY_DATA_DIR when that is set).
[pdf]
# folder = "~/Papers/arxiv"
"""


def config_path() -> Path:
    return paths.config_dir() / CONFIG_FILE_NAME


def default_config() -> Config:
    """The built-in settings: what ``TEMPLATE`` says."""
    return Config(follow=DEFAULT_FOLLOW)


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
        _create_exclusively(path, TEMPLATE)
    except OSError as error:
        raise ConfigError(path, None, f"cannot create: {os_reason(error)}", disk=True) from None
    return path


def _create_exclusively(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f"{path.name}{TEMP_MARKER}{secrets.token_hex(6)}")
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
    return parse_config(_decode(raw, path), path)


def _decode(raw: bytes, path: Path | None) -> str:
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise ConfigError(path, line, "not UTF-8 text") from None


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


def parse_config(text: str, path: Path | None = None) -> Config:
    """The settings a config text gives; ConfigError naming the line at fault."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _syntax_error(error, text, path) from None
    return _Reader(document, _TomlMap(text), path).config()


# ---------------------------------------------------------------- reading the parsed document


_Path = tuple[str, ...]

_TOP_SETTINGS = ("categories", "default_profile", "theme", "expand_marks_read")
_SECTIONS = ("profiles", "keys", "watch", "pdf")
_PROFILE_SETTINGS = ("keywords", "exclude")
_WATCH_SETTINGS = ("authors", "phrases")
_PDF_SETTINGS = ("folder",)
_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_ACTION_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


def _dotted(path: _Path) -> str:
    return ".".join(
        part if re.fullmatch(r"[A-Za-z0-9_-]+", part) else json.dumps(part) for part in path
    )


class _Reader:
    def __init__(self, document: dict[str, Any], where: _TomlMap, path: Path | None) -> None:
        self.document = document
        self.where = where
        self.path = path

    def fail(self, at: _Path, problem: str, item: int | None = None) -> ConfigError:
        return ConfigError(self.path, self.where.line_of(at, item), problem)

    def config(self) -> Config:
        self.reject_unknown((), self.document, _TOP_SETTINGS + _SECTIONS)
        defaults = default_config()
        profiles = self.profiles()
        follow = Follow(
            categories=self.categories(),
            profiles=profiles,
            default_profile=self.default_profile(profiles),
        )
        watch = self.section("watch", _WATCH_SETTINGS)
        pdf = self.section("pdf", _PDF_SETTINGS)
        return Config(
            follow=follow,
            keys=self.keys(),
            theme=self.text(("theme",), self.document, defaults.theme),
            expand_marks_read=self.flag(
                ("expand_marks_read",), self.document, defaults.expand_marks_read
            ),
            watch_authors=self.strings(("watch", "authors"), watch, defaults.watch_authors),
            watch_phrases=self.strings(("watch", "phrases"), watch, defaults.watch_phrases),
            pdf_folder=self.folder(("pdf", "folder"), pdf),
            path=self.path,
        )

    def reject_unknown(self, at: _Path, table: Mapping[str, Any], known: tuple[str, ...]) -> None:
        for key, value in table.items():
            if key in known:
                continue
            kind = "section" if isinstance(value, dict) and not at else "setting"
            name = f"[{_dotted((*at, key))}]" if kind == "section" else _dotted((*at, key))
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"did you mean {close[0]}?" if close else "known: " + ", ".join(known)
            raise self.fail((*at, key), f"unknown {kind} {name} ({hint})")

    def section(self, name: str, known: tuple[str, ...]) -> Mapping[str, Any]:
        table = self.document.get(name, {})
        if not isinstance(table, dict):
            raise self.fail((name,), f"{name} must be a section: [{name}]")
        self.reject_unknown((name,), table, known)
        return table

    def categories(self) -> tuple[str, ...]:
        at: _Path = ("categories",)
        value = self.document.get("categories", list(DEFAULT_FOLLOW.categories))
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(at, "categories must be a list of arXiv category codes")
        found: dict[str, None] = {}
        for index, code in enumerate(value):
            if not code.strip():
                continue
            try:
                found[canonical_category(code)] = None
            except ValueError as error:
                raise self.fail(at, str(error), index) from None
        if not found:
            raise self.fail(at, "categories must name at least one arXiv category")
        return tuple(found)

    def profiles(self) -> tuple[KeywordProfile, ...]:
        table = self.document.get("profiles", {})
        if not isinstance(table, dict):
            raise self.fail(("profiles",), 'profiles must be sections: [profiles."NAME"]')
        profiles = []
        for name, body in table.items():
            at: _Path = ("profiles", name)
            if not isinstance(body, dict):
                raise self.fail(at, f"{_dotted(at)} must be a section with keywords = [...]")
            if not name.strip():
                raise self.fail(at, "a profile needs a name")
            self.reject_unknown(at, body, _PROFILE_SETTINGS)
            if "keywords" not in body:
                raise self.fail(at, f"{_dotted(at)} has no keywords = [...]")
            keywords = self.strings((*at, "keywords"), body, ())
            if not keywords:
                raise self.fail((*at, "keywords"), f"{_dotted(at)}.keywords is empty")
            exclude = self.strings((*at, "exclude"), body, ())
            profiles.append(KeywordProfile(name, keywords, exclude))
        return tuple(profiles)

    def default_profile(self, profiles: tuple[KeywordProfile, ...]) -> str | None:
        at: _Path = ("default_profile",)
        name = self.text(at, self.document, "", blank_ok=True)
        if not name:
            return None
        if not any(profile.name == name for profile in profiles):
            names = ", ".join(profile.name for profile in profiles)
            known = f"profiles: {names}" if names else "there are no [profiles.NAME] sections"
            raise self.fail(at, f"default_profile {name!r} names no profile ({known})")
        return name

    def keys(self) -> Mapping[str, str]:
        table = self.document.get("keys", {})
        if not isinstance(table, dict):
            raise self.fail(("keys",), 'keys must be a section: [keys] with action = "key"')
        overrides: dict[str, str] = {}
        for action, value in table.items():
            at: _Path = ("keys", action)
            if not _ACTION_ID.fullmatch(action):
                raise self.fail(at, f"keys: {action!r} is not an action id (like toggle_star)")
            overrides[action] = self.key_list(at, value)
        return MappingProxyType(overrides)

    def key_list(self, at: _Path, value: object) -> str:
        shape = f'{_dotted(at)} must be a key name or several: "x", "x,ctrl+s" or ["x", "ctrl+s"]'
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(at, shape)
        keys: dict[str, None] = {}
        for index, entry in enumerate(value):
            for key in entry.split(","):
                key = key.strip()
                if not key:
                    raise self.fail(at, shape, index)
                problem = _key_name_problem(key)
                if problem:
                    raise self.fail(at, f"{_dotted(at)}: {problem}", index)
                keys[key] = None
        if not keys:
            raise self.fail(at, shape)
        return ",".join(keys)

    def text(
        self, at: _Path, table: Mapping[str, Any], default: str, *, blank_ok: bool = False
    ) -> str:
        value = table.get(at[-1], default)
        if not isinstance(value, str) or not (blank_ok or value.strip()):
            raise self.fail(at, f"{_dotted(at)} must be a {'' if blank_ok else 'non-empty '}string")
        return value.strip()

    def flag(self, at: _Path, table: Mapping[str, Any], default: bool) -> bool:
        value = table.get(at[-1], default)
        if not isinstance(value, bool):
            raise self.fail(at, f"{_dotted(at)} must be true or false")
        return value

    def strings(
        self, at: _Path, table: Mapping[str, Any], default: tuple[str, ...]
    ) -> tuple[str, ...]:
        value = table.get(at[-1], list(default))
        if not isinstance(value, list):
            raise self.fail(at, f"{_dotted(at)} must be a list of strings")
        found = []
        for index, entry in enumerate(value):
            if not isinstance(entry, str):
                raise self.fail(at, f"{_dotted(at)} must be a list of strings", index)
            if not entry.strip():
                raise self.fail(at, f"{_dotted(at)} holds an empty string", index)
            found.append(" ".join(entry.split()))
        return tuple(found)

    def folder(self, at: _Path, table: Mapping[str, Any]) -> Path:
        if at[-1] not in table:
            return default_pdf_folder()
        written = self.text(at, table, "")
        try:
            folder = Path(written).expanduser()
        except RuntimeError:  # "~name" of a user this system does not know
            unknown = written.split("/")[0]
            raise self.fail(at, f"{_dotted(at)}: no home folder for {unknown!r}") from None
        if not folder.is_absolute():
            raise self.fail(at, f'{_dotted(at)} must be absolute or start with "~"')
        return folder


def _key_name_problem(key: str) -> str | None:
    if any(c.isspace() for c in key):
        return f"{key!r} is not a key name (Textual names look like ctrl+s, enter, slash)"
    *modifiers, name = key.split("+") if key != "+" else ["+"]
    if not name:
        return f"{key!r} has no key after its modifiers (write plus for the + key)"
    unknown = [m for m in modifiers if m not in _MODIFIERS]
    if unknown:
        known = ", ".join(sorted(_MODIFIERS))
        return f"{key!r}: {unknown[0]!r} is not a modifier ({known})"
    return None


# ---------------------------------------------------------------- where things are in the text


class _ScanError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class _Span:
    line: int
    start: int = -1
    """Where the value starts; -1 for a table header."""
    end: int = -1
    items: tuple[tuple[int, int], ...] = ()
    """For an array: each item's start and end."""


class _TomlMap:
    """Where each key, table header and array item of a valid TOML text is (first occurrence).

    A scanner for TOML's structure (strings, arrays, inline tables, comments), not a parser: it
    only runs on text ``tomllib`` has accepted. Should it stumble, it keeps what it found so far.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: dict[_Path, _Span] = {}
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._pos = 0
        self._items: dict[int, tuple[tuple[int, int], ...]] = {}
        with contextlib.suppress(_ScanError, tomllib.TOMLDecodeError, IndexError, ValueError):
            self._scan()

    def line_at(self, offset: int) -> int:
        return bisect_right(self._line_starts, offset)

    def line_start(self, line: int) -> int:
        """The offset where ``line`` (1-based) starts; the text's end past the last line."""
        return self._line_starts[line - 1] if line <= len(self._line_starts) else len(self.text)

    def comma_follows(self, offset: int) -> bool:
        """Whether a comma comes next after ``offset``, past spaces, newlines and comments."""
        self._pos = offset
        self._skip_blank()
        return self._peek() == ","

    def line_of(self, path: _Path, item: int | None = None) -> int | None:
        """The line of ``path``'s item, key or header; else of the first key under it; else of
        its nearest written ancestor."""
        span = self.spans.get(path)
        if span is not None:
            if item is not None and item < len(span.items):
                return self.line_at(span.items[item][0])
            return span.line
        below = [s.line for p, s in self.spans.items() if p[: len(path)] == path]
        if below:
            return min(below)
        for length in range(len(path) - 1, 0, -1):
            if (ancestor := self.spans.get(path[:length])) is not None:
                return ancestor.line
        return None

    # -- the scanner

    def _peek(self, length: int = 1) -> str:
        return self.text[self._pos : self._pos + length]

    def _skip_spaces(self) -> None:
        while self._peek() in (" ", "\t"):
            self._pos += 1

    def _skip_blank(self) -> None:
        """Spaces, newlines and comments."""
        text = self.text
        while self._pos < len(text):
            char = text[self._pos]
            if char in " \t\r\n":
                self._pos += 1
            elif char == "#":
                newline = text.find("\n", self._pos)
                self._pos = len(text) if newline == -1 else newline
            else:
                return

    def _expect(self, token: str) -> None:
        if not self.text.startswith(token, self._pos):
            raise _ScanError(token)
        self._pos += len(token)

    def _scan(self) -> None:
        table: _Path = ()
        while True:
            self._skip_blank()
            if self._pos >= len(self.text):
                return
            line = self.line_at(self._pos)
            if self._peek() == "[":
                close = "]]" if self._peek(2) == "[[" else "]"
                self._pos += len(close)
                table = self._key()
                self._skip_spaces()
                self._expect(close)
                self.spans.setdefault(table, _Span(line))
            else:
                self._key_value(table)

    def _key_value(self, table: _Path) -> None:
        line = self.line_at(self._pos)
        path = table + self._key()
        self._skip_spaces()
        self._expect("=")
        self._skip_spaces()
        start = self._pos
        self._value(path)
        items = self._items.pop(start, ())
        self.spans.setdefault(path, _Span(line, start, self._pos, items))

    def _key(self) -> _Path:
        parts = []
        while True:
            self._skip_spaces()
            parts.append(self._simple_key())
            self._skip_spaces()
            if self._peek() != ".":
                return tuple(parts)
            self._pos += 1

    def _simple_key(self) -> str:
        start = self._pos
        if self._peek() == '"':
            self._pos = self._basic_string_end(start)
            decoded = tomllib.loads("k = " + self.text[start : self._pos])["k"]
            return str(decoded)
        if self._peek() == "'":
            self._pos = self.text.index("'", start + 1) + 1
            return self.text[start + 1 : self._pos - 1]
        bare = re.compile(r"[A-Za-z0-9_-]+").match(self.text, start)
        if bare is None:
            raise _ScanError("key")
        self._pos = bare.end()
        return bare.group()

    def _basic_string_end(self, start: int) -> int:
        text, at = self.text, start + 1
        while at < len(text):
            char = text[at]
            if char == "\\":
                at += 2
            elif char == '"':
                return at + 1
            elif char == "\n":
                break
            else:
                at += 1
        raise _ScanError("string")

    def _multiline_string_end(self, start: int, quote: str) -> int:
        text, at = self.text, start + 3
        while at < len(text):
            if quote == '"' and text[at] == "\\":
                at += 2
            elif text.startswith(quote * 3, at):
                end = at + 3
                while end < len(text) and text[end] == quote and end - at < 5:
                    end += 1  # up to two quotes of the content may touch the delimiter
                return end
            else:
                at += 1
        raise _ScanError("multi-line string")

    def _value(self, path: _Path | None) -> None:
        start, char = self._pos, self._peek()
        if self._peek(3) in ('"""', "'''"):
            self._pos = self._multiline_string_end(start, char)
        elif char == '"':
            self._pos = self._basic_string_end(start)
        elif char == "'":
            self._pos = self.text.index("'", start + 1) + 1
        elif char == "[":
            self._array(start)
        elif char == "{":
            self._inline_table(path)
        else:
            scalar = re.compile(r"[^,\]}#\r\n]+").match(self.text, start)
            if scalar is None:
                raise _ScanError("value")
            self._pos = start + len(scalar.group().rstrip())

    def _array(self, start: int) -> None:
        self._pos += 1
        items = []
        while True:
            self._skip_blank()
            if self._peek() == "]":
                break
            item_start = self._pos
            self._value(None)
            items.append((item_start, self._pos))
            self._skip_blank()
            if self._peek() == ",":
                self._pos += 1
            elif self._peek() != "]":
                raise _ScanError("array")
        self._pos += 1
        self._items[start] = tuple(items)

    def _inline_table(self, path: _Path | None) -> None:
        self._pos += 1
        while True:
            self._skip_blank()
            if self._peek() == "}":
                break
            if path is None:
                self._key()
                self._skip_spaces()
                self._expect("=")
                self._skip_spaces()
                self._value(None)
            else:
                self._key_value(path)
            self._skip_blank()
            if self._peek() == ",":
                self._pos += 1
            elif self._peek() != "}":
                raise _ScanError("inline table")
        self._pos += 1


# ---------------------------------------------------------------- the one edit the app makes


def _same_author(a: str, b: str) -> bool:
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
        return authors if any(_same_author(name, a) for a in authors) else (*authors, name)

    _edit_watch_authors(
        path,
        wanted,
        lambda text: _with_watch_author(text, name),
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
    _edit_watch_authors(
        path,
        lambda authors: tuple(a for a in authors if not _same_author(a, name)),
        lambda text: _without_watch_author(text, name),
        f"could not take {name!r} out of [watch] authors safely; edit it by hand",
    )


def _edit_watch_authors(
    path: Path,
    wanted: Callable[[tuple[str, ...]], tuple[str, ...]],
    edit: Callable[[str], str | None],
    refusal: str,
) -> None:
    """Apply the text ``edit`` to the settings file, if the watch authors are to change, and
    only if the edited file means exactly what it did with ``wanted`` authors."""
    target = path.resolve()  # a symlink (dotfiles kept elsewhere) stays a symlink
    try:
        raw = target.read_bytes()
        mode = target.stat().st_mode
    except OSError as error:
        raise ConfigError(path, None, f"cannot read: {os_reason(error)}", disk=True) from None
    text = _decode(raw, path)
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


def _without_watch_author(text: str, name: str) -> str | None:
    """``text`` with every ``name`` item taken out of ``[watch] authors`` (None: not found).

    An item goes with what separates it from the next (its comma, the rest of its line up to
    the next item); the last one with what separates it from the one before."""
    authors = _TomlMap(text).spans.get(("watch", "authors"))
    if authors is None or text[authors.start : authors.start + 1] != "[":
        return None
    items = list(authors.items)
    doomed = [
        i
        for i, (start, end) in enumerate(items)
        if _same_author(_toml_string(text[start:end]), name)
    ]
    if not doomed:
        return None
    if len(doomed) == len(items):
        return text[: authors.start] + "[]" + text[authors.end :]
    cuts: list[tuple[int, int]] = []
    for i in doomed:
        start, end = items[i]
        following = next((j for j in range(i + 1, len(items)) if j not in doomed), None)
        if following is not None:
            cuts.append((start, items[following][0]))
        else:
            previous = max(j for j in range(i) if j not in doomed)
            rest = re.match(r"[ \t]*,?[ \t]*(#[^\n]*)?(?=\r?\n)", text[end:])
            if rest is not None:  # its comma and comment go too, the line break stays
                end += rest.end()
            cuts.append((items[previous][1], end))
    # Neighbouring items cut up to the same next item overlap: join the cuts, then make them.
    joined: list[tuple[int, int]] = []
    for start, end in sorted(cuts):
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    for start, end in reversed(joined):
        text = text[:start] + text[end:]
    return text


def _toml_string(literal: str) -> str:
    """The value of a TOML string literal ("" or ''); the literal itself if it is not one."""
    try:
        value = tomllib.loads(f"v = {literal}")["v"]
    except tomllib.TOMLDecodeError:
        return literal
    return value if isinstance(value, str) else literal


def _with_watch_author(text: str, name: str) -> str:
    """``text`` with ``name`` inserted into ``[watch] authors`` (or that key or section added)."""
    literal = json.dumps(name, ensure_ascii=False)  # a JSON string is a valid TOML basic string
    newline = "\r\n" if "\r\n" in text else "\n"
    where = _TomlMap(text)
    authors = where.spans.get(("watch", "authors"))
    if authors is not None and text[authors.start : authors.start + 1] == "[":
        return _with_array_item(text, where, authors, literal, newline)
    watch = where.spans.get(("watch",))
    if watch is not None and watch.start == -1:  # a [watch] header: the key goes right below
        after_header = where.line_start(watch.line + 1)
        head = text[:after_header]
        if not head.endswith("\n"):
            head += newline
        return f"{head}authors = [{literal}]{newline}{text[after_header:]}"
    if text and not text.endswith("\n"):
        text += newline
    return f"{text}{newline}[watch]{newline}authors = [{literal}]{newline}"


def _with_array_item(text: str, where: _TomlMap, array: _Span, literal: str, newline: str) -> str:
    close = array.end - 1  # the "]"
    if "\n" not in text[array.start : array.end]:
        if not array.items:
            return text[: array.start] + f"[{literal}]" + text[array.end :]
        last_end = array.items[-1][1]
        return text[:last_end] + f", {literal}" + text[last_end:]
    close_line_start = text.rfind("\n", 0, close) + 1
    indent, comma_after_last = "    ", ""
    if array.items:
        last_start, last_end = array.items[-1]
        line_start = text.rfind("\n", 0, last_start) + 1
        if not text[line_start:last_start].strip():
            indent = text[line_start:last_start]
        if not where.comma_follows(last_end):
            comma_after_last = ","
    if text[close_line_start:close].strip():  # the "]" ends a line holding an item
        separator = ", " if comma_after_last else " "
        return text[:close] + separator + literal + text[close:]
    inserted = text[:close_line_start] + f"{indent}{literal},{newline}" + text[close_line_start:]
    if comma_after_last:
        last_end = array.items[-1][1]
        inserted = inserted[:last_end] + "," + inserted[last_end:]
    return inserted
