"""A loopback double of arXiv for tests: real Atom, HTML, RSS and OAI-PMH over HTTP on 127.0.0.1.

    with ArxivDouble() as double:
        double.add_many(papers)                         # the API's store (newest version each)
        double.announce(date(2025, 4, 9), paper)        # a mailing: pages, RSS, OAI see it
        double.now = datetime(2025, 4, 9, 12, tzinfo=UTC)
        double.fail_next(503, retry_after=1)
        ... ArxivSource(api_url=double.url).fetch_day(...)
        double.requests  # [(monotonic time, path, params, status), ...]

What is served (each as arXiv's own code does it; see the notes at each part):

- ``/api/query`` (``double.url``): the classic API as arXiv's 2025 backend (arXiv/arxiv-search)
  answers it: ``lastUpdatedDate:`` is read as ``submittedDate:``, which filters on the v1
  submission time; boolean operators group to the right without precedence; only the first
  10,000 hits can be paged to.
- ``/list/<subject>/new`` and ``/catchup/<subject>/<YYYY-MM-DD>`` (base ``double.web_url``): the
  listing pages of arXiv/arxiv-browse, built from ``announce``-d mailings and ``double.now``.
- ``/rss/<subject+subject…>`` (``double.rss_url``): arXiv/arxiv-feed's RSS of the listing dated
  today (US-Eastern). ``serve_rss(feed)`` overrides it with a fixed feed.
- ``/oai`` (``double.oai_url``): arXiv/oaipmh's ListRecords / ListIdentifiers / GetRecord in
  arXivRaw, with its resumption tokens.
- ``/pdf/<id>``: ``set_pdf(id, body)`` (else a tiny PDF for a known paper), honours
  ``Range: bytes=N-`` with 206 (``pdf_ranges = False`` answers 200 with the whole file instead), and
  ``cut_next_pdf(after)`` ends the next PDF answer after that many body bytes (the connection
  closes, as a dropped download does). ``pdf_requests`` lists ``(path, Range header)``.

The clock: ``double.now`` (real time until set) says which listing ``/list/…/new`` shows (the
newest announced at 20:00 US-Eastern the evening before its date), which the RSS shows (the one
dated today, US-Eastern) and how far back catchup goes (91 days). Listing days are weekdays not in
``double.holidays``, plus any day something was announced for. ``double.oai_page_size`` is the OAI
page (2500, arXiv's RECORDS_LIMIT). ``page_requests``, ``oai_requests``, ``rss_requests`` and
``query_requests`` pick their requests out of ``requests``.

Faults queued with ``fail_next`` / ``stall_next`` / ``serve_next`` / ``empty_next`` are consumed
one per request, in order, whatever the route. Add routes with ``double.route(prefix, handler)``.
"""

from __future__ import annotations

import calendar
import html
import itertools
import math
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple
from urllib.parse import parse_qs, quote, quote_plus, unquote, urlencode, urlsplit
from xml.sax.saxutils import escape, quoteattr
from zoneinfo import ZoneInfo

from tui.core.paper import Paper, split_id
from tui.core.taxonomy import CATEGORIES

MAX_RESULTS = 2000
"""The most entries the double puts in one API answer (``itemsPerPage`` says so)."""
RESULT_WINDOW = 10_000
"""arXiv-search's ``MAX_RESULTS``: the deepest hit (start + max_results) that can be paged to."""
ATOM_CONTENT_TYPE = "application/atom+xml; charset=utf-8"
RSS_CONTENT_TYPE = "application/rss+xml; charset=utf-8"
HTML_CONTENT_TYPE = "text/html; charset=utf-8"
OAI_CONTENT_TYPE = "text/xml; charset=utf-8"
EASTERN = ZoneInfo("America/New_York")
ANNOUNCE_HOW = ("new", "replace", "cross")

# werkzeug's text for an unhandled exception (arXiv's API answers it as an Atom error feed, 500).
INTERNAL_ERROR = (
    "The server encountered an internal error and was unable to complete your request. "
    "Either the server is overloaded or there is an error in the application."
)


class RecordedRequest(NamedTuple):
    time: float
    """time.monotonic() when the request arrived."""
    path: str
    params: dict[str, str]
    status: int
    """The status served (200 for a stall that was then answered normally)."""


@dataclass(frozen=True)
class Request:
    path: str
    params: dict[str, str]
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = ATOM_CONTENT_TYPE
    headers: dict[str, str] = field(default_factory=dict)
    cut_after: int | None = None
    """Send only this many body bytes (after a full Content-Length), then close the connection."""
    stall_after_cut: float = 0.0
    """Say nothing for this long before closing a cut answer."""


Route = Callable[[Request], Response]


@dataclass(frozen=True)
class _Fault:
    response: Response | None = None
    """Serve this instead of the route's answer."""
    stall: float = 0.0
    """Say nothing for this long first (then answer normally unless ``response`` is set)."""


@dataclass(frozen=True)
class Announcement:
    """One line of a mailing: ``paper`` (that version) announced in the listing ``listing_date``.

    ``how`` is ``new`` (a new submission), ``replace`` (a new version) or ``cross`` (categories
    added to an existing paper, arXiv's cross event).
    """

    listing_date: date
    paper: Paper
    how: str = "new"


def announcement_time(listing_date: date) -> datetime:
    """When arXiv announces the listing dated ``listing_date``: 20:00 US-Eastern the evening
    before (Sunday evening for a Monday), in UTC."""
    evening = datetime.combine(listing_date - timedelta(days=1), clock_time(20), EASTERN)
    return evening.astimezone(UTC)


def _text(value: str) -> str:
    """HTML/XML-escaped text, quotes as Jinja writes them (``&#39;``, ``&#34;``)."""
    return html.escape(value, quote=True).replace("&#x27;", "&#39;").replace("&quot;", "&#34;")


def _id_key(paper_id: str) -> tuple[int, str, int]:
    """arXiv's id order: new-style ids by number, old-style (``hep-th/9901001``) after them."""
    if "/" in paper_id:
        archive, number = paper_id.split("/", 1)
        return (1, archive, int(number) if number.isdigit() else 0)
    yymm, _, number = paper_id.partition(".")
    return (0, yymm, int(number) if number.isdigit() else 0)


# ---------------------------------------------------------------- Atom


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _element(tag: str, text: str) -> str:
    return f"<{tag}>{escape(text)}</{tag}>"


def entry_xml(paper: Paper) -> str:
    """One ``<entry>`` in the 2026 layout (namespaces declared on the feed root).

    ``<updated>`` is the submission time of this version, ``<published>`` that of v1, as the
    2025 backend writes them."""
    abs_url = f"https://arxiv.org/abs/{paper.versioned_id}"
    pdf_url = f"https://arxiv.org/pdf/{paper.versioned_id}"
    lines = [
        "  <entry>",
        "    " + _element("id", f"http://arxiv.org/abs/{paper.versioned_id}"),
        "    " + _element("title", paper.title),
        "    " + _element("updated", _stamp(paper.updated)),
        f'    <link href={quoteattr(abs_url)} rel="alternate" type="text/html"/>',
        f'    <link href={quoteattr(pdf_url)} rel="related" type="application/pdf" title="pdf"/>',
        "    " + _element("summary", paper.abstract),
    ]
    lines += [
        f'    <category term={quoteattr(c)} scheme="http://arxiv.org/schemas/atom"/>'
        for c in paper.categories
    ]
    lines.append("    " + _element("published", _stamp(paper.published)))
    if paper.comment is not None:
        lines.append("    " + _element("arxiv:comment", paper.comment))
    if paper.primary_category:
        lines.append(f"    <arxiv:primary_category term={quoteattr(paper.primary_category)}/>")
    if paper.journal_ref is not None:
        lines.append("    " + _element("arxiv:journal_ref", paper.journal_ref))
    for index, author in enumerate(paper.authors):
        lines.append("    <author>")
        lines.append("      " + _element("name", author))
        affiliations = paper.affiliations[index] if index < len(paper.affiliations) else ()
        lines += ["      " + _element("arxiv:affiliation", a) for a in affiliations]
        lines.append("    </author>")
    if paper.doi is not None:
        lines.append("    " + _element("arxiv:doi", paper.doi))
        doi_url = f"https://doi.org/{paper.doi}"
        lines.append(f'    <link rel="related" href={quoteattr(doi_url)} title="doi"/>')
    lines.append("  </entry>")
    return "\n".join(lines)


def feed_xml(
    papers: Iterable[Paper],
    *,
    total: int,
    start: int = 0,
    per_page: int = 0,
    query: str = "",
) -> bytes:
    """A whole API answer: header with opensearch counts, then the entries."""
    now = _stamp(datetime.now(UTC))
    head = [
        "<?xml version='1.0' encoding='UTF-8'?>",
        '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
        'xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">',
        "  " + _element("id", "https://arxiv.org/api/double"),
        "  " + _element("title", f"arXiv Query: {query}"),
        "  " + _element("updated", now),
        f"  <opensearch:itemsPerPage>{per_page}</opensearch:itemsPerPage>",
        f"  <opensearch:totalResults>{total}</opensearch:totalResults>",
        f"  <opensearch:startIndex>{start}</opensearch:startIndex>",
    ]
    body = [entry_xml(p) for p in papers]
    return ("\n".join([*head, *body, "</feed>"]) + "\n").encode("utf-8")


def empty_feed() -> bytes:
    return feed_xml([], total=0)


def error_feed(message: str, *, link: str | None = None) -> bytes:
    """The API's error answer (served with HTTP 400, or 500): one entry titled Error."""
    now = _stamp(datetime.now(UTC))
    slug = re.sub(r"\W+", "_", message)
    href = link or f"https://arxiv.org/api/errors#{slug}"
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
        'xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">\n'
        "  <id>https://arxiv.org/</id>\n  <title>arXiv Search Results</title>\n"
        f"  <updated>{now}</updated>\n"
        "  <opensearch:itemsPerPage>1</opensearch:itemsPerPage>\n"
        "  <opensearch:totalResults>1</opensearch:totalResults>\n"
        "  <opensearch:startIndex>0</opensearch:startIndex>\n"
        "  <entry>\n"
        f"    <id>{escape(href)}</id>\n"
        "    <title>Error</title>\n"
        f"    <updated>{now}</updated>\n"
        f'    <link href={quoteattr(href)} rel="alternate" type="text/html"/>\n'
        f"    <summary>{escape(message)}</summary>\n"
        "    <author>\n      <name>arXiv api core</name>\n    </author>\n"
        "  </entry>\n</feed>\n"
    ).encode()


# ---------------------------------------------------------------- search_query
#
# arXiv's 2025 API backend (arXiv/arxiv-search) reads ``search_query`` in two steps, and so does
# the double:
#
# 1. ``search/domain/classic_api/classic_search_query.py: adapt_query`` rewrites the text:
#    ``lastUpdatedDate:`` becomes ``submittedDate:`` (``fix_aliases``); ``submittedDate:[A TO B]``
#    becomes ``submittedDate:"A TO B"`` with partial dates filled in (YYYY, YYYYMM, YYYYMMDD to
#    the first/last minute; longer than 12 digits cut to 12; ``fill_in_partial_dates``); then, on
#    tokens: NOT/AND NOT become ANDNOT, ``ti:(a b)`` hands its prefix to each word, bare words get
#    ``all:``, runs of operators keep the last one, missing operators become OR, ``title:`` is
#    ``ti:`` and empty prefixes are dropped.
# 2. ``search/domain/classic_api/query_parser.py`` parses the result with a Lark LALR grammar
#    ``expression : term | "(" expression ")" | ANDNOT expression | expression OP expression``.
#    The ambiguity is resolved by shifting, so operators have no precedence and group to the
#    right: ``a OR b AND c`` is ``a OR (b AND c)`` and ``a AND b OR c`` is ``a AND (b OR c)``;
#    a leading ANDNOT negates everything after it. A failed parse is HTTP 400
#    ``Invalid query string: '<adapted query>'``.
#
# ``submittedDate`` matches the v1 submission time (``<published>``), both ends inclusive to the
# minute. A date the range filter cannot read (wrong length, month 13, …) reaches Elasticsearch
# unchanged and fails there: an unhandled error, HTTP 500. So does a unary ANDNOT of anything but
# one term (``query_builder`` calls ``term_to_query`` on it).


class QueryError(ValueError):
    """A ``search_query`` arXiv rejects; ``status`` is the HTTP status it answers with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


Predicate = Callable[[Paper], bool]

_PREFIX, _LEFT, _OPERATOR, _RIGHT, _TEXT = 1, 2, 3, 4, 5
_OPERATORS = ("AND", "ANDNOT", "NOT", "OR")
_PREFIXES = (
    "abs:", "all:", "au:", "cat:", "co:", "doi:", "id:", "jr:", "lastUpdatedDate:", "rn:",
    "submittedDate:", "ti:", "title:",
)  # fmt: skip
_WORDS_RE = re.compile(
    r'"[^"]*"|[()]|\b(?:AND|ANDNOT|NOT|OR)\b(?=[()\s]|$)|'
    + "|".join(re.escape(p) for p in _PREFIXES)
    + r'|[^"()\s]+'
)
_SUBMITTED_RE = re.compile(r"submittedDate:\[([\d-]{4,14}) TO ([\d-]{4,14})\]")

Token = list[Any]
"""``[kind, text]``, changed in place by the fixes as arXiv's code does."""


def _fill_in_partial_date(stamp: str, is_start: bool) -> str:
    original = stamp
    try:
        if stamp.isdigit():
            stamp = stamp[:12]
            if len(stamp) == 6:
                if is_start:
                    stamp += "01"
                else:
                    last_day = calendar.monthrange(int(stamp[:4]), int(stamp[4:6]))[1]
                    stamp += f"{last_day}"
            if len(stamp) == 4:
                stamp += "0101" if is_start else "1231"
            if len(stamp) == 8:
                stamp += "0000" if is_start else "2359"
    except Exception:  # arXiv keeps what it was given (a month 13, say)
        stamp = original
    return stamp


def _fix_dates(query: str) -> str:
    def quoted(match: re.Match[str]) -> str:
        start = _fill_in_partial_date(match.group(1), True)
        end = _fill_in_partial_date(match.group(2), False)
        return f'submittedDate:"{start} TO {end}"'

    return _SUBMITTED_RE.sub(quoted, query)


def _tokenize(query: str) -> list[Token]:
    tokens: list[Token] = []
    for word in _WORDS_RE.findall(query):
        if word in _OPERATORS:
            tokens.append([_OPERATOR, word])
        elif word in _PREFIXES:
            tokens.append([_PREFIX, word])
        elif word == "(":
            tokens.append([_LEFT, word])
        elif word == ")":
            tokens.append([_RIGHT, word])
        else:
            tokens.append([_TEXT, word])
    return tokens


def _not_into_andnot(tokens: list[Token]) -> list[Token]:
    previous: Token | None = None
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if (
            previous is not None
            and previous == [_OPERATOR, "AND"]
            and token[0] == _OPERATOR
            and token[1] == "NOT"
        ):
            del tokens[i - 1]  # as arXiv's code: i is not moved back, the next token is skipped
            token[1] = "ANDNOT"
        elif token[0] == _OPERATOR and token[1] == "NOT":
            token[1] = "ANDNOT"
        previous = token
        i += 1
    return tokens


def _fix_prefix_parens(tokens: list[Token]) -> list[Token]:
    """``ti:(a AND b)`` -> ``(ti:a AND ti:b)``."""
    state, i, outer, depth = 0, 0, "", 0
    while i < len(tokens):
        token = tokens[i]
        previous = tokens[i - 1] if i >= 1 else None
        if state == 0:
            if token[0] == _PREFIX:
                state, outer = 1, token[1]
        elif state == 1:
            if token[0] == _LEFT:
                state = 2
                del tokens[i - 1]
                i -= 1
                depth += 1
            else:
                state = 0
        elif token[0] == _RIGHT:
            depth -= 1
            if depth == 0:
                state, outer = 0, ""
        elif token[0] == _LEFT:
            depth += 1
        elif token[0] == _TEXT and previous is not None and previous[0] != _PREFIX:
            tokens.insert(i, [_PREFIX, outer])
            i += 1
        i += 1
    return tokens


def _fix_missing_prefixes(tokens: list[Token]) -> list[Token]:
    previous: Token | None = None
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token[0] == _TEXT and (previous is None or previous[0] != _PREFIX):
            tokens.insert(i, [_PREFIX, "all:"])
            i += 1
        previous = token
        i += 1
    return tokens


def _fix_multiple_operators(tokens: list[Token]) -> list[Token]:
    i = 0
    while i < len(tokens):
        if i >= 1 and tokens[i - 1][0] == _OPERATOR and tokens[i][0] == _OPERATOR:
            del tokens[i - 1]
            i -= 1
        i += 1
    return tokens


def _fix_missing_operators(tokens: list[Token]) -> list[Token]:
    previous: Token | None = None
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if previous is not None and (
            (previous[0] == _PREFIX and token[0] == _PREFIX)
            or (previous[0] in (_RIGHT, _TEXT) and token[0] in (_PREFIX, _LEFT, _TEXT))
        ):
            tokens.insert(i, [_OPERATOR, "OR"])
            i += 1
        previous = token
        i += 1
    return tokens


def _fix_author_underscores(tokens: list[Token]) -> list[Token]:
    # As arXiv's code: it looks at tokens[1], not tokens[i] (so only the query's first word
    # decides whether an au: word has its underscores made spaces and is quoted).
    for i in range(1, len(tokens)):
        if tokens[i - 1] == [_PREFIX, "au:"] and tokens[i][0] == _TEXT:
            text = str(tokens[1][1])
            if "_" in text:
                text = text.replace("_", " ")
                if '"' not in text:
                    text = f'"{text}"'
                tokens[i][1] = text
    return tokens


def _convert_prefixes(tokens: list[Token]) -> list[Token]:
    for token in tokens:
        if token == [_PREFIX, "title:"]:
            token[1] = "ti:"
    return tokens


def _remove_prefixes_with_no_content(tokens: list[Token]) -> list[Token]:
    i = 0
    while i < len(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if tokens[i][0] == _PREFIX and (following is None or following[0] != _TEXT):
            del tokens[i]
            i -= 1
        i += 1
    return tokens


def _tokens_into_query(tokens: list[Token]) -> str | None:
    parts: list[str] = []
    previous: Token | None = None
    for token in tokens:
        glued = previous is None or (
            (previous[0] == _LEFT and token[0] == _PREFIX)
            or (previous[0] == _TEXT and token[0] == _RIGHT)
            or (previous[0] == _PREFIX and token[0] == _TEXT)
        )
        if not glued:
            parts.append(" ")
        parts.append(str(token[1]))
        previous = token
    return "".join(parts).strip() if parts else None


def adapt_query(query: str) -> str | None:
    """arXiv's ``adapt_query``: the ``search_query`` its parser is then given (None if empty)."""
    query = query.replace("\r", " ").replace("\n", " ")
    query = query.replace("lastUpdatedDate:", "submittedDate:")
    tokens = _tokenize(_fix_dates(query))
    for fix in (
        _not_into_andnot,
        _fix_prefix_parens,
        _fix_missing_prefixes,
        _fix_multiple_operators,
        _fix_missing_operators,
        _fix_author_underscores,
        _convert_prefixes,
        _remove_prefixes_with_no_content,
    ):
        tokens = fix(tokens)
    return _tokens_into_query(tokens)


_FIELDS = ("ti", "au", "abs", "co", "jr", "cat", "rn", "id", "all", "doi", "submittedDate")
_LEX_RE = re.compile(
    r"\s*(?:(?P<paren>[()])"
    r"|(?P<op>ANDNOT|AND|OR)(?=[\s()]|$)"
    r"|(?P<field>" + "|".join(_FIELDS) + r'):(?P<value>"(?:[^"\\]|\\.)*"|[^\s"()]+))'
)
_RANGE_RE = re.compile(r"(\d{12}) TO (\d{12})")


@dataclass(frozen=True)
class _Term:
    field: str
    value: str


@dataclass(frozen=True)
class _Unary:
    operand: _Node


@dataclass(frozen=True)
class _Binary:
    operator: str
    left: _Node
    right: _Node


_Node = _Term | _Unary | _Binary


class _Parser:
    """The Lark grammar above, resolved as Lark resolves it (shift: group to the right)."""

    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens: list[tuple[str, str, str]] = []
        position = 0
        while position < len(query):
            if not query[position:].strip():
                break
            match = _LEX_RE.match(query, position)
            if match is None:
                raise self._invalid()
            position = match.end()
            if match.group("paren"):
                self.tokens.append(("paren", match.group("paren"), ""))
            elif match.group("op"):
                self.tokens.append(("op", match.group("op"), ""))
            else:
                value = match.group("value")
                if value.startswith('"') and value.endswith('"'):
                    value = value[1:-1]
                self.tokens.append(("term", match.group("field"), value.strip()))
        self.position = 0

    def _invalid(self) -> QueryError:
        return QueryError(f"Invalid query string: '{self.query}'")

    def parse(self) -> _Node:
        if not self.tokens:
            return _Term("all", "")
        node = self._expression()
        if self.position != len(self.tokens):
            raise self._invalid()
        return node

    def _next(self) -> tuple[str, str, str]:
        if self.position >= len(self.tokens):
            raise self._invalid()
        token = self.tokens[self.position]
        self.position += 1
        return token

    def _expression(self) -> _Node:
        left = self._atom()
        if self.position < len(self.tokens) and self.tokens[self.position][0] == "op":
            operator = self._next()[1]
            return _Binary(operator, left, self._expression())
        return left

    def _atom(self) -> _Node:
        kind, text, value = self._next()
        if kind == "paren" and text == "(":
            inner = self._expression()
            if self._next() != ("paren", ")", ""):
                raise self._invalid()
            return inner
        if kind == "op" and text == "ANDNOT":
            return _Unary(self._expression())
        if kind == "term":
            return _Term(text, value)
        raise self._invalid()


def _words_in(needle: str, haystack: str) -> bool:
    words = needle.lower().replace("_", " ").replace('"', " ").split()
    return all(word in haystack.lower() for word in words)


def _minute(stamp: str) -> datetime:
    try:
        return datetime.strptime(stamp, "%Y%m%d%H%M").replace(tzinfo=UTC)
    except ValueError:
        raise QueryError(INTERNAL_ERROR, status=500) from None


def _in_minute_range(moment: datetime, low: datetime, high: datetime) -> bool:
    truncated = moment.astimezone(UTC).replace(second=0, microsecond=0)
    return low <= truncated <= high


def _term_predicate(term: _Term) -> Predicate:
    name, value = term.field, term.value
    if not value.strip():
        return lambda p: True  # arXiv's empty term is Q(): it matches everything
    if name == "submittedDate":
        match = _RANGE_RE.fullmatch(value.strip())
        if match is None:
            raise QueryError(INTERNAL_ERROR, status=500)
        low, high = _minute(match.group(1)), _minute(match.group(2))
        return lambda p: _in_minute_range(p.published, low, high)
    if name == "cat":
        return lambda p: value in p.categories
    if name == "ti":
        return lambda p: _words_in(value, p.title)
    if name == "au":
        return lambda p: any(_words_in(value, a) for a in p.authors)
    if name == "abs":
        return lambda p: _words_in(value, p.abstract)
    if name == "co":
        return lambda p: _words_in(value, p.comment or "")
    if name == "jr":
        return lambda p: _words_in(value, p.journal_ref or "")
    if name == "doi":
        return lambda p: (p.doi or "").lower() == value.lower()
    if name == "id":
        try:
            wanted, version = split_id(value)
        except ValueError:
            return lambda p: False
        return lambda p: p.id == wanted and version in (None, p.version)
    if name == "all":
        return lambda p: _words_in(
            value,
            " ".join(
                [
                    p.title,
                    p.abstract,
                    *p.authors,
                    *p.categories,
                    p.comment or "",
                    p.journal_ref or "",
                    p.doi or "",
                    p.id,
                ]
            ),
        )
    return lambda p: False  # rn: (report numbers) — the double's papers have none


def _predicate(node: _Node) -> Predicate:
    if isinstance(node, _Term):
        return _term_predicate(node)
    if isinstance(node, _Unary):
        if not isinstance(node.operand, _Term):
            raise QueryError(INTERNAL_ERROR, status=500)
        inner = _term_predicate(node.operand)
        return lambda p: not inner(p)
    left, right = _predicate(node.left), _predicate(node.right)
    if node.operator == "AND":
        return lambda p: left(p) and right(p)
    if node.operator == "OR":
        return lambda p: left(p) or right(p)
    return lambda p: left(p) and not right(p)


def parse_query(query: str) -> Predicate:
    """A predicate on Paper for an arXiv ``search_query``, read as arXiv's 2025 backend reads it.

    Raises QueryError (``.status`` 400, or 500 where arXiv fails with an internal error)."""
    adapted = adapt_query(query) or ""
    return _predicate(_Parser(adapted).parse())


# ---------------------------------------------------------------- subjects

ARCHIVE_NAMES = {
    "astro-ph": "Astrophysics",
    "cond-mat": "Condensed Matter",
    "cs": "Computer Science",
    "econ": "Economics",
    "eess": "Electrical Engineering and Systems Science",
    "gr-qc": "General Relativity and Quantum Cosmology",
    "hep-ex": "High Energy Physics - Experiment",
    "hep-lat": "High Energy Physics - Lattice",
    "hep-ph": "High Energy Physics - Phenomenology",
    "hep-th": "High Energy Physics - Theory",
    "math": "Mathematics",
    "math-ph": "Mathematical Physics",
    "nlin": "Nonlinear Sciences",
    "nucl-ex": "Nuclear Experiment",
    "nucl-th": "Nuclear Theory",
    "physics": "Physics",
    "q-bio": "Quantitative Biology",
    "q-fin": "Quantitative Finance",
    "quant-ph": "Quantum Physics",
    "stat": "Statistics",
}
"""arXiv's archives and their names (list page and catchup headings)."""

_PHYSICS_ARCHIVES = frozenset(
    ("astro-ph", "cond-mat", "gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math-ph", "nlin",
     "nucl-ex", "nucl-th", "physics", "quant-ph")
)  # fmt: skip
CATEGORY_ALIASES = {
    "math-ph": "math.MP",
    "math.MP": "math-ph",
    "math.IT": "cs.IT",
    "cs.IT": "math.IT",
    "math.ST": "stat.TH",
    "stat.TH": "math.ST",
    "eess.SY": "cs.SY",
    "cs.SY": "eess.SY",
    "econ.GN": "q-fin.EC",
    "q-fin.EC": "econ.GN",
}
"""arXiv's alias categories: a paper in one is listed under the other too (arxiv-base taxonomy)."""


def archive_of(category: str) -> str:
    return category.split(".", 1)[0]


def _group_of(archive: str) -> str:
    return "physics" if archive in _PHYSICS_ARCHIVES else archive


def _category_in(category: str, subject: str) -> bool:
    if subject == "grp_physics":
        return archive_of(category) in _PHYSICS_ARCHIVES
    if "." in subject:
        return category == subject
    return category == subject or category.startswith(subject + ".")


def in_subject(category: str, subjects: Iterable[str]) -> bool:
    """Whether ``category`` (or its alias) is one of ``subjects`` (archives, categories, or
    ``grp_physics``): ``cs.LG`` is in ``cs``, ``astro-ph.CO`` in ``astro-ph``, ``hep-th`` in
    ``hep-th``."""
    names = [category]
    if category in CATEGORY_ALIASES:
        names.append(CATEGORY_ALIASES[category])
    return any(_category_in(name, subject) for name in names for subject in subjects)


def subject_name(subject: str) -> str:
    """The name arXiv's pages give a subject (the code itself for one the double lacks)."""
    if subject == "grp_physics":
        return "Physics"
    return ARCHIVE_NAMES.get(subject) or CATEGORIES.get(subject, subject)


def _category_label(category: str) -> str:
    return f"{CATEGORIES.get(category, category)} ({category})"


def oai_set_of(category: str) -> str:
    """The OAI-PMH setSpec of a category: ``cs:cs:LG``, ``physics:astro-ph:CO``,
    ``physics:hep-th`` (arXiv/oaipmh: group:archive[:subject class])."""
    archive = archive_of(category)
    spec = f"{_group_of(archive)}:{archive}"
    return f"{spec}:{category.split('.', 1)[1]}" if "." in category else spec


OAI_SETS = frozenset(
    {_group_of(a) for a in ARCHIVE_NAMES}
    | {oai_set_of(a) for a in ARCHIVE_NAMES}
    | {oai_set_of(c) for c in CATEGORIES}
)
"""Every set arXiv's ListSets names: groups, group:archive, group:archive:class."""


def _in_oai_set(paper: Paper, spec: str) -> bool:
    for category in paper.categories:
        for name in (category, CATEGORY_ALIASES.get(category)):
            if name and (oai_set_of(name) == spec or oai_set_of(name).startswith(spec + ":")):
                return True
    return False


@dataclass(frozen=True)
class _Item:
    paper: Paper
    kind: str
    """``new``, ``cross``, ``replace`` or ``replace-cross`` (RSS's announce types)."""


_KIND_RANK = {"new": 0, "cross": 1, "replace": 2, "replace-cross": 3}


def listing_items(announcements: Iterable[Announcement], subjects: Iterable[str]) -> list[_Item]:
    """The lines of a mailing for ``subjects``, in arXiv's order: new submissions (primary in a
    subject), cross-lists (new ones with the primary elsewhere, and cross events), replacements
    with the primary in a subject, then replace-crosses; each part in id order."""
    wanted = tuple(subjects)
    best: dict[str, _Item] = {}
    for announcement in announcements:
        paper = announcement.paper
        # A cross event added categories to the paper: never its primary, so the primary alone
        # does not bring it into a subject.
        added = paper.categories[1:] if announcement.how == "cross" else paper.categories
        if not any(in_subject(c, wanted) for c in added):
            continue
        primary_in = in_subject(paper.primary_category, wanted)
        if announcement.how == "new":
            kind = "new" if primary_in else "cross"
        elif announcement.how == "cross":
            if primary_in:
                # arxiv-browse: "removes intra archive crosses" (a cross event of a paper whose
                # primary is in the subject asked for is no-match): the cs page does not show
                # a cs.CV paper newly cross-listed to cs.LG; the cs.LG page does.
                continue
            kind = "cross"
        else:
            kind = "replace" if primary_in else "replace-cross"
        prior = best.get(paper.id)
        if prior is None or _KIND_RANK[kind] < _KIND_RANK[prior.kind]:
            best[paper.id] = _Item(paper, kind)
    return sorted(best.values(), key=lambda i: (_KIND_RANK[i.kind], _id_key(i.paper.id)))


def _counts(items: list[_Item]) -> tuple[int, int, int]:
    new = sum(1 for i in items if i.kind == "new")
    cross = sum(1 for i in items if i.kind == "cross")
    return new, cross, len(items) - new - cross


# ---------------------------------------------------------------- arXiv's pages (arxiv-browse)
#
# browse/controllers/list_page: ``/list/<subject>/new`` shows the newest mailing; ``show`` must be
# one of SHOW_VALUES (else 400 "Invalid show value. …"), default 2000 for /new; ``skip`` counts
# entries. Sections say "continued"/"first"/"last" when a page splits them; the paging block
# links each page as arxiv-browse's ``paging()`` does (first, 3 either side, last).
# browse/controllers/catchup_page.py: ``/catchup/<subject>/<YYYY-MM-DD>[?abs=True&page=N]``,
# CATCHUP_LIMIT (2000) entries a page, ``page`` from 1; dates before today - 91 days or after
# today, bad subjects, bad ``abs``/``page`` and unexpected parameters are HTTP 400.

SHOW_VALUES = (25, 50, 100, 250, 500, 1000, 2000)
MAX_SHOW = SHOW_VALUES[-1]
CATCHUP_LIMIT = 2000
CATCHUP_DAYS = 91
"""arxiv-browse allows catchup back to today - 91 days ("past 90 days", a day for time zones)."""
NO_UPDATES = "    <p>No updates today.</p>\n"
BAD_REQUEST = "The browser (or proxy) sent a request that this server could not understand."


def _long_date(day: date) -> str:
    return f"{day:%A}, {day.day} {day:%B} {day.year}"


def _short_date(day: date) -> str:
    return f"{day:%a}, {day.day:02d} {day:%b} {day.year}"


def _page(title: str, content: str, *, mathjax: bool = True) -> bytes:
    scripts = (
        '  <script src="/static/browse/0.3.4/js/mathjaxToggle.min.js" '
        'type="text/javascript"></script>\n'
        '  <script type="text/javascript" language="javascript">mathjaxToggle();</script>\n'
        if mathjax
        else "  \n"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n\n'
        f"<head>  <title>{title}</title>\n"
        '  <meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '  <link rel="stylesheet" type="text/css" media="screen" '
        'href="/static/browse/0.3.4/css/arXiv.css" />\n'
        f"{scripts}"
        "</head>\n\n"
        '<body ><div class="flex-wrap-footer">\n'
        '    <a href="#content" class="ds-skip-link">Skip to main content</a>\n'
        '<header class="ds-site-header">\n'
        '  <a href="https://arxiv.org/" class="ds-site-header-logo" '
        'aria-label="archive home">arXiv</a>\n'
        "</header>\n"
        "    <main>\n"
        '      <div id="content">\n'
        f"{content}"
        "      </div>\n"
        "    </main>\n\n"
        '<footer class="ds-site-footer">\n'
        '  <div class="ds-site-footer-grid"></div>\n'
        "</footer>  </div>\n"
        "</body>\n\n"
        "</html>\n"
    ).encode()


def error_page(message: str) -> bytes:
    """arxiv-browse's 400 page (templates/400.html) for ``message``."""
    content = (
        f"\n<h1>{_text(message)}</h1>\n"
        "<p>The server cannot process your request due to syntax errors, missing \n"
        "  required data or invalid content-type. Please check your URL and try again.</p>\n\n"
        "<hr>\n"
        "<p>If you believe this is an error or have questions please contact\n"
        '  <a href="mailto:help@arxiv.org">help@arxiv.org</a> and\n'
        "  please provide:</p>\n"
        "<ol>\n"
        "  <li>The URL which causes the problem</li>\n"
        "  <li>A brief description of what you expected to see/happen and what you\n"
        "    observed.\n"
        "  </li>\n"
        "</ol>"
    )
    return _page(_text(message), content, mathjax=False)


def _author_link(author: str, archive: str) -> str:
    parts = author.split()
    surname = parts[-1] if parts else author
    initials = " ".join(p[0] for p in parts[:-1])
    query = quote_plus(f"{surname}, {initials}".strip().rstrip(","), safe=",")
    href = f"https://arxiv.org/search/{archive}?searchtype=author&query={query}"
    return f'<a href="{_text(href)}">{_text(author)}</a>'


def _item_html(index: int, item: _Item, *, abstracts: bool) -> str:
    paper = item.paper
    pid = _text(paper.id)
    if item.kind == "cross":
        marker = f"          (cross-list from {_text(paper.primary_category)})\n\n"
    elif item.kind.startswith("replace"):
        marker = "          (replaced)\n\n"
    else:
        marker = "      \n"
    archive = archive_of(paper.primary_category)
    authors = ", ".join(_author_link(a, archive) for a in paper.authors)
    labels = [_text(_category_label(c)) for c in paper.categories]
    if labels:
        labels[0] = f'<span class="primary-subject">{labels[0]}</span>'
    subjects = "; ".join(labels)
    lines = [
        "    <dt>\n",
        f"      <a name='item{index}'>[{index}]</a>\n",
        f'      <a href ="/abs/{pid}" title="Abstract" id="{pid}">\n',
        f"        arXiv:{pid}\n",
        "      </a>\n",
        marker,
        f'        [<a href="/pdf/{pid}" title="Download PDF" id="pdf-{pid}" '
        f'aria-labelledby="pdf-{pid}">pdf</a>, <a href="/format/{pid}" title="Other formats" '
        f'id="oth-{pid}" aria-labelledby="oth-{pid}">other</a>]\n',
        "    </dt>\n",
        "    <dd>\n",
        "      <div class='meta'>\n",
        "        <div class='list-title mathjax'><span class='descriptor'>Title:</span>\n",
        f"          {_text(paper.title)}\n",
        "        </div>\n",
        f"        <div class='list-authors'>{authors}</div>\n\n",
    ]
    if paper.comment:
        lines += [
            "        <div class='list-comments mathjax'>"
            "<span class='descriptor'>Comments:</span>\n",
            f"          {_text(paper.comment)}\n",
            "        </div>\n",
        ]
    lines.append("\n")
    if paper.journal_ref:
        lines += [
            "        <div class='list-journal-ref'><span class='descriptor'>Journal-ref:</span>\n",
            f"          {_text(paper.journal_ref)}\n",
            "        </div>\n",
        ]
    lines += [
        "\n",
        "        <div class='list-subjects'><span class='descriptor'>Subjects:</span>\n",
        f"          {subjects}\n",
        "        </div>\n\n",
    ]
    if abstracts:
        lines += [
            "        <p class='mathjax'>\n",
            f"            {_text(paper.abstract)}\n",
            "        </p>\n",
        ]
    lines += ["      </div>\n", "    </dd>\n"]
    return "".join(lines)


def _sections_html(
    items: list[_Item], page_items: list[_Item], skip: int, shown: int, *, abstracts: bool
) -> str:
    """arxiv-browse's ``sub_sections_for_types``: one ``<dl id='articles'>`` per part shown."""
    new_count, cross_count, rep_count = _counts(items)
    cross_start = new_count + 1
    rep_start = new_count + cross_count + 1
    parts = [
        ("New", [i for i in page_items if i.kind == "new"], new_count, skip > 0,
         skip >= new_count - shown),
        ("Cross", [i for i in page_items if i.kind == "cross"], cross_count,
         skip + 1 > cross_start, skip >= rep_start - shown),
        ("Replacement", [i for i in page_items if i.kind.startswith("replace")], rep_count,
         skip + 1 > rep_start, skip + shown >= new_count + cross_count + rep_count),
    ]  # fmt: skip
    blocks: list[str] = []
    index = skip
    for name, part, total, continued, last in parts:
        if not part:
            continue
        showing = "showing "
        if continued:
            showing = "continued, " + showing
            if last:
                showing += "last "
        if not last and not continued:
            showing += "first "
        heading = f"{name} submissions ({showing}{len(part)} of {total} entries)"
        body = []
        for item in part:
            index += 1
            body.append(_item_html(index, item, abstracts=abstracts))
        blocks.append(
            f"      <dl id='articles'>\n    <h3>{heading}</h3>\n\n\n{''.join(body)}</dl>\n\n"
        )
    return "".join(blocks)


def _list_paging(count: int, skip: int, shown: int, subject: str) -> list[str]:
    """arxiv-browse's ``paging()``: the page links after "Total of N entries :"."""
    base = f"/list/{subject}/new"
    buffer = 3

    def page(n: int, nolink: bool = False) -> str:
        label = f"{n + 1}-{min(count, n + shown)}"
        if nolink:
            return f"<span>{label}</span>"
        return f"<a href={base}?skip={n}&amp;show={shown}>{label}</a>"

    starts = range(0, count, shown)
    links = [page(0)] if skip >= shown else []
    before = [n for n in starts if skip - shown * buffer <= n < skip and n > 0]
    if before and before[0] > shown * buffer:
        links.append("<span>...</span>")
    links += [page(n) for n in before]
    links.append(page(skip, nolink=True))
    after = [n for n in starts if skip < n <= skip + shown * buffer]
    links += [page(n) for n in after]
    if after and after[-1] < starts[-1]:
        links.append("<span>...</span>")
        links.append(page(starts[-1]))
    return links


def _paging_html(count: int, skip: int, shown: int, subject: str) -> str:
    links = _list_paging(count, skip, shown, subject) if count > shown else []
    total = f"Total of {count} entries "
    if links:
        total += ":" + "".join(f"      {link}\n" for link in links) + "\n"
    else:
        total += "\n"
    base = f"/list/{subject}/new"
    fewer = next((n for n, n1 in itertools.pairwise(SHOW_VALUES) if n < shown <= n1), None)
    more = next((n for n in SHOW_VALUES if shown < n < count), None)

    def link(label: str, show: int | None) -> str:
        if show is None:
            return f'<span style="color: #454545">{label}</span>'
        return f'<a href={base}?skip={skip}&amp;show={show} rel="nofollow">\n      {label}</a>'

    every = MAX_SHOW if shown < count else None
    return (
        f"      <div class='paging'>{total}    </div>\n"
        f"    <div class='morefewer'>Showing up to {shown} entries per page:\n"
        f"          {link('fewer', fewer)}\n |\n"
        f"          {link('more', more)}\n |\n"
        f"          {link('all', every)}\n\n"
        "    </div>\n"
    )


def list_new_page(
    subject: str, listing_date: date, items: list[_Item], skip: int, shown: int
) -> bytes:
    """``/list/<subject>/new``: the mailing ``listing_date`` for ``subject``."""
    new_count, cross_count, rep_count = _counts(items)
    base = f"/list/{subject}/new"
    index: list[tuple[str, str, int]] = []
    if new_count:
        index.append(("New submissions", f"{base}?skip=0&amp;show={shown}" if skip else "", 0))
    if cross_count:
        url = f"{base}?skip={math.floor(new_count / shown) * shown}&amp;show={shown}"
        index.append(("Cross-lists", url if new_count > shown else "", new_count + 1))
    if rep_count:
        before = new_count + cross_count
        url = f"{base}?skip={math.floor(before / shown) * shown}&amp;show={shown}"
        index.append(("Replacements", url if before > shown else "", before + 1))
    toc = "".join(f'  <li><a href="{url}#item{k}">{label}</a></li>\n' for label, url, k in index)
    count = len(items)
    page_items = items[skip : skip + shown]
    paging = _paging_html(count, skip, shown, subject) if count else "  \n"
    sections = _sections_html(items, page_items, skip, shown, abstracts=True)
    name = _text(subject_name(subject))
    content = (
        "<div id='content-inner'>\n"
        "<div id='dlpage'>\n"
        f"  <h1>{name}</h1>\n\n"
        f"<ul>\n{toc}</ul>\n\n"
        f'<p>See <a id="recent-{subject}" aria-labelledby="recent-{subject}" '
        f'href="/list/{subject}/recent">recent</a> articles</p>\n'
        f"<h3>Showing new listings for {_long_date(listing_date)}</h3>\n\n"
        f"{paging}\n\n\n\n"
        f"{sections or NO_UPDATES}"
        f"\n\n\n{paging if count else ''}\n"
        "</div>\n"
        "</div>"
    )
    return _page(f"{name}  ", content)


def catchup_page(
    subject: str,
    day: date,
    items: list[_Item],
    *,
    abstracts: bool,
    page: int,
    next_day: date | None,
) -> bytes:
    """``/catchup/<subject>/<day>``: the mailing of ``day``, CATCHUP_LIMIT entries a page."""
    new_count, cross_count, rep_count = _counts(items)
    flag = "True" if abstracts else "False"
    base = f"/catchup/{subject}/{day.isoformat()}?abs={flag}&amp;page="
    index: list[tuple[str, str, int]] = []
    if new_count:
        index.append(("New submissions", "" if page == 1 else f"{base}1", 1))
    for label, start in (
        ("Cross-lists", new_count + 1 if cross_count else 0),
        ("Replacements", new_count + cross_count + 1 if rep_count else 0),
    ):
        if start:
            start_page = (start - 1) // CATCHUP_LIMIT + 1
            position = start - (start_page - 1) * CATCHUP_LIMIT
            index.append((label, "" if page == start_page else f"{base}{start_page}", position))
    toc = "".join(
        f'      <li><a href="{url}#item{k}">{label}</a></li>\n' for label, url, k in index
    )
    count = len(items)
    pages: list[tuple[str, str]] = []
    if count > CATCHUP_LIMIT:
        total_pages = count // CATCHUP_LIMIT + 1  # as arxiv-browse counts them
        url_base = f"/catchup/{subject}/{day.isoformat()}?abs={flag}"
        numbers: list[tuple[str, str]] = []
        if total_pages < 10:
            numbers = [
                (str(n), "no-link" if n == page else f"{url_base}&page={n}")
                for n in range(1, total_pages + 1)
            ]
        else:
            if page != 1:
                numbers.append(("1", f"{url_base}&page=1"))
            if page > 2:
                numbers.append(("...", "no-link"))
            numbers.append((str(page), "no-link"))
            if page < total_pages - 1:
                numbers.append(("...", "no-link"))
            if page != total_pages:
                numbers.append((str(total_pages), f"{url_base}&page={total_pages}"))
        pages = numbers
    view = ""
    if pages:
        view = "View page:" + "".join(
            f"\n        <span>{n}</span>"
            if link == "no-link"
            else f"\n        <a href={_text(link)}>{n}</a>"
            for n, link in pages
        )
    when = _short_date(day)
    next_top = next_bottom = ""
    if next_day is not None:
        href = f"/catchup/{subject}/{next_day.isoformat()}?abs={flag}&amp;page=1"
        next_top = f'        <a href="{href}">Continue to the next day</a>\n        <br><br>\n'
        next_bottom = f'        <br> <br>\n        <a href="{href}">Continue to the next day</a>\n'
    skip = (page - 1) * CATCHUP_LIMIT
    sections = _sections_html(
        items, items[skip : skip + CATCHUP_LIMIT], skip, CATCHUP_LIMIT, abstracts=abstracts
    )
    if not sections:
        if page > 1:
            sections = (
                f"      <br>\n        <div>\n          No further updates for {when}\n"
                f'          <br>\n          <a href="{base}1">Go to page 1</a>\n'
                "        </div>\n      <br>\n"
            )
        else:
            sections = (
                f"      <br>\n        <div>\n          <p>No updates for {when}. There was "
                "either no announcement for this day, or no updates within the requested "
                "subject.</p>\n        </div>\n      <br>\n"
            )
    content = (
        "<div id='content-inner'>\n"
        "<div id='dlpage'>\n"
        f"  <h1>Catchup results for {_text(subject_name(subject))} on {when}</h1>\n\n"
        f"    <ul>\n{toc}    </ul>\n    \n\n"
        "    <div>\n"
        f"{next_top}      \n"
        f"      Total of {count} entries for {when}\n"
        f"      {view}\n\n"
        "    </div>\n\n\n"
        f"{sections}\n\n"
        "    <div></div>\n"
        f"    Total of {count} entries for {when}\n"
        f"      {view}\n"
        f"      \n{next_bottom}"
        "    </div>\n\n"
        "</div>\n"
        "</div>"
    )
    return _page("", content)


# ---------------------------------------------------------------- RSS (arxiv-feed)
#
# arxiv-feed serves "today's" announcements (FEED_NUM_DAYS = 1): the listing dated today in
# US-Eastern, so it rolls over at midnight ET, not at the 20:00 announcement. Items: new, cross,
# replace, replace-cross. An unknown archive or subject class is a 400 error channel.

RSS_ARCHIVES = (*sorted(ARCHIVE_NAMES), "test")
LICENSE = "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
_RSS_HEAD = (
    "<?xml version='1.0' encoding='UTF-8'?>\n"
    '<rss xmlns:arxiv="http://arxiv.org/schemas/atom" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" version="2.0">\n'
    "  <channel>\n"
)


def _rss_date(moment: datetime) -> str:
    return moment.strftime("%a, %d %b %Y %H:%M:%S %z")


def _midnight_eastern(day: date) -> datetime:
    return datetime.combine(day, clock_time(0), EASTERN)


def rss_subject_error(subjects: list[str]) -> str | None:
    """arxiv-feed's complaint about a ``+``-joined subject list, or None if it is fine."""
    for subject in subjects:
        archive, _, subject_class = subject.partition(".")
        if archive not in RSS_ARCHIVES:
            return f"Bad archive '{archive}'. Valid archive names are: {', '.join(RSS_ARCHIVES)}."
        if subject_class and subject not in CATEGORIES:
            valid = sorted(c for c in CATEGORIES if c.startswith(archive + "."))
            return (
                f"Bad subject class '{subject_class}'. Valid subject classes for the archive "
                f"'{archive}' are: {', '.join(valid)}."
            )
    return None


def rss_error_feed(query: str, message: str, now: datetime, today: date) -> bytes:
    url = f"https://rss.arxiv.org/rss/{query}"
    return (
        _RSS_HEAD + f"    <title>Feed error for query: {escape(url)}</title>\n"
        f"    <link>{escape(url)}</link>\n"
        f"    <description>{escape(message)}</description>\n"
        f'    <atom:link href="{_text(url)}" rel="self" type="application/rss+xml"/>\n'
        "    <docs>http://www.rssboard.org/rss-specification</docs>\n"
        "    <language>en-us</language>\n"
        f"    <lastBuildDate>{_rss_date(now.astimezone(UTC))}</lastBuildDate>\n"
        "    <managingEditor>rss-help.arxiv.org</managingEditor>\n"
        f"    <pubDate>{_rss_date(_midnight_eastern(today))}</pubDate>\n"
        "  </channel>\n</rss>\n"
    ).encode()


def rss_feed(
    query: str, subjects: list[str], items: list[_Item], now: datetime, day: date
) -> bytes:
    """arxiv-feed's RSS 2.0 channel of the listing dated ``day``."""
    url = f"https://rss.arxiv.org/rss/{query}"
    names = ", ".join(subjects)
    published = _rss_date(_midnight_eastern(day))
    lines = [
        _RSS_HEAD,
        f"    <title>{escape(names)} updates on arXiv.org</title>\n",
        f"    <link>{escape(url)}</link>\n",
        f"    <description>{escape(names)} updates on the arXiv.org e-print archive."
        "</description>\n",
        f'    <atom:link href="{_text(url)}" rel="self" type="application/rss+xml"/>\n',
        "    <docs>http://www.rssboard.org/rss-specification</docs>\n",
        "    <language>en-us</language>\n",
        f"    <lastBuildDate>{_rss_date(now.astimezone(UTC))}</lastBuildDate>\n",
        "    <managingEditor>rss-help@arxiv.org</managingEditor>\n",
        f"    <pubDate>{published}</pubDate>\n",
        "    <skipDays>\n      <day>Saturday</day>\n      <day>Sunday</day>\n    </skipDays>\n",
    ]
    for item in items:
        paper = item.paper
        lines += [
            "    <item>\n",
            f"      <title>{escape(paper.title)}</title>\n",
            f"      <link>https://arxiv.org/abs/{escape(paper.id)}</link>\n",
            f"      <description>arXiv:{escape(paper.versioned_id)} Announce Type: {item.kind} \n"
            f"Abstract: {escape(paper.abstract)}</description>\n",
            f'      <guid isPermaLink="false">oai:arXiv.org:{escape(paper.versioned_id)}</guid>\n',
            *(f"      <category>{escape(c)}</category>\n" for c in paper.categories),
            f"      <pubDate>{published}</pubDate>\n",
            f"      <arxiv:announce_type>{item.kind}</arxiv:announce_type>\n",
            f"      <dc:rights>{LICENSE}</dc:rights>\n",
        ]
        if paper.doi:
            lines.append(f"      <arxiv:DOI>{escape(paper.doi)}</arxiv:DOI>\n")
        if paper.journal_ref:
            lines.append(
                f"      <arxiv:journal_reference>{escape(paper.journal_ref)}"
                "</arxiv:journal_reference>\n"
            )
        lines += [
            f"      <dc:creator>{escape(', '.join(paper.authors))}</dc:creator>\n",
            "    </item>\n",
        ]
    lines.append("  </channel>\n</rss>\n")
    return "".join(lines).encode()


# ---------------------------------------------------------------- OAI-PMH (arXiv/oaipmh)
#
# ListRecords/ListIdentifiers select records whose datestamp (the double's stand-in for the
# current version's modtime: the day, UTC, of the newest known version's submission) is within
# from/until and, with ``set``, that have a category in the set. Records come sorted by
# (datestamp, identifier). A page holds RECORDS_LIMIT (2500; ``double.oai_page_size``) records;
# when more remain the resumptionToken is ``quote(urlencode(query + skip))``: the same query with
# ``skip`` + limit when the page is all one day, else ``from`` moved to the last day shown and
# ``skip`` the records of that day already shown (fetch_list.py). A page asked for with a token
# that ends the list carries an empty ``<resumptionToken/>``. Errors are HTTP 200 with
# ``<error code='…'>``.

OAI_RECORDS_LIMIT = 2500
_OAI_VERBS = ("GetRecord", "Identify", "ListIdentifiers", "ListMetadataFormats", "ListRecords",
              "ListSets")  # fmt: skip
_OAI_ERRORS = {
    "badArgument": "The request includes illegal arguments, is missing required arguments, "
    "includes a repeated argument, or values for arguments have an illegal syntax.",
    "badResumptionToken": "The value of the resumptionToken argument is invalid or expired.",
    "badVerb": "Value of the verb argument is not a legal OAI-PMH verb, the verb argument is "
    "missing, or the verb argument is repeated.",
    "cannotDisseminateFormat": "The metadata format identified by the value given for the "
    "metadataPrefix argument is not supported by the item or by the repository.",
    "idDoesNotExist": "The value of the identifier argument is unknown or illegal in this "
    "repository.",
    "noRecordsMatch": "The combination of the values of the from, until, set and metadataPrefix "
    "arguments results in an empty list.",
}


class OaiError(Exception):
    def __init__(self, code: str, reason: str = "", echo: dict[str, str] | None = None) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.echo = echo


@dataclass(frozen=True)
class OaiRecord:
    """One paper as OAI-PMH shows it: its newest known version and every version's date."""

    paper: Paper
    versions: tuple[tuple[int, datetime], ...]

    @property
    def identifier(self) -> str:
        return f"oai:arXiv.org:{self.paper.id}"

    @property
    def datestamp(self) -> date:
        return max(when for _, when in self.versions).astimezone(UTC).date()


def _oai_head(now: datetime, request: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" \n'
        '         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"\n'
        '         xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ '
        'http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">\n'
        f"    <responseDate>{_stamp(now)}</responseDate>\n"
        f"                {request}\n\n\n"
    )


def _oai_request(base: str, echo: dict[str, str] | None, *, single: bool = False) -> str:
    if not echo:
        return f"<request>{_text(base)}</request>"
    quote_mark = "'" if single else '"'
    attributes = "".join(f" {k}={quote_mark}{_text(v)}{quote_mark}" for k, v in echo.items())
    return f"<request{attributes}>{_text(base)}</request>"


def oai_error(base: str, now: datetime, error: OaiError) -> bytes:
    text = _OAI_ERRORS[error.code]
    if error.reason:
        text += f" Reason: {error.reason}"
    return (
        _oai_head(now, _oai_request(base, error.echo))
        + f"    <error code='{error.code}'>{_text(text)}</error>\n</OAI-PMH>"
    ).encode()


def _oai_header(record: OaiRecord) -> str:
    specs = dict.fromkeys(oai_set_of(c) for c in record.paper.categories)
    return (
        "                <header>\n"
        f"        <identifier>{_text(record.identifier)}</identifier>\n"
        f"        <datestamp>{record.datestamp.isoformat()}</datestamp>\n"
        + "".join(f"            <setSpec>{_text(s)}</setSpec>\n" for s in specs)
        + "    </header>\n"
    )


def _arxiv_raw(record: OaiRecord) -> str:
    paper = record.paper
    versions = "".join(
        f'            <version version="v{number}">\n'
        f"                <date>{when.astimezone(UTC):%a, %d %b %Y %H:%M:%S} GMT</date>\n"
        f"                <size>{10 + len(paper.abstract) // 100}kb</size>\n"
        "            </version>\n"
        for number, when in record.versions
    )
    optional = ""
    if paper.comment:
        optional += f"            <comments>{_text(paper.comment)}</comments>\n"
    if paper.journal_ref:
        optional += f"            <journal-ref>{_text(paper.journal_ref)}</journal-ref>\n"
    if paper.doi:
        optional += f"            <doi>{_text(paper.doi)}</doi>\n"
    return (
        "            <metadata>\n"
        '                        <arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://arxiv.org/OAI/arXivRaw/ '
        'https://oaipmh.arxiv.org/OAI/arXivRaw.xsd">\n'
        f"        <id>{_text(paper.id)}</id>\n"
        f"        <submitter>{_text(paper.authors[0] if paper.authors else '')}</submitter>\n"
        f"{versions}"
        f"        <title>{_text(paper.title)}</title>\n"
        f"        <authors>{_text(', '.join(paper.authors))}</authors>\n"
        f"        <categories>{_text(' '.join(paper.categories))}</categories>\n"
        f"{optional}"
        f"            <license>{LICENSE}</license>\n"
        f"            <abstract>{_text(paper.abstract)}</abstract>\n"
        "    </arXivRaw>\n\n"
        "            </metadata>\n"
    )


def _oai_record(record: OaiRecord) -> str:
    return (
        "                    <record>\n"
        + _oai_header(record)
        + "\n"
        + _arxiv_raw(record)
        + "        </record>\n\n"
    )


def _token_html(token: str | None, now: datetime) -> str:
    if token is None:
        return ""
    if not token:
        return "                    <resumptionToken/>\n\n"
    expires = (now.astimezone(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT00:00:00Z")
    return (
        f"                    <resumptionToken expirationDate='{expires}'>{_text(token)}"
        "</resumptionToken>\n\n"
    )


def oai_list(
    base: str,
    now: datetime,
    request: str,
    records: list[OaiRecord],
    *,
    just_ids: bool,
    token: str | None,
) -> bytes:
    verb = "ListIdentifiers" if just_ids else "ListRecords"
    body = "".join(_oai_header(r) if just_ids else _oai_record(r) for r in records)
    return (
        _oai_head(now, request)
        + f"    <{verb}>\n{body}\n{_token_html(token, now)}    </{verb}>\n</OAI-PMH>"
    ).encode()


def oai_get_record(base: str, now: datetime, request: str, record: OaiRecord) -> bytes:
    return (
        _oai_head(now, request)
        + f"    <GetRecord>\n{_oai_record(record)}    </GetRecord>\n</OAI-PMH>"
    ).encode()


def oai_token(query: dict[str, str], skip: int) -> str:
    """arXiv's ResToken.to_token: the query (without its token) plus ``skip``, url-encoded."""
    params = {k: v for k, v in query.items() if k != "resumptionToken"}
    params["skip"] = str(skip)
    return quote(urlencode(params))


def _read_oai_token(token: str) -> tuple[dict[str, str], int]:
    try:
        params = {k: v[0] for k, v in parse_qs(unquote(token)).items()}
        if "skip" not in params or not params["skip"].isdigit():
            raise ValueError("Token structure is invalid.")
        return params, int(params.pop("skip"))
    except Exception:
        raise OaiError(
            "badResumptionToken", "Token decoding failed or format is invalid."
        ) from None


# ---------------------------------------------------------------- server


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.server.double._handle(self)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, double: ArxivDouble) -> None:
        self.double = double
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that gave up (timeouts in tests) close their socket: not an error of the double.
        pass


_SORT_BY = ("relevance", "lastUpdatedDate", "submittedDate")
_SORT_ORDER = ("ascending", "descending")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _html(status: int, body: bytes) -> Response:
    return Response(status, body, HTML_CONTENT_TYPE)


def _not_found(what: str = "not found") -> Response:
    return Response(404, what.encode(), "text/plain")


def _parse_day(text: str) -> date | None:
    if not _DATE_RE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


class ArxivDouble:
    """A threaded HTTP server on 127.0.0.1 (random port) answering like arXiv's services."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._papers: dict[str, Paper] = {}
        self._versions: dict[str, dict[int, Paper]] = {}
        self._announcements: list[Announcement] = []
        self._now: datetime | None = None
        self.holidays: set[date] = set()
        """Weekdays with no mailing (arXiv's holidays): no listing is dated on them."""
        self.oai_page_size = OAI_RECORDS_LIMIT
        """Records in one OAI-PMH page (arXiv's RECORDS_LIMIT, 2500)."""
        self._faults: list[_Fault] = []
        self._stop = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.requests: list[RecordedRequest] = []
        self._pdf_bodies: dict[str, bytes] = {}
        self._pdf_cuts: list[tuple[int, float]] = []
        self.pdf_ranges = True
        """Whether Range requests for PDFs get 206 (else 200 with the whole file)."""
        self.pdf_requests: list[tuple[str, str | None]] = []
        self.routes: dict[str, Route] = {
            "/api/query": self._query,
            "/pdf/": self._pdf,
            "/list/": self._list_page,
            "/catchup/": self._catchup_page,
            "/rss/": self._rss,
            "/oai": self._oai,
        }

    # -- lifecycle

    def start(self) -> ArxivDouble:
        self._stop.clear()
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> ArxivDouble:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the double is not running")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The full query URL, as ARXIV_DAILY_API_URL takes it."""
        return f"{self.base_url}/api/query"

    @property
    def web_url(self) -> str:
        """The base of ``/list/…`` and ``/catchup/…``, as ARXIV_DAILY_WEB_URL takes it."""
        return self.base_url

    @property
    def oai_url(self) -> str:
        """The OAI-PMH endpoint, as ARXIV_DAILY_OAI_URL takes it."""
        return f"{self.base_url}/oai"

    # -- the clock

    @property
    def now(self) -> datetime:
        """What "now" is for the pages, the RSS and OAI (real time until set; aware, UTC)."""
        with self._lock:
            return self._now if self._now is not None else datetime.now(UTC)

    @now.setter
    def now(self, moment: datetime | None) -> None:
        if moment is not None and moment.tzinfo is None:
            raise ValueError("double.now must be an aware datetime")
        with self._lock:
            self._now = None if moment is None else moment.astimezone(UTC)

    # -- content

    def add(self, paper: Paper) -> None:
        """Put ``paper`` in the API's store (replacing any other version of it there)."""
        with self._lock:
            self._papers[paper.id] = paper
            self._versions.setdefault(paper.id, {})[paper.version] = paper

    def add_many(self, papers: Iterable[Paper]) -> None:
        for paper in papers:
            self.add(paper)

    @property
    def papers(self) -> list[Paper]:
        with self._lock:
            return list(self._papers.values())

    def announce(self, listing_date: date, paper: Paper, how: str = "new") -> None:
        """The mailing dated ``listing_date`` announced this version of ``paper``.

        ``how``: ``new``, ``replace`` (a new version) or ``cross`` (categories added). The API's
        store shows the newest version; every announced version stays for the pages and OAI.
        """
        if how not in ANNOUNCE_HOW:
            raise ValueError(f"how must be one of {', '.join(ANNOUNCE_HOW)}, not {how!r}")
        with self._lock:
            self._announcements.append(Announcement(listing_date, paper, how))
            self._versions.setdefault(paper.id, {})[paper.version] = paper
            shown = self._papers.get(paper.id)
            if shown is None or paper.version >= shown.version:
                self._papers[paper.id] = paper

    def announce_many(self, listing_date: date, papers: Iterable[Paper], how: str = "new") -> None:
        for paper in papers:
            self.announce(listing_date, paper, how)

    @property
    def announcements(self) -> list[Announcement]:
        with self._lock:
            return list(self._announcements)

    def is_listing_day(self, day: date) -> bool:
        """A weekday that is not a holiday, or any day something was announced for."""
        with self._lock:
            announced = any(a.listing_date == day for a in self._announcements)
        return announced or (day.weekday() < 5 and day not in self.holidays)

    def newest_listing(self, at: datetime | None = None) -> date:
        """The listing ``/list/…/new`` shows at ``at`` (default ``now``): the newest whose
        announcement (20:00 ET the evening before) is at or before it."""
        moment = (at or self.now).astimezone(UTC)
        day = moment.astimezone(EASTERN).date() + timedelta(days=1)
        for _ in range(3660):
            if announcement_time(day) <= moment and self.is_listing_day(day):
                return day
            day -= timedelta(days=1)
        raise RuntimeError("no listing day in ten years")

    def rss_listing(self, at: datetime | None = None) -> date | None:
        """The listing the RSS shows at ``at`` (default ``now``): the one dated today in
        US-Eastern (arXiv's feed rolls over at midnight ET), None on a day without one."""
        today = (at or self.now).astimezone(EASTERN).date()
        return today if self.is_listing_day(today) else None

    def _announced_on(self, day: date) -> list[Announcement]:
        with self._lock:
            return [a for a in self._announcements if a.listing_date == day]

    def set_pdf(self, paper_id: str, body: bytes) -> None:
        """Serve ``body`` as the PDF of ``paper_id`` (any version), paper known or not."""
        with self._lock:
            self._pdf_bodies[split_id(paper_id)[0]] = body

    def cut_next_pdf(self, after: int, *, stall: float = 0.0, times: int = 1) -> None:
        """End the next PDF answer(s) after ``after`` body bytes (waiting ``stall`` s first)."""
        with self._lock:
            self._pdf_cuts.extend([(after, stall)] * times)

    def route(self, prefix: str, handler: Route) -> None:
        """Answer GET requests whose path starts with ``prefix`` (longest prefix wins)."""
        self.routes[prefix] = handler

    # -- faults (one per request, in order)

    def fail_next(
        self, status: int = 503, retry_after: float | None = None, times: int = 1
    ) -> None:
        headers = {} if retry_after is None else {"Retry-After": f"{retry_after:g}"}
        body = f"<html><body>Error {status}</body></html>".encode()
        response = Response(status, body, "text/html; charset=utf-8", headers)
        self._queue(_Fault(response=response), times)

    def pass_next(self, times: int = 1) -> None:
        """Answer the next request(s) normally (to place a fault on a later request)."""
        self._queue(_Fault(), times)

    def stall_next(self, seconds: float, times: int = 1) -> None:
        self._queue(_Fault(stall=seconds), times)

    def serve_next(
        self,
        body: bytes,
        status: int = 200,
        content_type: str = ATOM_CONTENT_TYPE,
        times: int = 1,
    ) -> None:
        self._queue(_Fault(response=Response(status, body, content_type)), times)

    def empty_next(self, times: int = 1) -> None:
        self._queue(_Fault(response=Response(200, empty_feed())), times)

    def _queue(self, fault: _Fault, times: int) -> None:
        with self._lock:
            self._faults.extend([fault] * times)

    @property
    def pending_faults(self) -> int:
        with self._lock:
            return len(self._faults)

    @property
    def query_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == "/api/query"]

    @property
    def page_requests(self) -> list[RecordedRequest]:
        """Requests for ``/list/…`` and ``/catchup/…`` pages."""
        return [r for r in self.requests if r.path.startswith(("/list/", "/catchup/"))]

    @property
    def oai_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == "/oai"]

    # -- RSS

    @property
    def rss_url(self) -> str:
        """The RSS address template, as ARXIV_DAILY_RSS_URL takes it."""
        return f"{self.base_url}/rss/{{categories}}"

    def serve_rss(self, feed: bytes | Path) -> None:
        """Answer every ``/rss/<categories>`` request with this feed (instead of the listing)."""
        body = feed.read_bytes() if isinstance(feed, Path) else feed
        self.route("/rss/", lambda request: Response(200, body, RSS_CONTENT_TYPE))

    @property
    def rss_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.startswith("/rss/")]

    # -- serving

    def _handle(self, handler: _Handler) -> None:
        arrived = time.monotonic()
        split = urlsplit(handler.path)
        params = {k: v[0] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        request = Request(split.path, params, dict(handler.headers.items()))
        with self._lock:
            fault = self._faults.pop(0) if self._faults else None
        response = fault.response if fault is not None else None
        if response is None:
            response = self._dispatch(request)
        with self._lock:
            self.requests.append(RecordedRequest(arrived, split.path, params, response.status))
        if fault is not None and fault.stall > 0 and self._stop.wait(fault.stall):
            return
        try:
            handler.send_response(response.status)
            handler.send_header("Content-Type", response.content_type)
            handler.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            if response.cut_after is None:
                handler.wfile.write(response.body)
                return
            handler.close_connection = True
            handler.wfile.write(response.body[: response.cut_after])
            handler.wfile.flush()
            if response.stall_after_cut > 0:
                self._stop.wait(response.stall_after_cut)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _dispatch(self, request: Request) -> Response:
        matching = [p for p in self.routes if request.path.startswith(p)]
        if not matching:
            return _not_found()
        try:
            return self.routes[max(matching, key=len)](request)
        except QueryError as err:  # BadRequest / an unhandled error: respond()'s default link
            return Response(err.status, error_feed(str(err), link="https://arxiv.org/api/errors"))

    # -- the API (arxiv-search's classic API controller)

    def _query(self, request: Request) -> Response:
        params = request.params

        def invalid(message: str, link: str | None = None) -> Response:
            slug = re.sub(r"\s+", "_", message)
            return Response(
                400, error_feed(message, link=link or f"https://arxiv.org/api/errors#{slug}")
            )

        id_list = [i.strip() for i in params.get("id_list", "").split(",") if i.strip()]
        for raw in id_list:
            try:
                split_id(raw)
            except ValueError:
                return invalid(f"incorrect id format for {raw}")
        numbers: dict[str, int] = {}
        for name, default in (("max_results", "10"), ("start", "0")):
            try:
                numbers[name] = int(params.get(name, default))
            except ValueError:
                return invalid(f"{name} must be an integer")
            if numbers[name] < 0:
                return invalid(f"{name} must be non-negative")
        max_results, start = numbers["max_results"], numbers["start"]
        sort_by = params.get("sortBy", "relevance")
        if sort_by not in _SORT_BY:
            sort_link = "https://arxiv.org/help/api/user-manual#sort"
            return invalid(f"sortBy must be in: {', '.join(_SORT_BY)}", sort_link)
        sort_order = params.get("sortOrder", "descending")
        if sort_order not in _SORT_ORDER:
            sort_link = "https://arxiv.org/help/api/user-manual#sort"
            return invalid(f"sortOrder must be in: {', '.join(_SORT_ORDER)}", sort_link)
        query = params.get("search_query")
        adapted = adapt_query(query) if query is not None else None
        if adapted is None and not id_list:
            return Response(
                400,
                error_feed(
                    "Either a search_query or id_list must be specified for the classic API.",
                    link="https://arxiv.org/api/errors",
                ),
            )
        node = _Parser(adapted).parse() if adapted is not None else None
        # SearchSession.search: page 1 + round(start / size) must not pass int(10000 / size),
        # and Elasticsearch refuses start + size past its 10,000-hit window: both unhandled,
        # so HTTP 500 (a size of 0 divides by zero: 500 too).
        if (
            max_results == 0
            or 1 + round(start / max_results) > int(RESULT_WINDOW / max_results)
            or start + max_results > RESULT_WINDOW
        ):
            raise QueryError(INTERNAL_ERROR, status=500)
        predicate: Predicate = _predicate(node) if node is not None else (lambda p: True)
        with self._lock:
            papers = dict(self._papers)
            versions = {k: dict(v) for k, v in self._versions.items()}
        if id_list:
            chosen: list[Paper] = []
            for raw in id_list:
                wanted, version = split_id(raw)
                paper = papers.get(wanted)
                if paper is not None and version is not None and version != paper.version:
                    paper = versions.get(wanted, {}).get(version)
                if paper is not None and predicate(paper):
                    chosen.append(paper)
            matches = chosen
        else:
            matches = self._sorted([p for p in papers.values() if predicate(p)], params)
        per_page = min(max_results, MAX_RESULTS)
        page = matches[start : start + per_page]
        body = feed_xml(
            page,
            total=len(matches),
            start=start,
            per_page=per_page,
            query=f"search_query={query or ''}&id_list={','.join(id_list)}"
            f"&start={start}&max_results={max_results}",
        )
        return Response(200, body)

    def _modified(self, paper: Paper) -> datetime:
        """The record's last change: the latest announcement of this version, else its
        submission (what sortBy=lastUpdatedDate sorts by: the index's ``updated_date``)."""
        times = [
            announcement_time(a.listing_date)
            for a in self._announcements
            if a.paper.id == paper.id and a.paper.version == paper.version
        ]
        return max(times, default=paper.updated)

    def _sorted(self, papers: list[Paper], params: dict[str, str]) -> list[Paper]:
        """arXiv's sorts: submittedDate is the current version's submission (the index's
        ``submitted_date``, what ``<updated>`` shows), lastUpdatedDate the record's last change,
        relevance (no scores here) as submittedDate. Ties by id, so paging is stable."""
        sort_by = params.get("sortBy", "relevance")
        descending = params.get("sortOrder", "descending") != "ascending"
        papers.sort(key=lambda p: _id_key(p.id), reverse=descending)
        if sort_by == "lastUpdatedDate":
            with self._lock:
                modified = {p.id: self._modified(p) for p in papers}
            papers.sort(key=lambda p: modified[p.id], reverse=descending)
        else:
            papers.sort(key=lambda p: p.updated, reverse=descending)
        return papers

    # -- /list/<subject>/new

    def _list_page(self, request: Request) -> Response:
        parts = request.path.split("/")
        if len(parts) != 4 or not parts[2]:
            return _html(400, error_page(BAD_REQUEST))
        subject, period = parts[2], parts[3]
        if period != "new":
            return _not_found("the double serves /list/<subject>/new only")
        if subject not in CATEGORIES and subject not in ARCHIVE_NAMES:
            return _html(400, error_page(BAD_REQUEST))
        show_text = request.params.get("show")
        if show_text is None:
            shown = MAX_SHOW
        elif show_text.isdigit() and int(show_text) in SHOW_VALUES:
            shown = int(show_text)
        else:
            valid = ", ".join(str(n) for n in SHOW_VALUES)
            return _html(400, error_page(f"Invalid show value. Valid values: {valid}"))
        skip_text = request.params.get("skip", "0")
        skip = int(skip_text) if skip_text.isdigit() else 0
        listing = self.newest_listing()
        items = listing_items(self._announced_on(listing), [subject])
        return _html(200, list_new_page(subject, listing, items, skip, shown))

    # -- /catchup/<subject>/<date>

    def _catchup_page(self, request: Request) -> Response:
        parts = request.path.split("/")
        if len(parts) != 4:
            return _not_found("the double serves /catchup/<subject>/<YYYY-MM-DD> only")
        subject, day_text = parts[2], parts[3]
        params = request.params
        if set(params) - {"abs", "page"}:
            return _html(
                400,
                error_page(
                    "Unexpected parameters. Only accepted parameters are: 'page', and 'abs'"
                ),
            )
        if subject != "grp_physics" and subject not in ARCHIVE_NAMES and subject not in CATEGORIES:
            return _html(
                400,
                error_page(
                    "Invalid subject. Subject must be an archive, category or 'grp_physics'"
                ),
            )
        day = _parse_day(day_text)
        if day is None:
            return _html(400, error_page("Invalid date format. Use format: YYYY-MM-DD"))
        today = self.now.astimezone(EASTERN).date()
        if day < today - timedelta(days=CATCHUP_DAYS):
            message = f"Invalid date: {day}. Catchup only allowed for past 90 days"
            return _html(400, error_page(message))
        if day > today:
            return _html(
                400, error_page(f"Invalid date: {day}. Can't request date later than today")
            )
        abs_text = params.get("abs", "False")
        if abs_text not in ("True", "False"):
            return _html(
                400,
                error_page(
                    "Invalid abs value. Use ?abs=True to include abstracts or ?abs=False to not"
                ),
            )
        page_text = params.get("page", "1")
        if not page_text.isdigit() or int(page_text) < 1:
            return _html(
                400,
                error_page(
                    "Invalid page value. Page value should be a positive integer like ?page=3"
                ),
            )
        with self._lock:
            later = sorted({a.listing_date for a in self._announcements if day < a.listing_date})
        next_day = next((d for d in later if d <= today), None)
        items = listing_items(self._announced_on(day), [subject])
        body = catchup_page(
            subject,
            day,
            items,
            abstracts=abs_text == "True",
            page=int(page_text),
            next_day=next_day,
        )
        return _html(200, body)

    # -- /rss/<subject+subject…>

    def _rss(self, request: Request) -> Response:
        query = unquote(request.path.removeprefix("/rss/"))
        subjects = query.split("+")
        now = self.now
        today = now.astimezone(EASTERN).date()
        problem = rss_subject_error(subjects)
        if problem is not None:
            return Response(400, rss_error_feed(query, problem, now, today), RSS_CONTENT_TYPE)
        listing = self.rss_listing(now)
        items = listing_items(self._announced_on(listing), subjects) if listing else []
        return Response(200, rss_feed(query, subjects, items, now, today), RSS_CONTENT_TYPE)

    # -- /oai

    def oai_records(self) -> list[OaiRecord]:
        """Every paper the double knows, as OAI-PMH shows it, sorted by (datestamp, id)."""
        with self._lock:
            versions = {k: dict(v) for k, v in self._versions.items()}
        records = []
        for known in versions.values():
            current = known[max(known)]
            dates = {1: current.published} | {n: p.updated for n, p in known.items()}
            records.append(OaiRecord(current, tuple(sorted(dates.items()))))
        records.sort(key=lambda r: (r.datestamp, r.identifier))
        return records

    def _oai(self, request: Request) -> Response:
        now = self.now
        try:
            return Response(200, self._oai_answer(request.params, now), OAI_CONTENT_TYPE)
        except OaiError as error:
            return Response(200, oai_error(self.oai_url, now, error), OAI_CONTENT_TYPE)

    def _oai_answer(self, params: dict[str, str], now: datetime) -> bytes:
        verb = params.get("verb", "")
        if verb not in _OAI_VERBS:
            raise OaiError("badVerb", "Invalid verb provided")
        if verb == "GetRecord":
            return self._oai_get_record(params, now)
        if verb not in ("ListRecords", "ListIdentifiers"):
            raise OaiError("badVerb", f"The double does not serve {verb}")
        from_token = "resumptionToken" in params
        if from_token:
            if set(params) != {"verb", "resumptionToken"}:
                raise OaiError("badArgument", "No other paramters allowed with resumptionToken")
            token_query, skip = _read_oai_token(params["resumptionToken"])
            query = {"verb": verb, **{k: v for k, v in token_query.items() if k != "verb"}}
        else:
            query, skip = dict(params), 0
        if "metadataPrefix" not in query:
            raise OaiError("badArgument", "metadataPrefix required.")
        allowed = ("verb", "metadataPrefix", "from", "until", "set")
        if set(query) - set(allowed):
            raise OaiError(
                "badArgument", f"Unallowed parameter. Allowed parameters: {', '.join(allowed)}"
            )
        echo = {k: query[k] for k in allowed if k in query}
        if query["metadataPrefix"] != "arXivRaw":
            raise OaiError(
                "cannotDisseminateFormat", "Did not recognize requested format", {"verb": verb}
            )
        bounds: dict[str, date] = {}
        for name in ("from", "until"):
            if name in query:
                day = _parse_day(query[name])
                if day is None:
                    raise OaiError("badArgument", f"{name} date format must be YYYY-MM-DD")
                bounds[name] = day
        wanted_set = query.get("set")
        if wanted_set is not None and wanted_set not in OAI_SETS:
            raise OaiError("badArgument", "Set does not exist")
        low = bounds.get("from", date.min)
        high = bounds.get("until", date.max)
        selected = [
            r
            for r in self.oai_records()
            if low <= r.datestamp <= high
            and (wanted_set is None or _in_oai_set(r.paper, wanted_set))
        ]
        limit = self.oai_page_size
        window = selected[skip : skip + limit + 1]
        if not window:
            raise OaiError("noRecordsMatch", echo=echo)
        token: str | None = "" if from_token else None
        if len(window) > limit:
            last_day = window[limit].datestamp
            shown = window[:limit]
            if shown[0].datestamp == last_day:
                token = oai_token(echo, skip + limit)
            else:
                on_last_day = sum(1 for r in shown if r.datestamp == last_day)
                echo["from"] = last_day.isoformat()  # as fetch_list: the page echoes it too
                token = oai_token(echo, on_last_day)
            window = shown
        if from_token:
            request = _oai_request(
                self.oai_url,
                {"verb": verb, "resumptionToken": params["resumptionToken"]},
                single=True,
            )
        else:
            request = _oai_request(self.oai_url, echo)
        return oai_list(
            self.oai_url,
            now,
            request,
            window,
            just_ids=verb == "ListIdentifiers",
            token=token,
        )

    def _oai_get_record(self, params: dict[str, str], now: datetime) -> bytes:
        expected = {"verb", "identifier", "metadataPrefix"}
        if set(params) != expected:
            raise OaiError(
                "badArgument",
                "Parameters provided did not match expected. Expected: "
                "identifier, metadataPrefix, verb",
            )
        echo = {k: params[k] for k in ("verb", "identifier", "metadataPrefix")}
        if params["metadataPrefix"] != "arXivRaw":
            raise OaiError("cannotDisseminateFormat", "Did not recognize requested format", echo)
        wanted = params["identifier"].removeprefix("oai:arXiv.org:")
        record = next((r for r in self.oai_records() if r.paper.id == wanted), None)
        if record is None:
            raise OaiError("idDoesNotExist", "Nothing found for this ID", echo)
        return oai_get_record(self.oai_url, now, _oai_request(self.oai_url, echo), record)

    # -- PDFs

    def _pdf(self, request: Request) -> Response:
        raw = request.path.removeprefix("/pdf/")
        range_header = request.headers.get("Range")
        with self._lock:
            self.pdf_requests.append((request.path, range_header))
        try:
            wanted, version = split_id(raw)
        except ValueError:
            return _not_found()
        with self._lock:
            paper = self._papers.get(wanted)
            body = self._pdf_bodies.get(wanted)
            cut = self._pdf_cuts.pop(0) if self._pdf_cuts else None
        if body is None:
            if paper is None:
                return _not_found()
            shown = f"{wanted}v{version}" if version else paper.versioned_id
            body = f"%PDF-1.4\n% {shown}\n%%EOF\n".encode()
        status, headers = 200, {"Accept-Ranges": "bytes"}
        start = _range_start(range_header) if self.pdf_ranges else None
        if start is not None:
            if start >= len(body):
                headers["Content-Range"] = f"bytes */{len(body)}"
                return Response(416, b"", "text/plain", headers)
            status = 206
            headers["Content-Range"] = f"bytes {start}-{len(body) - 1}/{len(body)}"
            body = body[start:]
        after, stall = cut if cut is not None else (None, 0.0)
        return Response(status, body, "application/pdf", headers, after, stall)


def _range_start(header: str | None) -> int | None:
    """The first byte asked for by ``Range: bytes=N-`` (other forms are served whole)."""
    match = re.fullmatch(r"\s*bytes=(\d+)-\s*", header or "")
    return int(match.group(1)) if match else None
