"""Listing days exactly as arXiv announced them, from arXiv's own pages.

arXiv's ``/catchup/<subject>/<YYYY-MM-DD>`` page is its own table of one mailing (new, cross-lists,
replacements), kept for 90 days; ``/list/<subject>/new`` is the newest mailing. Both say which
papers were announced and how, but not versions or submission times: those come from the API by
``id_list`` (``enrich``), when it answers.

One subject is asked per archive that holds followed categories: the category itself when only
one of the archive's categories is followed (a smaller page), else the whole archive. Pages are
asked for politely: arXiv's crawl delay is 15 s between page requests
(``ARXIV_DAILY_WEB_MIN_INTERVAL``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from urllib.parse import urljoin

from tui.adapters.sources.listing_pages import (
    ListingPage,
    NotAListingPage,
    PageError,
    PageItem,
    next_page_url,
    parse_listing_page,
)
from tui.adapters.sources.settings import web_url
from tui.adapters.sources.web import (
    FetchError,
    FetchProgress,
    PoliteClient,
    ProgressCallback,
    WebAnswer,
    WebPolicy,
)
from tui.core.calendar import Listing
from tui.core.paper import Kind, Paper, announced_kind, id_month, listing_order

logger = logging.getLogger(__name__)

MAX_PAGES = 50
"""Pages of one listing followed at most (a 2,000-entry page each: far beyond any mailing)."""
LIST_PAGE_SIZE = 2000
"""The largest ``show`` arXiv's list pages take."""


def archive_of(category: str) -> str:
    """``cs.LG`` -> ``cs``; ``astro-ph.CO`` -> ``astro-ph``; ``hep-th`` -> ``hep-th``."""
    return category.split(".", 1)[0]


def subjects_for(categories: Iterable[str]) -> tuple[str, ...]:
    """The page subjects that show every announcement of ``categories``: an archive when all of
    its categories are followed, else each followed category.

    An archive's page leaves out "intra-archive crosses" (arxiv-browse: a cross-list event of a
    paper whose primary category is in the archive is no-match there): a cs.CV paper newly
    cross-listed to cs.LG is on the cs.LG page only. So the archive's page covers a followed set
    only when the set is the whole archive.
    """
    from tui.core.taxonomy import CATEGORIES

    wanted = list(dict.fromkeys(categories))
    by_archive: dict[str, list[str]] = {}
    for category in wanted:
        by_archive.setdefault(archive_of(category), []).append(category)
    subjects: list[str] = []
    for archive, members in by_archive.items():
        whole = {c for c in CATEGORIES if archive_of(c) == archive}
        if len(members) > 1 and whole and whole <= set(members):
            subjects.append(archive)
        else:
            subjects.extend(members)
    return tuple(subjects)


def kinds_for(papers: Iterable[Paper], categories: Sequence[str]) -> list[Paper]:
    """The papers carrying a followed category, one per id, in arXiv's order (new, cross-lists,
    replacements, each by id), each with its kind for the followed set (``announced_kind``): a
    paper new in stat.ML is a cross-list on the cs.LG page and new for {cs.LG, stat.ML}; an
    older paper newly cross-listed stays a cross-list even when its primary is followed.
    """
    followed = set(categories)
    seen: dict[str, list[Paper]] = {}
    for paper in papers:
        if not followed.isdisjoint(paper.categories):
            seen.setdefault(paper.id, []).append(paper)
    chosen = []
    for versions in seen.values():
        paper = max(versions, key=lambda p: p.version)
        kind = announced_kind((p.kind for p in versions), paper.primary_category in followed)
        chosen.append(paper if kind is paper.kind else paper.with_kind(kind))
    return sorted(chosen, key=listing_order)


def paper_from_item(item: PageItem, listing: Listing) -> Paper:
    """A Paper from a page item, before the API fills in versions and times.

    Times are placeholders inside what the page proves: a new paper was submitted within the
    window (its start is used); a replacement's first version is older (the first of the month
    its id was issued in, kept before the window) and its new version within the window.
    """
    start = listing.window_start
    if item.kind is Kind.REPLACE:
        first = id_month(item.id) or start - timedelta(days=1)
        published, updated, version = min(first, start - timedelta(seconds=1)), start, 2
    else:
        published = updated = start
        version = 1
    return Paper(
        id=item.id,
        version=version,
        title=item.title,
        authors=item.authors,
        abstract=item.abstract or "",
        categories=item.categories,
        published=published,
        updated=updated,
        kind=item.kind,
        comment=item.comments,
        journal_ref=item.journal_ref,
    )


def enrich(papers: Sequence[Paper], known: dict[str, Paper]) -> list[Paper]:
    """``papers`` as announced (from a page or the RSS) with the API's record of each.

    The announcement's kind stays. The API gives the version, both submission times, the full
    author list, comment, doi and journal ref (the announcement's fill in where it has none, and
    its affiliations where the API has none for the same authors). A paper revised since the
    listing shows as it is now (the API has only the newest version, as arXiv's own pages do);
    if the API's record is older than the version announced (a stale answer), the announced
    version is kept with the API's first-submission time and comment. Papers the API does not
    know stay as announced.
    """
    merged: list[Paper] = []
    for paper in papers:
        api = known.get(paper.id)
        if api is None:
            merged.append(paper)
        elif paper.version > api.version:
            merged.append(
                replace(
                    paper,
                    published=api.published,
                    comment=paper.comment or api.comment,
                    doi=paper.doi or api.doi,
                    journal_ref=paper.journal_ref or api.journal_ref,
                )
            )
        else:
            affiliations = api.affiliations
            if not any(affiliations) and len(paper.authors) == len(api.authors):
                affiliations = paper.affiliations
            merged.append(
                replace(
                    api,
                    kind=paper.kind,
                    abstract=api.abstract or paper.abstract,
                    comment=api.comment or paper.comment,
                    doi=api.doi or paper.doi,
                    journal_ref=api.journal_ref or paper.journal_ref,
                    affiliations=affiliations,
                )
            )
    return merged


class OtherListing(FetchError):
    """arXiv's page shows another listing than the one asked for."""

    def __init__(self, shown: date, wanted: date) -> None:
        super().__init__(
            f"arXiv's page shows the listing of {shown.isoformat()}, not {wanted.isoformat()}"
        )
        self.shown = shown
        self.wanted = wanted


@dataclass(frozen=True)
class PagesDay:
    """What arXiv's pages gave for one listing."""

    listing_date: date
    papers: tuple[Paper, ...]
    requests: int


class WebListings:
    """arXiv's /list/…/new and /catchup/… pages for the followed categories."""

    def __init__(self, base_url: str | None = None, policy: WebPolicy | None = None) -> None:
        self.base_url = (base_url or web_url()).rstrip("/")
        self.client = PoliteClient(
            "arXiv's listing pages", policy or WebPolicy.from_env("WEB", 15.0)
        )

    def catchup(
        self,
        listing: Listing,
        categories: Sequence[str],
        *,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        on_subject: Callable[[list[Paper]], None] | None = None,
    ) -> PagesDay:
        """The mailing ``listing`` from arXiv's catchup pages (exact; up to 90 days back).

        ``on_subject`` hears the papers read so far after each subject but the last."""
        day = listing.date.isoformat()
        pages = [f"/catchup/{subject}/{day}?abs=True" for subject in subjects_for(categories)]
        return self._collect(
            pages, listing, categories, progress, cancel, on_subject, expect=listing.date
        )

    def newest(
        self,
        listing: Listing,
        categories: Sequence[str],
        *,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        on_subject: Callable[[list[Paper]], None] | None = None,
    ) -> PagesDay:
        """The newest mailing from arXiv's /list/<subject>/new pages (OtherListing if the pages
        show another date than ``listing``'s)."""
        pages = [
            f"/list/{subject}/new?skip=0&show={LIST_PAGE_SIZE}"
            for subject in subjects_for(categories)
        ]
        return self._collect(
            pages, listing, categories, progress, cancel, on_subject, expect=listing.date
        )

    def _collect(
        self,
        first_pages: list[str],
        listing: Listing,
        categories: Sequence[str],
        progress: ProgressCallback | None,
        cancel: threading.Event | None,
        on_subject: Callable[[list[Paper]], None] | None,
        *,
        expect: date,
    ) -> PagesDay:
        papers: list[Paper] = []
        made = 0
        report: Callable[[str], None] = (
            (lambda message: progress(FetchProgress(made, len(papers), len(papers), message)))
            if progress is not None
            else (lambda message: None)
        )
        for first in first_pages:
            url: str | None = self.base_url + first
            seen = 0
            ids: set[str] = set()
            while url is not None:
                if seen >= MAX_PAGES:
                    raise FetchError(f"arXiv's pages for {first} go on past {MAX_PAGES} pages")
                page = self._page(url, cancel, progress)
                made += 1
                seen += 1
                if page.listing_date != expect:
                    assert page.listing_date is not None
                    raise OtherListing(page.listing_date, expect)
                fresh = [item for item in page.items if item.id not in ids]
                if page.items and not fresh:
                    raise FetchError(f"arXiv's pages for {first} repeat themselves")
                ids.update(item.id for item in fresh)
                papers.extend(paper_from_item(item, listing) for item in fresh)
                report(f"read {len(papers):,} papers from arXiv's pages")
                following = next_page_url(page)
                url = urljoin(url, following) if following else None
            if on_subject is not None and first is not first_pages[-1]:
                on_subject(kinds_for(papers, categories))
        return PagesDay(expect, tuple(kinds_for(papers, categories)), made)

    def _page(
        self, url: str, cancel: threading.Event | None, progress: ProgressCallback | None
    ) -> ListingPage:
        answer = self.client.get(url, cancel=cancel, accept=_html_answer, progress=progress)
        status = "" if answer.status == 200 else f" (HTTP {answer.status})"
        try:
            page = parse_listing_page(answer.body)
        except NotAListingPage as error:
            raise FetchError(f"arXiv's listing pages sent a page{status} that is {error}") from None
        except PageError as error:
            raise FetchError(f"arXiv's listing pages refused: {error}{status}") from None
        if page.listing_date is None:
            raise FetchError(f"arXiv's listing page names no date{status}")
        return page


def _html_answer(answer: WebAnswer) -> bool:
    return answer.status < 500 and answer.status not in (408, 429)
