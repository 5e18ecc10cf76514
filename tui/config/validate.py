"""What a parsed settings document means: the checks that turn ``tomllib``'s dict into a
``Config``, each failure a one-line ``ConfigError`` naming the line at fault.

``tomllib`` gives no positions for valid TOML, so a failure asks ``tui.config.locate`` (tomlkit)
where the offending key, header or array item is. That import happens only on the way to an
error: a valid file never loads tomlkit.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from tui.config.model import Config, ConfigError, default_config, default_pdf_folder
from tui.core.follow import DEFAULT_FOLLOW, Follow, KeywordProfile
from tui.core.taxonomy import canonical_category

KeyPath = tuple[str, ...]
"""Where a value sits: ``("profiles", "Diffusion", "keywords")``."""

_TOP_SETTINGS = (
    "categories",
    "default_profile",
    "theme",
    "expand_marks_read",
    "hide_read",
    "hide_seen",
    "compact_list",
)
_SECTIONS = ("profiles", "searches", "keys", "watch", "pdf", "rules")
_PROFILE_SETTINGS = ("keywords", "exclude")
_WATCH_SETTINGS = ("authors", "phrases")
_PDF_SETTINGS = ("folder",)
_RULES_SETTINGS = ("hide", "read")
_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_ACTION_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


def config_from_document(document: dict[str, Any], text: str, path: Path | None) -> Config:
    """The settings ``document`` (``tomllib.loads(text)``) gives; ConfigError if it is unusable.

    ``text`` is only read to place an error on its line."""
    return _Reader(document, text, path).config()


def dotted(path: KeyPath) -> str:
    """``path`` as TOML writes it: ``profiles."Big models".keywords``."""
    return ".".join(
        part if re.fullmatch(r"[A-Za-z0-9_-]+", part) else json.dumps(part) for part in path
    )


class _Reader:
    def __init__(self, document: dict[str, Any], text: str, path: Path | None) -> None:
        self.document = document
        self.text = text
        self.path = path

    def fail(self, at: KeyPath, problem: str, item: int | None = None) -> ConfigError:
        from tui.config.locate import line_of  # tomlkit: only on the way to an error

        return ConfigError(self.path, line_of(self.text, at, item), problem)

    def config(self) -> Config:
        self.reject_unknown((), self.document, _TOP_SETTINGS + _SECTIONS)
        defaults = default_config()
        profiles = self.profiles()
        profiles += self.searches(profiles)
        follow = Follow(
            categories=self.categories(),
            profiles=profiles,
            default_profile=self.default_profile(profiles),
        )
        watch = self.section("watch", _WATCH_SETTINGS)
        pdf = self.section("pdf", _PDF_SETTINGS)
        rules = self.section("rules", _RULES_SETTINGS)
        return Config(
            follow=follow,
            keys=self.keys(),
            theme=self.text_setting(("theme",), self.document, defaults.theme),
            expand_marks_read=self.flag(
                ("expand_marks_read",), self.document, defaults.expand_marks_read
            ),
            hide_read=self.flag(("hide_read",), self.document, defaults.hide_read),
            hide_seen=self.flag(("hide_seen",), self.document, defaults.hide_seen),
            compact_list=self.flag(("compact_list",), self.document, defaults.compact_list),
            watch_authors=self.strings(("watch", "authors"), watch, defaults.watch_authors),
            watch_phrases=self.strings(("watch", "phrases"), watch, defaults.watch_phrases),
            pdf_folder=self.folder(("pdf", "folder"), pdf),
            rules_hide=self.queries(("rules", "hide"), rules),
            rules_read=self.queries(("rules", "read"), rules),
            path=self.path,
        )

    def reject_unknown(self, at: KeyPath, table: Mapping[str, Any], known: tuple[str, ...]) -> None:
        for key, value in table.items():
            if key in known:
                continue
            kind = "section" if isinstance(value, dict) and not at else "setting"
            name = f"[{dotted((*at, key))}]" if kind == "section" else dotted((*at, key))
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
        at: KeyPath = ("categories",)
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
            at: KeyPath = ("profiles", name)
            if not isinstance(body, dict):
                raise self.fail(at, f"{dotted(at)} must be a section with keywords = [...]")
            if not name.strip():
                raise self.fail(at, "a profile needs a name")
            self.reject_unknown(at, body, _PROFILE_SETTINGS)
            if "keywords" not in body:
                raise self.fail(at, f"{dotted(at)} has no keywords = [...]")
            keywords = self.strings((*at, "keywords"), body, ())
            if not keywords:
                raise self.fail((*at, "keywords"), f"{dotted(at)}.keywords is empty")
            exclude = self.strings((*at, "exclude"), body, ())
            profiles.append(KeywordProfile(name, keywords, exclude))
        return tuple(profiles)

    def searches(self, profiles: tuple[KeywordProfile, ...]) -> tuple[KeywordProfile, ...]:
        """``[searches]``: name = query, each a saved search of the language of ``/``."""
        from tui.core.query import QueryError, parse_query
        from tui.core.saved_search import name_problem

        table = self.document.get("searches", {})
        if not isinstance(table, dict):
            raise self.fail(("searches",), "searches must be a section: [searches]")
        taken = {profile.name for profile in profiles}
        searches = []
        for name, text in table.items():
            at: KeyPath = ("searches", name)
            shape = f"{dotted(at)} must be a query string, like 'ti:diffusion -cat:astro-ph'"
            if not isinstance(text, str):
                raise self.fail(at, shape)
            problem = name_problem(name)
            if problem is not None:
                raise self.fail(at, f"{dotted(at)}: {problem}")
            if name in taken:
                raise self.fail(
                    at,
                    f"{dotted(at)}: a keyword profile [profiles.{dotted((name,))}] has that name",
                )
            try:
                expr = parse_query(text)
            except QueryError as error:
                raise self.fail(at, f"{dotted(at)}: {text!r}: {error}") from None
            if expr is None:
                raise self.fail(at, f"{dotted(at)} is empty")
            searches.append(KeywordProfile(name, (), (), query=" ".join(text.split())))
        return tuple(searches)

    def default_profile(self, profiles: tuple[KeywordProfile, ...]) -> str | None:
        at: KeyPath = ("default_profile",)
        name = self.text_setting(at, self.document, "", blank_ok=True)
        if not name:
            return None
        if not any(profile.name == name for profile in profiles):
            names = ", ".join(p.name for p in profiles if not p.query)
            known = f"profiles: {names}" if names else "there are no [profiles.NAME] sections"
            if searches := ", ".join(p.name for p in profiles if p.query):
                known += f"; saved searches: {searches}"
            raise self.fail(at, f"default_profile {name!r} names no profile ({known})")
        return name

    def keys(self) -> Mapping[str, str]:
        table = self.document.get("keys", {})
        if not isinstance(table, dict):
            raise self.fail(("keys",), 'keys must be a section: [keys] with action = "key"')
        overrides: dict[str, str] = {}
        for action, value in table.items():
            at: KeyPath = ("keys", action)
            if not _ACTION_ID.fullmatch(action):
                raise self.fail(at, f"keys: {action!r} is not an action id (like toggle_star)")
            overrides[action] = self.key_list(at, value)
        return MappingProxyType(overrides)

    def key_list(self, at: KeyPath, value: object) -> str:
        shape = f'{dotted(at)} must be a key name or several: "x", "x,ctrl+y" or ["x", "ctrl+y"]'
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
                    raise self.fail(at, f"{dotted(at)}: {problem}", index)
                keys[key] = None
        if not keys:
            raise self.fail(at, shape)
        return ",".join(keys)

    def text_setting(
        self, at: KeyPath, table: Mapping[str, Any], default: str, *, blank_ok: bool = False
    ) -> str:
        value = table.get(at[-1], default)
        if not isinstance(value, str) or not (blank_ok or value.strip()):
            raise self.fail(at, f"{dotted(at)} must be a {'' if blank_ok else 'non-empty '}string")
        return value.strip()

    def flag(self, at: KeyPath, table: Mapping[str, Any], default: bool) -> bool:
        value = table.get(at[-1], default)
        if not isinstance(value, bool):
            raise self.fail(at, f"{dotted(at)} must be true or false")
        return value

    def strings(
        self, at: KeyPath, table: Mapping[str, Any], default: tuple[str, ...]
    ) -> tuple[str, ...]:
        value = table.get(at[-1], list(default))
        if not isinstance(value, list):
            raise self.fail(at, f"{dotted(at)} must be a list of strings")
        found = []
        for index, entry in enumerate(value):
            if not isinstance(entry, str):
                raise self.fail(at, f"{dotted(at)} must be a list of strings", index)
            if not entry.strip():
                raise self.fail(at, f"{dotted(at)} holds an empty string", index)
            found.append(" ".join(entry.split()))
        return tuple(found)

    def queries(self, at: KeyPath, table: Mapping[str, Any]) -> tuple[str, ...]:
        """A list of kill rules: each must read as a search (tui.core.query)."""
        from tui.core.query import QueryError, parse_query

        found = self.strings(at, table, ())
        for index, text in enumerate(found):
            try:
                parse_query(text)
            except QueryError as error:
                raise self.fail(at, f"{dotted(at)}: {text!r}: {error}", index) from None
        return found

    def folder(self, at: KeyPath, table: Mapping[str, Any]) -> Path:
        if at[-1] not in table:
            return default_pdf_folder()
        written = self.text_setting(at, table, "")
        try:
            folder = Path(written).expanduser()
        except RuntimeError:  # "~name" of a user this system does not know
            unknown = written.split("/")[0]
            raise self.fail(at, f"{dotted(at)}: no home folder for {unknown!r}") from None
        if not folder.is_absolute():
            raise self.fail(at, f'{dotted(at)} must be absolute or start with "~"')
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
