"""arXiv's OAI-PMH answers in the arXivRaw format: parsing and URL building, no network.

For a listing day older than the 90 days arXiv's catchup pages reach, OAI-PMH is where to find
which papers got a new version inside the listing's submission window: an arXivRaw record lists
every version with its submission time. What arXiv's service (github.com/arXiv/oaipmh) sends:

- ``ListRecords`` with ``metadataPrefix=arXivRaw&from=YYYY-MM-DD&until=YYYY-MM-DD[&set=…]``.
  ``from`` is 00:00:00 UTC of its day and ``until`` 23:59:59 UTC of its day (the granularity
  is a day). They select records by the header ``<datestamp>``, which is the day (UTC) the
  paper's current version was last modified: not an announcement date, and it can be years
  after the newest version's submission (1011.1651: v7 submitted 2011-08-06, datestamp
  2015-05-19). A replacement is therefore found by its version's ``<date>``
  (``versions_in_window``), never by the datestamp.
- Sets are ``group`` (``cs``, ``math``, ``physics`` …), ``group:archive``
  (``physics:hep-th``, ``physics:cond-mat``) and ``group:archive:class``
  (``math:math:AP``, ``physics:cond-mat:stat-mech``). Archives of the physics group are asked
  for as ``physics:<archive>`` (``astro-ph`` alone is "Set does not exist").
- A page holds at most ``RECORDS_LIMIT`` records (2500), sorted by (datestamp, identifier). A
  longer answer ends in ``<resumptionToken>``: a percent-encoded query string
  (``verb%3DListRecords%26…%26skip%3D50``) that must be percent-encoded once more when sent.
  The last page has an empty ``<resumptionToken/>``; there is no cursor or completeListSize.
- Errors come with HTTP 200 as ``<error code='…'>``. ``noRecordsMatch`` only means the
  selection is empty; ``parse_records`` turns it into an empty last page.
"""

from __future__ import annotations

import html
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import quote
from xml.parsers.expat import errors as expat_errors

from tui.core.paper import Kind, Paper, one_line, split_id
from tui.core.render import author_name, take_parentheses
from tui.core.taxonomy import CATEGORIES

logger = logging.getLogger(__name__)

_OAI = "{http://www.openarchives.org/OAI/2.0/}"
_RAW = "{http://arxiv.org/OAI/arXivRaw/}"
_OAI_ID_PREFIX = "oai:arXiv.org:"
_RECORD_VERBS = ("ListRecords", "GetRecord")
_OTHER_VERBS = ("Identify", "ListSets", "ListMetadataFormats", "ListIdentifiers")


# ---------------------------------------------------------------- errors


class OaiError(Exception):
    """arXiv's OAI-PMH gave no usable answer; ``str()`` is one line for the user.

    Raised as such for an ``<error code='…'>`` answer: ``code`` is arXiv's (``badArgument``,
    ``badResumptionToken``, ``badVerb``, ``cannotDisseminateFormat``, ``idDoesNotExist`` …)
    and ``message`` its text.
    """

    def __init__(self, code: str, message: str, text: str | None = None) -> None:
        self.code = code
        self.message = message
        super().__init__(text or f"arXiv's OAI-PMH refused the request: {code}: {message}")


class OaiNotXml(OaiError):
    """The answer is not XML: empty, an HTML page, cut short, or malformed (the text says which)."""

    def __init__(self, message: str) -> None:
        super().__init__("notXml", message, f"arXiv's OAI-PMH answer {message}")


class OaiUnexpected(OaiError):
    """The answer is XML but not what was asked for (another verb or format, not OAI-PMH)."""

    def __init__(self, message: str) -> None:
        super().__init__("unexpectedAnswer", message, f"arXiv's OAI-PMH {message}")


# ---------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class Version:
    """One ``<version>`` of an arXivRaw record."""

    number: int
    """1 for ``v1``."""
    submitted: datetime
    """When this version was submitted (aware, UTC)."""
    size: str | None
    """As arXiv writes it, ``16kb``."""
    source_type: str | None = None
    """arXiv's source flags (``D`` pdftex, ``H`` html, ``I`` withdrawn, ``X`` docx …)."""

    @property
    def withdrawn(self) -> bool:
        """Whether this version is a withdrawal notice (source type ``I``)."""
        return "I" in (self.source_type or "")


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One arXivRaw record. The metadata (title, authors …) is the current version's."""

    id: str
    """The arXiv id without version: ``1011.1651``, ``math/0510544``."""
    datestamp: date
    """The header datestamp: the day the current version was last modified (not announced)."""
    sets: tuple[str, ...]
    """The header ``setSpec`` values, ``math:math:AP`` (may be none)."""
    versions: tuple[Version, ...]
    """Every version, oldest first."""
    title: str
    authors: tuple[str, ...]
    """Names in Unicode, TeX accents converted, affiliations left out."""
    categories: tuple[str, ...]
    """Primary first."""
    comments: str | None
    journal_ref: str | None
    doi: str | None
    license: str | None
    abstract: str
    deleted: bool
    """Header ``status="deleted"``: then there is no metadata and no version."""
    affiliations: tuple[tuple[str, ...], ...] = ()
    """Per author, the parenthesised affiliations of ``<authors>`` (numbered ones resolved)."""

    def to_paper(self, version: int | None = None, kind: Kind = Kind.REPLACE) -> Paper:
        """This record as a Paper of ``version`` (default: the newest).

        ``published`` is when v1 was submitted, ``updated`` when ``version`` was. Title,
        abstract and the rest are the current version's whatever ``version`` is: arXivRaw keeps
        no older metadata. ValueError for a deleted record or a version it does not have.
        """
        if self.deleted or not self.versions:
            raise ValueError(f"arXiv record {self.id} is deleted: it has no versions")
        if version is None:
            chosen = max(self.versions, key=lambda v: v.number)
        else:
            found = [v for v in self.versions if v.number == version]
            if not found:
                numbers = ", ".join(f"v{v.number}" for v in self.versions)
                raise ValueError(f"arXiv record {self.id} has no v{version} (it has {numbers})")
            chosen = found[0]
        first = min(self.versions, key=lambda v: v.number)
        return Paper(
            id=self.id,
            version=chosen.number,
            title=self.title,
            authors=self.authors,
            abstract=self.abstract,
            categories=self.categories,
            published=first.submitted,
            updated=chosen.submitted,
            kind=kind,
            comment=self.comments,
            journal_ref=self.journal_ref,
            doi=self.doi,
            affiliations=self.affiliations if any(self.affiliations) else (),
        )


@dataclass(frozen=True, slots=True)
class RecordsPage:
    """The records of one ListRecords (or GetRecord) answer, and the token for the next page."""

    records: tuple[RawRecord, ...]
    token: str | None
    """The resumptionToken as arXiv wrote it (still percent-encoded); None on the last page."""


def versions_in_window(record: RawRecord, start: datetime, end: datetime) -> tuple[Version, ...]:
    """The versions submitted in ``[start, end)``: ``start`` included, ``end`` not."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("the window's start and end must be timezone-aware")
    return tuple(v for v in record.versions if start <= v.submitted < end)


# ---------------------------------------------------------------- parsing


def parse_records(xml: bytes) -> RecordsPage:
    """The records and resumption token of a ListRecords or GetRecord answer in arXivRaw.

    ``noRecordsMatch`` gives an empty page without token. Any other OAI error raises OaiError
    with arXiv's code and message; an answer that is not XML raises OaiNotXml, and XML that is
    not a ListRecords/GetRecord answer in arXivRaw (another verb, another format) OaiUnexpected.
    A record that cannot be read (no id, a version without a date) is skipped with a warning.
    """
    root = _oai_root(xml)
    if _raise_errors(root):
        return RecordsPage(records=(), token=None)
    payload = _payload(root, _RECORD_VERBS)
    records: list[RawRecord] = []
    for element in payload.iterfind(f"{_OAI}record"):
        try:
            records.append(_record(element))
        except ValueError as error:
            logger.warning("skipping an OAI-PMH record: %s", error)
    token_text = payload.findtext(f"{_OAI}resumptionToken")
    token = token_text.strip() if token_text else ""
    return RecordsPage(records=tuple(records), token=token or None)


def parse_sets(xml: bytes) -> dict[str, str]:
    """A ListSets answer as ``{setSpec: setName}``, in arXiv's order."""
    root = _oai_root(xml)
    if _raise_errors(root):
        return {}
    payload = _payload(root, ("ListSets",))
    sets: dict[str, str] = {}
    for element in payload.iterfind(f"{_OAI}set"):
        spec = one_line(element.findtext(f"{_OAI}setSpec"))
        if spec:
            sets[spec] = one_line(element.findtext(f"{_OAI}setName"))
    return sets


def _oai_root(xml: bytes) -> ET.Element:
    body = xml.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not body:
        raise OaiNotXml("is empty")
    if _looks_like_html(body):
        raise OaiNotXml(f"is an HTML page, not XML{_html_title(body)}")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as error:
        line, column = error.position
        where = f"line {line}, column {column}"
        reason = _expat_reason(error)
        if _is_truncation(error, body):
            raise OaiNotXml(f"is cut short: the XML ends unfinished ({reason}, {where})") from None
        raise OaiNotXml(f"is not well-formed XML ({reason}, {where})") from None
    local = root.tag.rpartition("}")[2]
    if local.lower() == "html":
        raise OaiNotXml(f"is an HTML page, not XML{_html_title(body)}")
    if root.tag != f"{_OAI}OAI-PMH":
        raise OaiUnexpected(f"answer is not OAI-PMH (root element {local!r})")
    return root


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return True
    return b"<html" in head and b"<oai-pmh" not in head


_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def _html_title(body: bytes) -> str:
    match = _TITLE.search(body[:65536])
    if match is None:
        return ""
    title = one_line(html.unescape(match.group(1).decode("utf-8", "replace")))
    return f" (titled {title[:80]!r})" if title else ""


def _expat_reason(error: ET.ParseError) -> str:
    return expat_errors.messages.get(error.code, "") or str(error).split(":", 1)[0]


_UNFINISHED = frozenset(
    expat_errors.codes[message]
    for message in (
        expat_errors.XML_ERROR_NO_ELEMENTS,
        expat_errors.XML_ERROR_UNCLOSED_TOKEN,
        expat_errors.XML_ERROR_PARTIAL_CHAR,
        expat_errors.XML_ERROR_UNCLOSED_CDATA_SECTION,
    )
)


def _is_truncation(error: ET.ParseError, body: bytes) -> bool:
    """Whether the parser stopped because the document ended, not because of bad markup."""
    if error.code in _UNFINISHED:
        return True
    lines = body.split(b"\n")
    line, column = error.position
    return line == len(lines) and column >= len(lines[-1].decode("utf-8", "replace"))


def _raise_errors(root: ET.Element) -> bool:
    """Raise OaiError for an error answer; True for noRecordsMatch (an empty selection)."""
    errors = root.findall(f"{_OAI}error")
    if not errors:
        return False
    for element in errors:
        code = (element.get("code") or "").strip() or "unknown"
        if code != "noRecordsMatch":
            raise OaiError(code, one_line(element.text) or "(no message)")
    return True


def _payload(root: ET.Element, verbs: tuple[str, ...]) -> ET.Element:
    for verb in verbs:
        element = root.find(f"{_OAI}{verb}")
        if element is not None:
            return element
    wanted = " or ".join(verbs)
    for verb in (*_RECORD_VERBS, *_OTHER_VERBS):
        if verb not in verbs and root.find(f"{_OAI}{verb}") is not None:
            raise OaiUnexpected(f"answered {verb}, not {wanted}")
    raise OaiUnexpected(f"answer holds no {wanted} element")


def _record(element: ET.Element) -> RawRecord:
    header = element.find(f"{_OAI}header")
    if header is None:
        raise ValueError("a record without header")
    identifier = one_line(header.findtext(f"{_OAI}identifier"))
    sets = tuple(
        dict.fromkeys(s for e in header.iterfind(f"{_OAI}setSpec") if (s := one_line(e.text)))
    )
    datestamp = _datestamp(one_line(header.findtext(f"{_OAI}datestamp")), identifier)
    deleted = header.get("status") == "deleted"
    raw = element.find(f"{_OAI}metadata/{_RAW}arXivRaw")
    if raw is None:
        paper_id = _paper_id(identifier.removeprefix(_OAI_ID_PREFIX), identifier)
        if not deleted:
            metadata = element.find(f"{_OAI}metadata")
            children = list(metadata) if metadata is not None else []
            found = [child.tag.rpartition("}")[2] for child in children]
            kind = f"the {found[0]} format" if found else "no metadata"
            raise OaiUnexpected(f"record {paper_id} is in {kind}, not arXivRaw")
        return RawRecord(
            id=paper_id,
            datestamp=datestamp,
            sets=sets,
            versions=(),
            title="",
            authors=(),
            categories=(),
            comments=None,
            journal_ref=None,
            doi=None,
            license=None,
            abstract="",
            deleted=True,
        )
    raw_id = one_line(raw.findtext(f"{_RAW}id")) or identifier.removeprefix(_OAI_ID_PREFIX)
    paper_id = _paper_id(raw_id, identifier)
    versions = tuple(
        _version(v, index, paper_id) for index, v in enumerate(raw.iterfind(f"{_RAW}version"), 1)
    )
    authors, affiliations = split_authors(raw.findtext(f"{_RAW}authors") or "")
    categories = tuple(dict.fromkeys((raw.findtext(f"{_RAW}categories") or "").split()))
    return RawRecord(
        id=paper_id,
        datestamp=datestamp,
        sets=sets,
        versions=tuple(sorted(versions, key=lambda v: v.number)),
        title=one_line(raw.findtext(f"{_RAW}title")),
        authors=authors,
        categories=categories,
        comments=_optional(raw, "comments"),
        journal_ref=_optional(raw, "journal-ref"),
        doi=_optional(raw, "doi"),
        license=_optional(raw, "license"),
        abstract=one_line(raw.findtext(f"{_RAW}abstract")),
        deleted=deleted,
        affiliations=affiliations if any(affiliations) else (),
    )


def _paper_id(raw: str, identifier: str) -> str:
    try:
        return split_id(raw)[0]
    except ValueError:
        raise ValueError(f"no arXiv id in record {identifier or raw!r}") from None


def _datestamp(text: str, identifier: str) -> date:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(f"record {identifier}: bad datestamp {text!r}") from None


def _optional(raw: ET.Element, name: str) -> str | None:
    return one_line(raw.findtext(f"{_RAW}{name}")) or None


_VERSION_LABEL = re.compile(r"^v(\d+)$")


def _version(element: ET.Element, position: int, paper_id: str) -> Version:
    label = _VERSION_LABEL.match((element.get("version") or "").strip())
    number = int(label.group(1)) if label else position
    text = one_line(element.findtext(f"{_RAW}date"))
    try:
        submitted = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        raise ValueError(f"record {paper_id} v{number}: bad date {text!r}") from None
    if submitted.tzinfo is None:  # "-0000" or no zone: arXiv writes GMT
        submitted = submitted.replace(tzinfo=UTC)
    return Version(
        number=number,
        submitted=submitted.astimezone(UTC),
        size=one_line(element.findtext(f"{_RAW}size")) or None,
        source_type=one_line(element.findtext(f"{_RAW}source_type")) or None,
    )


# ---------------------------------------------------------------- authors

# Outside parentheses and braces, names are separated by commas and by " and ".
_AND = re.compile(r"\s+(?:and|And|AND)\s+")
_SUFFIX = re.compile(r"^(?:Jr|Sr|II|III|IV)\.?$")
_REFERENCE = re.compile(r"^\s*\d+(?:\s*,\s*\d+)*\s*$")
_LEGEND_MARK = re.compile(r"\((\d+)\)")
_BACKSLASHES = re.compile(r"\\{2,}")


def split_authors(raw: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Names (Unicode) and per-name affiliations from an arXivRaw ``<authors>`` line.

    >>> split_authors("C. Neri (Lloyds, London) and Jos\\\\'e Mu\\\\~noz, and B. Author")
    (('C. Neri', 'José Muñoz', 'B. Author'), (('Lloyds, London',), (), ()))

    Numbered affiliations are resolved: ``A (1), B (2) ((1) U.L.B., (2) ECE)`` gives A
    ``U.L.B.`` and B ``ECE``. A run of backslashes counts as one: a TeX line break means
    nothing in a name, and some copies of arXiv's data double them (``Pl\\\\\\"otz``).
    """
    names: list[str] = []
    groups_of: list[list[str]] = []
    for part in _top_level_parts(_BACKSLASHES.sub(r"\\", raw)):
        outside, groups = take_parentheses(part)
        name = author_name(one_line(outside))
        if name and _SUFFIX.match(name) and names:  # "A. Author, Jr."
            names[-1] = f"{names[-1]} {name}"
            groups_of[-1].extend(groups)
        elif name:
            names.append(name)
            groups_of.append(list(groups))
        elif groups and groups_of:  # "Name (A), (B)": a stray group belongs to the name before
            groups_of[-1].extend(groups)
    return tuple(names), _affiliations(groups_of)


def _affiliations(groups_of: list[list[str]]) -> tuple[tuple[str, ...], ...]:
    legend: dict[str, str] = {}
    for groups in groups_of:
        for group in groups:
            if _LEGEND_MARK.match(group.strip()):
                pieces = _LEGEND_MARK.split(group.strip())
                for number, text in zip(pieces[1::2], pieces[2::2], strict=True):
                    legend[number] = one_line(text).strip(" ,;")
    result: list[tuple[str, ...]] = []
    for groups in groups_of:
        found: list[str] = []
        for group in groups:
            text = group.strip()
            if _LEGEND_MARK.match(text):
                continue
            if _REFERENCE.match(text):
                found.extend(legend[n.strip()] for n in text.split(",") if legend.get(n.strip()))
            elif one_line(text):
                found.append(one_line(text))
        result.append(tuple(dict.fromkeys(found)))
    return tuple(result)


def _top_level_parts(text: str) -> list[str]:
    """``text`` split at commas and " and " outside parentheses and braces."""
    parts: list[str] = []
    depth = 0
    start = 0
    index = 0
    while index < len(text):
        char = text[index]
        if char in "({":
            depth += 1
        elif char in ")}":
            depth = max(0, depth - 1)
        elif depth == 0:
            if char == ",":
                parts.append(text[start:index])
                start = index + 1
            elif char.isspace() and (match := _AND.match(text, index)):
                parts.append(text[start:index])
                start = index = match.end()
                continue
        index += 1
    parts.append(text[start:])
    return parts


# ---------------------------------------------------------------- sets and URLs

# Groups that are a single archive of the same name: asked for by the group.
_GROUP_ARCHIVES = frozenset({"cs", "econ", "eess", "math", "q-bio", "q-fin", "stat"})
# The physics group's archives: asked for as "physics:<archive>".
_PHYSICS_ARCHIVES = frozenset(
    {
        "astro-ph",
        "cond-mat",
        "gr-qc",
        "hep-ex",
        "hep-lat",
        "hep-ph",
        "hep-th",
        "math-ph",
        "nlin",
        "nucl-ex",
        "nucl-th",
        "physics",
        "quant-ph",
    }
)
# Archives that ended and became categories (arxiv-base's ARCHIVES_SUBSUMED); old papers carry them.
_SUBSUMED = {
    "acc-phys": "physics.acc-ph",
    "adap-org": "nlin.AO",
    "alg-geom": "math.AG",
    "ao-sci": "physics.ao-ph",
    "atom-ph": "physics.atom-ph",
    "bayes-an": "physics.data-an",
    "chao-dyn": "nlin.CD",
    "chem-ph": "physics.chem-ph",
    "cmp-lg": "cs.CL",
    "comp-gas": "nlin.CG",
    "dg-ga": "math.DG",
    "funct-an": "math.FA",
    "mtrl-th": "cond-mat.mtrl-sci",
    "patt-sol": "nlin.PS",
    "plasm-ph": "physics.plasm-ph",
    "q-alg": "math.QA",
    "solv-int": "nlin.SI",
    "supr-con": "cond-mat.supr-con",
}
# Archives once used as a category of their own (astro-ph until 2009, cond-mat until 2004).
_LEGACY_ARCHIVE_CATEGORIES = frozenset({"astro-ph", "cond-mat"})


def set_for_category(category: str) -> str | None:
    """The OAI set to ask for ``category``'s papers: its archive, or its group when that is one.

    ``cs.LG`` -> ``cs``, ``math.AP`` -> ``math``, ``astro-ph.CO`` -> ``physics:astro-ph``,
    ``hep-th`` -> ``physics:hep-th``, ``physics.optics`` -> ``physics:physics``. None for a
    category arXiv does not have.
    """
    code = _SUBSUMED.get(category.strip(), category.strip())
    if code not in CATEGORIES and code not in _LEGACY_ARCHIVE_CATEGORIES:
        return None
    archive = code.split(".", 1)[0]
    if archive in _GROUP_ARCHIVES:
        return archive
    if archive in _PHYSICS_ARCHIVES:
        return f"physics:{archive}"
    return None


def sets_for(categories: Iterable[str]) -> tuple[str, ...]:
    """The sets covering ``categories``, each once, in the order first needed.

    A category maps to exactly one set, so these are the fewest. ValueError for a category
    arXiv does not have.
    """
    found: dict[str, None] = {}
    for category in categories:
        spec = set_for_category(category)
        if spec is None:
            raise ValueError(f"no OAI-PMH set for the category {category!r}")
        found[spec] = None
    return tuple(found)


def list_records_url(base: str, *, start: date, until: date, set_spec: str | None) -> str:
    """The ListRecords URL (arXivRaw) for datestamps from ``start`` to ``until``, both included.

    The granularity is a day: a datetime given is taken as its day in UTC, the datestamps' zone.
    """
    first, last = _utc_day(start), _utc_day(until)
    if last < first:
        raise ValueError(f"until ({last:%Y-%m-%d}) is before from ({first:%Y-%m-%d})")
    query = f"verb=ListRecords&metadataPrefix=arXivRaw&from={first:%Y-%m-%d}&until={last:%Y-%m-%d}"
    if set_spec:
        query += f"&set={quote(set_spec, safe=':')}"
    return _join(base, query)


def _utc_day(value: date) -> date:
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).date()
    return value


def resume_url(base: str, token: str) -> str:
    """The ListRecords URL for the page after the one whose resumptionToken is ``token``.

    The token is already percent-encoded and is encoded once more (``%3D`` is sent as ``%253D``),
    so that arXiv, decoding the query string, gets the token back as it wrote it.
    """
    if not token.strip():
        raise ValueError("an empty resumptionToken: that page was the last")
    return _join(base, f"verb=ListRecords&resumptionToken={quote(token.strip(), safe='')}")


def _join(base: str, query: str) -> str:
    base = base.strip()
    if "?" not in base:
        return f"{base}?{query}"
    return f"{base}{'' if base.endswith(('?', '&')) else '&'}{query}"
