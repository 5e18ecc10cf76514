"""The search language of ``/`` (and of saved searches and kill rules): fields, phrases, AND, OR,
NOT, parentheses.

    diffusion au:hinton ti:"score matching" -cat:cs.CV is:unread (is:new OR is:cross)

- A plain word or a "quoted phrase" is looked for in the title, authors, abstract, comments,
  id and categories. ``field:value`` looks in one field: ``au:`` authors, ``ti:`` title,
  ``abs:`` abstract, ``co:`` comments, ``cat:`` categories (``cat:cs`` is every cs.* category,
  ``cat:cs.LG`` that one), ``id:`` the arXiv id (a prefix: ``id:2504.0``), ``is:`` the paper's
  state: ``unread``, ``read``, ``starred``, ``new``, ``cross``, ``replace``, ``seen`` (seen
  before: on an earlier day, or an earlier version read; see tui.core.seen), ``tagged``.
  ``tag:`` a tag the reader gave the paper (``tag:thesis`` also finds ``thesis/ch2``, the
  collection's papers; see tui.core.tags).
- Words and phrases match at the start of a word, ignoring case and accents: ``diffus`` finds
  "Diffusion", ``fusion`` does not; ``au:muller`` finds "Müller".
- Terms side by side must all match (AND). ``OR`` between two terms: either. ``NOT`` or a
  leading ``-``: the term must not match. ``NOT`` binds tighter than ``AND``, ``AND`` tighter
  than ``OR``; parentheses group. (arXiv's own API has no precedence; this one does.)

Errors are ``QueryError`` with the span of the typed text at fault, for the search box to show
while the user types. Matching runs on a ``QueryIndex`` built once per day: each term's papers
are found once and kept, so a keystroke scans the papers only for the term being typed.
"""

from __future__ import annotations

import re
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from tui.core.filters import search_fold, search_text
from tui.core.paper import Kind, Paper
from tui.core.tags import TagError, has_tag, normalise_tag

FIELDS = {"au": "authors", "ti": "title", "abs": "abstract", "co": "comments"}
"""Text fields, by the prefix typed."""
STATES = ("unread", "read", "starred", "new", "cross", "replace", "seen", "tagged")
_ALL_PREFIXES = (*FIELDS, "cat", "id", "is", "tag")


class QueryError(ValueError):
    """The typed query cannot be read; ``start``/``end``: the part of the text at fault."""

    def __init__(self, message: str, start: int, end: int) -> None:
        super().__init__(message)
        self.start = start
        self.end = end


# ---------------------------------------------------------------- the parsed query


@dataclass(frozen=True, slots=True)
class Term:
    """Words to find, in one field or (``field`` None) in all of them."""

    field: str | None
    """"authors", "title", "abstract", "comments", "cat", "id", or None: anywhere."""
    text: str
    """Folded (search_fold): lowercase, single spaces, no accents."""
    phrase: bool = False


@dataclass(frozen=True, slots=True)
class State:
    """``is:`` — the paper's flags or how it was listed."""

    name: str


@dataclass(frozen=True, slots=True)
class Tag:
    """``tag:`` — papers with this tag or one inside it (``thesis`` finds ``thesis/ch2``)."""

    name: str
    """Normalised (tui.core.tags.normalise_tag)."""


@dataclass(frozen=True, slots=True)
class Not:
    part: Expr


@dataclass(frozen=True, slots=True)
class And:
    parts: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Or:
    parts: tuple[Expr, ...]


Expr = Term | State | Tag | Not | And | Or


# ---------------------------------------------------------------- reading the text

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<open>\()
  | (?P<close>\))
  | (?P<minus>-(?=\S))
  | (?P<field>[A-Za-z]+):(?P<value>"[^"]*"?|[^\s()"]*)
  | (?P<phrase>"[^"]*"?)
  | (?P<word>[^\s()"]+)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "open", "close", "minus", "and", "or", "not", "field", "phrase", "word"
    text: str
    start: int
    end: int
    field: str = ""


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    at = 0
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None:  # pragma: no cover - every character matches one branch
            raise QueryError("cannot read the query here", at, at + 1)
        kind = match.lastgroup or ""
        start, end = match.span()
        at = end
        if kind == "space":
            continue
        if kind == "value":
            kind = "field"
        raw = match.group(0)
        if kind == "word" and raw in ("AND", "OR", "NOT"):
            tokens.append(_Token(raw.lower(), raw, start, end))
        elif kind == "field":
            tokens.append(
                _Token("field", match.group("value"), start, end, field=match.group("field"))
            )
        else:
            tokens.append(_Token(kind, raw, start, end))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.at = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def parse(self) -> Expr | None:
        if not self.tokens:
            return None
        expr = self.or_expr()
        token = self.peek()
        if token is not None:  # only a stray ")" stops an expression early
            raise QueryError("a ) without its (", token.start, token.end)
        return expr

    def or_expr(self) -> Expr:
        parts = [self.and_expr()]
        while (token := self.peek()) is not None and token.kind == "or":
            self.take()
            after = self.peek()
            if after is None or after.kind in ("or", "close"):
                raise QueryError("OR needs a term after it", token.start, token.end)
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_expr(self) -> Expr:
        parts = [self.unary()]
        while (token := self.peek()) is not None and token.kind not in ("or", "close"):
            if token.kind == "and":
                self.take()
                if self.peek() is None:
                    raise QueryError("AND needs a term after it", token.start, token.end)
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def unary(self) -> Expr:
        token = self.peek()
        if token is None:
            end = len(self.text)
            raise QueryError("a term is missing at the end", end, end)
        if token.kind in ("not", "minus"):
            self.take()
            if self.peek() is None:
                raise QueryError(f"{token.text} needs a term after it", token.start, token.end)
            return Not(self.unary())
        return self.atom()

    def atom(self) -> Expr:
        token = self.take()
        if token.kind == "open":
            if self.peek() is None:
                raise QueryError("a ( without its )", token.start, token.end)
            inner = self.or_expr()
            closing = self.peek()
            if closing is None or closing.kind != "close":
                raise QueryError("a ( without its )", token.start, token.end)
            self.take()
            return inner
        if token.kind in ("and", "or"):
            raise QueryError(f"{token.text} needs a term before it", token.start, token.end)
        if token.kind == "close":
            raise QueryError("a ) without its (", token.start, token.end)
        if token.kind == "phrase":
            return self.phrase(token, None, token.text)
        if token.kind == "field":
            return self.field(token)
        return self.words(token, None, token.text)

    def field(self, token: _Token) -> Expr:
        name = token.field.lower()
        if name not in _ALL_PREFIXES:
            known = ", ".join(f"{p}:" for p in _ALL_PREFIXES)
            raise QueryError(
                f"no field {token.field}: (the fields: {known})",
                token.start,
                token.start + len(token.field) + 1,
            )
        value = token.text
        if not value or value == '"':
            raise QueryError(f"{name}: needs a value", token.start, token.end)
        if name == "is":
            state = value.lower()
            if state not in STATES:
                raise QueryError(
                    f"is:{value}? is: takes {', '.join(STATES)}", token.start, token.end
                )
            return State(state)
        if name == "tag":
            try:
                return Tag(normalise_tag(value))
            except TagError as error:
                raise QueryError(str(error), token.start, token.end) from None
        target = FIELDS.get(name, name)
        if value.startswith('"'):
            return self.phrase(token, target, value)
        return self.words(token, target, value)

    def phrase(self, token: _Token, field: str | None, quoted: str) -> Expr:
        if len(quoted) < 2 or not quoted.endswith('"'):
            raise QueryError('a " without its closing "', token.start, token.end)
        folded = search_fold(quoted[1:-1])
        if not folded:
            raise QueryError("an empty phrase", token.start, token.end)
        return Term(field, folded, phrase=True)

    def words(self, token: _Token, field: str | None, raw: str) -> Expr:
        folded = search_fold(raw) if field not in ("cat", "id") else raw.strip().lower()
        if not any(character.isalnum() for character in folded):  # "-", "&": no word in it
            raise QueryError("nothing to look for", token.start, token.end)
        return Term(field, folded)


def parse_query(text: str) -> Expr | None:
    """The query ``text`` means (None: nothing typed); QueryError if it cannot be read."""
    return _Parser(text).parse()


_STRUCTURE = re.compile(r'[A-Za-z]+:|"|\(|\)|(?:^|\s)-\S|\b(?:AND|OR|NOT)\b')


def uses_the_language(text: str) -> bool:
    """Whether ``text`` is more than plain words (fields, phrases, operators, parentheses);
    plain words keep the typo-tolerant free-text search."""
    return _STRUCTURE.search(text) is not None


def plain_words(expr: Expr | None) -> tuple[str, ...] | None:
    """The words of a query made only of plain words side by side (None otherwise)."""
    parts = expr.parts if isinstance(expr, And) else (expr,) if expr is not None else ()
    words: list[str] = []
    for part in parts:
        if not (isinstance(part, Term) and part.field is None and not part.phrase):
            return None
        words.append(part.text)
    return tuple(words) if words else None


def asks_the_flags(expr: Expr | None) -> bool:
    """Whether ``expr`` has ``is:read``, ``is:unread``, ``is:starred``, ``is:tagged`` or
    ``tag:`` (its answer then depends on the flag store, which must be open to give it)."""
    if isinstance(expr, Tag):
        return True
    if isinstance(expr, State):
        return expr.name in ("read", "unread", "starred", "tagged")
    if isinstance(expr, Not):
        return asks_the_flags(expr.part)
    if isinstance(expr, And | Or):
        return any(asks_the_flags(part) for part in expr.parts)
    return False


# ---------------------------------------------------------------- matching


class Facts(Protocol):
    """What ``is:unread``/``is:read``/``is:starred`` ask of the flag store. ``is:seen`` asks an
    ``is_seen_before(paper_id)`` method where the facts have one (else nothing is seen);
    ``tag:`` and ``is:tagged`` a ``tags(paper_id)`` method giving the paper's tags (else none
    is tagged)."""

    def is_read(self, paper_id: str) -> bool: ...

    def is_starred(self, paper_id: str) -> bool: ...


def _starts_a_word(haystack: str, needle: str, start: int = 0, end: int | None = None) -> bool:
    """``needle`` occurs in ``haystack[start:end]`` where a word starts (both folded)."""
    at = haystack.find(needle, start, end)
    if at == -1:  # the fast refusal for most papers
        return False
    if not needle[0].isalnum():
        return True
    while at != -1:
        if at == 0 or not haystack[at - 1].isalnum():
            return True
        at = haystack.find(needle, at + 1, end)
    return False


class QueryIndex:
    """One day's papers as the search language reads them. Build it once per day, off the UI
    thread, from the DayIndex's folded texts (``DayIndex.search_texts``: the title, authors, id
    and categories lines, then the abstract) so that no abstract is folded or kept twice;
    ``positions`` then answers each keystroke."""

    _CACHE_SIZE = 128

    def __init__(
        self,
        papers: Sequence[Paper],
        texts: tuple[Sequence[str], Sequence[int]] | None = None,
    ) -> None:
        self.papers = tuple(papers)
        self._all = frozenset(range(len(self.papers)))
        if texts is None:
            made = [search_text(p) for p in self.papers]
            texts = ([text for text, _ in made], [start for _, start in made])
        self._text, self._abstract_start = texts
        title_end = array("I")
        authors_end = array("I")
        for text in self._text:
            first = text.find("\n")
            title_end.append(first)
            authors_end.append(text.find("\n", first + 1))
        self._title_end, self._authors_end = title_end, authors_end
        self._comments = [search_fold(p.comment) if p.comment else "" for p in self.papers]
        self._ids = [p.id.lower() for p in self.papers]
        self._categories = [tuple(c.lower() for c in p.categories) for p in self.papers]
        self._kinds = [p.kind for p in self.papers]
        self._terms: OrderedDict[Term, frozenset[int]] = OrderedDict()
        self.scans = 0
        """Terms looked for across the papers (the rest came from the cache): tests, benchmark."""

    def __len__(self) -> int:
        return len(self.papers)

    def positions(self, expr: Expr | None, facts: Facts) -> frozenset[int]:
        """Where in ``papers`` the papers matching ``expr`` are (all of them for None)."""
        if expr is None:
            return self._all
        return self._eval(expr, facts)

    def matching(self, expr: Expr | None, facts: Facts) -> list[Paper]:
        """The matching papers, in the day's order."""
        return [self.papers[i] for i in sorted(self.positions(expr, facts))]

    def _eval(self, expr: Expr, facts: Facts) -> frozenset[int]:
        if isinstance(expr, Term):
            return self._term(expr)
        if isinstance(expr, State):
            return self._state(expr.name, facts)
        if isinstance(expr, Tag):
            tags = getattr(facts, "tags", None)
            if tags is None:
                return frozenset()
            name = expr.name
            return frozenset(i for i, p in enumerate(self.papers) if has_tag(tags(p.id), name))
        if isinstance(expr, Not):
            return self._all - self._eval(expr.part, facts)
        if isinstance(expr, And):
            # Narrow with the positive parts first, then take the negated ones away.
            result = self._all
            for part in sorted(expr.parts, key=lambda p: isinstance(p, Not)):
                if isinstance(part, Not):
                    result = result - self._eval(part.part, facts)
                else:
                    result = result & self._eval(part, facts)
                if not result:
                    break
            return result
        found: frozenset[int] = frozenset()
        for part in expr.parts:
            found = found | self._eval(part, facts)
        return found

    def _state(self, name: str, facts: Facts) -> frozenset[int]:
        papers = self.papers
        if name in ("unread", "read"):
            want = name == "read"
            return frozenset(i for i, p in enumerate(papers) if facts.is_read(p.id) is want)
        if name == "starred":
            return frozenset(i for i, p in enumerate(papers) if facts.is_starred(p.id))
        if name == "seen":
            seen = getattr(facts, "is_seen_before", None)
            return frozenset(i for i, p in enumerate(papers) if seen is not None and seen(p.id))
        if name == "tagged":
            tags = getattr(facts, "tags", None)
            return frozenset(i for i, p in enumerate(papers) if tags is not None and tags(p.id))
        kind = Kind(name)
        return frozenset(i for i, k in enumerate(self._kinds) if k is kind)

    def _term(self, term: Term) -> frozenset[int]:
        cached = self._terms.get(term)
        if cached is not None:
            self._terms.move_to_end(term)
            return cached
        self.scans += 1
        found = frozenset(self._scan(term))
        self._terms[term] = found
        if len(self._terms) > self._CACHE_SIZE:
            self._terms.popitem(last=False)
        return found

    def _scan(self, term: Term) -> Iterable[int]:
        needle, texts = term.text, self._text
        if term.field == "cat":
            archive = needle.rstrip(".*")
            return (
                i
                for i, cats in enumerate(self._categories)
                if needle in cats or any(c.split(".")[0] == archive for c in cats)
            )
        if term.field == "id":
            return (i for i, paper_id in enumerate(self._ids) if paper_id.startswith(needle))
        if term.field == "comments":
            return (i for i, text in enumerate(self._comments) if _starts_a_word(text, needle))
        if term.field == "title":
            ends = self._title_end
            return (i for i, text in enumerate(texts) if _starts_a_word(text, needle, 0, ends[i]))
        if term.field == "authors":
            starts, ends = self._title_end, self._authors_end
            return (
                i
                for i, text in enumerate(texts)
                if _starts_a_word(text, needle, starts[i] + 1, ends[i])
            )
        if term.field == "abstract":
            begins = self._abstract_start
            return (i for i, text in enumerate(texts) if _starts_a_word(text, needle, begins[i]))
        # Anywhere: title, authors, id and categories lines, abstract, comments.
        comments = self._comments
        return (
            i
            for i, text in enumerate(texts)
            if _starts_a_word(text, needle) or _starts_a_word(comments[i], needle)
        )
