"""The newest listing exactly as announced, from arXiv's daily RSS (rss.arxiv.org).

The API only knows submission times, so a day built from it guesses which papers were announced
(held-back papers come a day late, kinds follow from timestamps). The RSS lists the newest
announcement as it was made: each item says whether it is new, a cross-list or a replacement.
It has no timestamps and no comments: the API's records of its papers fill them in
(``announced.enrich``).

What the RSS carries and how it maps:

- The channel's ``pubDate`` (``Thu, 28 Nov 2024 00:00:00 -0500``) is midnight US-Eastern of the
  date arXiv's /new page gives the listing: that date, as written, is the listing day. Without
  it, the newest listing at ``lastBuildDate`` (``listing.latest_listing_day``).
- ``arxiv:announce_type``: new, cross, replace; replace-cross counts as replace.
- ``dc:creator``: ``Name (Affiliation), Name, …`` with TeX accents (``Pawe{\\l}``); names are
  converted to Unicode, affiliations kept apart in ``Paper.affiliations``.
- Timestamps: a first version (new, or cross-listed v1) gets ``published = updated =`` the start
  of the listing's submission window, the earliest moment it can have been submitted. A later
  version gets ``updated =`` that start and ``published =`` the first day of the month in its id
  (when arXiv numbered it), kept before the window. The API's records replace both.
- An error answer (unknown archive) is an RSS feed whose title starts "Feed error": RssError
  with arXiv's message. A feed without items is returned as no papers by ``parse_rss``;
  ``fetch_rss`` raises for it, because an empty weekday listing means the feed failed (like the
  API's empty first page), and the caller keeps the API's day.
"""

from __future__ import annotations

import logging
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime

from tui.adapters.sources.web import xml_controls_dropped
from tui.core.listing import is_listing_day, latest_listing_day, listing_window
from tui.core.paper import Kind, Paper, id_month, one_line, split_id

logger = logging.getLogger(__name__)

RSS_URL = "https://rss.arxiv.org/rss/{categories}"
_ARXIV = "{http://arxiv.org/schemas/atom}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_KINDS = {
    "new": Kind.NEW,
    "cross": Kind.CROSS,
    "replace": Kind.REPLACE,
    "replace-cross": Kind.REPLACE,
}
_HEADER = re.compile(
    r"^\s*arXiv:(?P<id>\S+?)(?:v(?P<version>\d+))?\s+Announce Type:\s*(?P<kind>[\w-]+)\s*"
)
_ABSTRACT = re.compile(r"^\s*Abstract:\s*")


class RssError(Exception):
    """arXiv's RSS gave no usable listing; the message is one line for the user."""


# ---------------------------------------------------------------- the URL and the request


def rss_url(categories: Sequence[str]) -> str:
    """The RSS address for ``categories`` (joined by "+"): ARXIV_DAILY_RSS_URL or arXiv's."""
    if not categories:
        raise RssError("no categories to ask arXiv's RSS for")
    template = os.environ.get("ARXIV_DAILY_RSS_URL", "").strip() or RSS_URL
    if "{categories}" not in template:
        raise RssError(f"ARXIV_DAILY_RSS_URL has no {{categories}} placeholder: {template!r}")
    return template.replace("{categories}", "+".join(c.strip() for c in categories))


def fetch_rss(
    categories: Sequence[str], *, timeout: float = 30.0, deadline: float | None = None
) -> tuple[date | None, list[Paper]]:
    """The newest listing of ``categories`` from the RSS: one GET (within ``timeout`` between
    bytes and ``deadline`` in all, so a trickling server cannot hold the day); RssError unless
    it has papers."""
    from tui.adapters.sources.web import DEADLINE, FetchError, PoliteClient, WebPolicy

    url = rss_url(categories)
    client = PoliteClient(
        "arXiv's RSS",
        WebPolicy(
            min_interval=0.0,
            timeout=timeout,
            deadline=DEADLINE if deadline is None else deadline,
            attempts=1,
        ),
    )
    try:
        answer = client.get(url, accept=lambda answer: True)
    except FetchError as error:
        raise RssError(str(error).removesuffix("; try again later")) from None
    finally:
        client.close()
    if answer.status != 200:
        raise RssError(f"arXiv's RSS answered HTTP {answer.status}")
    day, papers = parse_rss(answer.body, categories)
    if not papers:
        dated = f" dated {day.isoformat()}" if day else ""
        raise RssError(f"arXiv's RSS listing{dated} has no papers for {'+'.join(categories)}")
    return day, papers


# ---------------------------------------------------------------- the feed


def parse_rss(content: bytes, followed: Sequence[str]) -> tuple[date | None, list[Paper]]:
    """The listing date and papers of one RSS answer; RssError if it is not a listing.

    Only papers carrying a ``followed`` category (or a category of a followed archive, "cs"
    covers "cs.LG") are kept; none followed keeps all. A new paper whose primary category is not
    followed is a cross-list for the followed set.
    """
    channel = _channel(xml_controls_dropped(content))
    title = one_line(channel.findtext("title"))
    if title.lower().startswith("feed error"):
        message = one_line(channel.findtext("description")) or title
        raise RssError(f"arXiv's RSS refused the request: {message}")
    day = _listing_day(channel)
    window_start = listing_window(day)[0] if day else None
    follows = _Followed(followed)
    papers: dict[str, Paper] = {}
    for item in channel.iterfind("item"):
        try:
            paper = _paper(item, window_start)
        except ValueError as error:
            logger.warning("skipping an RSS item: %s", error)
            continue
        if not follows.any(paper.categories):
            continue
        if paper.kind is Kind.NEW and not follows.covers(paper.primary_category):
            paper = paper.with_kind(Kind.CROSS)
        held = papers.get(paper.id)
        if held is None or paper.version > held.version:
            papers[paper.id] = paper
    return day, list(papers.values())


def _channel(content: bytes) -> ET.Element:
    try:
        root = ET.fromstring(content)
    except ET.ParseError as error:
        excerpt = one_line(re.sub(rb"<[^>]*>", b" ", content[:2000]).decode("utf-8", "replace"))
        detail = f": {excerpt[:80]!r}" if excerpt else " (empty answer)"
        raise RssError(f"arXiv's RSS answer is not a feed ({error.msg}){detail}") from None
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise RssError(f"arXiv's RSS answer is not an RSS feed (root element {root.tag!r})")
    return channel


def _rfc822(text: str | None) -> datetime | None:
    if not text or not text.strip():
        return None
    try:
        moment = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _listing_day(channel: ET.Element) -> date | None:
    labelled = _rfc822(channel.findtext("pubDate")) or _rfc822(channel.findtext("item/pubDate"))
    if labelled is not None:
        day = labelled.date()  # the date as written: midnight US-Eastern of the listing day
        return day if is_listing_day(day) else latest_listing_day(labelled)
    built = _rfc822(channel.findtext("lastBuildDate"))
    return latest_listing_day(built) if built else None


class _Followed:
    def __init__(self, followed: Sequence[str]) -> None:
        self.exact = frozenset(c.strip() for c in followed if c.strip())
        self.archives = frozenset(c for c in self.exact if "." not in c)

    def covers(self, category: str) -> bool:
        if not self.exact or category in self.exact:
            return True
        return category.split(".", 1)[0] in self.archives

    def any(self, categories: Sequence[str]) -> bool:
        return any(self.covers(c) for c in categories)


def _paper(item: ET.Element, window_start: datetime | None) -> Paper:
    description = item.findtext("description") or ""
    header = _HEADER.match(description)
    link = one_line(item.findtext("link"))
    if header:
        paper_id, version = split_id(header.group("id") + "v" + (header.group("version") or "1"))
        abstract = _ABSTRACT.sub("", description[header.end() :], count=1)
    else:
        paper_id, version = split_id(link or one_line(item.findtext("guid")).split(":")[-1])
        abstract = description
    announced = one_line(item.findtext(f"{_ARXIV}announce_type")) or (
        header.group("kind") if header else ""
    )
    version = version or 1
    kind = _KINDS.get(announced.lower())
    if kind is None:
        kind = Kind.NEW if version == 1 else Kind.REPLACE
    authors, affiliations = split_creators(item.findtext(f"{_DC}creator") or "")
    categories = tuple(
        dict.fromkeys(c for e in item.iterfind("category") if (c := one_line(e.text)))
    )
    published, updated = _timestamps(paper_id, version, window_start)
    return Paper(
        id=paper_id,
        version=version,
        title=one_line(item.findtext("title")),
        authors=authors,
        abstract=one_line(abstract),
        categories=categories,
        published=published,
        updated=updated,
        kind=kind,
        journal_ref=one_line(item.findtext(f"{_ARXIV}journal_reference")) or None,
        doi=one_line(item.findtext(f"{_ARXIV}DOI")) or None,
        affiliations=affiliations if any(affiliations) else (),
    )


def _timestamps(
    paper_id: str, version: int, window_start: datetime | None
) -> tuple[datetime, datetime]:
    first = id_month(paper_id)
    if window_start is None:
        moment = first or datetime(1991, 8, 1, tzinfo=UTC)
        return moment, moment
    if version == 1 or first is None:
        return window_start, window_start
    return min(first, window_start - timedelta(seconds=1)), window_start


def split_creators(creators: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Names (Unicode) and per-name affiliations from a ``dc:creator`` line.

    >>> split_creators("Pawe{\\\\l} Niedbalski (IFPEN), Jos\\\\'e Piqueira")
    (('Paweł Niedbalski', 'José Piqueira'), (('IFPEN',), ()))

    The same reading as OAI-PMH's raw author lists (``oai.split_authors``).
    """
    from tui.adapters.sources.oai import split_authors

    return split_authors(creators)
