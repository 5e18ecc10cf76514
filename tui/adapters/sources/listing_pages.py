"""arXiv's HTML listing pages read into items: ``/list/<archive>/new``, ``/recent``, ``/pastweek``
and ``/catchup/<subject>/<YYYY-MM-DD>``. Parsing only: the caller fetches the page.

What arXiv's own code (arXiv/arxiv-browse) says about these pages and their paging:

- ``/list/<archive or category>/<new|recent|pastweek>?skip=N&show=M``
  (``browse/controllers/list_page``): ``skip`` is the offset of the first item shown, ``show``
  the page size. ``new`` shows up to 2000 (the maximum ``show``) unless asked for fewer;
  recent/pastweek default to 50. The renderer of these fixtures answers any ``show`` outside
  25, 50, 100, 250, 500, 1000, 2000 with HTTP 400 ("Invalid show value. Valid values: …").
  Paging links sit in ``<div class='paging'>``: ``Total of 97 entries : <a href=…?skip=0&show=25>
  1-25</a> <span>26-50</span> …`` (the current page is a ``<span>``, far pages collapse into
  ``…``). Items are numbered ``[skip + 1]`` onwards. Abstracts are shown on ``new`` pages only.
- ``/catchup/<subject>/<YYYY-MM-DD>?abs=True|False&page=N`` (``browse/controllers/catchup_page``;
  no other parameter is accepted): the /new page of a past day, within the last 90 days.
  ``subject`` is an archive, a category or ``grp_physics``. A page holds ``CATCHUP_LIMIT`` =
  2000 items; ``page`` counts from 1 and items are numbered ``(page - 1) * 2000 + 1`` onwards.
  Abstracts are shown only with ``abs=True`` (exactly ``True`` or ``False``, default ``False``;
  anything else, a page < 1 or a date outside the 90 days is HTTP 400). With more than 2000
  entries the "Total of N entries" block carries ``View page: <span>1</span>
  <a href=/catchup/<subject>/<date>?abs=False&page=2>2</a>`` (pages = N // 2000 + 1, so 4000
  entries end on an empty "No further updates" page 3). The block also links the next
  announcement day ("Continue to the next day", ``…/<next date>?abs=False&page=1``), which is
  not the next page: it is ``ListingPage.next_day_url``.

``next_page_url`` follows the page's own paging links. ``parse_listing_page`` raises
``PageError`` with arXiv's message for its error pages (HTTP 400 and the like) and
``NotAListingPage`` for any other HTML (the catchup form, an abs page, a proxy's error page).

BeautifulSoup is imported when a page is parsed, not with this module: importing bs4 loads lxml
when it is installed, and start-up stays free of it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tui.core.paper import Kind, one_line, split_id

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag

logger = logging.getLogger(__name__)

CATCHUP_PAGE_SIZE = 2000
"""Items per catchup page (``CATCHUP_LIMIT`` in arxiv-browse); pages are ``?page=1, 2, …``."""
LIST_SHOW_VALUES = (25, 50, 100, 250, 500, 1000, 2000)
"""The ``show=`` values a /list page accepts; the last is the most it shows at once."""
LIST_MAX_SHOW = LIST_SHOW_VALUES[-1]


class PageError(Exception):
    """arXiv answered with an error page; ``str(err)`` is one line for the user."""


class NotAListingPage(PageError):
    """HTML that is not a listing or catchup page (the catchup form, a login page, a proxy)."""


@dataclass(frozen=True, slots=True)
class PageItem:
    """One ``<dt>``/``<dd>`` entry of a listing page."""

    id: str
    """The arXiv id without version: ``2303.01496`` or ``math/0510544``."""
    kind: Kind
    """The section it is in (New, Cross, Replacement); on recent pages, its marker."""
    title: str
    authors: tuple[str, ...]
    categories: tuple[str, ...]
    """Codes from the Subjects line, primary first."""
    comments: str | None
    journal_ref: str | None
    abstract: str | None
    """None when the page shows no abstracts (catchup without ``abs=True``, recent pages)."""
    cross_from: str | None
    """The primary category of a cross-list, from "(cross-list from quant-ph)"."""
    withdrawn: bool
    """The comment says the paper was withdrawn (best effort)."""
    number: int
    """The ``[K]`` item number on the page (``skip + 1`` for the first item)."""


@dataclass(frozen=True, slots=True)
class ListingPage:
    """One page of a listing: its items and what it says about the rest."""

    page_kind: str
    """``new``, ``catchup`` or ``recent`` (recent and pastweek pages)."""
    listing_date: date | None
    """The day announced (new, catchup) or the newest day heading (recent)."""
    subject: str | None
    """Catchup: the subject name shown ("Mathematics"); list pages: None."""
    items: tuple[PageItem, ...]
    total: int | None
    """"Total of 97 entries" when the page says it."""
    section_totals: dict[Kind, int]
    """M of "(showing N of M entries)" per section present on this page."""
    skip: int
    """The offset of this page's first item (0 on the first page)."""
    links: tuple[str, ...]
    """The hrefs of the page's paging links, as written."""
    days: tuple[tuple[date, tuple[PageItem, ...]], ...] = ()
    """Recent/pastweek pages: each day heading's date with its items (possibly none)."""
    next_day_url: str | None = None
    """Catchup: the "Continue to the next day" link (the next announcement day, page 1)."""


def parse_listing_page(html: bytes | str) -> ListingPage:
    """Read a /list or /catchup page; PageError for arXiv's error pages, NotAListingPage else."""
    from bs4 import BeautifulSoup

    text = html.decode("utf-8", errors="replace") if isinstance(html, bytes) else html
    soup = BeautifulSoup(text, "html.parser")
    dlpage = _tag(soup.find("div", id="dlpage"))
    if dlpage is None:
        raise _not_a_listing(soup)
    page_kind, listing_date, subject = _identify(dlpage, soup)

    sections: list[_Section] = []
    for dl in _tags(dlpage.find_all("dl")):
        section = _read_section(dl, page_kind)
        if section is not None:
            sections.append(section)
    items = tuple(item for s in sections for item in s.items)
    section_totals: dict[Kind, int] = {}
    days: list[tuple[date, tuple[PageItem, ...]]] = []
    for section in sections:
        if section.kind is not None and section.total is not None:
            section_totals[section.kind] = section.total
        if page_kind == "recent" and section.day is not None:
            days.append((section.day, section.items))
    if page_kind == "recent" and listing_date is None and days:
        listing_date = days[0][0]

    if page_kind == "catchup":
        links, next_day_url, current = _catchup_links(dlpage, listing_date)
        span_skip = (current - 1) * CATCHUP_PAGE_SIZE if current else None
    else:
        links, span_skip = _list_links(dlpage)
        next_day_url = None
    # Items are numbered from skip + 1; an empty page can only tell by its paging.
    skip = max(items[0].number - 1, 0) if items else span_skip or 0
    total = _total(dlpage)
    if total and not items and not any(s.items or s.total for s in sections):
        logger.warning("the page says %d entries but shows none this reader can find", total)

    return ListingPage(
        page_kind=page_kind,
        listing_date=listing_date,
        subject=subject,
        items=items,
        total=total,
        section_totals=section_totals,
        skip=skip,
        links=links,
        days=tuple(days),
        next_day_url=next_day_url,
    )


def next_page_url(page: ListingPage) -> str | None:
    """The relative URL of the page after ``page``, from its paging links; None on the last."""
    if page.page_kind == "catchup":
        param, current = "page", page.skip // CATCHUP_PAGE_SIZE + 1
    else:
        param, current = "skip", page.skip
    later: list[tuple[int, str]] = []
    for href in page.links:
        value = _query_int(href, param)
        if value is not None and value > current:
            later.append((value, href))
    if not later:
        return None
    value, href = min(later)
    # Far pages collapse into "…": when the next one is not linked, step from a later link.
    if param == "page":
        wanted = current + 1
    else:
        show = _query_int(href, "show")
        wanted = current + show if show else value
    if value > wanted:
        href = _with_query(href, param, wanted)
    return _relative(href)


# ----------------------------------------------------------------------------------------------
# What page this is


_SHOWING_NEW = re.compile(r"^Showing new listings for\s+(.+)$")
_CATCHUP_H1 = re.compile(r"^Catchup results for\s+(.+?)\s+on\s+(\S+,?\s+\d{1,2}\s+\S+\s+\d{4})$")
_DAY_HEADING = re.compile(
    r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{4})\b"
)
_DATE = re.compile(r"(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\.?,?\s+(\d{4})")
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


def _identify(dlpage: Tag, soup: BeautifulSoup) -> tuple[str, date | None, str | None]:
    """(page_kind, listing_date, subject) from the page's headings, or NotAListingPage."""
    h1 = _tag(dlpage.find("h1"))
    if h1 is not None:
        match = _CATCHUP_H1.match(_text(h1))
        if match:
            return "catchup", _parse_date(match.group(2)), match.group(1)
    for h3 in _tags(dlpage.find_all("h3")):
        match = _SHOWING_NEW.match(_text(h3))
        if match:
            return "new", _parse_date(match.group(1)), None
    h2 = _tag(dlpage.find("h2"))
    if (h2 is not None and "recent submissions" in _text(h2)) or any(
        _DAY_HEADING.match(_text(h3)) for h3 in _tags(dlpage.find_all("h3"))
    ):
        return "recent", None, None
    shown = _text(h2) if h2 is not None else _text(h1) if h1 is not None else _title(soup)
    raise NotAListingPage(f"an arXiv page of a kind this reader does not read: {shown!r}")


def _not_a_listing(soup: BeautifulSoup) -> PageError:
    """The error for HTML without a listing: arXiv's own message when it is an arXiv error page."""
    if soup.find("form", id="catchup-form") is not None:
        return NotAListingPage(
            "arXiv's catchup form, not a catchup listing: ask for /catchup/<subject>/<YYYY-MM-DD>"
        )
    content = _tag(soup.find("div", id="content")) or _tag(soup.find("body")) or soup
    h1 = _tag(content.find("h1"))
    is_arxiv_error = content.find("a", href="mailto:help@arxiv.org") is not None or (
        "cannot process your request" in _text(content)
    )
    if h1 is not None and is_arxiv_error and _text(h1):
        return PageError(_text(h1))
    shown = _title(soup) or (_text(h1) if h1 is not None else "")
    if shown:
        return NotAListingPage(f"not an arXiv listing page: {shown[:120]!r}")
    return NotAListingPage("not an arXiv listing page")


def _title(soup: BeautifulSoup) -> str:
    title = _tag(soup.find("title"))
    return _text(title) if title is not None else ""


def _parse_date(text: str) -> date | None:
    match = _DATE.search(text)
    if match is None:
        return None
    month = _MONTHS.get(match.group(2).lower())
    if month is None:
        return None
    try:
        return date(int(match.group(3)), month, int(match.group(1)))
    except ValueError:
        return None


# ----------------------------------------------------------------------------------------------
# Sections and items


_SECTION_KINDS = (
    ("new submissions", Kind.NEW),
    ("cross submissions", Kind.CROSS),
    ("cross-lists", Kind.CROSS),
    ("replacement submissions", Kind.REPLACE),
    ("replacements", Kind.REPLACE),
)
_SHOWING = re.compile(r"showing\s+(?:(?:first|last)\s+)?(\d+)\s+of\s+(\d+)\s+entries", re.I)
_CROSS_FROM = re.compile(r"\(\s*cross-list\s+from\s+([^\s()]+)\s*\)", re.I)
_REPLACED = re.compile(r"\(\s*replaced\s*\)", re.I)
_ITEM_NUMBER = re.compile(r"\[\s*(\d+)\s*\]")
_CATEGORY_CODE = re.compile(r"\(([A-Za-z][\w.\-]*)\)\s*$")
_WITHDRAWN = re.compile(r"\bwithdrawn\b", re.I)
_TOTAL = re.compile(r"Total of\s+(\d+)\s+entries")


@dataclass(slots=True)
class _Section:
    kind: Kind | None
    day: date | None
    total: int | None
    items: tuple[PageItem, ...] = field(default=())


def _read_section(dl: Tag, page_kind: str) -> _Section | None:
    """One ``<dl>``: its heading (a section of a day's listing, or a day) and its items."""
    heading = _tag(dl.find("h3"))
    if heading is None:  # older pages put the heading just before the <dl>
        heading = _tag(dl.find_previous_sibling("h3"))
    heading_text = _text(heading) if heading is not None else ""
    kind = _section_kind(heading_text)
    day_match = _DAY_HEADING.match(heading_text)
    day = _parse_date(heading_text) if day_match else None
    showing = _SHOWING.search(heading_text)
    shown, total = (int(showing.group(1)), int(showing.group(2))) if showing else (None, None)
    dts = _tags(dl.find_all("dt"))
    if not dts and kind is None and day is None:
        return None

    items: list[PageItem] = []
    for dt in dts:
        try:
            item = _read_item(dt, kind, items[-1].number + 1 if items else 1)
        except _Unreadable as error:
            logger.warning("skipping an entry of %r: %s", heading_text or page_kind, error)
            continue
        items.append(item)
    if shown is not None and len(items) != shown:
        logger.warning(
            "%r claims %d entries on this page, %d of %d read",
            heading_text,
            shown,
            len(items),
            len(dts),
        )
    elif len(items) < len(dts):
        logger.warning(
            "%d of %d entries of %r unreadable",
            len(dts) - len(items),
            len(dts),
            heading_text or page_kind,
        )
    return _Section(kind=kind, day=day, total=total, items=tuple(items))


def _section_kind(heading: str) -> Kind | None:
    lowered = heading.lower()
    for prefix, kind in _SECTION_KINDS:
        if lowered.startswith(prefix):
            return kind
    return None


class _Unreadable(Exception):
    pass


def _read_item(dt: Tag, section_kind: Kind | None, default_number: int) -> PageItem:
    # Plain walks over children rather than find()/find_all(): those build a filter per call,
    # which costs more than the walk on a 2000-entry page.
    anchors = [a for a in _descendants(dt) if a.name == "a"]
    paper_id = _item_id(dt, anchors)
    number = _item_number(dt, anchors, default_number)
    marker = dt.get_text(" ")
    cross = _CROSS_FROM.search(marker)
    cross_from = cross.group(1) if cross else None
    if section_kind is not None:
        kind = section_kind
    elif cross_from is not None:
        kind = Kind.CROSS
    elif _REPLACED.search(marker):
        kind = Kind.REPLACE
    else:
        kind = Kind.NEW

    fields: dict[str, Tag] = {}
    abstract: str | None = None
    dd = _next_entry_tag(dt)
    if dd is not None and dd.name == "dd":
        meta = next((c for c in _children(dd) if c.name == "div" and _has_class(c, "meta")), dd)
        for child in _children(meta):
            if child.name == "p":  # the abstract, <p class='mathjax'>, on pages that show it
                abstract = abstract or _text(child) or None
            elif child.name == "div":
                for name in _classes(child):
                    fields.setdefault(name, child)
    else:
        logger.warning("entry %s has no <dd>: only its id is known", paper_id)

    title = _described(fields.get("list-title"))
    if not title:
        logger.warning("entry %s has no title", paper_id)
    comments = _described(fields.get("list-comments")) or None
    return PageItem(
        id=paper_id,
        kind=kind,
        title=title,
        authors=_authors(fields.get("list-authors")),
        categories=_categories(fields.get("list-subjects")),
        comments=comments,
        journal_ref=_described(fields.get("list-journal-ref")) or None,
        abstract=abstract,
        cross_from=cross_from,
        withdrawn=bool(comments and _WITHDRAWN.search(comments)),
        number=number,
    )


def _item_id(dt: Tag, anchors: list[Tag]) -> str:
    """The id from the ``title="Abstract"`` link (its href, id or text), else any /abs/ link."""
    candidates: list[str] = []
    link = next((a for a in anchors if _attr(a, "title") == "Abstract"), None)
    if link is not None:
        candidates += [_abs_path(_attr(link, "href")), _attr(link, "id")]
        candidates.append(_text(link).removeprefix("arXiv:"))
    candidates += [_abs_path(_attr(a, "href")) for a in anchors if a is not link]
    for candidate in candidates:
        if not candidate.strip():
            continue
        try:
            return split_id(candidate.strip())[0]
        except ValueError:
            continue
    raise _Unreadable(f"no arXiv id in {one_line(dt.get_text(' '))[:80]!r}")


def _abs_path(href: str) -> str:
    return href.split("/abs/", 1)[1] if "/abs/" in href else ""


def _item_number(dt: Tag, anchors: list[Tag], default: int) -> int:
    for anchor in anchors:
        name = _attr(anchor, "name")
        if name.startswith("item") and name[4:].isdigit():
            return int(name[4:])
    match = _ITEM_NUMBER.search(dt.get_text(" "))
    return int(match.group(1)) if match else default


def _described(div: Tag | None) -> str:
    """A ``div.list-*``'s text without its ``<span class='descriptor'>Title:</span>``."""
    if div is None:
        return ""
    from bs4.element import NavigableString, PreformattedString, Tag

    parts: list[str] = []
    for child in div.children:
        if isinstance(child, Tag):
            if not _has_class(child, "descriptor"):
                parts.append(child.get_text(" "))
        elif isinstance(child, NavigableString) and not isinstance(child, PreformattedString):
            parts.append(str(child))  # text, not a comment
    return one_line(" ".join(parts))


def _authors(div: Tag | None) -> tuple[str, ...]:
    if div is None:
        return ()
    names = [_text(a) for a in _descendants(div) if a.name == "a"]
    if not names:  # no author links: "A. One, B. Two"
        text = _described(div)
        if text.startswith("(") and text.endswith(")"):  # "(author list is unavailable)"
            return ()
        names = text.split(",")
    cleaned = (one_line(name).removeprefix("and ").strip() for name in names)
    return tuple(name for name in cleaned if name)


def _categories(div: Tag | None) -> tuple[str, ...]:
    """Codes from "Combinatorics (math.CO); Mathematical Physics (math-ph)", primary first."""
    if div is None:
        return ()
    codes: list[str] = []
    primary = next((c for c in _descendants(div) if _has_class(c, "primary-subject")), None)
    if primary is not None:
        match = _CATEGORY_CODE.search(_text(primary))
        if match:
            codes.append(match.group(1))
    for part in _described(div).split(";"):
        match = _CATEGORY_CODE.search(part.strip())
        if match and match.group(1) not in codes:
            codes.append(match.group(1))
    return tuple(codes)


# ----------------------------------------------------------------------------------------------
# Totals and paging


def _total(dlpage: Tag) -> int | None:
    string = dlpage.find(string=_TOTAL)
    match = _TOTAL.search(str(string)) if string is not None else None
    return int(match.group(1)) if match else None


def _list_links(dlpage: Tag) -> tuple[tuple[str, ...], int | None]:
    """The hrefs in ``div.paging`` (once each) and the skip its current-page span gives."""
    links: dict[str, None] = {}
    span_skip: int | None = None
    pagings = _tags(dlpage.find_all("div", class_="paging", recursive=False)) or _tags(
        dlpage.find_all("div", class_="paging")
    )
    for paging in pagings:
        for anchor in _tags(paging.find_all("a", href=True)):
            links.setdefault(_attr(anchor, "href"), None)
        for span in _tags(paging.find_all("span")):
            first, dash, _last = _text(span).partition("-")
            if span_skip is None and dash and first.isdigit():
                span_skip = int(first) - 1
    return tuple(links), span_skip


def _catchup_links(
    dlpage: Tag, listing_date: date | None
) -> tuple[tuple[str, ...], str | None, int | None]:
    """Catchup paging hrefs (same day, ``page=``), the next-day link, and the current page."""
    links: dict[str, None] = {}
    next_day: str | None = None
    current: int | None = None
    day = listing_date.isoformat() if listing_date else None
    outside_entries = [c for c in _children(dlpage) if c.name != "dl"]  # skip author links
    anchors = [a for c in outside_entries for a in _tags(c.find_all("a", href=True))]
    for anchor in anchors:
        href = _attr(anchor, "href")
        parts = urlsplit(href)
        path = parts.path
        if "/catchup/" not in path or parts.fragment:  # "#item…": the index of sections
            continue
        link_day = path.rstrip("/").rsplit("/", 1)[-1]
        same_day = link_day == day if day else not _text(anchor).lower().startswith("continue")
        if same_day and _query_int(href, "page") is not None:
            links.setdefault(href, None)
            parent = anchor.parent
            if current is None and parent is not None:
                for span in _tags(parent.find_all("span", recursive=False)):
                    if _text(span).isdigit():
                        current = int(_text(span))
                        break
        elif not same_day and next_day is None:
            next_day = href
    return tuple(links), next_day, current


def _query_int(href: str, name: str) -> int | None:
    for key, value in parse_qsl(urlsplit(href).query):
        if key == name and value.isdigit():
            return int(value)
    return None


def _with_query(href: str, name: str, value: int) -> str:
    parts = urlsplit(href)
    query = [(k, str(value) if k == name else v) for k, v in parse_qsl(parts.query)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _relative(href: str) -> str:
    parts = urlsplit(href)
    return urlunsplit(("", "", parts.path, parts.query, ""))


# ----------------------------------------------------------------------------------------------
# bs4 helpers: typed access


def _tag(node: object) -> Tag | None:
    from bs4 import Tag

    return node if isinstance(node, Tag) else None


def _tags(nodes: object) -> list[Tag]:
    from bs4 import Tag

    return [node for node in nodes if isinstance(node, Tag)] if isinstance(nodes, list) else []


def _children(tag: Tag) -> Iterator[Tag]:
    from bs4 import Tag

    return (child for child in tag.children if isinstance(child, Tag))


def _descendants(tag: Tag) -> Iterator[Tag]:
    from bs4 import Tag

    return (node for node in tag.descendants if isinstance(node, Tag))


def _next_entry_tag(dt: Tag) -> Tag | None:
    """The ``<dd>`` after ``dt``, or the next ``<dt>`` when the entry has none."""
    from bs4 import Tag

    for sibling in dt.next_siblings:
        if isinstance(sibling, Tag) and sibling.name in ("dd", "dt"):
            return sibling
    return None


def _has_class(tag: Tag, name: str) -> bool:
    return name in _classes(tag)


def _attr(tag: Tag, name: str) -> str:
    value = tag.get(name)
    if value is None:
        return ""
    return value if isinstance(value, str) else " ".join(value)


def _classes(tag: Tag) -> list[str]:
    value = tag.get("class")
    if value is None:
        return []
    return value.split() if isinstance(value, str) else list(value)


def _text(tag: Tag | BeautifulSoup) -> str:
    return one_line(tag.get_text(" "))
