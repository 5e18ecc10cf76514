"""A loopback double of the arXiv API for tests: real Atom over real HTTP on 127.0.0.1.

    with ArxivDouble() as double:
        double.add_many(papers)
        double.fail_next(503, retry_after=1)
        ... ArxivSource(api_url=double.url).fetch_day(...)
        double.requests  # [(monotonic time, path, params, status), ...]

Faults queued with ``fail_next`` / ``stall_next`` / ``serve_next`` / ``empty_next`` are consumed
one per request, in order, whatever the route. Add routes with ``double.route(prefix, handler)``.

PDFs: ``/pdf/<id>`` serves ``set_pdf(id, body)`` (else a tiny PDF for a known paper), honours
``Range: bytes=N-`` with 206 (``pdf_ranges = False`` answers 200 with the whole file instead), and
``cut_next_pdf(after)`` ends the next PDF answer after that many body bytes (the connection
closes, as a dropped download does). ``pdf_requests`` lists ``(path, Range header)``.

RSS: ``serve_rss(feed)`` answers ``/rss/<categories>`` with a feed (bytes, or a file's bytes);
point ARXIV_DAILY_RSS_URL at ``double.rss_url``. Without it the route answers 404.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape, quoteattr

from tui.domain.paper import Paper, split_id

MAX_RESULTS = 2000
ATOM_CONTENT_TYPE = "application/atom+xml; charset=utf-8"
RSS_CONTENT_TYPE = "application/rss+xml; charset=utf-8"


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


# ---------------------------------------------------------------- Atom


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _element(tag: str, text: str) -> str:
    return f"<{tag}>{escape(text)}</{tag}>"


def entry_xml(paper: Paper) -> str:
    """One ``<entry>`` in the 2026 layout (namespaces declared on the feed root)."""
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


def error_feed(message: str) -> bytes:
    """The API's error answer (served with HTTP 400): one entry titled Error."""
    now = _stamp(datetime.now(UTC))
    slug = re.sub(r"\W+", "_", message)
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
        f"    <id>https://arxiv.org/api/errors#{escape(slug)}</id>\n"
        "    <title>Error</title>\n"
        f"    <updated>{now}</updated>\n"
        f"    <summary>{escape(message)}</summary>\n"
        "    <author>\n      <name>arXiv api core</name>\n    </author>\n"
        "  </entry>\n</feed>\n"
    ).encode()


# ---------------------------------------------------------------- search_query


class QueryError(ValueError):
    pass


Predicate = Callable[[Paper], bool]

_TOKEN_RE = re.compile(
    r"\s*(?:(?P<paren>[()])"
    r"|(?P<range>(?P<rfield>\w+):\[\s*(?P<lo>\d+)\s+TO\s+(?P<hi>\d+)\s*\])"
    r'|(?P<quoted>(?P<qfield>\w+):"(?P<qvalue>[^"]*)")'
    r"|(?P<op>ANDNOT|AND|OR)(?=[\s()]|$)"
    r"|(?P<term>(?P<field>\w+):(?P<value>[^\s()]+)))"
)


def _tokens(query: str) -> Iterator[re.Match[str]]:
    position = 0
    query = query.rstrip()
    while position < len(query):
        match = _TOKEN_RE.match(query, position)
        if match is None:
            raise QueryError(f"cannot parse query at {query[position:]!r}")
        position = match.end()
        yield match


def _minute(stamp: str) -> datetime:
    """``YYYYMMDDHHMM`` (or a prefix down to ``YYYYMMDD``), GMT."""
    padded = (stamp + "0000")[:12]
    return datetime.strptime(padded, "%Y%m%d%H%M").replace(tzinfo=UTC)


def _in_minute_range(moment: datetime, lo: datetime, hi: datetime) -> bool:
    truncated = moment.astimezone(UTC).replace(second=0, microsecond=0)
    return lo <= truncated <= hi


def _text_matches(needle: str, haystack: str) -> bool:
    words = needle.lower().replace("_", " ").split()
    return all(word in haystack.lower() for word in words)


def _field_predicate(name: str, value: str) -> Predicate:
    if name == "cat":
        return lambda p: value in p.categories
    if name == "ti":
        return lambda p: _text_matches(value, p.title)
    if name == "au":
        return lambda p: any(_text_matches(value, a) for a in p.authors)
    if name == "abs":
        return lambda p: _text_matches(value, p.abstract)
    if name == "id":
        return lambda p: p.id == split_id(value)[0]
    if name == "all":
        return lambda p: _text_matches(
            value, " ".join([p.title, p.abstract, *p.authors, *p.categories])
        )
    raise QueryError(f"unknown field {name!r}")


def _range_predicate(name: str, lo_text: str, hi_text: str) -> Predicate:
    lo, hi = _minute(lo_text), _minute(hi_text)
    if name == "submittedDate":
        return lambda p: _in_minute_range(p.published, lo, hi)
    if name == "lastUpdatedDate":
        return lambda p: _in_minute_range(p.updated, lo, hi)
    raise QueryError(f"unknown date field {name!r}")


class _Parser:
    """query := and_expr (OR and_expr)* ; and_expr := atom ((AND|ANDNOT) atom)* ;
    atom := '(' query ')' | field:value | field:"quoted" | field:[A TO B]"""

    def __init__(self, query: str) -> None:
        self.tokens = list(_tokens(query))
        self.position = 0

    def parse(self) -> Predicate:
        if not self.tokens:
            return lambda p: True
        predicate = self._or()
        if self.position != len(self.tokens):
            raise QueryError(f"unexpected {self.tokens[self.position].group(0).strip()!r}")
        return predicate

    def _peek_op(self) -> str | None:
        if self.position < len(self.tokens):
            op = self.tokens[self.position].group("op")
            return op
        return None

    def _or(self) -> Predicate:
        parts = [self._and()]
        while self._peek_op() == "OR":
            self.position += 1
            parts.append(self._and())
        if len(parts) == 1:
            return parts[0]
        return lambda p: any(part(p) for part in parts)

    def _and(self) -> Predicate:
        predicate = self._atom()
        while self._peek_op() in ("AND", "ANDNOT"):
            op = self._peek_op()
            self.position += 1
            left, right = predicate, self._atom()
            predicate = _both(left, right) if op == "AND" else _but_not(left, right)
        return predicate

    def _atom(self) -> Predicate:
        if self.position >= len(self.tokens):
            raise QueryError("query ends too early")
        token = self.tokens[self.position]
        self.position += 1
        if token.group("paren") == "(":
            inner = self._or()
            if (
                self.position >= len(self.tokens)
                or self.tokens[self.position].group("paren") != ")"
            ):
                raise QueryError("missing ')'")
            self.position += 1
            return inner
        if token.group("range"):
            return _range_predicate(token.group("rfield"), token.group("lo"), token.group("hi"))
        if token.group("quoted"):
            return _field_predicate(token.group("qfield"), token.group("qvalue"))
        if token.group("term"):
            return _field_predicate(token.group("field"), token.group("value"))
        raise QueryError(f"unexpected {token.group(0).strip()!r}")


def _both(left: Predicate, right: Predicate) -> Predicate:
    return lambda p: left(p) and right(p)


def _but_not(left: Predicate, right: Predicate) -> Predicate:
    return lambda p: left(p) and not right(p)


def parse_query(query: str) -> Predicate:
    """A predicate on Paper for an arXiv ``search_query``."""
    return _Parser(query).parse()


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


class ArxivDouble:
    """A threaded HTTP server on 127.0.0.1 (random port) answering like export.arxiv.org."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._papers: dict[str, Paper] = {}
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

    # -- content

    def add(self, paper: Paper) -> None:
        with self._lock:
            self._papers[paper.id] = paper

    def add_many(self, papers: Iterable[Paper]) -> None:
        with self._lock:
            for paper in papers:
                self._papers[paper.id] = paper

    @property
    def papers(self) -> list[Paper]:
        with self._lock:
            return list(self._papers.values())

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

    # -- RSS

    @property
    def rss_url(self) -> str:
        """The RSS address template, as ARXIV_DAILY_RSS_URL takes it."""
        return f"{self.base_url}/rss/{{categories}}"

    def serve_rss(self, feed: bytes | Path) -> None:
        """Answer every ``/rss/<categories>`` request with this feed."""
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
            return Response(404, b"not found", "text/plain")
        try:
            return self.routes[max(matching, key=len)](request)
        except QueryError as err:
            return Response(400, error_feed(str(err)))

    def _query(self, request: Request) -> Response:
        params = request.params
        query = params.get("search_query", "")
        id_list = [i.strip() for i in params.get("id_list", "").split(",") if i.strip()]
        start = int(params.get("start", "0") or 0)
        max_results = min(int(params.get("max_results", "10") or 10), MAX_RESULTS)
        predicate = parse_query(query)
        papers = self.papers
        if id_list:
            by_id = {p.id: p for p in papers}
            chosen: list[Paper] = []
            for raw in id_list:
                try:
                    wanted = split_id(raw)[0]
                except ValueError:
                    return Response(400, error_feed(f"incorrect id format for {raw}"))
                if wanted in by_id and predicate(by_id[wanted]):
                    chosen.append(by_id[wanted])
            matches = chosen
        else:
            if not query:
                return Response(400, error_feed("search_query or id_list is required"))
            matches = self._sorted([p for p in papers if predicate(p)], params)
        page = matches[start : start + max_results]
        body = feed_xml(
            page,
            total=len(matches),
            start=start,
            per_page=max_results,
            query=f"search_query={query}&id_list={','.join(id_list)}"
            f"&start={start}&max_results={max_results}",
        )
        return Response(200, body)

    @staticmethod
    def _sorted(papers: list[Paper], params: dict[str, str]) -> list[Paper]:
        sort_by = params.get("sortBy", "submittedDate")
        descending = params.get("sortOrder", "descending") != "ascending"
        # Ties broken by id so paging is stable.
        papers.sort(key=lambda p: p.id, reverse=descending)
        if sort_by == "lastUpdatedDate":
            papers.sort(key=lambda p: p.updated, reverse=descending)
        else:
            papers.sort(key=lambda p: p.published, reverse=descending)
        return papers

    def _pdf(self, request: Request) -> Response:
        raw = request.path.removeprefix("/pdf/")
        range_header = request.headers.get("Range")
        with self._lock:
            self.pdf_requests.append((request.path, range_header))
        try:
            wanted, version = split_id(raw)
        except ValueError:
            return Response(404, b"not found", "text/plain")
        with self._lock:
            paper = self._papers.get(wanted)
            body = self._pdf_bodies.get(wanted)
            cut = self._pdf_cuts.pop(0) if self._pdf_cuts else None
        if body is None:
            if paper is None:
                return Response(404, b"not found", "text/plain")
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
